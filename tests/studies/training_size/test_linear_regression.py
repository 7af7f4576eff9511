"""Paper 004 §2: the linear-regression example's published MSEs and every reading of "minimum |delta|"."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.studies.training_size import linear_regression as lr


def test_mses_equal_the_papers():
  m1, m2 = lr.run_example()
  assert round(m1.mse, 4) == 0.0450
  assert round(m2.mse, 4) == 0.0396


def test_fit_matches_numpy_polyfit():
  for points in (lr.S1, lr.S2):
    pts = np.asarray(points)
    slope, intercept = lr.fit_line(points)
    np.testing.assert_allclose([slope, intercept], np.polyfit(pts[:, 0], pts[:, 1], 1), rtol=1e-10)


def test_minimal_delta_equals_brute_force_enumeration():
  line = lr.fit_line(lr.S1)
  for x, y in lr.TEST:
    for sign in (1, -1):
      k = 0
      while abs((line[0] * (x + sign * k * lr.DELTA_STEP) + line[1] - y) / y) <= lr.THETA:
        k += 1
      assert lr.minimal_delta(line, x, y, sign=sign) == pytest.approx(k * lr.DELTA_STEP, abs=1e-12)


def test_every_reading_reported_and_both_is_the_smaller_side():
  for result in lr.run_example():
    assert set(result.mean_delta) == set(lr.READINGS)
    assert result.mean_delta["both"] <= min(result.mean_delta["plus"], result.mean_delta["minus"]) + 1e-12
  assert lr.VERDICT_READING in lr.READINGS


def test_incorrect_clean_estimate_gives_nan():
  assert np.isnan(lr.minimal_delta((1.0, 0.0), 1.0, 2.0, sign=1))


def test_bad_points_raise():
  with pytest.raises(AdvTfError):
    lr.fit_line([(1.0, 2.0)])
