"""Paper 002's impact levels (§5.5) calibrated for N baselines, and the agreement column (issue 10)."""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from adv_tf.report.statistics import t_threshold
from adv_tf.studies.hyperparams import impact


def test_one_model_vs_3_baselines_calibration_by_simulation():
  """Under no real effect, one new model against 3 baselines: the calibrated bound fires at the normal's
  0.27% rate, the plain "3 sigma" rule at ~12% (issue 10)."""
  rng = np.random.default_rng(0)
  trials = 2_000_000
  samples = rng.standard_normal((trials, 3))
  mean, std = samples.mean(axis=1), samples.std(axis=1, ddof=1)
  z = (rng.standard_normal(trials) - mean) / std
  target = 2 * stats.norm.sf(3)
  assert 0.75 * target < np.mean(np.abs(z) >= impact.impact_thresholds(3)[0]) < 1.25 * target
  assert 0.11 < np.mean(np.abs(z) >= 3) < 0.13


def test_impact_levels_with_few_baselines():
  assert impact.impact_level(4.0, None) == "low" and impact.impact_level(8.0, None) == "high"
  assert impact.impact_level(4.0, 3) == "none" and impact.impact_level(25.0, 3) == "low"
  assert impact.impact_level(14.0, 10) == "medium"
  assert impact.impact_level(float("nan"), 3) is None
  low10 = impact.impact_thresholds(10)
  np.testing.assert_allclose(low10[0], math.sqrt(1.1) * t_threshold(3, 10))
  assert impact.impact_thresholds(10, new_observation=False)[0] == t_threshold(3, 10)


def test_agreement_column_needs_ten_baselines():
  assert impact.agreement_label("high", "medium", 3) == "n/a (N < 10)"
  assert impact.agreement_label("high", "medium", 10) == "differ"
  assert impact.agreement_label("low", "low", 12) == "agree"
