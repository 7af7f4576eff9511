"""Nested class-balanced subsets S_1 ⊂ S_2 ⊂ ... ⊂ S_n of a training split (paper 004 §4.1).

Paper 004 §4.1: "we partition its training set into n sub-datasets with a strict inclusion relationship
S_1 ⊂ S_2 ⊂ ... ⊂ S_n. Each sub-dataset contains the same number of images for each training label."

Construction: for each class c, the indices of class c are permuted once with a generator seeded by
`seed` (independently of the sizes asked for); S_k takes the first size_k / num_classes indices of every
class's permutation. Hence subsets with the same seed are nested for any sizes, exactly balanced, and the
same seed gives the same subsets. Indices are returned sorted (the split's original order).

`balanced_split` cuts one split into a class-balanced train part and test part (e.g. the local Imagenette
copy, 2,500 validation images only: 200 + 50 per class, paper 003): from the same per-class permutations,
train takes the first `train_per_class` indices of each class and test the LAST `test_per_class`. So the
two parts are disjoint, the test part does not change when only the train size changes, and the train
part equals `balanced_subset(labels, train_per_class * num_classes, seed)` (nested across train sizes).

`BalancedSubset`, `BalancedSplit` and `IndexSubset` are dataset-level transforms (registered as
"balanced_subset", "balanced_split", "index_subset") so that the selection becomes part of
`DatasetInfo.transforms`; `adv_tf.data.load` also records a hash and the class counts of the selected
indices in `DatasetInfo.provenance["selection"]` (and the hash in `DatasetInfo.identity()`).
"""
from __future__ import annotations

import dataclasses
import hashlib
from typing import ClassVar, Sequence

import numpy as np

from adv_tf.data.transforms import Transform, register_transform
from adv_tf.errors import AdvTfError


def _class_permutations(labels: np.ndarray, num_classes: int, seed: int) -> list[np.ndarray]:
  rng = np.random.default_rng(seed)
  return [rng.permutation(np.flatnonzero(labels == c)) for c in range(num_classes)]


def nested_balanced_subsets(labels, sizes: Sequence[int], *, seed: int,
                            num_classes: int | None = None) -> list[np.ndarray]:
  """Index arrays of nested, class-balanced subsets, one per size (any order of sizes).

  Args:
    labels: int labels of the full split [N].
    sizes: total subset sizes; each must be a multiple of num_classes and fit in the smallest class.
    seed: the subsets are a deterministic function of (labels, seed).
    num_classes: defaults to max(label) + 1.

  Returns:
    One sorted int64 index array per size; a smaller size's indices are contained in a larger one's.
  """
  labels = np.asarray(labels).reshape(-1).astype(np.int64)
  if labels.size == 0:
    raise AdvTfError("balanced subsets need a non-empty split")
  num_classes = int(labels.max()) + 1 if num_classes is None else int(num_classes)
  perms = _class_permutations(labels, num_classes, seed)
  smallest = min(len(p) for p in perms)
  out = []
  for size in sizes:
    if not isinstance(size, (int, np.integer)) or size <= 0 or size % num_classes:
      raise AdvTfError(f"subset size must be a positive multiple of the {num_classes} classes, got {size!r}")
    per_class = int(size) // num_classes
    if per_class > smallest:
      raise AdvTfError(f"subset size {size} needs {per_class} examples per class but the smallest class has "
                       f"{smallest}; use at most {smallest * num_classes}")
    out.append(np.sort(np.concatenate([p[:per_class] for p in perms])).astype(np.int64))
  return out


def balanced_subset(labels, size: int, *, seed: int, num_classes: int | None = None) -> np.ndarray:
  """Sorted indices of one class-balanced subset; nested with every other size for the same seed."""
  return nested_balanced_subsets(labels, [size], seed=seed, num_classes=num_classes)[0]


@register_transform("balanced_subset")
@dataclasses.dataclass(frozen=True)
class BalancedSubset(Transform):
  """Keep a class-balanced subset of `size` examples (paper 004 §4.1); nested across sizes for one seed.

  Applied before any image transform and before `take`, whatever its position in the list.
  """
  size: int = 0
  seed: int = 0
  dataset_level: ClassVar[bool] = True

  def __post_init__(self):
    if not isinstance(self.size, (int, np.integer)) or isinstance(self.size, bool) or self.size <= 0:
      raise AdvTfError(f"balanced_subset: size must be a positive int, got {self.size!r}")

  def select(self, labels, num_classes: int) -> np.ndarray:
    """Sorted indices of the kept examples, given the split's labels."""
    return balanced_subset(labels, int(self.size), seed=int(self.seed), num_classes=num_classes)

  indices = select  # the earlier name

  def __call__(self, images, seed=None):
    raise AdvTfError("balanced_subset selects examples; pass it in load(..., transforms=...)")


