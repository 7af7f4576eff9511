"""Generated digits for the minimal-dataset tests (no MNIST needed)."""
from __future__ import annotations

import numpy as np
import pytest


def generated_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
  """Ten separable 28x28 classes: a class-specific bright bar (wide enough to survive the 10x10 distortion)."""
  rng = np.random.default_rng(seed)
  y = rng.integers(0, 10, n)
  x = rng.uniform(0.0, 0.3, (n, 28, 28, 1)).astype(np.float32)
  for c in range(10):
    x[y == c, 2 + 2 * c: 5 + 2 * c, 4:24, 0] = 0.9
  return np.clip(x, 0, 1), y.astype(np.int64)


@pytest.fixture
def generated_loader():
  def loader(data_dir):
    del data_dir
    x_train, y_train = generated_digits(900, 0)
    x_test, y_test = generated_digits(120, 1)
    return x_train, y_train, x_test, y_test, {"dataset": "generated digits"}
  return loader
