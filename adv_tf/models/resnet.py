"""ResNet-18 (CIFAR and ImageNet layouts, paper 000) and Wide ResNets (paper 003).

All end in global average pooling so the input size can change (paper 000 §IV-A-2/3 replace the fixed
average pool by an adaptive one). Convs have no bias (BN follows), as in torchvision, so trainable
parameter counts equal torchvision's: resnet18 11,689,512 and wide_resnet50_2 68,883,240 at 1000 classes.
"""
from __future__ import annotations

from typing import Sequence

import keras

from adv_tf.errors import AdvTfError
from adv_tf.models import torch_layers
from adv_tf.models.registry import MODELS


def _conv_bn(x, filters: int, kernel: int, strides: int = 1, relu: bool = True):
  x = keras.layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False,
                          kernel_initializer="he_normal")(x)
  x = keras.layers.BatchNormalization(epsilon=1e-5)(x)
  return keras.layers.Activation("relu")(x) if relu else x


def _basic_block(x, filters: int, strides: int):
  y = _conv_bn(x, filters, 3, strides)
  y = _conv_bn(y, filters, 3, relu=False)
  if strides != 1 or x.shape[-1] != filters:
    x = _conv_bn(x, filters, 1, strides, relu=False)
  return keras.layers.Activation("relu")(keras.layers.Add()([x, y]))


def _torch_conv_bn(x, filters: int, kernel: int, strides: int = 1, relu: bool = True):
  """conv-BN(-ReLU) with PyTorch's symmetric padding (kernel - 1) // 2 (see `torch_layers`)."""
  x = torch_layers.conv2d(x, filters, kernel, strides, use_bias=False, kernel_initializer="he_normal")
  x = keras.layers.BatchNormalization(epsilon=1e-5)(x)
  return keras.layers.Activation("relu")(x) if relu else x


def _bottleneck(x, width: int, out: int, strides: int):
  """torchvision's Bottleneck (ResNet v1.5: the stride sits on the 3x3 conv), PyTorch padding."""
  y = _torch_conv_bn(x, width, 1)
  y = _torch_conv_bn(y, width, 3, strides)
  y = _torch_conv_bn(y, out, 1, relu=False)
  if strides != 1 or x.shape[-1] != out:
    x = _torch_conv_bn(x, out, 1, strides, relu=False)
  return keras.layers.Activation("relu")(keras.layers.Add()([x, y]))


def _head(x, num_classes: int, inputs, name: str) -> keras.Model:
  x = keras.layers.GlobalAveragePooling2D()(x)
  logits = keras.layers.Dense(num_classes, name="logits")(x)
  return keras.Model(inputs, logits, name=name)


def _imagenet_stem(inputs):
  x = _conv_bn(inputs, 64, 7, 2)
  return keras.layers.MaxPooling2D(3, 2, padding="same")(x)


@MODELS.register("resnet18_cifar")
def build_resnet18_cifar(input_shape: Sequence[int], num_classes: int) -> keras.Model:
  """ResNet-18 with the CIFAR stem (3x3 conv 64, stride 1, no max-pool), paper 000 §IV-A-2.

  4 stages (64, 128, 256, 512) of 2 basic blocks, 1x1-conv+BN projection shortcuts, global average
  pooling (paper 000's adaptive average pool) so 16x16, 32x32 and 64x64 inputs all work.
  """
  inputs = keras.Input(tuple(input_shape))
  x = _conv_bn(inputs, 64, 3)
  for stage, filters in enumerate((64, 128, 256, 512)):
    for block in range(2):
      x = _basic_block(x, filters, 2 if stage > 0 and block == 0 else 1)
  return _head(x, num_classes, inputs, "resnet18_cifar")


