"""DenseNet-40 (Huang et al. 2017, k=12) as used by paper 004 §3.1 for CIFAR-10, STL-10, Tiny ImageNet.

3x3 conv with 16 filters, then 3 dense blocks of 12 BN-ReLU-conv3x3(k) layers whose outputs are
concatenated; between blocks a transition BN-ReLU-conv1x1 (no compression) + 2x2 average pooling;
final BN-ReLU-global average pooling-logits. Convs have no bias. Trainable parameters equal paper 004
Table 1: 1,019,722 for 10 classes (CIFAR-10, STL-10), 1,105,032 for 200 (Tiny ImageNet).
"""
from __future__ import annotations

from typing import Sequence

import keras

from adv_tf.models.registry import MODELS


def _bn_relu_conv(x, filters: int, kernel: int, dropout: float):
  x = keras.layers.BatchNormalization()(x)
  x = keras.layers.Activation("relu")(x)
  x = keras.layers.Conv2D(filters, kernel, padding="same", use_bias=False, kernel_initializer="he_normal")(x)
  if dropout > 0:
    x = keras.layers.Dropout(dropout)(x)
  return x


@MODELS.register("densenet40")
def build_densenet40(input_shape: Sequence[int], num_classes: int, growth_rate: int = 12,
                     depth: int = 40, dropout: float = 0.0,
                     initial_filters: int = 16) -> keras.Model:
  """DenseNet (no bottleneck, no compression) of `depth` = 3 * layers + 4; default DenseNet-40, k=12.

  Huang et al. use dropout 0.2 only without data augmentation; default 0 (paper 004 gives none).
  """
  layers_per_block = (depth - 4) // 3
  inputs = keras.Input(tuple(input_shape))
  x = keras.layers.Conv2D(initial_filters, 3, padding="same", use_bias=False,
                          kernel_initializer="he_normal")(inputs)
  for block in range(3):
    for _ in range(layers_per_block):
      y = _bn_relu_conv(x, growth_rate, 3, dropout)
      x = keras.layers.Concatenate()([x, y])
    if block < 2:
      x = _bn_relu_conv(x, x.shape[-1], 1, dropout)
      x = keras.layers.AveragePooling2D(2)(x)
  x = keras.layers.BatchNormalization()(x)
  x = keras.layers.Activation("relu")(x)
  x = keras.layers.GlobalAveragePooling2D()(x)
  logits = keras.layers.Dense(num_classes, name="logits")(x)
  return keras.Model(inputs, logits, name=f"densenet{depth}")
