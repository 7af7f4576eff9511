"""torchvision ImageNet weights <-> our Keras layouts of `wide_resnet50_2` and `googlenet` (paper 003 §III-C).

A torchvision state dict (read from a `.safetensors` file, as model hubs publish them, or an `.npz` of the
same keys) maps one-to-one onto our builders' weighted layers in creation order: every conv is followed by its
BatchNorm, in torchvision's module order (WRN: conv1, bn1, layerS.B.{conv1,bn1,conv2,bn2,conv3,bn3,downsample},
fc; GoogLeNet: conv1..conv3, inceptionXY.{branch1, branch2.0, branch2.1, branch3.0, branch3.1, branch4.1}, fc;
torchvision's aux1/aux2 heads are ignored). Layouts: conv OIHW -> HWIO, linear (out, in) -> (in, out), BN
weight/bias/running_mean/running_var -> gamma/beta/moving_mean/moving_variance.

Our builders pad as PyTorch does (`adv_tf.models.torch_layers`: symmetric padding on stride-2 convs and pools,
ceil-mode pools in GoogLeNet), so converted weights give torchvision's outputs: tested against torchvision's own
outputs of a ResNet stem, a stride-2 wide Bottleneck, the GoogLeNet stem and an Inception block
(`tests/models/fixtures/torchvision_blocks.npz`, recorded by `record_torchvision_blocks.py` beside it), and,
where torch is installed, whole models. torchvision's pretrained GoogLeNet re-normalises its input
(`transform_input=True`): build ours with `transform_input=True` for those weights.
"""
from __future__ import annotations

import pathlib
import re

import keras
import numpy as np

from adv_tf.errors import AdvTfError

_WRN_BLOCKS = (3, 4, 6, 3)
_INCEPTIONS = ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b")
_BRANCHES = ("branch1", "branch2.0", "branch2.1", "branch3.0", "branch3.1", "branch4.1")


def torch_layout(name: str) -> list[tuple[str, str]]:
  """(torchvision prefix, kind) per weighted layer in module order; kind is "conv", "bn" or "fc"."""
  if name == "wrn50_2":
    out = [("conv1", "conv"), ("bn1", "bn")]
    for stage, blocks in enumerate(_WRN_BLOCKS, start=1):
      for block in range(blocks):
        p = f"layer{stage}.{block}"
        for i in (1, 2, 3):
          out += [(f"{p}.conv{i}", "conv"), (f"{p}.bn{i}", "bn")]
        if block == 0:
          out += [(f"{p}.downsample.0", "conv"), (f"{p}.downsample.1", "bn")]
    return out + [("fc", "fc")]
  if name == "googlenet":
    prefixes = ["conv1", "conv2", "conv3"] + [f"inception{i}.{b}" for i in _INCEPTIONS for b in _BRANCHES]
    return [(f"{p}.{k}", k) for p in prefixes for k in ("conv", "bn")] + [("fc", "fc")]
  raise AdvTfError(f"no torchvision layout for model {name!r}; choose wrn50_2 or googlenet")


def _order(layer) -> int:
  match = re.search(r"_(\d+)$", layer.name)
  return int(match.group(1)) if match else 0


def keras_layers(model: keras.Model) -> list:
  """The weighted layers in creation order (conv, its BN, ..., the logits Dense last when there is one)."""
  layers = model.layers
  convs = sorted((layer for layer in layers if isinstance(layer, keras.layers.Conv2D)), key=_order)
  bns = sorted((layer for layer in layers if isinstance(layer, keras.layers.BatchNormalization)), key=_order)
  dense = [layer for layer in layers if isinstance(layer, keras.layers.Dense)]
  if len(convs) != len(bns) or len(dense) > 1:
    raise AdvTfError(f"{model.name}: expected conv+BN pairs and at most one Dense head, got {len(convs)} convs, "
                     f"{len(bns)} BNs, {len(dense)} Dense")
  return [layer for pair in zip(convs, bns) for layer in pair] + dense


def pairs(model: keras.Model, layout: list[tuple[str, str]], name: str) -> list:
  """((torchvision prefix, kind), Keras layer) for every weighted layer; `layout` as `torch_layout` gives."""
  layers = keras_layers(model)
  if len(layout) != len(layers):
    raise AdvTfError(f"{name}: torchvision layout has {len(layout)} weighted layers, the Keras model "
                     f"{len(layers)}")
  return list(zip(layout, layers))


def _pairs(model: keras.Model, name: str) -> list:
  return pairs(model, torch_layout(name), name)


def state_dict_from_keras(model: keras.Model, name: str) -> dict[str, np.ndarray]:
  """The torchvision-layout state dict of our model (float32 arrays)."""
  out: dict[str, np.ndarray] = {}
  for (prefix, kind), layer in _pairs(model, name):
    w = [np.asarray(v) for v in layer.get_weights()]
    if kind == "conv":
      out[f"{prefix}.weight"] = w[0].transpose(3, 2, 0, 1)
    elif kind == "bn":
      for key, value in zip(("weight", "bias", "running_mean", "running_var"), w):
        out[f"{prefix}.{key}"] = value
    else:
      out[f"{prefix}.weight"], out[f"{prefix}.bias"] = w[0].T, w[1]
  return {k: np.ascontiguousarray(v, np.float32) for k, v in out.items()}


def load_into(model: keras.Model, state: dict, name: str, *, skip_head: bool = False) -> None:
  """Copies a torchvision state dict into our model (the head skipped when `skip_head`, e.g. 1000 -> 10)."""
  assign(_pairs(model, name), state, name, skip_head=skip_head)


def assign(layer_pairs: list, state: dict, name: str, *, skip_head: bool = False) -> None:
  """Copies `state` into the Keras layers of `pairs(...)` (OIHW -> HWIO, (out, in) -> (in, out), BN 4-tuple)."""
  for (prefix, kind), layer in layer_pairs:
    if kind == "fc" and skip_head:
      continue
    try:
      if kind == "conv":
        arrays = [state[f"{prefix}.weight"].transpose(2, 3, 1, 0)]
      elif kind == "bn":
        arrays = [state[f"{prefix}.{k}"] for k in ("weight", "bias", "running_mean", "running_var")]
      else:
        arrays = [state[f"{prefix}.weight"].T, state[f"{prefix}.bias"]]
    except KeyError as e:
      raise AdvTfError(f"weights for {name} lack {e.args[0]!r}: is this a torchvision {name} state dict?") from None
    expected = [tuple(v.shape) for v in layer.get_weights()]
    if [tuple(a.shape) for a in arrays] != expected:
      raise AdvTfError(f"{prefix}: shapes {[a.shape for a in arrays]} do not fit the Keras layer's {expected}")
    layer.set_weights([np.asarray(a, np.float32) for a in arrays])


def read_state_dict(path) -> dict[str, np.ndarray]:
  """A state dict from `.safetensors` (the `safetensors` package, numpy API) or `.npz`."""
  path = pathlib.Path(path)
  if not path.exists():
    raise AdvTfError(f"weight file {path} does not exist")
  if path.suffix == ".npz":
    with np.load(path) as f:
      return {k: f[k] for k in f.files}
  if path.suffix == ".safetensors":
    try:
      from safetensors.numpy import load_file
    except ImportError:
      raise AdvTfError("reading .safetensors needs `pip install safetensors`") from None
    return load_file(str(path))
  raise AdvTfError(f"unsupported weight file {path.name}: use .safetensors or .npz")
