"""Where a curve peaks (measurement for the claims engine) on synthetic curves."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.studies.training_size import turning

SIZES = [1000, 2000, 5000, 10000, 20000]


def _noisy(means, noise, seeds=5, seed=0):
  rng = np.random.default_rng(seed)
  return [list(m + noise * rng.standard_normal(seeds)) for m in means]


def test_interior_peak_and_per_seed_ratios():
  curve = [[0.3, 0.3], [0.4, 0.4], [0.5, 0.6], [0.42, 0.4], [0.25, 0.3]]
  p = turning.peak(SIZES, curve)
  assert (p.size, p.index, p.interior, p.at_end, p.finite) == (5000, 2, 2, False, True)
  assert p.ratios == pytest.approx((2.0, 2.0))
  assert p.peak_mean == pytest.approx(0.55) and p.last_mean == pytest.approx(0.275)
  assert "before the largest size" in p.describe()


def test_rising_curve_peaks_at_the_end_and_its_interior_peak_is_below_the_last():
  p = turning.peak(SIZES, _noisy([0.1, 0.2, 0.3, 0.4, 0.5], 0.01))
  assert p.at_end and p.interior == 3
  assert all(r < 1 for r in p.ratios)


def test_a_size_without_finite_values_is_flagged():
  p = turning.peak([1, 2, 3], [[0.1], [float("nan")], [0.2]])
  assert not p.finite and "without a finite value" in p.describe()


def test_relative_spread_of_the_means_and_of_each_seed():
  assert turning.relative_spread([[1.0], [1.5], [0.5]]) == pytest.approx(1.0)
  assert turning.seed_spreads([[1.0, 2.0], [1.5, 2.0], [0.5, 2.0]]) == pytest.approx((1.0, 0.0))


def test_bad_input():
  with pytest.raises(AdvTfError):
    turning.peak([1, 2], [[1.0]])
