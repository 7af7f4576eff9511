"""Shared pytest fixtures.

Environment variables (set by `make test`):
  ADV_TF_RAW_DIR   local raw datasets (e.g. ../shared/datasets); tests that need real data skip without it.
  ADV_TF_DATA_DIR  a TFDS data directory that `make data` may already have filled.

Fixtures are appended here by each area; never rewrite another area's fixture.
"""
from __future__ import annotations

import os
import pathlib

import numpy as np
import pytest

from adv_tf import cpu_kernels
from data_prep.readers import read_idx

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
cpu_kernels.prefer_onednn()  # before any test module imports TensorFlow, as in the binaries


def _raw_dir() -> pathlib.Path | None:
  value = os.environ.get("ADV_TF_RAW_DIR", "").strip()
  if not value:
    return None
  path = pathlib.Path(value).expanduser()
  return path if path.is_dir() else None


@pytest.fixture(scope="session")
def raw_dir() -> pathlib.Path:
  """The local raw-data folder; skips the test (with the reason) when it is absent."""
  path = _raw_dir()
  if path is None:
    pytest.skip("ADV_TF_RAW_DIR is not set or missing: run `make test RAW_DIR=/path/to/raw/datasets`")
  return path


def _generated_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
  """Ten separable 28x28 'digit' classes: a class-specific bright bar plus noise."""
  rng = np.random.default_rng(seed)
  y = rng.integers(0, 10, n)
  x = rng.uniform(0.0, 0.3, (n, 28, 28, 1)).astype(np.float32)
  for c in range(10):
    idx = y == c
    x[idx, 2 + 2 * c: 5 + 2 * c, 4:24, 0] = 0.9
  return np.clip(x, 0, 1), y.astype(np.int64)


@pytest.fixture(scope="session")
def mnist_arrays() -> dict:
  """MNIST as float32 [0,1] NHWC arrays: 12,000 train and 2,000 test examples.

  Real MNIST from ADV_TF_RAW_DIR/mnist when available, else generated separable digits (key 'real'
  says which), so attack property tests run everywhere and use real data in CI.
  """
  raw = _raw_dir()
  mnist = raw / "mnist" if raw else None
  if mnist is not None and (mnist / "train-images-idx3-ubyte.gz").exists():
    xtr = read_idx(mnist / "train-images-idx3-ubyte.gz")[:12000, ..., None].astype(np.float32) / 255
    ytr = read_idx(mnist / "train-labels-idx1-ubyte.gz")[:12000].astype(np.int64)
    xte = read_idx(mnist / "t10k-images-idx3-ubyte.gz")[:2000, ..., None].astype(np.float32) / 255
    yte = read_idx(mnist / "t10k-labels-idx1-ubyte.gz")[:2000].astype(np.int64)
    return dict(x_train=xtr, y_train=ytr, x_test=xte, y_test=yte, real=True)
  xtr, ytr = _generated_digits(12000, 0)
  xte, yte = _generated_digits(2000, 1)
  return dict(x_train=xtr, y_train=ytr, x_test=xte, y_test=yte, real=False)


@pytest.fixture(scope="session")
def mnist_model(mnist_arrays):
  """A small trained MNIST CNN that outputs logits, inputs in [0,1] (about 97% test accuracy)."""
  import keras
  keras.utils.set_random_seed(0)
  model = keras.Sequential([
      keras.Input((28, 28, 1)),
      keras.layers.Conv2D(16, 3, activation="relu"),
      keras.layers.MaxPooling2D(2),
      keras.layers.Conv2D(32, 3, activation="relu"),
      keras.layers.MaxPooling2D(2),
      keras.layers.Flatten(),
      keras.layers.Dense(64, activation="relu"),
      keras.layers.Dense(10),
  ])
  model.compile(optimizer=keras.optimizers.Adam(1e-3),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
  model.fit(mnist_arrays["x_train"], mnist_arrays["y_train"], batch_size=128, epochs=2, verbose=0)
  return model


# --- data area -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def imported_data_dir(raw_dir, tmp_path_factory) -> pathlib.Path:
  """A TFDS data dir holding every dataset found in ADV_TF_RAW_DIR, imported by `data_prep.import_raw`.

  Reuses ADV_TF_DATA_DIR when set (as `make test` does after `make data`): the import is idempotent, so
  there it only checks that everything from RAW_DIR is present (well under a second) and imports what
  `make data` would have. Falls back to a fresh temporary dir (about 30 s) when ADV_TF_DATA_DIR is unset
  or holds a dataset prepared from another source (e.g. a TFDS download, whose order differs from the raw
  files'). Skips without ADV_TF_RAW_DIR.
  """
  import fcntl
  import hashlib
  import tempfile

  from data_prep import import_raw
  env = os.environ.get("ADV_TF_DATA_DIR", "").strip()
  if env:
    target = pathlib.Path(env).expanduser()
    # `make test` runs two pytest-xdist workers, each with its own session: one imports at a time into the shared
    # folder, the other then finds everything "already imported".
    key = hashlib.sha256(str(target.resolve()).encode()).hexdigest()[:16]
    with open(pathlib.Path(tempfile.gettempdir()) / f"adv_tf_import_{key}.lock", "w") as lock:
      fcntl.flock(lock, fcntl.LOCK_EX)
      results, _ = import_raw.import_all(raw_dir, target, log=lambda line: None)
    if all(r.status in ("imported", "already imported") for r in results):
      return target
  target = tmp_path_factory.mktemp("tfds_imported")
  import_raw.import_all(raw_dir, target, log=lambda line: None)
  return target


@pytest.fixture
def mock_tfds(monkeypatch):
  """`with mock_tfds(num_examples=N):` runs tfds.testing.mock_data with adv_tf.data's memory cache cleared
  around it; downloads are allowed inside (mock_data turns them into no-ops)."""
  import contextlib

  @contextlib.contextmanager
  def mock(num_examples: int):
    import tensorflow_datasets as tfds

    from adv_tf import data
    monkeypatch.setenv("ADV_TF_OFFLINE", "0")
    data.clear_memory_cache()
    try:
      with tfds.testing.mock_data(num_examples=num_examples):
        yield
    finally:
      data.clear_memory_cache()
  return mock
