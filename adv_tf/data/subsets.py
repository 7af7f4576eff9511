"""Nested class-balanced subsets S_1 ⊂ S_2 ⊂ ... ⊂ S_n of a training split (paper 004 §4.1).

Paper 004 §4.1: "we partition its training set into n sub-datasets with a strict inclusion relationship
S_1 ⊂ S_2 ⊂ ... ⊂ S_n. Each sub-dataset contains the same number of images for each training label."

Construction: for each class c, the indices of class c are permuted once with a generator seeded by
`seed` (independently of the sizes asked for); S_k takes the first size_k / num_classes indices of every
class's permutation. Hence subsets with the same seed are nested for any sizes, exactly balanced, and the
same seed gives the same subsets. Indices are returned sorted (the split's original order).

`BalancedSubset` is the same as a dataset-level transform (registered as "balanced_subset") so that the
subset becomes part of `DatasetInfo.transforms`.
"""
from __future__ import annotations

import dataclasses
from typing import ClassVar, Sequence

import numpy as np

from adv_tf.errors import AdvTfError
from adv_tf.data.transforms import Transform, register_transform


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

  def indices(self, labels, num_classes: int) -> np.ndarray:
    return balanced_subset(labels, int(self.size), seed=int(self.seed), num_classes=num_classes)

  def __call__(self, images, seed=None):
    raise AdvTfError("balanced_subset selects examples; pass it in load(..., transforms=...)")
