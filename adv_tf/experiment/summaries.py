"""TensorBoard scalars that need only TensorFlow (not the `tensorboard` package).

TensorFlow 2.21 wheels no longer pull in `tensorboard`, and without it `tf.summary.scalar` raises
`TBNotInstalledError`. `write_scalar` writes the same event (a float32 scalar tensor tagged with the
"scalars" plugin metadata, exactly what `tensorboard.summary.v2.scalar` writes) through core
`tf.summary.write`, so TensorBoard displays it whether or not tensorboard is installed where the run
happened.
"""
from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def _scalar_metadata_bytes() -> bytes:
  from tensorflow.core.framework import summary_pb2
  metadata = summary_pb2.SummaryMetadata(
      plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars", content=b""),
      data_class=summary_pb2.DATA_CLASS_SCALAR)
  return metadata.SerializeToString()


def write_scalar(tag: str, value: float, step: int, writer=None) -> bool:
  """Writes one scalar to `writer` (or the default summary writer). Returns whether it was written."""
  import tensorflow as tf
  if writer is not None:
    with writer.as_default():
      return write_scalar(tag, value, step)
  return bool(tf.summary.write(tag, tf.constant(float(value), tf.float32), step=int(step),
                               metadata=_scalar_metadata_bytes()))
