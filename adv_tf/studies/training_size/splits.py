"""Train/test data per dataset for paper 004 (§3.3), including the two re-splits the study needs.

* MNIST, CIFAR-10: the standard train/test splits (the local CIFAR-10 copy is a 20k balanced subset of train).
* STL-10 (§3.3): the 13,000 labelled images (5,000 train + 8,000 test) are pooled and re-split into 10,000
  train (1,000 per class) and 3,000 test (300 per class). How is unstated; ours: per class, a permutation
  seeded by `split_seed` (the classes in label order, one generator), first 1,000 -> train, last 300 -> test.
* Tiny ImageNet (§3.3): accuracy and robustness on the 10,000 validation images, trained on the 100k train
  split ('official'). Offline only the validation images exist, so the 'standin' split takes, per class,
  40 seeded images for training and 10 for testing (8,000 / 2,000): a stand-in, stated in the report.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from adv_tf.errors import AdvTfError


def per_class_split(labels, train_per_class: int, test_per_class: int, *, seed: int,
                    num_classes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
  """Seeded class-balanced train/test split: per class the first `train_per_class` of a permutation go to
  train and the last `test_per_class` to test. Returns sorted index arrays (disjoint)."""
  labels = np.asarray(labels).reshape(-1).astype(np.int64)
  if labels.size == 0:
    raise AdvTfError("per_class_split needs a non-empty label array")
  num_classes = int(labels.max()) + 1 if num_classes is None else int(num_classes)
  if train_per_class < 1 or test_per_class < 1:
    raise AdvTfError(f"per_class_split needs >= 1 train and test image per class, got {train_per_class}, "
                     f"{test_per_class}")
  rng = np.random.default_rng(seed)
  train, test = [], []
  for c in range(num_classes):
    idx = rng.permutation(np.flatnonzero(labels == c))
    if len(idx) < train_per_class + test_per_class:
      raise AdvTfError(f"class {c} has {len(idx)} images, fewer than {train_per_class} + {test_per_class}; "
                       f"lower the per-class counts")
    train.append(idx[:train_per_class])
    test.append(idx[len(idx) - test_per_class:])
  return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


@dataclasses.dataclass
class SplitData:
  """Arrays of one dataset as the study uses them, and how they were made (for the report)."""
  x_train: np.ndarray
  y_train: np.ndarray
  x_test: np.ndarray
  y_test: np.ndarray
  num_classes: int
  note: str
  identity: dict


def _standard(name: str, config, data_dir) -> SplitData:
  from adv_tf import data
  x, y, info = data.load_arrays(name, "train", data_dir=data_dir)
  xt, yt, tinfo = data.load_arrays(name, "test", data_dir=data_dir)
  subset = " (local copy: a subset of the official training split)" if info.is_subset else ""
  note = f"standard split: {len(y)} train / {len(yt)} test{subset}"
  return SplitData(x, y, xt, yt, info.num_classes, note, {"train": info.identity(), "test": tinfo.identity()})


def _stl10(config, data_dir) -> SplitData:
  from adv_tf import data
  x1, y1, info = data.load_arrays("stl10", "train", data_dir=data_dir)
  x2, y2, _ = data.load_arrays("stl10", "test", data_dir=data_dir)
  x, y = np.concatenate([x1, x2]), np.concatenate([y1, y2])
  n_train, n_test = config.stl10_train_per_class, config.stl10_test_per_class
  train, test = per_class_split(y, n_train, n_test, seed=config.split_seed, num_classes=info.num_classes)
  note = (f"re-split of the {len(y)} labelled images (train + test pooled): per class a permutation seeded "
          f"{config.split_seed}, first {n_train} -> train, last {n_test} -> test ({len(train)} / {len(test)})")
  identity = {"dataset": "stl10", "resplit": "per_class", "seed": config.split_seed, "train_per_class": n_train,
              "test_per_class": n_test, "pool": len(y)}
  return SplitData(x[train], y[train], x[test], y[test], info.num_classes, note, identity)


def _tiny_imagenet(config, data_dir) -> SplitData:
  from adv_tf import data
  if config.tiny_split == "official":
    return _standard("tiny_imagenet", config, data_dir)
  x, y, info = data.load_arrays("tiny_imagenet", "test", data_dir=data_dir)  # 'test' reads validation
  train, test = per_class_split(y, config.tiny_train_per_class, config.tiny_test_per_class,
                                seed=config.split_seed, num_classes=info.num_classes)
  note = (f"STAND-IN split (the training split is not available offline): the {len(y)} validation images, "
          f"per class {config.tiny_train_per_class} train / {config.tiny_test_per_class} test, seed "
          f"{config.split_seed} ({len(train)} / {len(test)}); the paper trains on 100k and tests on validation")
  identity = {"dataset": "tiny_imagenet", "resplit": "validation_standin", "seed": config.split_seed,
              "train_per_class": config.tiny_train_per_class, "test_per_class": config.tiny_test_per_class}
  return SplitData(x[train], y[train], x[test], y[test], info.num_classes, note, identity)


LOADERS: dict[str, Callable] = {
    "mnist": lambda config, data_dir: _standard("mnist", config, data_dir),
    "cifar10": lambda config, data_dir: _standard("cifar10", config, data_dir),
    "stl10": _stl10,
    "tiny_imagenet": _tiny_imagenet,
}


# How the study orders every test split (part of each cell's identity: cells.split_fields).
TEST_ORDER = "class-interleaved"


def class_interleaved(labels) -> np.ndarray:
  """Indices that put a split in class-interleaved order: the first image of each class (classes ascending), then
  the second of each, ...; within a class the split's own order. Every "first N test images" slice (the attack
  pool, the training history's evaluation slice) then holds the classes equally, whatever the split's order: the
  local CIFAR-10 copy's test split is sorted by class, so its first 500 images are all airplanes."""
  labels = np.asarray(labels).reshape(-1)
  rank = np.zeros(len(labels), np.int64)
  for c in np.unique(labels):
    members = np.flatnonzero(labels == c)
    rank[members] = np.arange(len(members))
  return np.lexsort((labels, rank))


def load_split(dataset: str, config, data_dir=None) -> SplitData:
  """The study's train/test arrays of `dataset` (see module docstring), the test split in `TEST_ORDER`."""
  if dataset not in LOADERS:
    raise AdvTfError(f"training-size: no loader for dataset {dataset!r}; choose one of: {', '.join(LOADERS)}")
  split = LOADERS[dataset](config, data_dir)
  order = class_interleaved(split.y_test)
  return dataclasses.replace(
      split, x_test=split.x_test[order], y_test=split.y_test[order],
      note=f"{split.note}; test images in class-interleaved order (the first image of each class, then the second, "
      "...), so the attack pool (the first N) holds every class equally",
      identity={**split.identity, "test_order": TEST_ORDER})
