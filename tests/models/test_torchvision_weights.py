"""The torchvision -> Keras weight converter against torchvision's own outputs (paper 003 §III-C).

`fixtures/torchvision_blocks.npz` holds seeded random weights, inputs and torchvision's eval-mode outputs of the
building blocks of wide_resnet50_2 and googlenet (recorded by `fixtures/record_torchvision_blocks.py`; torch is
not needed here). Each test builds the same block from our model code, converts the weights with our converter
and asserts equal outputs to 1e-4, on an even and an odd input size. The whole-model check runs only where torch
and torchvision are installed.
"""
from __future__ import annotations

import pathlib
import sys
import types

import keras
import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.models import build
from adv_tf.models import googlenet as keras_googlenet
from adv_tf.models import resnet as keras_resnet
from adv_tf.models import torch_layers
from adv_tf.models import torchvision_weights as tvw

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "torchvision_blocks.npz"


def _conv_bn(prefix: str) -> list[tuple[str, str]]:
  return [(f"{prefix}.conv", "conv"), (f"{prefix}.bn", "bn")]


# block -> (Keras block builder on an NHWC input, torchvision layout of its weighted layers)
BLOCKS = {
    "resnet_stem": (lambda x: keras_resnet._torch_stem(x, 8), [("conv1", "conv"), ("bn1", "bn")]),
    "wrn_bottleneck": (lambda x: keras_resnet._bottleneck(x, 8, 16, 2),
                       [(f"{p}{i}", k) for i in (1, 2, 3) for p, k in (("conv", "conv"), ("bn", "bn"))]
                       + [("downsample.0", "conv"), ("downsample.1", "bn")]),
    "googlenet_stem": (lambda x: keras_googlenet._stem(keras_googlenet._transform_input(x), (8, 8, 12)),
                       _conv_bn("conv1") + _conv_bn("conv2") + _conv_bn("conv3")),
    "inception": (lambda x: torch_layers.max_pool(keras_googlenet._inception(x, (4, 4, 6, 2, 4, 4), "x"), 3, 2,
                                                  ceil_mode=True),
                  [p for b in ("branch1", "branch2.0", "branch2.1", "branch3.0", "branch3.1", "branch4.1")
                   for p in _conv_bn(f"block.{b}")]),
}


def _fixture() -> dict[str, np.ndarray]:
  with np.load(FIXTURE) as f:
    return {k: f[k] for k in f.files}


def _sizes(arrays: dict, block: str) -> list[int]:
  return sorted(int(k.rsplit("_", 1)[1]) for k in arrays if k.startswith(f"{block}/input_"))


@pytest.mark.parametrize("block", sorted(BLOCKS))
def test_converted_block_equals_torchvision_output(block):
  arrays = _fixture()
  state = {k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith(f"{block}/")}
  make, layout = BLOCKS[block]
  sizes = _sizes(arrays, block)
  assert len(sizes) == 2 and sizes[0] % 2 != sizes[1] % 2  # an even and an odd size
  for size in sizes:
    x = arrays[f"{block}/input_{size}"].transpose(0, 2, 3, 1)  # NCHW -> NHWC
    inputs = keras.Input(x.shape[1:])
    model = keras.Model(inputs, make(inputs))
    tvw.assign(tvw.pairs(model, layout, block), state, block)
    ours = np.asarray(model(x, training=False)).transpose(0, 3, 1, 2)
    want = arrays[f"{block}/output_{size}"]
    assert ours.shape == want.shape, (block, size)
    np.testing.assert_allclose(ours, want, atol=1e-4, rtol=1e-4, err_msg=f"{block} at {size}px")


def _bottleneck_same_padding(x, width: int, out: int, strides: int):
  """The bottleneck as wrn50_2 built it before (TensorFlow 'same' padding everywhere)."""
  y = keras_resnet._conv_bn(x, width, 1)
  y = keras_resnet._conv_bn(y, width, 3, strides)
  y = keras_resnet._conv_bn(y, out, 1, relu=False)
  x = keras_resnet._conv_bn(x, out, 1, strides, relu=False)
  return keras.layers.Activation("relu")(keras.layers.Add()([x, y]))


