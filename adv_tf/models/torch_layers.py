"""PyTorch-exact padding for Keras convs and max pools (the torchvision layouts of paper 003 §III-C).

TensorFlow's 'same' padding is asymmetric when a stride-2 layer meets an even input size (one extra row/column
at the bottom/right, none at the top/left), while PyTorch pads `padding` rows on every side; PyTorch's
`ceil_mode` pools add a partial window at the bottom/right instead. Equal weights then give different outputs.
These helpers pad explicitly (ZeroPadding2D) and convolve/pool with 'valid', so a torchvision state dict
loaded by `adv_tf.models.torchvision_weights` reproduces torchvision's forward pass (tested against a fixture
recorded with torchvision). Stride-1 layers with padding (kernel - 1) / 2 keep 'same' (identical there).
"""
from __future__ import annotations

import math

import keras


def conv2d(x, filters: int, kernel: int, strides: int = 1, padding: int | None = None, **kwargs):
  """`torch.nn.Conv2d(..., kernel, stride=strides, padding=padding)` (default padding (kernel - 1) // 2)."""
  pad = (kernel - 1) // 2 if padding is None else int(padding)
  if strides == 1 and 2 * pad == kernel - 1:
    return keras.layers.Conv2D(filters, kernel, padding="same", **kwargs)(x)
  if pad:
    x = keras.layers.ZeroPadding2D(pad)(x)
  return keras.layers.Conv2D(filters, kernel, strides=strides, padding="valid", **kwargs)(x)


def _pool_padding(size: int, kernel: int, strides: int, padding: int, ceil_mode: bool) -> tuple[int, int]:
  """(before, after) padding of one spatial axis that gives PyTorch's MaxPool2d output size and windows."""
  span = size + 2 * padding - kernel
  out = (math.ceil(span / strides) if ceil_mode else span // strides) + 1
  if ceil_mode and (out - 1) * strides >= size + padding:  # PyTorch drops a last window starting in the padding
    out -= 1
  return padding, padding + max(0, (out - 1) * strides + kernel - (size + 2 * padding))


def max_pool(x, kernel: int, strides: int, padding: int = 0, ceil_mode: bool = False):
  """`torch.nn.MaxPool2d(kernel, strides, padding, ceil_mode=ceil_mode)` for NON-NEGATIVE inputs.

  Every max pool of ResNet/GoogLeNet follows a ReLU (or a concat of ReLUs), so zero padding equals PyTorch's
  -inf padding. Stride-1 pools keep 'same' (TensorFlow ignores padded positions there, as PyTorch does).
  """
  if strides == 1 and 2 * padding == kernel - 1:
    return keras.layers.MaxPooling2D(kernel, 1, padding="same")(x)
  rows = _pool_padding(int(x.shape[1]), kernel, strides, padding, ceil_mode)
  cols = _pool_padding(int(x.shape[2]), kernel, strides, padding, ceil_mode)
  if any(rows + cols):
    x = keras.layers.ZeroPadding2D((rows, cols))(x)
  return keras.layers.MaxPooling2D(kernel, strides, padding="valid")(x)
