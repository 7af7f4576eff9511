"""GoogLeNet / Inception v1 (Szegedy et al. 2015), paper 003 §4 (Imagenette).

Paper 003 fine-tunes torchvision's pretrained GoogLeNet, so this follows that layout: every conv is
conv(no bias)-BN(eps 1e-3)-ReLU, the "5x5" branch uses a 3x3 kernel as torchvision does, no auxiliary
classifiers, global average pooling, dropout 0.2, logits. Max pools use 'same' padding in place of
PyTorch's ceil mode. Trainable parameters at 1000 classes: 6,624,904 (torchvision's count).
"""
from __future__ import annotations

from typing import Sequence

import keras

from adv_tf.models.registry import MODELS

# (1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj), Szegedy et al. 2015 Table 1.
_INCEPTION = {
    "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64), "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64), "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128), "5b": (384, 192, 384, 48, 128, 128),
}


def _conv(x, filters: int, kernel: int, strides: int = 1):
  x = keras.layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False)(x)
  x = keras.layers.BatchNormalization(epsilon=1e-3)(x)
  return keras.layers.Activation("relu")(x)


def _inception(x, spec, name: str):
  c1, r3, c3, r5, c5, pp = spec
  b1 = _conv(x, c1, 1)
  b2 = _conv(_conv(x, r3, 1), c3, 3)
  b3 = _conv(_conv(x, r5, 1), c5, 3)
  b4 = _conv(keras.layers.MaxPooling2D(3, 1, padding="same")(x), pp, 1)
  return keras.layers.Concatenate(name=f"inception{name}")([b1, b2, b3, b4])


@MODELS.register("googlenet")
def build_googlenet(input_shape: Sequence[int], num_classes: int, dropout: float = 0.2) -> keras.Model:
  """Inception v1 (see module docstring); global average pooling lets any input >= 32x32 work."""
  inputs = keras.Input(tuple(input_shape))
  x = _conv(inputs, 64, 7, 2)
  x = keras.layers.MaxPooling2D(3, 2, padding="same")(x)
  x = _conv(x, 64, 1)
  x = _conv(x, 192, 3)
  x = keras.layers.MaxPooling2D(3, 2, padding="same")(x)
  x = _inception(x, _INCEPTION["3a"], "3a")
  x = _inception(x, _INCEPTION["3b"], "3b")
  x = keras.layers.MaxPooling2D(3, 2, padding="same")(x)
  for name in ("4a", "4b", "4c", "4d", "4e"):
    x = _inception(x, _INCEPTION[name], name)
  x = keras.layers.MaxPooling2D(2, 2, padding="same")(x)
  x = _inception(x, _INCEPTION["5a"], "5a")
  x = _inception(x, _INCEPTION["5b"], "5b")
  x = keras.layers.GlobalAveragePooling2D()(x)
  if dropout > 0:
    x = keras.layers.Dropout(dropout)(x)
  logits = keras.layers.Dense(num_classes, name="logits")(x)
  return keras.Model(inputs, logits, name="googlenet")