def test_tensorflow_same_padding_would_not_match():
  """The fixture can fail: the stride-2 bottleneck with TF 'same' padding differs from torchvision at 10 px."""
  arrays = _fixture()
  state = {k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith("wrn_bottleneck/")}
  x = arrays["wrn_bottleneck/input_10"].transpose(0, 2, 3, 1)
  inputs = keras.Input(x.shape[1:])
  same = keras.Model(inputs, _bottleneck_same_padding(inputs, 8, 16, 2))
  tvw.assign(tvw.pairs(same, BLOCKS["wrn_bottleneck"][1], "same"), state, "same")
  ours = np.asarray(same(x, training=False)).transpose(0, 3, 1, 2)
  assert np.abs(ours - arrays["wrn_bottleneck/output_10"]).max() > 1e-2


def test_pool_padding_matches_pytorch_output_sizes():
  # PyTorch: floor/ceil((size + 2p - k) / s) + 1, a ceil window may not start in the right padding.
  for size, k, s, p, ceil, out in [(112, 3, 2, 1, False, 56), (57, 3, 2, 0, True, 28), (56, 3, 2, 0, True, 28),
                                   (14, 2, 2, 0, True, 7), (7, 2, 2, 0, True, 4), (5, 3, 2, 1, True, 3)]:
    before, after = torch_layers._pool_padding(size, k, s, p, ceil)
    assert (size + before + after - k) // s + 1 == out, (size, k, s, p, ceil)


def test_assign_rejects_wrong_shapes_and_missing_keys():
  inputs = keras.Input((10, 10, 8))
  model = keras.Model(inputs, keras_resnet._bottleneck(inputs, 8, 16, 2))
  layout = BLOCKS["wrn_bottleneck"][1]
  state = {k.split("/", 1)[1]: v for k, v in _fixture().items() if k.startswith("wrn_bottleneck/")}
  with pytest.raises(AdvTfError, match="lack 'conv1.weight'"):
    tvw.assign(tvw.pairs(model, layout, "b"), {k: v for k, v in state.items() if k != "conv1.weight"}, "b")
  with pytest.raises(AdvTfError, match="do not fit"):
    tvw.assign(tvw.pairs(model, layout, "b"), {**state, "conv1.weight": state["conv1.weight"][:4]}, "b")


def _torchvision():
  torch = pytest.importorskip("torch")
  sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
  models = pytest.importorskip("torchvision.models")
  return torch, models


@pytest.mark.parametrize("name,size", [("wrn50_2", 64), ("googlenet", 67)])
def test_whole_model_equals_torchvision(name, size):
  """Random torchvision weights (BN statistics randomised), converted, same logits (needs torch; skipped else)."""
  torch, models = _torchvision()
  torch.manual_seed(0)
  if name == "wrn50_2":
    net = models.wide_resnet50_2(weights=None, num_classes=10)
    ours = build("wide_resnet", (size, size, 3), 10, variant="wrn50_2")
  else:
    net = models.googlenet(weights=None, num_classes=10, aux_logits=False, transform_input=True,
                           init_weights=True)
    ours = build("googlenet", (size, size, 3), 10, transform_input=True)
  with torch.no_grad():
    for key, tensor in net.state_dict().items():
      if "running_mean" in key:
        tensor.normal_(0, 0.1)
      elif "running_var" in key:
        tensor.uniform_(0.5, 1.5)
  net.eval()
  state = {k: v.numpy() for k, v in net.state_dict().items()}
  tvw.load_into(ours, state, name)
  x = np.random.default_rng(0).random((2, size, size, 3), np.float32)
  with torch.no_grad():
    want = net(torch.from_numpy(x.transpose(0, 3, 1, 2).copy())).numpy()
  got = np.asarray(ours(x, training=False))
  np.testing.assert_allclose(got, want, atol=1e-4 * max(1.0, np.abs(want).max()), rtol=1e-4)
