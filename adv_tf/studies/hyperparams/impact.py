"""Impact levels in baseline standard deviations (paper 002 §5.5) and claim verdicts.

A variant's impact on a statistic is |variant - mean over the N baseline models| divided by the std of that
statistic over the baselines: none < 3, low 3-5, medium 5-7, high > 7 (§5.5).
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

LEVELS = ("none", "low", "medium", "high")
THRESHOLDS = (3.0, 5.0, 7.0)  # §5.5: boundaries between none|low|medium|high


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


def impact_level(z: float) -> str | None:
  """Level of |z| per §5.5; None where z is undefined."""
  if not math.isfinite(z):
    return None
  size = abs(z)
  for level, bound in zip(LEVELS, THRESHOLDS):
    if size < bound:
      return level
  return LEVELS[-1]


def axis_level(levels: Sequence[str | None]) -> str | None:
  """An axis's level: the strongest level among its values (the paper rates each parameter once)."""
  known = [LEVELS.index(level) for level in levels if level is not None]
  return LEVELS[max(known)] if known else None


def claim_verdict(better: float, alternatives: Sequence[float], diff_stds: Sequence[float]) -> tuple[str, str]:
  """Verdict on "the `better` setting gives a larger distance than the alternatives".

  z_i = (better - alternative_i) / diff_std_i, where diff_std_i is the std of that difference (e.g.
  sqrt(2) sigma for two single models, sqrt(1 + 1/N) sigma for one model against the mean of N
  baselines). Holds when the mean z >= 3 and no alternative is significantly larger (min z > -3); does
  not hold when the mean z <= -3; otherwise inconclusive (3 stds: the §5.5 significance bound).
  Returns (verdict, evidence text).
  """
  zs = [std_units(better, alt, sd) for alt, sd in zip(alternatives, diff_stds)]
  zs = [z for z in zs if math.isfinite(z)]
  if not zs:
    return "inconclusive", "not measured in this run"
  mean_z, min_z = float(np.mean(zs)), float(np.min(zs))
  evidence = f"mean z = {mean_z:+.1f}, min z = {min_z:+.1f} over {len(zs)} comparison(s)"
  if mean_z >= 3 and min_z > -3:
    return "holds", evidence
  if mean_z <= -3:
    return "does not hold", evidence
  return "inconclusive", evidence


def difference_std(sigma: float, n_baselines: int, a_is_baseline_mean: bool, b_is_baseline_mean: bool) -> float:
  """Std of (a - b) when each side is one model (variance sigma^2) or the mean of N baselines (sigma^2/N)."""
  var = sum(sigma ** 2 / max(n_baselines, 1) if is_mean else sigma ** 2
            for is_mean in (a_is_baseline_mean, b_is_baseline_mean))
  return math.sqrt(var)


def stats_with_levels(stats: Mapping[str, float], baseline: Mapping[str, tuple[float, float]]) -> dict:
  """Per statistic: z and level against baseline {stat: (mean, std)}."""
  out = {}
  for name, value in stats.items():
    mean, std = baseline.get(name, (math.nan, math.nan))
    z = std_units(value, mean, std)
    out[name] = {"value": value, "z": z, "level": impact_level(z)}
  return out
