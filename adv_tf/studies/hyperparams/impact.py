"""Impact levels in baseline standard deviations (paper 002 §5.5); the claims are judged by adv_tf.claims.

A variant's impact on a statistic is |variant - mean over the N baseline models| divided by the std of that
statistic over the baselines: none < 3, low 3-5, medium 5-7, high > 7 (§5.5) in normal terms. With N
baselines that z is sqrt(1 + 1/N) t(N - 1) distributed under no effect, so the bounds are calibrated for N
(`adv_tf.report.statistics.impact_thresholds`: with N = 3 "3 sigma" becomes 22 sigma); the levels here
delegate to adv_tf.report.statistics (issue 10), N = None keeps the paper's fixed 3/5/7.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

from adv_tf.report import statistics

LEVELS = statistics.LEVELS
THRESHOLDS = statistics.LEVEL_BOUNDS  # §5.5 in normal terms; calibrated for N by statistics.impact_thresholds


def baseline_moments(values: Sequence[float]) -> tuple[float, float]:
  """Mean and sample std (ddof=1) of one statistic over the baseline models."""
  arr = np.asarray([v for v in values if v is not None and math.isfinite(v)], np.float64)
  if arr.size == 0:
    return math.nan, math.nan
  return float(arr.mean()), float(arr.std(ddof=1)) if arr.size > 1 else math.nan


def std_units(value: float, mean: float, std: float) -> float:
  """Signed distance of `value` from the baseline mean in baseline stds (nan if std is unknown/zero)."""
  if not (math.isfinite(value) and math.isfinite(mean) and math.isfinite(std)) or std <= 0:
    return math.nan
  return (value - mean) / std


def impact_level(z: float, n: int | None = None) -> str | None:
  """Level of |z| per §5.5 with bounds calibrated for `n` baselines (None: the paper's fixed 3/5/7)."""
  return statistics.impact_level(z, n)


def axis_level(levels: Sequence[str | None]) -> str | None:
  """An axis's level: the strongest level among its values (the paper rates each parameter once)."""
  known = [LEVELS.index(level) for level in levels if level is not None]
  return LEVELS[max(known)] if known else None


def stats_with_levels(stats: Mapping[str, float], baseline: Mapping[str, tuple[float, float]],
                      n: int | None = None) -> dict:
  """Per statistic: z and level against baseline {stat: (mean, std)}."""
  out = {}
  for name, value in stats.items():
    mean, std = baseline.get(name, (math.nan, math.nan))
    z = std_units(value, mean, std)
    out[name] = {"value": value, "z": z, "level": impact_level(z, n)}
  return out
