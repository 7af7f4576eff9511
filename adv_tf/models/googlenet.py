"""GoogLeNet / Inception v1 (Szegedy et al. 2015), paper 003 §III-C (Imagenette).

Paper 003 fine-tunes torchvision's pretrained GoogLeNet, so this follows that layout: every conv is
conv(no bias)-BN(eps 1e-3)-ReLU, the "5x5" branch uses a 3x3 kernel as torchvision does, no auxiliary
classifiers, global average pooling, dropout 0.2, logits. Padding is PyTorch's (`adv_tf.models.torch_layers`):
conv1 7x7/2 pads 3 on every side and the stride-2 max pools use ceil mode, so converted torchvision weights
give torchvision's outputs. `transform_input=True` adds torchvision's input re-normalisation (what its
pretrained GoogLeNet does by default: [0, 1]-range ImageNet-normalised channels -> (x - 0.5) / 0.5).
Trainable parameters at 1000 classes: 6,624,904 (torchvision's count).
"""
from __future__ import annotations

from typing import Sequence

import keras
import numpy as np

from adv_tf.models import torch_layers
from adv_tf.models.registry import MODELS

# (1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj), Szegedy et al. 2015 Table 1.
_INCEPTION = {
    "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64), "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64), "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128), "5b": (384, 192, 384, 48, 128, 128),
}
# torchvision GoogLeNet._transform_input: x_c * std_c / 0.5 + (mean_c - 0.5) / 0.5 (ImageNet mean/std).
_IMAGENET_MEAN = np.array([0.485, 0.456, 0.406])
_IMAGENET_STD = np.array([0.229, 0.224, 0.225])


def _conv(x, filters: int, kernel: int, strides: int = 1):
  x = torch_layers.conv2d(x, filters, kernel, strides, use_bias=False)
  x = keras.layers.BatchNormalization(epsilon=1e-3)(x)
  return keras.layers.Activation("relu")(x)


def _inception(x, spec, name: str):
  c1, r3, c3, r5, c5, pp = spec
  b1 = _conv(x, c1, 1)
  b2 = _conv(_conv(x, r3, 1), c3, 3)
  b3 = _conv(_conv(x, r5, 1), c5, 3)
  b4 = _conv(torch_layers.max_pool(x, 3, 1, padding=1, ceil_mode=True), pp, 1)
  return keras.layers.Concatenate(name=f"inception{name}")([b1, b2, b3, b4])


def _stem(x, widths: Sequence[int] = (64, 64, 192)):
  """torchvision GoogLeNet up to maxpool2: conv1 7x7/2, maxpool1, conv2 1x1, conv3 3x3, maxpool2 (ceil mode)."""
  x = _conv(x, widths[0], 7, 2)
  x = torch_layers.max_pool(x, 3, 2, ceil_mode=True)
  x = _conv(x, widths[1], 1)
  x = _conv(x, widths[2], 3)
  return torch_layers.max_pool(x, 3, 2, ceil_mode=True)


def _transform_input(x):
  """x * a + b per channel as a fixed Normalization layer: mean = -b / a, variance = 1 / a^2."""
  scale = _IMAGENET_STD / 0.5
  offset = (_IMAGENET_MEAN - 0.5) / 0.5
  return keras.layers.Normalization(mean=-offset / scale, variance=1.0 / scale ** 2, name="transform_input")(x)


@MODELS.register("googlenet")
def build_googlenet(input_shape: Sequence[int], num_classes: int, dropout: float = 0.2,
                    transform_input: bool = False) -> keras.Model:
  """Inception v1 (see module docstring); global average pooling lets any input >= 32x32 work."""
  inputs = keras.Input(tuple(input_shape))
  x = _transform_input(inputs) if transform_input else inputs
  x = _stem(x)
  x = _inception(x, _INCEPTION["3a"], "3a")
  x = _inception(x, _INCEPTION["3b"], "3b")
  x = torch_layers.max_pool(x, 3, 2, ceil_mode=True)
  for name in ("4a", "4b", "4c", "4d", "4e"):
    x = _inception(x, _INCEPTION[name], name)
  x = torch_layers.max_pool(x, 2, 2, ceil_mode=True)
  x = _inception(x, _INCEPTION["5a"], "5a")
  x = _inception(x, _INCEPTION["5b"], "5b")
  x = keras.layers.GlobalAveragePooling2D()(x)
  if dropout > 0:
    x = keras.layers.Dropout(dropout)(x)
  logits = keras.layers.Dense(num_classes, name="logits")(x)
  return keras.Model(inputs, logits, name="googlenet")
