"""Model builders: `build(name, input_shape, num_classes, **config)` -> a Keras 3 model that outputs LOGITS.

Attacks need logits, so no builder ends in a softmax; the softmax lives in the loss (adv_tf.train).
One module per family; each registers its builders in `MODELS`. Names and the papers they come from:

  lenet           paper 002 Table 1 control model, every Appendix axis via `LeNetConfig`.
  madry_cnn       paper 000 §IV-A-1 (Madry et al.'s CNN with adaptive max pooling); also paper 001 Table 1.
  lenet5          LeCun et al. 1998, paper 001's "LeNet".
  mlp, simple_cnn, vgg20, resnet20, resnet32, densenet40      paper 004 Table 1.
  resnet18_cifar, resnet18                                     paper 000 §IV-A-2/3 (global average pooling).
  wide_resnet, googlenet                                       paper 003 (Imagenette).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Sequence

import keras

from adv_tf.errors import AdvTfError
from adv_tf.models.registry import MODELS
from adv_tf.models.lenet import LeNetConfig, lenet_padding
from adv_tf.models.layers import AdaptiveMaxPooling2D
# Importing a family module registers its builders.
from adv_tf.models import classic as _classic  # noqa: F401
from adv_tf.models import resnet_cifar as _resnet_cifar  # noqa: F401
from adv_tf.models import densenet as _densenet  # noqa: F401
from adv_tf.models import resnet as _resnet  # noqa: F401
from adv_tf.models import googlenet as _googlenet  # noqa: F401
from adv_tf.models import vgg as _vgg  # noqa: F401

__all__ = ["MODELS", "build", "names", "LeNetConfig", "lenet_padding", "AdaptiveMaxPooling2D",
           "trainable_params"]


def _check_input_shape(input_shape: Sequence[int]) -> tuple[int, int, int]:
  try:
    shape = tuple(int(v) for v in input_shape)
  except (TypeError, ValueError):
    raise AdvTfError(f"input_shape must be (height, width, channels) integers, got {input_shape!r}") from None
  if len(shape) != 3 or min(shape) < 1:
    raise AdvTfError(f"input_shape must be (height, width, channels) of positive integers, got {input_shape!r}")
  return shape  # type: ignore[return-value]


def build(name: str, input_shape: Sequence[int], num_classes: int, **config: Any) -> keras.Model:
  """Builds a registered model that maps float32 NHWC images to logits of shape [batch, num_classes].

  Args:
    name: a registered model name (see `names()`).
    input_shape: (height, width, channels) of one image.
    num_classes: number of output logits (>= 2).
    **config: the builder's own keyword arguments (e.g. `config=LeNetConfig(...)` or LeNetConfig
      fields for `lenet`; `variant=` for `simple_cnn`, `wide_resnet`).

  Raises:
    AdvTfError: unknown name, bad shape, unknown or invalid config values.
  """
  builder: Callable[..., keras.Model] = MODELS.get(name)
  shape = _check_input_shape(input_shape)
  if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
    raise AdvTfError(f"num_classes must be an integer >= 2, got {num_classes!r}")
  params = inspect.signature(builder).parameters
  if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
    allowed = [k for k in params if k not in ("input_shape", "num_classes")]
    unknown = sorted(set(config) - set(allowed))
    if unknown:
      raise AdvTfError(f"model {name!r} has no option(s) {', '.join(unknown)}; "
                       f"its options are: {', '.join(allowed) or 'none'}")
  return builder(shape, num_classes, **config)


def names() -> list[str]:
  """All registered model names."""
  return MODELS.names()


def trainable_params(model: keras.Model) -> int:
  """Number of trainable scalars (BatchNorm moving statistics excluded), as paper 004 Table 1 counts."""
  return int(sum(_size(v.shape) for v in model.trainable_weights))


def _size(shape) -> int:
  n = 1
  for d in shape:
    n *= int(d)
  return n