def balanced_split(labels, train_per_class: int, test_per_class: int, *, seed: int,
                   num_classes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
  """Sorted (train, test) index arrays of a seeded class-balanced split of one split (see module doc).

  Args:
    labels: int labels of the split [N].
    train_per_class, test_per_class: examples per class in each part; their sum must fit in the smallest
      class.
    seed: the split is a deterministic function of (labels, seed).
    num_classes: defaults to max(label) + 1.
  """
  labels = np.asarray(labels).reshape(-1).astype(np.int64)
  if labels.size == 0:
    raise AdvTfError("a balanced split needs a non-empty split")
  for what, value in (("train_per_class", train_per_class), ("test_per_class", test_per_class)):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
      raise AdvTfError(f"balanced_split: {what} must be a positive int, got {value!r}")
  num_classes = int(labels.max()) + 1 if num_classes is None else int(num_classes)
  perms = _class_permutations(labels, num_classes, seed)
  smallest = min(len(p) for p in perms)
  if train_per_class + test_per_class > smallest:
    raise AdvTfError(f"balanced_split: {train_per_class} + {test_per_class} per class do not fit in the smallest "
                     f"class ({smallest} examples); ask for at most {smallest} per class in total")
  train = np.sort(np.concatenate([p[:train_per_class] for p in perms])).astype(np.int64)
  test = np.sort(np.concatenate([p[len(p) - test_per_class:] for p in perms])).astype(np.int64)
  return train, test


def indices_digest(indices) -> str:
  """sha256 (first 20 hex digits) of an index array as little-endian int64: names a selection compactly."""
  return hashlib.sha256(np.asarray(indices, np.int64).astype("<i8").tobytes()).hexdigest()[:20]


_PARTS = ("train", "test")


@register_transform("balanced_split")
@dataclasses.dataclass(frozen=True)
class BalancedSplit(Transform):
  """Keep one part ("train" or "test") of a seeded class-balanced split of the split being loaded
  (`balanced_split`); load the other part with the same settings and `part` changed. Applied before any
  image transform and before `take`."""
  part: str = "train"
  train_per_class: int = 1
  test_per_class: int = 1
  seed: int = 0
  dataset_level: ClassVar[bool] = True

  def __post_init__(self):
    if self.part not in _PARTS:
      raise AdvTfError(f"balanced_split: part must be one of {_PARTS}, got {self.part!r}")
    for what in ("train_per_class", "test_per_class", "seed"):
      value = getattr(self, what)
      if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < (0 if what == "seed" else 1):
        raise AdvTfError(f"balanced_split: {what} must be a {'non-negative' if what == 'seed' else 'positive'} "
                         f"int, got {value!r}")

  def select(self, labels, num_classes: int) -> np.ndarray:
    """Sorted indices of the kept examples, given the split's labels."""
    train, test = balanced_split(labels, int(self.train_per_class), int(self.test_per_class), seed=int(self.seed),
                                 num_classes=num_classes)
    return train if self.part == "train" else test

  def __call__(self, images, seed=None):
    raise AdvTfError("balanced_split selects examples; pass it in load(..., transforms=...)")


@register_transform("index_subset")
@dataclasses.dataclass(frozen=True)
class IndexSubset(Transform):
  """Keep the examples at `indices` (positions in the split, after any earlier dataset-level transform),
  in the split's order. The indices are part of the spec, so of the data identity."""
  indices: tuple = ()
  dataset_level: ClassVar[bool] = True

  def __post_init__(self):
    values = list(self.indices) if isinstance(self.indices, (list, tuple, np.ndarray)) else None
    if not values or any(not isinstance(i, (int, np.integer)) or isinstance(i, bool) or i < 0 for i in values):
      raise AdvTfError(f"index_subset: indices must be a non-empty list of non-negative ints, got {self.indices!r}")
    if len(set(int(i) for i in values)) != len(values):
      raise AdvTfError("index_subset: indices must not repeat")
    object.__setattr__(self, "indices", tuple(sorted(int(i) for i in values)))

  def select(self, labels, num_classes: int) -> np.ndarray:
    idx = np.asarray(self.indices, np.int64)
    if idx[-1] >= len(labels):
      raise AdvTfError(f"index_subset: index {int(idx[-1])} is out of range for a split of {len(labels)} examples")
    return idx

  def __call__(self, images, seed=None):
    raise AdvTfError("index_subset selects examples; pass it in load(..., transforms=...)")
