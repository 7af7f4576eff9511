"""Paper 002's LeNet: the control model of its Table 1 and every axis of its Appendix grid.

Control (paper 002 §5.1, Table 1): conv 32 5x5 -> max-pool 2x2 -> conv 64 5x5 -> max-pool 2x2 ->
dense 500 -> logits; ReLU, stride (1,1), Glorot-uniform kernels, zero biases, no dropout, no
regularizers. §5.3.2: valid padding as in Carlini & Wagner's code the paper adapts.

Appendix grid (one axis varied at a time): activation {relu, sigmoid, linear, tanh} (+ elu here);
input/dense dropout 0.1-0.5; kernel 2..6; pool 2..6; stride 1..2; kernel initializer {orthogonal,
truncated normal, random uniform, glorot uniform}; bias initializer {random uniform, truncated normal,
zeros}; hidden units 100..500; dense layers 1..5; filters 32/64 .. 512/1024; kernel and activity
regularizers {L1, L2, L1+L2}.

Padding rule: with `padding="auto"` (default) the layers use 'valid' padding unless that would leave
an empty feature map (e.g. a 6x6 pool after two 5x5 convs on 28x28, or stride 2 with 5x5 convs); then
the convolutions and pools all use 'same'. `lenet_padding(config, input_shape)` says which was used.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Optional, Sequence

import keras

from adv_tf.errors import AdvTfError
from adv_tf.models.registry import MODELS
from adv_tf.utils.config import check_fields

ACTIVATIONS = ("relu", "sigmoid", "linear", "tanh", "elu")
KERNEL_INITIALIZERS = ("glorot_uniform", "orthogonal", "truncated_normal", "random_uniform")
BIAS_INITIALIZERS = ("zeros", "random_uniform", "truncated_normal")
REGULARIZERS = (None, "l1", "l2", "l1_l2")
PADDINGS = ("auto", "valid", "same")


@dataclasses.dataclass(frozen=True)
class LeNetConfig:
  """Paper 002 LeNet hyperparameters; defaults are its Table 1 control model.

  Attributes:
    activation: unit of conv and hidden dense layers (Appendix: relu, sigmoid, linear, tanh; elu extra).
    input_dropout: dropout rate applied to the input image (Appendix 0.1..0.5; Table 1: 0).
    dense_dropout: dropout rate after each hidden dense layer (Appendix 0.1..0.5; Table 1: 0).
    kernel_size: square convolution kernel (Appendix 2..6; Table 1: 5).
    pool_size: square max-pool window, stride equal to the window (Appendix 2..6; Table 1: 2).
    stride: convolution stride (Appendix (1,1)/(2,2); Table 1: 1).
    kernel_initializer: Keras initializer name for conv/dense kernels (Appendix; Table 1 glorot_uniform).
    bias_initializer: Keras initializer name for biases (Appendix; Table 1 zeros).
    hidden_units: units of each hidden dense layer (Appendix 100..500; Table 1: 500).
    dense_layers: number of hidden dense layers before the logits (Appendix 1..5; Table 1: 1).
    filters: filters of the first and second convolution (Appendix 32/64 .. 512/1024).
    kernel_regularizer: None, 'l1', 'l2' or 'l1_l2' on every conv/dense kernel (logits included).
    activity_regularizer: None, 'l1', 'l2' or 'l1_l2' on the outputs of conv and hidden dense layers.
    regularizer_strength: the factor of the L1/L2 regularizers (L1+L2 uses it for both). The paper
      gives none. Default 1e-4, our choice, measured with paper 002's quick LeNet recipe on full
      MNIST: kernel L1 at 1e-4 reaches 98% in 1 epoch as the paper's kernel-regularized models did
      (its §6.1 Table 3 reports them); at 1e-3 it stalls near 96.8% after 3 epochs, and at 0.01
      (the Keras 'l1' string default) training collapses to 11.35%. Activity L1 at 1e-4 reaches 98%
      in 1.7 epochs; paper 002 §6.1 reports that "significant values" of activity regularization never
      reached 98%, i.e. larger factors.
    padding: 'auto' (valid unless the map would vanish, then same), 'valid' or 'same'.
  """
  activation: str = "relu"
  input_dropout: float = 0.0
  dense_dropout: float = 0.0
  kernel_size: int = 5
  pool_size: int = 2
  stride: int = 1
  kernel_initializer: str = "glorot_uniform"
  bias_initializer: str = "zeros"
  hidden_units: int = 500
  dense_layers: int = 1
  filters: tuple[int, int] = (32, 64)
  kernel_regularizer: Optional[str] = None
  activity_regularizer: Optional[str] = None
  regularizer_strength: float = 1e-4
  padding: str = "auto"

  def __post_init__(self):
    _choice("activation", self.activation, ACTIVATIONS)
    _choice("kernel_initializer", self.kernel_initializer, KERNEL_INITIALIZERS)
    _choice("bias_initializer", self.bias_initializer, BIAS_INITIALIZERS)
    _choice("kernel_regularizer", self.kernel_regularizer, REGULARIZERS)
    _choice("activity_regularizer", self.activity_regularizer, REGULARIZERS)
    _choice("padding", self.padding, PADDINGS)
    for name in ("input_dropout", "dense_dropout"):
      value = getattr(self, name)
      if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise AdvTfError(f"LeNetConfig.{name} must be a rate in [0, 1), got {value!r}")
    for name in ("kernel_size", "pool_size", "stride", "hidden_units", "dense_layers"):
      value = getattr(self, name)
      if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise AdvTfError(f"LeNetConfig.{name} must be a positive integer, got {value!r}")
    filters = self.filters
    if (not isinstance(filters, (tuple, list)) or len(filters) != 2
        or not all(isinstance(f, int) and not isinstance(f, bool) and f >= 1 for f in filters)):
      raise AdvTfError(f"LeNetConfig.filters must be two positive integers like (32, 64), got {filters!r}")
    object.__setattr__(self, "filters", tuple(filters))
    strength = self.regularizer_strength
    if isinstance(strength, bool) or not isinstance(strength, (int, float)) or strength < 0:
      raise AdvTfError(f"LeNetConfig.regularizer_strength must be >= 0, got {strength!r}")

  def to_dict(self) -> dict[str, Any]:
    """JSON-ready fields (filters as a list)."""
    d = dataclasses.asdict(self)
    d["filters"] = list(self.filters)
    return d


def _choice(name: str, value: Any, allowed: Sequence[Any]) -> None:
  if value not in allowed:
    shown = ", ".join("None" if a is None else repr(a) for a in allowed)
    raise AdvTfError(f"LeNetConfig.{name}={value!r} is not supported; choose one of: {shown}")


def _map_sizes(config: LeNetConfig, size: int, padding: str) -> list[int]:
  sizes = []
  for _ in range(2):
    if padding == "valid":
      size = (size - config.kernel_size) // config.stride + 1 if size >= config.kernel_size else 0
      sizes.append(size)
      size = size // config.pool_size
    else:
      size = -(-size // config.stride)
      sizes.append(size)
      size = -(-size // config.pool_size)
    sizes.append(size)
  return sizes


def lenet_padding(config: LeNetConfig, input_shape: Sequence[int]) -> str:
  """The padding ('valid' or 'same') LeNet uses for `config` on `input_shape` (see module docstring).

  Raises:
    AdvTfError: padding='valid' was forced but would leave an empty feature map.
  """
  h, w = int(input_shape[0]), int(input_shape[1])
  valid_ok = min(_map_sizes(config, h, "valid") + _map_sizes(config, w, "valid")) >= 1
  if config.padding == "same":
    return "same"
  if config.padding == "valid":
    if not valid_ok:
      raise AdvTfError(f"LeNet with kernel {config.kernel_size}, stride {config.stride}, pool "
                       f"{config.pool_size} leaves no feature map on {h}x{w} with valid padding; "
                       "use padding='auto' or 'same'")
    return "valid"
  return "valid" if valid_ok else "same"


def _regularizer(kind: Optional[str], strength: float):
  if kind is None:
    return None
  if kind == "l1_l2":
    return keras.regularizers.L1L2(l1=strength, l2=strength)
  return {"l1": keras.regularizers.L1, "l2": keras.regularizers.L2}[kind](strength)


@MODELS.register("lenet")
def build_lenet(input_shape: Sequence[int], num_classes: int, config: Optional[LeNetConfig] = None,
                **fields: Any) -> keras.Model:
  """Paper 002 LeNet; pass `config=LeNetConfig(...)` or LeNetConfig fields as keywords (not both)."""
  if config is not None and fields:
    raise AdvTfError("pass either config=LeNetConfig(...) or LeNetConfig fields, not both")
  if config is None:
    check_fields(LeNetConfig, fields)
    config = LeNetConfig(**fields)
  elif not isinstance(config, LeNetConfig):
    raise AdvTfError(f"config must be a LeNetConfig, got {type(config).__name__}")
  padding = lenet_padding(config, input_shape)
  common = dict(
      kernel_initializer=config.kernel_initializer,
      bias_initializer=config.bias_initializer,
      kernel_regularizer=_regularizer(config.kernel_regularizer, config.regularizer_strength),
  )
  activity = lambda: _regularizer(config.activity_regularizer, config.regularizer_strength)  # noqa: E731
  inputs = keras.Input(tuple(input_shape))
  x = inputs
  if config.input_dropout > 0:
    x = keras.layers.Dropout(config.input_dropout, name="input_dropout")(x)
  for i, filters in enumerate(config.filters):
    x = keras.layers.Conv2D(filters, config.kernel_size, strides=config.stride, padding=padding,
                            activation=config.activation, activity_regularizer=activity(),
                            name=f"conv{i + 1}", **common)(x)
    x = keras.layers.MaxPooling2D(config.pool_size, padding=padding, name=f"pool{i + 1}")(x)
  x = keras.layers.Flatten()(x)
  for i in range(config.dense_layers):
    x = keras.layers.Dense(config.hidden_units, activation=config.activation,
                           activity_regularizer=activity(), name=f"dense{i + 1}", **common)(x)
    if config.dense_dropout > 0:
      x = keras.layers.Dropout(config.dense_dropout, name=f"dense_dropout{i + 1}")(x)
  logits = keras.layers.Dense(num_classes, name="logits", **common)(x)
  return keras.Model(inputs, logits, name="lenet")