@MODELS.register("resnet18")
def build_resnet18(input_shape: Sequence[int], num_classes: int) -> keras.Model:
  """ResNet-18 ImageNet layout (He et al. 2016 Table 1): 7x7/2 conv, 3x3/2 max-pool, 4x2 basic blocks,
  global average pooling (paper 000 §IV-A-3, inputs 56, 112, 224)."""
  inputs = keras.Input(tuple(input_shape))
  x = _imagenet_stem(inputs)
  for stage, filters in enumerate((64, 128, 256, 512)):
    for block in range(2):
      x = _basic_block(x, filters, 2 if stage > 0 and block == 0 else 1)
  return _head(x, num_classes, inputs, "resnet18")


def _torch_stem(inputs, filters: int = 64):
  """torchvision ResNet stem: conv1 7x7/2 (padding 3), bn1, relu, maxpool 3x3/2 (padding 1)."""
  x = _torch_conv_bn(inputs, filters, 7, 2)
  return torch_layers.max_pool(x, 3, 2, padding=1)


def _wrn50_2(inputs, num_classes: int) -> keras.Model:
  """torchvision `wide_resnet50_2` with PyTorch padding, so converted torchvision weights give its outputs."""
  x = _torch_stem(inputs)
  for stage, blocks in enumerate((3, 4, 6, 3)):
    width, out = 128 * 2 ** stage, 256 * 2 ** stage
    for block in range(blocks):
      x = _bottleneck(x, width, out, 2 if stage > 0 and block == 0 else 1)
  return _head(x, num_classes, inputs, "wrn50_2")


def _preact_block(x, filters: int, strides: int, dropout: float):
  o = keras.layers.Activation("relu")(keras.layers.BatchNormalization(epsilon=1e-5)(x))
  y = keras.layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False,
                          kernel_initializer="he_normal")(o)
  y = keras.layers.Activation("relu")(keras.layers.BatchNormalization(epsilon=1e-5)(y))
  if dropout > 0:
    y = keras.layers.Dropout(dropout)(y)
  y = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, kernel_initializer="he_normal")(y)
  if strides != 1 or x.shape[-1] != filters:
    x = keras.layers.Conv2D(filters, 1, strides=strides, use_bias=False, kernel_initializer="he_normal")(o)
  return keras.layers.Add()([x, y])


def _wrn_cifar(inputs, num_classes: int, depth: int = 28, width: int = 10, dropout: float = 0.0) -> keras.Model:
  """Zagoruyko & Komodakis WRN-depth-width for CIFAR: pre-activation basic blocks, 16k/32k/64k."""
  if (depth - 4) % 6:
    raise AdvTfError(f"wide_resnet CIFAR depth must be 6n+4 (e.g. 28), got {depth}")
  blocks = (depth - 4) // 6
  x = keras.layers.Conv2D(16, 3, padding="same", use_bias=False, kernel_initializer="he_normal")(inputs)
  for stage, filters in enumerate((16 * width, 32 * width, 64 * width)):
    for block in range(blocks):
      x = _preact_block(x, filters, 2 if stage > 0 and block == 0 else 1, dropout)
  x = keras.layers.Activation("relu")(keras.layers.BatchNormalization(epsilon=1e-5)(x))
  return _head(x, num_classes, inputs, f"wrn{depth}_{width}")


@MODELS.register("wide_resnet")
def build_wide_resnet(input_shape: Sequence[int], num_classes: int, variant: str = "wrn50_2",
                      depth: int = 28, width: int = 10, dropout: float = 0.0) -> keras.Model:
  """Wide ResNets (Zagoruyko & Komodakis 2016).

  variant 'wrn50_2': the WRN-50-2 ImageNet layout paper 003 §4 fine-tunes on Imagenette (ResNet-50
  bottlenecks with doubled inner width, torchvision `wide_resnet50_2`); `depth`/`width` are unused.
  variant 'cifar': WRN-depth-width for 32x32 inputs, default WRN-28-10.
  """
  inputs = keras.Input(tuple(input_shape))
  if variant == "wrn50_2":
    return _wrn50_2(inputs, num_classes)
  if variant == "cifar":
    return _wrn_cifar(inputs, num_classes, depth, width, dropout)
  raise AdvTfError(f"wide_resnet variant must be 'wrn50_2' or 'cifar', got {variant!r}")
