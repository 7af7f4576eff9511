"""Turning-point detection against seed noise on synthetic noisy curves."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.studies.training_size import turning

SIZES = [1000, 2000, 5000, 10000, 20000]


def _noisy(means, noise, seeds=5, seed=0):
  rng = np.random.default_rng(seed)
  return [list(m + noise * rng.standard_normal(seeds)) for m in means]


def test_clear_peak_is_a_turning_point():
  curve = _noisy([0.30, 0.40, 0.50, 0.42, 0.35], noise=0.01)
  verdict = turning.turning_point(SIZES, curve)
  assert verdict.outcome == turning.TURNING
  assert verdict.peak_size == 5000


def test_peak_within_noise_is_not_a_turning_point():
  curve = _noisy([0.40, 0.41, 0.42, 0.41, 0.415], noise=0.05)
  assert turning.turning_point(SIZES, curve).outcome in (turning.NO_TURNING, turning.PEAK_AT_END)


def test_noise_only_curves_rarely_call_turning_points():
  calls = sum(turning.turning_point(SIZES, _noisy([0.4] * 5, noise=0.02, seed=s)).outcome == turning.TURNING
              for s in range(40))
  assert calls <= 8  # a 2-SE rule on the max of 5 noisy means: well below half


def test_rising_curve_peaks_at_the_end():
  assert turning.turning_point(SIZES, _noisy([0.1, 0.2, 0.3, 0.4, 0.5], 0.01)).outcome == turning.PEAK_AT_END


def test_one_seed_is_inconclusive_for_an_interior_peak():
  verdict = turning.turning_point(SIZES, [[0.3], [0.5], [0.4], [0.35], [0.3]])
  assert verdict.outcome == turning.INCONCLUSIVE
  assert turning.is_inconclusive(verdict.outcome)


def test_significant_drops_with_extra_se():
  values = [[0.90], [0.80], [0.95]]
  assert turning.significant_drops([1, 2, 3], values, extra_se=[0.01, 0.01, 0.01]) == [(1, 2, pytest.approx(0.1))]
  assert turning.significant_drops([1, 2, 3], values, extra_se=[0.1, 0.1, 0.1]) == []


def test_relative_spread():
  assert turning.relative_spread([[1.0], [1.5], [0.5]]) == pytest.approx(1.0)


def test_bad_input():
  with pytest.raises(AdvTfError):
    turning.turning_point([1, 2], [[1.0]])
