"""tf.distribute strategies by name: `strategy(kind)`; training and evaluation run under the result.

  auto         a TPU if one is attached, else MirroredStrategy over all GPUs, else the default strategy.
  cpu          OneDeviceStrategy on /cpu:0.
  mirrored     MirroredStrategy over all GPUs, or over all logical CPUs when there is no GPU (tests
               split the CPU into logical devices with `split_cpu`).
  tpu          TPUStrategy: `tpu=` a TPU name, a grpc address, or "local" (a TPU VM, Colab's TPU runtime;
               `TPUClusterResolver(tpu="")` fails there); default: $TPU_NAME, Colab's old TPU_ADDR, else "local".
  multiworker  MultiWorkerMirroredStrategy configured by the TF_CONFIG environment variable.

adv_tf.training splits each global batch (TrainConfig.batch_size) evenly across the replicas.
"""
from __future__ import annotations

import glob
import os
import pathlib
from typing import Callable, Optional, Sequence

import tensorflow as tf

from adv_tf.errors import AdvTfError
from adv_tf.registry import Registry

STRATEGIES: Registry[Callable[..., tf.distribute.Strategy]] = Registry("distribution strategy")


def split_cpu(n: int) -> None:
  """Splits the physical CPU into `n` logical devices (call before TensorFlow runs any op)."""
  cpus = tf.config.list_physical_devices("CPU")
  try:
    tf.config.set_logical_device_configuration(cpus[0], [tf.config.LogicalDeviceConfiguration()] * n)
  except RuntimeError:
    raise AdvTfError("split_cpu must run before TensorFlow initializes its devices; call it first") from None


GOOGLE_PCI_VENDOR = "0x1ae0"  # TPU chips are PCI devices of Google's vendor id


def _google_pci_device(root: pathlib.Path) -> bool:
  for vendor in glob.glob(str(root / "sys/bus/pci/devices/*/vendor")):
    try:
      if pathlib.Path(vendor).read_text().strip().lower() == GOOGLE_PCI_VENDOR:
        return True
    except OSError:
      continue
  return False


def local_tpu_attached(root: str | os.PathLike = "/") -> bool:
  """Whether this host is a TPU VM, from device files only (no TensorFlow, no network).

  TPU v2-v4 VMs expose `/dev/accel<N>`, v5e/v6e expose `/dev/vfio/<N>`; other accelerators use the same
  nodes (Intel Gaudi's habanalabs driver creates `/dev/accel*`), so a node counts only together with a PCI
  device of Google's vendor id under `/sys/bus/pci/devices/*/vendor`.

  Args:
    root: the filesystem root to look under (tests pass a fake tree).
  """
  root = pathlib.Path(root)
  nodes = glob.glob(str(root / "dev/accel*")) + [p for p in glob.glob(str(root / "dev/vfio/*"))
                                                 if pathlib.Path(p).name != "vfio"]  # vfio: the control node
  return bool(nodes) and _google_pci_device(root)


def tpu_available(root: str | os.PathLike = "/") -> bool:
  """Whether a TPU looks attached: a TPU VM (`local_tpu_attached`), $TPU_NAME or Colab's old TPU_ADDR."""
  return bool(os.environ.get("TPU_NAME") or os.environ.get("COLAB_TPU_ADDR") or local_tpu_attached(root))


def tpu_name(tpu: Optional[str] = None) -> str:
  """The name for `TPUClusterResolver(tpu=...)`: `tpu`, else $TPU_NAME, else Colab's grpc address, else
  "local" (TPU VMs; an empty name fails on Colab's TPU VM runtimes)."""
  if tpu:
    return tpu
  if os.environ.get("TPU_NAME"):
    return os.environ["TPU_NAME"]
  if os.environ.get("COLAB_TPU_ADDR"):
    return f"grpc://{os.environ['COLAB_TPU_ADDR']}"
  return "local"


@STRATEGIES.register("tpu")
def _tpu(tpu: Optional[str] = None, **_) -> tf.distribute.Strategy:
  name = tpu_name(tpu)
  try:
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=name)
    if name != "local":
      tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
  except (ValueError, RuntimeError, tf.errors.OpError) as e:
    raise AdvTfError(f"no TPU {name!r} could be initialized ({type(e).__name__}); check --tpu or use "
                     "--strategy=cpu") from None
  return tf.distribute.TPUStrategy(resolver)


def enable_determinism(seed: int) -> None:
  """`--deterministic`: deterministic TensorFlow ops (`enable_op_determinism`) and seeded Python/NumPy/TF RNGs.

  Same seed and hardware -> the same numbers on GPU too, at some speed cost; ops without a deterministic
  kernel then raise instead of running nondeterministically.
  """
  import keras  # pylint: disable=import-outside-toplevel
  keras.utils.set_random_seed(seed)
  tf.config.experimental.enable_op_determinism()


@STRATEGIES.register("mirrored")
def _mirrored(devices: Optional[Sequence[str]] = None, **_) -> tf.distribute.Strategy:
  if devices is None:
    gpus = tf.config.list_logical_devices("GPU")
    devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
  return tf.distribute.MirroredStrategy(devices=list(devices))


@STRATEGIES.register("cpu")
def _cpu(**_) -> tf.distribute.Strategy:
  return tf.distribute.OneDeviceStrategy("/cpu:0")


@STRATEGIES.register("multiworker")
def _multiworker(**_) -> tf.distribute.Strategy:
  return tf.distribute.MultiWorkerMirroredStrategy()


@STRATEGIES.register("auto")
def _auto(**kwargs) -> tf.distribute.Strategy:
  if kwargs.get("tpu") or tpu_available():
    return _tpu(**kwargs)
  if tf.config.list_physical_devices("GPU"):
    return tf.distribute.MirroredStrategy()
  return tf.distribute.get_strategy()


def strategy(kind: str = "auto", *, devices: Optional[Sequence[str]] = None,
             tpu: Optional[str] = None) -> tf.distribute.Strategy:
  """Returns the tf.distribute strategy `kind` (see module docstring).

  Args:
    kind: 'auto', 'cpu', 'mirrored', 'tpu' or 'multiworker'.
    devices: device names for 'mirrored' (default: all GPUs, else all logical CPUs).
    tpu: TPU name, grpc address or "local" for 'tpu'/'auto' (the --tpu flag; default: `tpu_name()`).
  """
  return STRATEGIES.get(kind)(devices=devices, tpu=tpu)
