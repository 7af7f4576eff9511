"""Turning points and trends of a curve over subset sizes, judged against seed noise (paper 004 §4.2).

A turning point is where robustness peaks and then falls while data grows. Paper 004 calls them by eye;
ours (stated rule): with the mean over seeds per size, the peak is the size with the largest mean; it is a
turning point only when it lies before the largest size AND peak mean - last mean > z (2) standard errors
of that difference, SE_diff = sqrt(SE_peak^2 + SE_last^2), SE = sample std / sqrt(seeds), with z calibrated
for the few seeds (`adv_tf.report.statistics.t_threshold(2, seeds)`: the Student-t quantile with df = seeds - 1
and the normal's tail at 2 SE, e.g. 4.5 for 3 seeds, so the false-alarm rate stays that of 2 SE). With fewer than
2 seeds there is no seed-noise estimate and an interior peak is "inconclusive". A curve whose peak is the
largest size has no turning point within the sizes trained: a turning point claimed for it may lie beyond
them ("not testable at this scale", never "refuted").
"""
from __future__ import annotations

import dataclasses
import math
from typing import Sequence

import numpy as np

from adv_tf.errors import AdvTfError

TURNING = "turning point"
NO_TURNING = "no significant turning point"
PEAK_AT_END = "peak at the largest size"
INCONCLUSIVE = "inconclusive (fewer than 2 seeds)"
NO_DATA = "inconclusive (no finite values)"


def is_inconclusive(outcome: str) -> bool:
  return outcome.startswith("inconclusive")


def threshold(z: float, seeds: int) -> float:
  """z calibrated for an SE estimated from `seeds` values per size (t_threshold; z itself below 2 seeds)."""
  from adv_tf.report.statistics import t_threshold
  return t_threshold(z, seeds) if seeds >= 2 else z


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
class CurveVerdict:
  """Outcome of `turning_point`: the rule's outcome and the numbers it used."""
  outcome: str
  peak_size: int
  peak_mean: float
  last_mean: float
  difference: float
  se_difference: float
  min_seeds: int

  def describe(self) -> str:
    if self.outcome == NO_DATA:
      return f"{self.outcome} (a size without a finite value)"
    if self.outcome == PEAK_AT_END:
      return f"{self.outcome} (n={self.peak_size})"
    return (f"{self.outcome}: peak at n={self.peak_size} ({self.peak_mean:.4g}) vs last {self.last_mean:.4g}, "
            f"diff {self.difference:.3g}, SE_diff {self.se_difference:.2g}, seeds {self.min_seeds}")


def turning_point(sizes: Sequence[int], values_per_size: Sequence[Sequence[float]], *, z: float = 2.0) -> CurveVerdict:
  """Applies the module's rule to one curve (values_per_size[k] = the seeds' values at sizes[k])."""
  if len(sizes) != len(values_per_size) or len(sizes) < 2:
    raise AdvTfError(f"turning_point needs >= 2 sizes with one value list each, got {len(sizes)} sizes and "
                     f"{len(values_per_size)} lists")
  means = _means(values_per_size)
  if not np.isfinite(means).all():
    return CurveVerdict(NO_DATA, int(sizes[-1]), math.nan, math.nan, math.nan, math.nan, 0)
  peak = int(np.nanargmax(means))
  seeds = min(sum(1 for x in v if x is not None and np.isfinite(x)) for v in values_per_size)
  last = len(sizes) - 1
  diff = float(means[peak] - means[last])
  se = math.sqrt(standard_error(values_per_size[peak]) ** 2 + standard_error(values_per_size[last]) ** 2)
  if peak == last:
    outcome = PEAK_AT_END
  elif not np.isfinite(se):
    outcome = INCONCLUSIVE
  else:
    outcome = TURNING if diff > threshold(z, seeds) * se else NO_TURNING
  return CurveVerdict(outcome, int(sizes[peak]), float(means[peak]), float(means[last]), diff, se, seeds)


def significant_drops(sizes: Sequence[int], values_per_size, *, z: float = 2.0,
                      extra_se: Sequence[float] | None = None) -> list[tuple[int, int, float]]:
  """Consecutive sizes where the mean falls by more than z SE of the difference (C1's "allow seed noise";
  z calibrated for the seeds as in `turning_point`).

  extra_se: an SE per size added in quadrature (e.g. the binomial SE of a test accuracy), so a single seed
  still has a noise estimate. Returns (size_before, size_after, drop) for every significant drop.
  """
  means = _means(values_per_size)
  seeds = min(sum(1 for x in v if x is not None and np.isfinite(x)) for v in values_per_size)
  drops = []
  for k in range(len(sizes) - 1):
    parts = [standard_error(values_per_size[k]), standard_error(values_per_size[k + 1])]
    parts = [p if np.isfinite(p) else 0.0 for p in parts]
    if extra_se is not None:
      parts += [extra_se[k], extra_se[k + 1]]
    se = math.sqrt(sum(p * p for p in parts))
    drop = float(means[k] - means[k + 1])
    if np.isfinite(drop) and drop > threshold(z, seeds) * se:
      drops.append((int(sizes[k]), int(sizes[k + 1]), drop))
  return drops


def relative_spread(values_per_size) -> float:
  """(max - min) / mean of the per-size means: how much a curve changes over the sizes."""
  means = _means(values_per_size)
  means = means[np.isfinite(means)]
  return float((means.max() - means.min()) / means.mean()) if len(means) and means.mean() else float("nan")
