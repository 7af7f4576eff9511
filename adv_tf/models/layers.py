"""Layers shared by the model builders."""
from __future__ import annotations

import keras
from keras import ops


def _bins(size: int, out: int) -> list[tuple[int, int]]:
  """PyTorch adaptive-pooling bins: [floor(i*size/out), ceil((i+1)*size/out))."""
  return [((i * size) // out, -((-(i + 1) * size) // out)) for i in range(out)]


@keras.saving.register_keras_serializable(package="adv_tf")
class AdaptiveMaxPooling2D(keras.layers.Layer):
  """Max pooling to a fixed output grid whatever the input size (PyTorch `AdaptiveMaxPool2d` bins).

  Paper 000 §IV-A-1 replaces the Madry CNN's second 2x2 max pooling with adaptive max pooling so
  that 14x14, 28x28 and 56x56 inputs share one architecture. Spatial size must be known when built.
  """

  def __init__(self, output_size: tuple[int, int] = (7, 7), **kwargs):
    super().__init__(**kwargs)
    self.output_size = tuple(int(v) for v in output_size)

  def compute_output_shape(self, input_shape):
    return (input_shape[0], self.output_size[0], self.output_size[1], input_shape[3])

  def call(self, x):
    h, w = x.shape[1], x.shape[2]
    oh, ow = self.output_size
    if h % oh == 0 and w % ow == 0:
      return ops.max_pool(x, (h // oh, w // ow), (h // oh, w // ow), padding="valid")
    rows = []
    for r0, r1 in _bins(h, oh):
      cols = [ops.max(x[:, r0:r1, c0:c1, :], axis=(1, 2)) for c0, c1 in _bins(w, ow)]
      rows.append(ops.stack(cols, axis=1))
    return ops.stack(rows, axis=1)

  def get_config(self):
    return {**super().get_config(), "output_size": list(self.output_size)}
