"""tf.distribute strategies by name: `strategy(kind)`; training and evaluation run under the result.

  auto         a TPU if one is attached, else MirroredStrategy over all GPUs, else the default strategy.
  cpu          OneDeviceStrategy on /cpu:0.
  mirrored     MirroredStrategy over all GPUs, or over all logical CPUs when there is no GPU (tests
               split the CPU into logical devices with `split_cpu`).
  tpu          TPUStrategy (a Cloud TPU VM, Colab, or `tpu=` address).
  multiworker  MultiWorkerMirroredStrategy configured by the TF_CONFIG environment variable.

adv_tf.training splits each global batch (TrainConfig.batch_size) evenly across the replicas.
"""
from __future__ import annotations

import glob
import os
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


def tpu_available() -> bool:
  """Whether a TPU looks attached (TPU VM device files, TPU_NAME or Colab's address), without network calls."""
  return bool(os.environ.get("TPU_NAME") or os.environ.get("COLAB_TPU_ADDR") or glob.glob("/dev/accel*")
              or tf.config.list_logical_devices("TPU"))


@STRATEGIES.register("tpu")
def _tpu(tpu: Optional[str] = None, **_) -> tf.distribute.Strategy:
  try:
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu or "")
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
  except (ValueError, RuntimeError, tf.errors.OpError) as e:
    raise AdvTfError(f"no TPU could be initialized ({type(e).__name__}); use strategy 'auto' or 'cpu'") from None
  return tf.distribute.TPUStrategy(resolver)


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
  if tpu_available():
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
    tpu: TPU name or grpc address for 'tpu'/'auto' (default: discovered from the environment).
  """
  return STRATEGIES.get(kind)(devices=devices, tpu=tpu)
