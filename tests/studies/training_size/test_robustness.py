"""Eq. 4 over the intersection X, own-correct means, eq. 5 and Delta on hand-made numbers."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.metrics.accuracy import robustness_score
from adv_tf.studies.training_size import robustness

INF = np.inf


def test_eq4_intersection_and_own_correct():
  # 3 models x 4 images. Image 0: all correct; 1: model 0 wrong; 2: all correct but model 2's attack failed;
  # 3: all correct.
  correct = np.array([[1, 0, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]], bool)
  dist = np.array([[0.1, np.nan, 0.3, 0.5],
                   [0.2, 0.4, 0.3, 0.6],
                   [0.3, 0.2, INF, 0.9]])
  d = np.where(np.isnan(dist), INF, dist)
  e = robustness.eq4(d, correct)
  assert e.size_x == 2  # images 0 and 3
  assert e.dropped_failed == 1  # image 2
  np.testing.assert_allclose(e.scores, [0.3, 0.4, 0.6])
  np.testing.assert_allclose(e.scores, robustness_score(d, correct))  # the library's eq. 4 agrees
  np.testing.assert_allclose(e.own_scores, [0.3, 0.375, (0.3 + 0.2 + 0.9) / 3])
  np.testing.assert_array_equal(e.own_counts, [3, 4, 3])


def test_eq4_empty_intersection_is_nan():
  e = robustness.eq4([[0.1, INF], [INF, 0.2]], [[1, 0], [0, 1]])
  assert e.size_x == 0 and np.isnan(e.scores).all()


def test_eq5_worked_example_of_the_appendix():
  # |T| = 10, 8 correct, 4 attacks within Delta: 1 - (2 + 4) / 10 = 0.4 (the Appendix's 1000/800/400 scaled).
  correct = np.array([1] * 8 + [0] * 2, bool)
  dist = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, INF, 0.9, np.nan, np.nan])
  assert robustness.eq5(correct, dist, 0.5) == pytest.approx(0.4)


def test_delta_is_the_quantile_of_finite_correct_distortions():
  delta = robustness.delta_from([np.array([0.1, 0.2, INF, 5.0]), np.array([0.3, 0.4])],
                                [np.array([1, 1, 1, 0], bool), np.array([1, 1], bool)])
  assert delta == pytest.approx(np.median([0.1, 0.2, 0.3, 0.4]))


def test_shape_mismatch_raises():
  with pytest.raises(AdvTfError):
    robustness.eq4(np.zeros([2, 3]), np.zeros([3, 2], bool))
