"""Shared benchmark context: the trained paper-002 LeNet on MNIST in [-0.5, 0.5] and fixed inputs.

Paper 002, Sec. 5.1 / Table 1: two 5x5 ReLU convolutions (32, 64 filters) each followed by 2x2 max
pooling, one dense layer of 500 ReLU units, SGD with momentum 0.9 until >= 98% test accuracy; pixels
normalized to [-0.5, 0.5] (Sec. 5.3.1). The model is cached under `cache_dir` so reruns do not retrain.
"""
from __future__ import annotations

import dataclasses
import gzip
import os
import pathlib
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

PIXEL_RANGE = (-0.5, 0.5)
TARGET_ACCURACY = 0.98


@dataclasses.dataclass
class Context:
  """Everything a benchmark needs; built once by `load_context` and shared by all benchmarks."""
  model: object
  x: np.ndarray            # [10, 28, 28, 1] one correctly classified test image per class
  y: np.ndarray            # [10] their labels (0..9)
  clip_min: float
  clip_max: float
  x_test: np.ndarray       # test images in the pixel range (for throughput benchmarks)
  y_test: np.ndarray
  test_accuracy: float
  model_source: str        # "cache" or "trained (N s)"
  notes: list = dataclasses.field(default_factory=list)

  def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 90 targeted (source, target) pairs: x [90,...], source labels [90], targets [90]."""
    src = np.repeat(np.arange(10), 9)
    tgt = np.array([t for s in range(10) for t in range(10) if t != s])
    return self.x[src], self.y[src], tgt


def _read_idx(path: pathlib.Path) -> np.ndarray:
  with gzip.open(path, "rb") as f:
    data = f.read()
  ndim = data[3]
  shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
  return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _load_mnist(data_dir: str | None, raw_dir: str | None):
  """MNIST in [-0.5, 0.5]: through adv_tf.data when it exists, else the raw IDX files."""
  lo, hi = PIXEL_RANGE
  try:
    from adv_tf import data as adv_data  # pylint: disable=import-outside-toplevel
    load_arrays = getattr(adv_data, "load_arrays")
  except (ImportError, AttributeError):
    load_arrays = None
  if load_arrays is not None:
    try:
      xtr, ytr, _ = load_arrays("mnist", "train", data_dir=data_dir or None, pixel_range=PIXEL_RANGE)
      xte, yte, _ = load_arrays("mnist", "test", data_dir=data_dir or None, pixel_range=PIXEL_RANGE)
      return xtr, ytr, xte, yte, "adv_tf.data.load_arrays"
    except Exception as e:  # pylint: disable=broad-except
      if not raw_dir:
        raise
      print(f"adv_tf.data.load_arrays failed ({type(e).__name__}: {e}); reading raw IDX files")
  if not raw_dir:
    raise SystemExit("benchmarks need MNIST: pass --raw_dir=/path/with/mnist/ or --data_dir with TFDS MNIST")
  mnist = pathlib.Path(raw_dir).expanduser() / "mnist"
  def images(name):
    return (_read_idx(mnist / name)[..., None].astype(np.float32) / 255.0) * (hi - lo) + lo
  def labels(name):
    return _read_idx(mnist / name).astype(np.int64)
  return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
          images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"), f"raw IDX in {mnist}")


def build_lenet():
  """Paper 002 Table 1 LeNet (logits out), from adv_tf.models when available."""
  import keras  # pylint: disable=import-outside-toplevel
  try:
    from adv_tf import models  # pylint: disable=import-outside-toplevel
    return models.build("lenet", (28, 28, 1), 10)
  except (ImportError, AttributeError):
    pass
  return keras.Sequential([
      keras.Input((28, 28, 1)),
      keras.layers.Conv2D(32, 5, activation="relu", padding="valid"),
      keras.layers.MaxPooling2D(2),
      keras.layers.Conv2D(64, 5, activation="relu", padding="valid"),
      keras.layers.MaxPooling2D(2),
      keras.layers.Flatten(),
      keras.layers.Dense(500, activation="relu"),
      keras.layers.Dense(10),
  ], name="lenet")


def _train(xtr, ytr, xte, yte, seed: int):
  import keras  # pylint: disable=import-outside-toplevel
  keras.utils.set_random_seed(seed)
  model = build_lenet()
  model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
  acc = 0.0
  for _ in range(10):
    model.fit(xtr, ytr, batch_size=128, epochs=1, verbose=0, shuffle=True)
    acc = float(model.evaluate(xte, yte, batch_size=1000, verbose=0)[1])
    if acc >= TARGET_ACCURACY:
      break
  return model, acc


def load_context(data_dir: str | None = None, raw_dir: str | None = None, cache_dir: str | None = None,
                 seed: int = 0) -> Context:
  """Loads (or trains and caches) the LeNet and picks the benchmark inputs."""
  import keras  # pylint: disable=import-outside-toplevel
  xtr, ytr, xte, yte, source = _load_mnist(data_dir, raw_dir)
  cache = pathlib.Path(cache_dir or os.path.expanduser("~/.cache/adv_tf_bench")).expanduser()
  cache.mkdir(parents=True, exist_ok=True)
  path = cache / f"lenet_mnist_pm05_seed{seed}.keras"
  if path.exists():
    model = keras.models.load_model(path)
    acc = float(model.evaluate(xte, yte, batch_size=1000, verbose=0)[1])
    model_source = f"cache {path}"
  else:
    start = time.time()
    model, acc = _train(xtr, ytr, xte, yte, seed)
    model.save(path)
    model_source = f"trained ({time.time() - start:.0f} s), cached at {path}"
  pred = np.argmax(model.predict(xte[:1000], batch_size=500, verbose=0), axis=1)
  idx = [int(np.flatnonzero((yte[:1000] == c) & (pred == c))[0]) for c in range(10)]
  return Context(model=model, x=xte[idx], y=yte[idx], clip_min=PIXEL_RANGE[0], clip_max=PIXEL_RANGE[1],
                 x_test=xte, y_test=yte, test_accuracy=acc, model_source=model_source,
                 notes=[f"MNIST from {source}; sources = first correctly classified test image of each class "
                        f"(test indices {idx})"])
