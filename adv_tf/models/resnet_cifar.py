"""He et al. (2016) CIFAR ResNets v1 (ResNet-20, ResNet-32) as used by paper 004 §3.1.

Layout of the Keras CIFAR-10 ResNet example: 3x3 conv 16 + BN + ReLU, then 3 stages (16, 32, 64
filters) of n basic blocks (depth = 6n + 2), each conv-BN-ReLU-conv-BN + shortcut, ReLU after the
add; a 1x1 projection conv (no BN) where the stage starts with stride 2; average pooling of size 8
then Flatten and the logits layer. Convs keep their biases. Weight decay belongs to TrainConfig.

The pool is 8x8 (so STL-10's 96x96 keeps a 3x3x64 map), shrunk to the whole map when the final map
is smaller than 8 (MNIST 28x28 ends at 7x7 -> 1x1). Trainable parameters equal paper 004 Table 1:
ResNet-20 MNIST 272,778, STL-10 278,186; ResNet-32 CIFAR-10 467,946.
"""
from __future__ import annotations

from typing import Optional, Sequence

import keras

from adv_tf.models.registry import MODELS


def _layer(x, filters: int, kernel: int = 3, strides: int = 1, activation: Optional[str] = "relu",
           batch_norm: bool = True):
  x = keras.layers.Conv2D(filters, kernel, strides=strides, padding="same", kernel_initializer="he_normal")(x)
  if batch_norm:
    x = keras.layers.BatchNormalization()(x)
  if activation:
    x = keras.layers.Activation(activation)(x)
  return x


def resnet_v1(input_shape: Sequence[int], num_classes: int, depth: int, pool_size: int = 8) -> keras.Model:
  """He et al. ResNet v1 for small images, depth 6n+2."""
  if (depth - 2) % 6:
    raise ValueError(f"ResNet v1 depth must be 6n+2, got {depth}")
  blocks = (depth - 2) // 6
  inputs = keras.Input(tuple(input_shape))
  x = _layer(inputs, 16)
  filters = 16
  for stage in range(3):
    for block in range(blocks):
      strides = 2 if stage > 0 and block == 0 else 1
      y = _layer(x, filters, strides=strides)
      y = _layer(y, filters, activation=None)
      if strides != 1:
        x = _layer(x, filters, kernel=1, strides=strides, activation=None, batch_norm=False)
      x = keras.layers.Activation("relu")(keras.layers.Add()([x, y]))
    filters *= 2
  pool = (min(pool_size, x.shape[1]), min(pool_size, x.shape[2]))
  x = keras.layers.AveragePooling2D(pool)(x)
  x = keras.layers.Flatten()(x)
  logits = keras.layers.Dense(num_classes, kernel_initializer="he_normal", name="logits")(x)
  return keras.Model(inputs, logits, name=f"resnet{depth}")


@MODELS.register("resnet20")
def build_resnet20(input_shape: Sequence[int], num_classes: int) -> keras.Model:
  """ResNet-20 (He et al. 2016 §4.2), paper 004 MNIST / STL-10 / Tiny ImageNet."""
  return resnet_v1(input_shape, num_classes, 20)


@MODELS.register("resnet32")
def build_resnet32(input_shape: Sequence[int], num_classes: int) -> keras.Model:
  """ResNet-32 (He et al. 2016 §4.2), paper 004 CIFAR-10."""
  return resnet_v1(input_shape, num_classes, 32)
