"""Where a curve over subset sizes peaks (paper 004 §4.2's "turning point": robustness peaks and then falls while
data grows), as quantities for the claims engine. Measurement only: whether the fall exceeds seed noise is
judged by `adv_tf.claims` (claims.py declares the comparison).

The peak is the size with the largest mean over seeds; the interior peak the one before the largest size with
the largest mean. Per seed, `ratios` gives the seed's value at the interior peak over its value at the largest
size. Both peaks are chosen on the same seeds they are then tested with, so a comparison that needs a ratio
above 1 is optimistic and one that needs a ratio below a bound is conservative (the report says so).
"""
from __future__ import annotations

import dataclasses
import math
from typing import Sequence

import numpy as np

from adv_tf.errors import AdvTfError


def standard_error(values: Sequence[float]) -> float:
  """Sample std / sqrt(n) of finite values; nan with fewer than 2."""
  v = np.asarray([x for x in values if x is not None and np.isfinite(x)], np.float64)
  return float(v.std(ddof=1) / math.sqrt(len(v))) if len(v) >= 2 else float("nan")


def _means(values_per_size) -> np.ndarray:
  out = []
  for vals in values_per_size:
    v = np.asarray([x for x in vals if x is not None and np.isfinite(x)], np.float64)
    out.append(v.mean() if len(v) else np.nan)
  return np.asarray(out)


@dataclasses.dataclass(frozen=True)
class Peak:
  """A curve's peak: sizes[index] with mean `peak_mean`; `last_mean` at the largest size; `ratios` per seed
  (value at the interior peak sizes[interior] / value at the largest size, finite pairs only); `finite`: every
  size has a finite mean."""
  index: int
  size: int
  peak_mean: float
  last_mean: float
  ratios: tuple[float, ...]
  finite: bool
  at_end: bool
  interior: int

  def describe(self) -> str:
    if not self.finite:
      return "a size without a finite value"
    where = "at the largest size" if self.at_end else "before the largest size"
    return (f"peak at n={self.size} ({where}): mean {self.peak_mean:.4g} vs last {self.last_mean:.4g}; per seed, "
            f"interior peak (index {self.interior}) / last: " + ", ".join(f"{r:.3g}" for r in self.ratios))


def peak(sizes: Sequence[int], values_per_size: Sequence[Sequence[float]]) -> Peak:
  """The module's peak of one curve (values_per_size[k] = the seeds' values at sizes[k], same seed order)."""
  if len(sizes) != len(values_per_size) or len(sizes) < 2:
    raise AdvTfError(f"a curve needs >= 2 sizes with one value list each, got {len(sizes)} sizes and "
                     f"{len(values_per_size)} lists")
  means = _means(values_per_size)
  finite = bool(np.isfinite(means).all())
  index = int(np.nanargmax(means)) if np.isfinite(means).any() else len(sizes) - 1
  interior = int(np.nanargmax(means[:-1])) if np.isfinite(means[:-1]).any() else 0
  at, last = np.asarray(values_per_size[interior], np.float64), np.asarray(values_per_size[-1], np.float64)
  ratios = tuple(float(a / b) for a, b in zip(at, last) if np.isfinite(a) and np.isfinite(b) and b != 0)
  return Peak(index, int(sizes[index]), float(means[index]), float(means[-1]), ratios, finite,
              index == len(sizes) - 1, interior)


def relative_spread(values_per_size) -> float:
  """(max - min) / mean of the per-size means: how much a curve changes over the sizes."""
  means = _means(values_per_size)
  means = means[np.isfinite(means)]
  return float((means.max() - means.min()) / means.mean()) if len(means) and means.mean() else float("nan")


def seed_spreads(values_per_size) -> tuple[float, ...]:
  """relative_spread of each seed's own curve (values_per_size[k][i]: seed i at size k)."""
  per_seed = np.asarray(values_per_size, np.float64).T
  return tuple(relative_spread([[v] for v in curve]) for curve in per_seed)
