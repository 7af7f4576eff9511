"""Impact levels in baseline standard deviations (paper 002 §5.5); the claims are judged by adv_tf.claims.

A variant's impact on a statistic is |variant - mean over the N baseline models| divided by the std of that
statistic over the baselines: none < 3, low 3-5, medium 5-7, high > 7 (§5.5) in normal terms. With N
baselines that z is sqrt(1 + 1/N) t(N - 1) distributed under no effect, so the bounds are calibrated for N
(`impact_thresholds`: with N = 3 "3 sigma" becomes 22 sigma, from `adv_tf.report.statistics.t_threshold`);
the verdicts delegate to adv_tf.report.statistics (issue 10), N = None keeps the paper's fixed 3/5/7.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

from adv_tf.errors import AdvTfError
from adv_tf.report import statistics

LEVELS = ("none", "low", "medium", "high")
LEVEL_BOUNDS = (3.0, 5.0, 7.0)  # §5.5, in (normal) standard deviations; calibrated for N by impact_thresholds
MIN_N_FOR_LEVELS = 10


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


def impact_thresholds(n: int | None, bounds: Sequence[float] = LEVEL_BOUNDS, *,
                      new_observation: bool = True) -> tuple[float, ...]:
  """Level bounds for z = (x - baseline mean) / baseline std, calibrated for N baselines.

  With `new_observation` (one model x against the mean and sample std of N other models) the null
  distribution of z is sqrt(1 + 1/N) t(N - 1), so each bound is sqrt(1 + 1/N) t_threshold(b, N); otherwise
  (z already a difference over its standard error) t_threshold(b, N). n = None gives `bounds` unchanged.
  """
  if n is None:
    return tuple(float(b) for b in bounds)
  thresholds = [statistics.t_threshold(b, n) for b in bounds]  # checks n (an int >= 2)
  factor = math.sqrt(1.0 + 1.0 / n) if new_observation else 1.0
  return tuple(factor * threshold for threshold in thresholds)


def impact_level(z: float, n: int | None = None, *, bounds: Sequence[float] = LEVEL_BOUNDS,
                 levels: Sequence[str] = LEVELS, new_observation: bool = True) -> str | None:
  """Level of |z| with `impact_thresholds(n)` (none < 3, low 3-5, medium 5-7, high > 7 in normal terms);
  None where z is undefined."""
  if z is None or not math.isfinite(z):
    return None
  if len(levels) != len(bounds) + 1:
    raise AdvTfError(f"need one more level than bounds, got {len(levels)} levels and {len(bounds)} bounds")
  for level, bound in zip(levels, impact_thresholds(n, bounds, new_observation=new_observation)):
    if abs(z) < bound:
      return level
  return levels[-1]


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


def agreement_label(ours: str | None, paper: str | None, n: int, min_n: int = MIN_N_FOR_LEVELS) -> str:
  """"agree" / "differ" between our level and the paper's, or "n/a (N < 10)" when fewer than `min_n`
  baselines make our level too uncertain to compare (issue 10)."""
  if n < min_n:
    return f"n/a (N < {min_n})"
  if ours is None or paper is None:
    return "n/a"
  return "agree" if ours == paper else "differ"
