"""Paper 001 data: the minimally-identifiable distortion, the index layout and the relabelling proxy.

Index layout of the 60,000 MNIST training images (ours; the paper says only "5,000 images of the MNIST
training dataset", §3.2):
  * pool      = [0, pool_size): the images the paper hand-relabelled; the modified set is drawn from them;
  * labeller  = [pool_size, N - validation_size): the proxy labeller's training images (distorted);
  * validation = [N - validation_size, N): held out for early stopping of every study model, never trained on;
  * raw regime trains on [0, N - validation_size).
The test set is the unchanged MNIST test set (paper §3.2), plus its distorted copy as a control.

The human relabelling (§3.2: 4,736 of 5,000 labelled correctly) cannot be reproduced. Proxy (ours): a
labeller classifier trained on the distorted labeller images scores the distorted pool; the `keep` images
with the highest true-class probability are kept (ties: lower index first), i.e. the least recognisable
pool_size - keep are dropped. The kept indices and their sha256 are recorded.
"""
from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import numpy as np

from adv_tf.data.arrays import TrainTestArrays
from adv_tf.data.transforms import MinimalIdentifiable
from adv_tf.errors import AdvTfError


def distortion(config) -> MinimalIdentifiable:
  """Paper 001 §3.2: bilinear 28->low_size (antialiased per config), nearest back, contrast x factor."""
  return MinimalIdentifiable(low_size=config.low_size, contrast_factor=config.contrast_factor,
                             antialias=config.antialias)


def distort(x: np.ndarray, config, chunk: int = 4096) -> np.ndarray:
  """The distortion applied to float32 [0,1] images [N, H, W, 1], in chunks."""
  import tensorflow as tf
  transform = distortion(config)
  parts = [transform(tf.constant(x[i:i + chunk])).numpy() for i in range(0, len(x), chunk)]
  return np.concatenate(parts).astype(np.float32) if parts else np.zeros_like(x)


@dataclasses.dataclass
class StudyData(TrainTestArrays):
  """Raw and distorted MNIST arrays (float32 [0,1] NHWC, int64 labels) and where they came from."""
  x_train_distorted: np.ndarray
  x_test_distorted: np.ndarray
  identity: dict

  def split(self, config, name: str) -> slice:
    """Index ranges of the layout in the module docstring."""
    n = len(self.y_train)
    end = n - config.validation_size
    ranges = {"pool": slice(0, config.pool_size), "labeller": slice(config.pool_size, end),
              "validation": slice(end, n), "full": slice(0, end)}
    return ranges[name]


def check_layout(config, num_train: int) -> None:
  """AdvTfError when the pool, labeller and validation slices do not fit the training split."""
  if config.pool_size + config.validation_size >= num_train:
    raise AdvTfError(f"pool_size ({config.pool_size}) + validation_size ({config.validation_size}) must leave "
                     f"labeller images in the {num_train} training images")


def load_mnist(data_dir: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
  """MNIST train/test as float32 [0,1] through adv_tf.data (one-line AdvTfError when it is missing)."""
  from adv_tf.data import load_arrays
  x_train, y_train, info = load_arrays("mnist", "train", data_dir=data_dir)
  x_test, y_test, _ = load_arrays("mnist", "test", data_dir=data_dir)
  return x_train, y_train, x_test, y_test, info.identity()


def prepare_data(config, data_dir: str | None, loader=load_mnist) -> StudyData:
  """Loads MNIST (or what `loader` returns) and distorts train and test once."""
  x_train, y_train, x_test, y_test, identity = loader(data_dir)
  check_layout(config, len(y_train))
  return StudyData(x_train, y_train, x_test, y_test, distort(x_train, config), distort(x_test, config),
                   dict(identity, distortion=distortion(config).spec()))


def select_most_recognisable(true_class_probability: np.ndarray, keep: int) -> np.ndarray:
  """Sorted positions of the `keep` largest probabilities; ties go to the lower position (deterministic)."""
  p = np.asarray(true_class_probability, np.float64).reshape(-1)
  if not 0 < keep <= len(p):
    raise AdvTfError(f"cannot keep {keep} of {len(p)} pool images")
  order = np.lexsort((np.arange(len(p)), -p))  # by -p, then by index
  return np.sort(order[:keep]).astype(np.int64)


def random_selection(pool_size: int, keep: int, seed: int) -> np.ndarray:
  """Sorted positions of a uniformly random `keep` of `pool_size` (the selection/size controls)."""
  rng = np.random.default_rng([seed, 1_000_001])
  return np.sort(rng.choice(pool_size, size=keep, replace=False)).astype(np.int64)


def indices_digest(indices: np.ndarray) -> str:
  """sha256 (16 hex digits) of the int64 index list: the selection's identity in cache keys."""
  return hashlib.sha256(np.asarray(indices, np.int64).tobytes()).hexdigest()[:16]


def selection_provenance(kind: str, indices: np.ndarray, config, extra: dict[str, Any] | None = None) -> dict:
  """The dataset-level subset as recorded in records and cache keys (with the full index list)."""
  return {"name": kind, "pool": [0, int(config.pool_size)], "keep": int(len(indices)),
          "indices_sha256": indices_digest(indices), "indices": [int(i) for i in indices], **(extra or {})}
