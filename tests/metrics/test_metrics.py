"""Metrics on hand-computed toy cases."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf import metrics as M
from adv_tf.errors import AdvTfError

nan = np.nan


def test_accuracy_and_success_rate():
  assert M.accuracy([1, 2, 3, 4], [1, 0, 3, 0]) == 0.5
  assert M.attack_success_rate([True, False, True, True]) == 0.75
  assert M.attack_success_rate([True, False, True, True], clean_correct=[True, True, False, False]) == 0.5


def test_adversarial_accuracy_at_threshold():
  # paper 004 appendix example scaled: 10 images, 2 wrong, 8 attacked, 4 successes within delta
  cc = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1], bool)
  succ = np.array([1, 1, 1, 1, 1, 1, 1, 0, 1, 1], bool)
  dist = np.array([0, 0, .1, .2, .3, .9, .4, .1, 2., 3.])
  # within delta=0.5: indices 2,3,4,6 -> 4 successes; 1 - (2 + 4) / 10 = 0.4
  assert M.adversarial_accuracy_at(cc, succ, dist, 0.5) == pytest.approx(0.4)
  assert M.adversarial_accuracy_at(cc, succ, dist, 10.0) == pytest.approx(1 - (2 + 7) / 10)
  assert M.adversarial_accuracy_at(cc, succ, dist, 0.0) == pytest.approx(0.8)


def test_robustness_score_uses_images_all_models_get_right():
  d = np.array([[1.0, 2.0, 3.0, 100.0], [2.0, 4.0, 6.0, 5.0]])
  correct = np.array([[1, 1, 0, 1], [1, 1, 1, 0]], bool)
  np.testing.assert_allclose(M.robustness_score(d, correct), [1.5, 3.0])
  assert np.all(np.isnan(M.robustness_score(d, np.zeros_like(correct))))


def test_lp_norms():
  x = np.zeros([2, 2, 2, 1])
  adv = x.copy()
  adv[0, 0, 0, 0] = 0.3
  adv[0, 1, 1, 0] = -0.4
  out = M.lp_norms(x, adv)
  np.testing.assert_array_equal(out["l0"], [2, 0])
  np.testing.assert_allclose(out["l2"], [0.5, 0.0])
  np.testing.assert_allclose(out["linf"], [0.4, 0.0])


def test_pixel_distortion_percent_and_mean():
  x = np.zeros([1, 2, 5, 1])
  adv = x.copy()
  adv[0, 0, :, 0] = [0.06, 0.11, 0.2, 0.35, 0.5]  # 10 pixels, 5 changed
  out = M.pixel_distortion_percent(x, adv, (0.05, 0.10, 0.30, 0.40), (0.0, 1.0))
  np.testing.assert_allclose(out, [50.0, 40.0, 20.0, 10.0])
  # a [-0.5, 0.5] range has width 1 too; a [0, 255] range scales thresholds
  np.testing.assert_allclose(M.pixel_distortion_percent(x * 255, adv * 255, (0.05,), (0, 255)), [50.0])
  assert M.mean_percent_distortion(x, adv, (0.0, 1.0)) == pytest.approx(100 * 1.22 / 10)
  assert M.mean_percent_distortion(x * 2, adv * 2, (0.0, 2.0)) == pytest.approx(100 * 1.22 / 10)
  assert len(M.DEFAULT_THRESHOLDS) == 8


def test_pixels_changed_counts_are_per_example_and_pool_to_the_percent():
  x = np.zeros([2, 2, 5, 1])
  adv = x.copy()
  adv[0, 0, :, 0] = [0.06, 0.11, 0.2, 0.35, 0.5]
  adv[1, 1, :2, 0] = [-0.5, 0.07]
  counts = M.pixels_changed_counts(x, adv, (0.05, 0.10, 0.30, 0.40), (0.0, 1.0))
  np.testing.assert_array_equal(counts, [[5, 4, 2, 1], [2, 1, 1, 1]])
  np.testing.assert_allclose(100 * counts.sum(axis=0) / x.size,
                             M.pixel_distortion_percent(x, adv, (0.05, 0.10, 0.30, 0.40), (0.0, 1.0)))
  with pytest.raises(AdvTfError):
    M.pixels_changed_counts(x, adv, (-0.1,))


def test_distance_stats():
  m = np.array([[nan, 1.0, 2.0], [3.0, nan, nan], [4.0, 5.0, 7.0]])  # diagonal 7 ignored, nan skipped
  s = M.distance_stats(m)
  vals = np.array([1, 2, 3, 4, 5.0])
  assert s == pytest.approx({"mean": 3.0, "min": 1.0, "max": 5.0, "std": float(vals.std())})


def test_class_distance_matrix():
  out = M.class_distance_matrix([1.0, 3.0, 2.0, np.inf], [0, 0, 1, 1], [1, 1, 0, 0], 3)
  assert out[0, 1] == 2.0 and out[1, 0] == 2.0
  assert np.isnan(out[0, 2]) and np.isnan(out[0, 0])


def test_best_estimate_samples():
  # class 0: samples 0,1,2 with distances to classes 1 and 2; average (2, 3)
  d = np.array([[nan, 1.0, 2.0],    # |1-2|+|2-3| = 2
                [nan, 2.0, 3.5],    # 0 + 0.5 = 0.5  <- chosen
                [nan, 3.0, 3.5],    # 1 + 0.5 = 1.5
                [5.0, nan, 1.0],    # class 1, only sample
                [1.0, 1.0, nan],    # class 2
                [3.0, 3.0, nan]])   # class 2: average (2, 2), both differ by 2: tie -> first
  idx, avg = M.best_estimate_samples(d, [0, 0, 0, 1, 2, 2], 3)
  np.testing.assert_array_equal(idx, [1, 3, 4])
  np.testing.assert_allclose(avg, [[nan, 2.0, 3.0], [5.0, nan, 1.0], [2.0, 2.0, nan]])


def test_best_estimate_handles_missing_class_and_bad_input():
  d = np.array([[nan, 1.0], [nan, 2.0]])
  idx, avg = M.best_estimate_samples(d, [0, 0], 2)
  assert idx[1] == -1 and np.all(np.isnan(avg[1]))
  assert idx[0] == 0  # tie -> lowest index
  with pytest.raises(AdvTfError):
    M.best_estimate_samples(d, [0, 0, 1], 2)
  with pytest.raises(AdvTfError):
    M.best_estimate_samples(d, [0, 5], 2)


def test_bad_metric_input():
  with pytest.raises(AdvTfError):
    M.accuracy([1, 2], [1])
  with pytest.raises(AdvTfError):
    M.pixel_distortion_percent(np.zeros([1, 2, 2, 1]), np.zeros([1, 2, 3, 1]))
  with pytest.raises(AdvTfError):
    M.robustness_score(np.zeros([2, 3]), np.zeros([3, 2], bool))
  with pytest.raises(AdvTfError):
    M.adversarial_accuracy_at([True], [True], [0.1], -1.0)
  with pytest.raises(AdvTfError):
    M.distance_stats(np.zeros([2, 3]))


def test_robustness_score_leaves_out_images_where_an_attack_failed():
  from adv_tf.metrics import robustness_score
  scores = robustness_score([[1.0, np.inf, 3.0], [2.0, 5.0, 4.0]], np.ones((2, 3), bool))
  np.testing.assert_allclose(scores, [2.0, 3.0])  # image 1 dropped for both models
