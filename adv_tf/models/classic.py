"""Small classic models: Madry et al.'s CNN, LeNet-5, the 2-layer perceptron and C&W's 7-layer CNN."""
from __future__ import annotations

from typing import Sequence

import keras

from adv_tf.errors import AdvTfError
from adv_tf.models.layers import AdaptiveMaxPooling2D
from adv_tf.models.registry import MODELS


@MODELS.register("madry_cnn")
def build_madry_cnn(input_shape: Sequence[int], num_classes: int, pooled_size: int = 7) -> keras.Model:
  """Madry et al.'s MNIST CNN as adapted by paper 000 §IV-A-1 (and paper 001 Table 1).

  conv 32 5x5 (same, ReLU) -> max-pool 2 -> conv 64 5x5 (same, ReLU) -> adaptive max-pool to
  `pooled_size` x `pooled_size` -> dense 1024 (ReLU) -> logits. The adaptive pooling replaces the
  second 2x2 max-pool (paper 000) so 14x14, 28x28 and 56x56 inputs all give a 7x7x64 = 3136 map, the
  `fc1` input size of paper 001 Table 1; at 28x28 it equals the 2x2 pool of the original.
  """
  inputs = keras.Input(tuple(input_shape))
  x = keras.layers.Conv2D(32, 5, padding="same", activation="relu", name="conv1")(inputs)
  x = keras.layers.MaxPooling2D(2, name="pool1")(x)
  x = keras.layers.Conv2D(64, 5, padding="same", activation="relu", name="conv2")(x)
  if min(x.shape[1], x.shape[2]) < pooled_size:
    raise AdvTfError(f"madry_cnn needs inputs of at least {2 * pooled_size}x{2 * pooled_size}, got {tuple(input_shape)}")
  x = AdaptiveMaxPooling2D((pooled_size, pooled_size), name="adaptive_pool")(x)
  x = keras.layers.Flatten()(x)
  x = keras.layers.Dense(1024, activation="relu", name="fc1")(x)
  logits = keras.layers.Dense(num_classes, name="logits")(x)
  return keras.Model(inputs, logits, name="madry_cnn")


@MODELS.register("lenet5")
def build_lenet5(input_shape: Sequence[int], num_classes: int, activation: str = "tanh",
                 pooling: str = "avg") -> keras.Model:
  """LeNet-5 (LeCun et al. 1998), the "LeNet" of paper 001 §3.

  C1 conv 6 5x5 -> S2 pool 2 -> C3 conv 16 5x5 -> S4 pool 2 -> C5 conv 120 5x5 -> F6 dense 84 ->
  logits. Inputs smaller than 32x32 (MNIST's 28x28) are zero-padded to 32x32 as in the original.
  Simplifications: S2/S4 are plain average (or max) pools, C3 is fully connected to S2, and the RBF
  output layer is a dense logits layer.
  """
  pools = {"avg": keras.layers.AveragePooling2D, "max": keras.layers.MaxPooling2D}
  if pooling not in pools:
    raise AdvTfError(f"lenet5 pooling must be 'avg' or 'max', got {pooling!r}")
  inputs = keras.Input(tuple(input_shape))
  x = inputs
  pad_h, pad_w = max(0, 32 - input_shape[0]), max(0, 32 - input_shape[1])
  if pad_h or pad_w:
    x = keras.layers.ZeroPadding2D(((pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2)))(x)
  x = keras.layers.Conv2D(6, 5, activation=activation, name="c1")(x)
  x = pools[pooling](2, name="s2")(x)
  x = keras.layers.Conv2D(16, 5, activation=activation, name="c3")(x)
  x = pools[pooling](2, name="s4")(x)
  x = keras.layers.Conv2D(120, 5, activation=activation, name="c5")(x)
  x = keras.layers.Flatten()(x)
  x = keras.layers.Dense(84, activation=activation, name="f6")(x)
  logits = keras.layers.Dense(num_classes, name="logits")(x)
  return keras.Model(inputs, logits, name="lenet5")


@MODELS.register("mlp")
def build_mlp(input_shape: Sequence[int], num_classes: int, hidden_units: int = 1024,
              activation: str = "relu") -> keras.Model:
  """Paper 004 §3.1 2-layer perceptron: flatten -> dense 1024 -> logits.

  Trainable parameters (paper 004 Table 1): MNIST 814,090, CIFAR-10 3,157,002.
  """
  inputs = keras.Input(tuple(input_shape))
  x = keras.layers.Flatten()(inputs)
  x = keras.layers.Dense(hidden_units, activation=activation, name="hidden")(x)
  logits = keras.layers.Dense(num_classes, name="logits")(x)
  return keras.Model(inputs, logits, name="mlp")


_SIMPLE_CNN = {"mnist": ((32, 32, 64, 64), (200, 200)), "cifar": ((64, 64, 128, 128), (256, 256))}


@MODELS.register("simple_cnn")
def build_simple_cnn(input_shape: Sequence[int], num_classes: int, variant: str = "auto",
                     dropout: float = 0.5) -> keras.Model:
  """Carlini & Wagner's 7-layer CNN, paper 004 §3.1 "Simple CNN".

  conv a, conv a, max-pool 2, conv b, conv b, max-pool 2 (all 3x3 valid, ReLU), dense h, dropout,
  dense h, logits. variant 'mnist': a,b,h = 32,64,200; 'cifar': 64,128,256; 'auto': 'mnist' for
  one-channel inputs, else 'cifar'. C&W put 50% dropout between the dense layers.
  Trainable parameters (paper 004 Table 1): MNIST 312,202, CIFAR-10 1,147,978.
  """
  if variant == "auto":
    variant = "mnist" if input_shape[2] == 1 else "cifar"
  if variant not in _SIMPLE_CNN:
    raise AdvTfError(f"simple_cnn variant must be 'auto', 'mnist' or 'cifar', got {variant!r}")
  convs, dense = _SIMPLE_CNN[variant]
  inputs = keras.Input(tuple(input_shape))
  x = inputs
  for i, filters in enumerate(convs):
    x = keras.layers.Conv2D(filters, 3, activation="relu", name=f"conv{i + 1}")(x)
    if i % 2 == 1:
      x = keras.layers.MaxPooling2D(2, name=f"pool{i // 2 + 1}")(x)
  x = keras.layers.Flatten()(x)
  x = keras.layers.Dense(dense[0], activation="relu", name="fc1")(x)
  if dropout > 0:
    x = keras.layers.Dropout(dropout)(x)
  x = keras.layers.Dense(dense[1], activation="relu", name="fc2")(x)
  logits = keras.layers.Dense(num_classes, name="logits")(x)
  return keras.Model(inputs, logits, name=f"simple_cnn_{variant}")
