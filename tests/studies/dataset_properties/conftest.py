"""Generated 28x28 digits for the dataset-properties tests (no MNIST needed)."""
from __future__ import annotations

import numpy as np
import pytest


def generated_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
  """Ten separable classes on a dark background: a class-specific bright horizontal bar (MNIST-like range)."""
  rng = np.random.default_rng(seed)
  y = rng.integers(0, 10, n)
  x = rng.uniform(0.0, 0.1, (n, 28, 28, 1)).astype(np.float32)
  for c in range(10):
    x[y == c, 2 + 2 * c: 6 + 2 * c, 4:24, 0] = 0.95
  return np.clip(x, 0, 1), y.astype(np.int64)


@pytest.fixture
def generated_split():
  def load_split(name, split, data_dir):
    del data_dir
    x, y = generated_digits(400 if split == "train" else 60, 0 if split == "train" else 1)
    return x, y, {"dataset": f"generated digits ({name})", "split": split}
  return load_split
