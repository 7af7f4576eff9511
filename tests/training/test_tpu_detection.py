"""TPU detection from device files (issue 15): TPU VMs (v2-v4 /dev/accel*, v5e/v6e /dev/vfio) are Google PCI
devices; other accelerators' /dev/accel* (Intel Gaudi) are not TPUs. `--tpu local` resolves to the local TPU."""
from __future__ import annotations

import pathlib

import pytest

from adv_tf import distribute


def _tree(root: pathlib.Path, dev: list[str], vendors: list[str]) -> pathlib.Path:
  for name in dev:
    (root / "dev" / name).parent.mkdir(parents=True, exist_ok=True)
    (root / "dev" / name).write_text("")
  for i, vendor in enumerate(vendors):
    folder = root / "sys/bus/pci/devices" / f"0000:00:0{i}.0"
    folder.mkdir(parents=True)
    (folder / "vendor").write_text(vendor + "\n")
  return root


@pytest.mark.parametrize("dev,vendors,expected", [
    (["accel0", "accel1"], ["0x8086", "0x1ae0"], True),       # TPU v4 VM
    (["vfio/vfio", "vfio/0", "vfio/1"], ["0x1ae0"], True),      # TPU v5e/v6e VM
    (["accel0", "accel1"], ["0x8086", "0x1da3"], False),      # Intel Gaudi (habanalabs) /dev/accel*
    (["vfio/vfio", "vfio/12"], ["0x10de"], False),            # an NVIDIA GPU passed through with VFIO
    (["vfio/vfio"], ["0x1ae0"], False),                       # only the VFIO control node
    ([], ["0x1ae0"], False),                                  # a Google PCI device, no accelerator node
    ([], [], False),
])
def test_local_tpu_detection_from_a_fake_device_tree(tmp_path, dev, vendors, expected):
  assert distribute.local_tpu_attached(_tree(tmp_path, dev, vendors)) is expected


def test_tpu_available_honours_the_environment(tmp_path, monkeypatch):
  monkeypatch.delenv("TPU_NAME", raising=False)
  monkeypatch.delenv("COLAB_TPU_ADDR", raising=False)
  assert not distribute.tpu_available(tmp_path)
  monkeypatch.setenv("TPU_NAME", "my-tpu")
  assert distribute.tpu_available(tmp_path)


def test_tpu_names_default_to_local_not_the_empty_name(monkeypatch):
  monkeypatch.delenv("TPU_NAME", raising=False)
  monkeypatch.delenv("COLAB_TPU_ADDR", raising=False)
  assert distribute.tpu_name(None) == "local"
  assert distribute.tpu_name("node-1") == "node-1"
  monkeypatch.setenv("COLAB_TPU_ADDR", "10.0.0.2:8470")
  assert distribute.tpu_name(None) == "grpc://10.0.0.2:8470"
  monkeypatch.setenv("TPU_NAME", "env-tpu")
  assert distribute.tpu_name(None) == "env-tpu"


def test_the_tpu_strategy_asks_the_resolver_for_local(monkeypatch):
  seen = []

  class FakeResolver:
    def __init__(self, tpu=None):
      seen.append(tpu)
      raise ValueError("no TPU here")

  monkeypatch.setattr(distribute.tf.distribute.cluster_resolver, "TPUClusterResolver", FakeResolver)
  monkeypatch.delenv("TPU_NAME", raising=False)
  monkeypatch.delenv("COLAB_TPU_ADDR", raising=False)
  with pytest.raises(distribute.AdvTfError, match="no TPU 'local' could be initialized"):
    distribute.strategy("tpu")
  with pytest.raises(distribute.AdvTfError, match="no TPU 'node-7'"):
    distribute.strategy("auto", tpu="node-7")  # an explicit --tpu makes 'auto' a TPU run
  assert seen == ["local", "node-7"]
