"""Shared benchmark context: the trained paper-002 LeNet on MNIST in [-0.5, 0.5] and fixed inputs.

Paper 002, Sec. 5.1 / Table 1: two 5x5 ReLU convolutions (32, 64 filters) each followed by 2x2 max
pooling, one dense layer of 500 ReLU units, SGD with momentum 0.9 until >= 98% test accuracy; pixels
normalized to [-0.5, 0.5] (Sec. 5.3.1). The model is cached under `cache_dir` so reruns do not retrain.
"""
from __future__ import annotations

import dataclasses
import os
import time
from typing import Any, Callable, Mapping

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

PIXEL_RANGE = (-0.5, 0.5)


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
  x_train: np.ndarray | None = None  # training images in the pixel range (training benchmark)
  y_train: np.ndarray | None = None
  notes: list = dataclasses.field(default_factory=list)
  # lenet(overrides) -> (model, test accuracy, source): a LeNetConfig variant trained (or loaded from the
  # cache) exactly as the baseline is (paper002_lenet quick preset: stops at 98% test accuracy).
  lenet: Callable[[Mapping[str, Any]], tuple] | None = None
  data_dir: str | None = None   # where MNIST was loaded from (other studies' loaders use it too)
  cache_dir: str | None = None  # the model cache (None: the suite's)

  def test_batch(self, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first `n` test images and labels (throughput benchmarks)."""
    return self.x_test[:n].astype(np.float32), self.y_test[:n].astype(np.int64)

  def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 90 targeted (source, target) pairs: x [90,...], source labels [90], targets [90]."""
    src = np.repeat(np.arange(10), 9)
    tgt = np.array([t for s in range(10) for t in range(10) if t != s])
    return self.x[src], self.y[src], tgt


def _load_mnist(data_dir: str | None, raw_dir: str | None):
  """MNIST in [-0.5, 0.5] through the paper-002 study's loader; imports it from `raw_dir` first when given."""
  from adv_tf import data as adv_data  # pylint: disable=import-outside-toplevel
  from adv_tf.studies.hyperparams.data import load_study_data  # pylint: disable=import-outside-toplevel
  if raw_dir:
    from data_prep import import_raw  # pylint: disable=import-outside-toplevel
    target = adv_data.resolve_data_dir(data_dir) or os.path.expanduser("~/tensorflow_datasets")
    import_raw.import_dataset("mnist", raw_dir, target)
    data_dir = target
  return load_study_data(data_dir)


def load_context(data_dir: str | None = None, raw_dir: str | None = None, cache_dir: str | None = None,
                 seed: int = 0) -> Context:
  """Loads (or trains and caches) the paper-002 LeNet and picks the benchmark inputs."""
  from adv_tf.studies.hyperparams.models import LeNetTrainer, ModelSpec  # pylint: disable=import-outside-toplevel
  from adv_tf.training import ModelCache  # pylint: disable=import-outside-toplevel
  data = _load_mnist(data_dir, raw_dir)
  xte, yte, info = data.x_test, data.y_test, data.info
  # The study's trainer: the benchmark's LeNet is the study's seed-`seed` control model (one cache entry).
  trainer = LeNetTrainer(data, cache=ModelCache(cache_dir), train_profile="quick")

  def lenet(overrides: Mapping[str, Any]) -> tuple:
    """(model, test accuracy, "cache" or "trained (N s)") of the study's LeNet with Table 1 `overrides`."""
    start = time.time()
    model, result, hit = trainer.get(ModelSpec(dict(overrides), {}, seed))
    return model, float(result["test_accuracy"]), "cache" if hit else f"trained ({time.time() - start:.0f} s)"

  model, accuracy, model_source = lenet({})
  pred = np.argmax(model.predict(xte[:1000], batch_size=500, verbose=0), axis=1)
  idx = [int(np.flatnonzero((yte[:1000] == c) & (pred == c))[0]) for c in range(10)]
  return Context(model=model, x=xte[idx], y=yte[idx], clip_min=PIXEL_RANGE[0], clip_max=PIXEL_RANGE[1],
                 x_test=xte, y_test=yte, x_train=data.x_train, y_train=data.y_train,
                 test_accuracy=accuracy, model_source=model_source, lenet=lenet, data_dir=data_dir,
                 cache_dir=cache_dir,
                 notes=[f"MNIST through adv_tf.data "
                        f"({info.provenance.get('source', 'TFDS') if info.provenance else 'TFDS'}); "
                        f"sources = first correctly classified test image of each class (test indices {idx})"])
