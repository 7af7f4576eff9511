"""Paper 004's 20-layer VGG-like CNN for STL-10 and Tiny ImageNet ("Simple CNN", 20 layers, §3.1).

Paper 004 gives no layer list, only the parameter counts of Table 1: STL-10 7,257,322 and Tiny
ImageNet 6,044,072. Their difference fixes the head: both counts fit flatten(5 halvings -> 3x3x512
on 96x96, 2x2x512 on 64x64) -> dense 512 -> dense 512 -> logits, which leaves 4,629,728 parameters
for the convolutions. No natural VGG stack of 17 3x3 convs hits that number exactly, so this is the
closest faithful model, NOT an exact count match: 17 conv3x3-BN-ReLU layers (no conv bias) in 5
stages of (32, 64, 128, 256, 512) filters x (3, 3, 5, 5, 1) layers (the doubling-filter stack of 17
layers whose count is nearest), 2x2 max-pool after each stage, then the head above (17 conv + 3 dense
= 20 layers). Trainable count: STL-10 7,241,898 (paper 7,257,322), Tiny ImageNet 6,028,648 (paper
6,044,072): the head matches the paper exactly, the conv stack is 15,424 parameters short.
"""
from __future__ import annotations

from typing import Sequence

import keras

from adv_tf.models.registry import MODELS

_STAGES = ((32, 3), (64, 3), (128, 5), (256, 5), (512, 1))


@MODELS.register("vgg20")
def build_vgg20(input_shape: Sequence[int], num_classes: int, dense_units: int = 512,
                dropout: float = 0.5) -> keras.Model:
  """20-layer VGG-like CNN (see module docstring); inputs need at least 32x32 pixels."""
  inputs = keras.Input(tuple(input_shape))
  x = inputs
  for stage, (filters, layers) in enumerate(_STAGES):
    for i in range(layers):
      x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, kernel_initializer="he_normal",
                              name=f"conv{stage + 1}_{i + 1}")(x)
      x = keras.layers.BatchNormalization()(x)
      x = keras.layers.Activation("relu")(x)
    x = keras.layers.MaxPooling2D(2, name=f"pool{stage + 1}")(x)
  x = keras.layers.Flatten()(x)
  for i in range(2):
    x = keras.layers.Dense(dense_units, activation="relu", name=f"fc{i + 1}")(x)
    if dropout > 0:
      x = keras.layers.Dropout(dropout)(x)
  logits = keras.layers.Dense(num_classes, name="logits")(x)
  return keras.Model(inputs, logits, name="vgg20")
