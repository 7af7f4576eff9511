"""Wilson score intervals for accuracies, against scipy's and statsmodels' published values."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.metrics import Z_95, accuracy_interval, wilson_interval

# (k, n) -> (low, high): statsmodels.stats.proportion.proportion_confint(k, n, method="wilson") =
# scipy.stats.binomtest(k, n).proportion_ci(method="wilson"), z = norm.ppf(0.975), hard-coded.
KNOWN = {
    (0, 10): (0.0, 0.27753279986288926),
    (10, 10): (0.7224672001371109, 1.0),
    (5, 10): (0.236593090512564, 0.7634069094874361),
    (1, 50): (0.0035392592716462223, 0.10495443589637814),
    (37, 40): (0.8013576647568945, 0.9741639742254118),
    (412, 500): (0.78818582871064, 0.854873598670274),
}


@pytest.mark.parametrize("kn", sorted(KNOWN))
def test_wilson_matches_known_values(kn):
  np.testing.assert_allclose(wilson_interval(*kn), KNOWN[kn], rtol=1e-12, atol=1e-15)


def test_wilson_matches_scipy_on_a_grid():
  stats = pytest.importorskip("scipy.stats")
  for n in (1, 2, 7, 30, 250, 2500):
    for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
      ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
      np.testing.assert_allclose(wilson_interval(k, n), (ci.low, ci.high), rtol=1e-10, atol=1e-14)
  ci = stats.binomtest(30, 100).proportion_ci(confidence_level=0.99, method="wilson")
  np.testing.assert_allclose(wilson_interval(30, 100, z=stats.norm.ppf(0.995)), (ci.low, ci.high), rtol=1e-10)


def test_wilson_edges_are_exact_and_symmetric():
  assert wilson_interval(0, 25)[0] == 0.0 and wilson_interval(25, 25)[1] == 1.0
  low, high = wilson_interval(7, 20)
  low2, high2 = wilson_interval(13, 20)
  assert low == pytest.approx(1 - high2) and high == pytest.approx(1 - low2)
  assert wilson_interval(0, 1) == (0.0, pytest.approx(Z_95 ** 2 / (1 + Z_95 ** 2)))
  assert wilson_interval(50, 100, z=1.0)[1] - wilson_interval(50, 100, z=1.0)[0] < \
      wilson_interval(50, 100)[1] - wilson_interval(50, 100)[0]


@pytest.mark.parametrize("k,n", [(-1, 10), (11, 10), (0, 0), (1.5, 10), (True, 3)])
def test_wilson_bad_counts(k, n):
  with pytest.raises(AdvTfError):
    wilson_interval(k, n)


def test_accuracy_interval_of_a_correctness_vector():
  est = accuracy_interval(np.array([True] * 37 + [False] * 3))
  assert est.correct == 37 and est.total == 40 and est.accuracy == 37 / 40
  np.testing.assert_allclose((est.low, est.high), KNOWN[(37, 40)], rtol=1e-12)
  assert est.to_dict()["ci_low"] == est.low and est.low < est.accuracy < est.high
  empty = accuracy_interval(np.zeros([0], bool))
  assert empty.total == 0 and np.isnan(empty.accuracy) and np.isnan(empty.low)
