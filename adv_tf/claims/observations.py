"""What a study measured for one quantity, in the units the claims' rules need (numbers, never labels).

* `Accuracy`: a proportion per seed (k of n items correct), optionally with the per-item outcomes (0/1 in a
  fixed item order) so that two accuracies on the same items (`item_set`) are compared paired (exact McNemar).
* `Values`: continuous values per seed and per item (e.g. per-image L2 distances, per-pair scores); the
  seed-level value is the `statistic` (mean or median) over items.
* `Scalar`: a constant the claim names (a published threshold such as "97%").
* `Exact`: a quantity computed without sampling noise (compared by its difference alone).
* `Untestable`: a quantity this run cannot test or compare (e.g. a model below the paper's accuracy bar), with the
  reason printed beside the verdict.

`clean` (the model's clean accuracy) and `chance` (1 / classes) let the engine call a model at or near chance
"not testable at this scale"; `confounds` (e.g. {"clean accuracy": 0.91, "training images": 600}) are
differences the study measured and the engine attaches to a verdict when the compared sides differ in them.
"""
from __future__ import annotations

import dataclasses
import math
from typing import ClassVar, Mapping, Sequence

import numpy as np

from adv_tf.errors import AdvTfError


@dataclasses.dataclass(frozen=True)
class Accuracy:
  """k[i] of n items correct for seed seeds[i]; items[i]: that seed's per-item outcomes (0/1), or None."""
  k: tuple[int, ...]
  n: int
  seeds: tuple[int, ...] = (0,)
  items: tuple[tuple[int, ...], ...] | None = None
  item_set: str | None = None
  clean: float | None = None
  chance: float | None = None
  confounds: Mapping[str, float] = dataclasses.field(default_factory=dict)

  def __post_init__(self):
    if self.n < 1 or len(self.k) != len(self.seeds) or not self.k or any(not 0 <= k <= self.n for k in self.k):
      raise AdvTfError(f"an Accuracy needs one count 0 <= k <= n per seed and n >= 1, got k={self.k}, n={self.n}, "
                       f"seeds={self.seeds}")
    if self.items is not None:
      if len(self.items) != len(self.k) or any(len(v) != self.n or sum(v) != k for v, k in zip(self.items, self.k)):
        raise AdvTfError("Accuracy.items must hold n outcomes per seed that sum to that seed's k")

  @classmethod
  def of(cls, outcomes: Sequence[Sequence[int]] | Sequence[int], seeds: Sequence[int] = (0,), **kw) -> "Accuracy":
    """From per-item outcomes: one sequence (one seed) or one per seed."""
    arr = np.asarray(outcomes, dtype=np.int64)
    arr = arr[None] if arr.ndim == 1 else arr
    items = tuple(tuple(int(x) for x in row) for row in arr)
    return cls(tuple(int(sum(r)) for r in items), int(arr.shape[1]), tuple(seeds), items, **kw)

  @property
  def value(self) -> float:
    return sum(self.k) / (self.n * len(self.k))

  def per_seed(self) -> np.ndarray:
    return np.asarray(self.k, np.float64) / self.n


@dataclasses.dataclass(frozen=True)
class Values:
  """per_seed[i]: seed seeds[i]'s per-item values (same item order across seeds sharing `item_set`)."""
  per_seed: tuple[tuple[float, ...], ...]
  seeds: tuple[int, ...] = (0,)
  item_set: str | None = None
  statistic: str = "mean"
  clean: float | None = None
  chance: float | None = None
  confounds: Mapping[str, float] = dataclasses.field(default_factory=dict)
  bounds: tuple[float, float] | None = None   # the values' range (e.g. 0-100 %): a side with every item at one
                                              # end is at the floor / ceiling (engine: two such sides, not testable)

  def __post_init__(self):
    if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
      raise AdvTfError(f"Values.bounds must be (low, high) with low < high, got {self.bounds}")
    if not self.per_seed or len(self.per_seed) != len(self.seeds) or any(not len(v) for v in self.per_seed):
      raise AdvTfError(f"Values need a non-empty value list per seed, got {len(self.per_seed)} lists for seeds "
                       f"{self.seeds}")
    if self.bounds is not None:
      low, high = self.bounds
      slack = 1e-9 * (high - low)
      values = np.concatenate([np.asarray(v, np.float64) for v in self.per_seed])
      finite = values[np.isfinite(values)]
      if finite.size and (finite.min() < low - slack or finite.max() > high + slack):
        raise AdvTfError(f"Values.bounds {self.bounds} do not hold the values (range {finite.min():g} to "
                         f"{finite.max():g}): pass the quantity's true range, or none")
    if self.statistic not in ("mean", "median"):
      raise AdvTfError(f"Values.statistic is 'mean' or 'median', got {self.statistic!r}")

  def per_seed_values(self) -> np.ndarray:
    reduce = np.mean if self.statistic == "mean" else np.median
    return np.asarray([float(reduce(np.asarray(v, np.float64))) for v in self.per_seed])

  @property
  def value(self) -> float:
    return float(np.mean(self.per_seed_values()))


@dataclasses.dataclass(frozen=True)
class _FiniteValue:
  """One number without sampling noise; `what` names the kind in the error on a NaN or infinity."""
  value: float
  what: ClassVar[str] = "a value"

  def __post_init__(self):
    if not math.isfinite(self.value):
      raise AdvTfError(f"{self.what} must be finite, got {self.value}")


@dataclasses.dataclass(frozen=True)
class Scalar(_FiniteValue):
  """A constant the claim names (in the same units as the compared quantity)."""
  what: ClassVar[str] = "a Scalar"


@dataclasses.dataclass(frozen=True)
class Exact(_FiniteValue):
  """A quantity the study computes exactly, without sampling noise (e.g. a worked example's closed-form fit):
  two `Exact` values (or one and a constant) are compared by their difference alone."""
  what: ClassVar[str] = "an Exact value"


@dataclasses.dataclass(frozen=True)
class Untestable:
  """A quantity this run cannot test, with the reason (e.g. an absolute number the paper measured with weights
  this run does not have, or a qualitative statement): a cell with an `Untestable` side (declared in the cell,
  or returned by `measure`) is "not testable", with `reason` printed, unless the other side was not measured
  (None): then the cell is "not measured"."""
  reason: str


Observation = Accuracy | Values | Scalar | Exact | Untestable


def pack_items(outcomes) -> str:
  """Per-item 0/1 outcomes as a hex string (8 items a byte, first item in the high bit) for a JSON record."""
  return np.packbits(np.asarray(outcomes, dtype=bool).ravel()).tobytes().hex()


def unpack_items(packed: str, n: int) -> tuple[int, ...]:
  """The inverse of `pack_items` for n items."""
  bits = np.unpackbits(np.frombuffer(bytes.fromhex(packed), np.uint8))
  if len(bits) < n or len(bits) - n >= 8:
    raise AdvTfError(f"packed outcomes hold {len(bits)} bits, not n = {n} items")
  return tuple(int(b) for b in bits[:n])
