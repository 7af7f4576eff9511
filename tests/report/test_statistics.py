"""Report statistics: small-N t thresholds (with the N = 3 calibration), sigma intervals, claim verdicts
(ties, saturated cells, partial comparisons) and two-proportion (Newcombe) comparisons, on hand-made numbers."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from adv_tf.errors import AdvTfError
from adv_tf.report import statistics as S


def _t2_quantile(tail: float) -> float:
  """Closed form of the t(2) upper quantile: F(t) = 1/2 + t / (2 sqrt(2 + t^2))."""
  a = 1.0 - 2.0 * tail
  return a * math.sqrt(2.0 / (1.0 - a * a))


# --- thresholds --------------------------------------------------------------------------------------

@pytest.mark.parametrize("z", [3.0, 5.0, 7.0])
@pytest.mark.parametrize("n", [2, 3, 4, 10, 30, 200])
def test_t_threshold_has_the_normal_tail_probability(z, n):
  t = S.t_threshold(z, n)
  np.testing.assert_allclose(stats.t.sf(t, n - 1), stats.norm.sf(z), rtol=1e-6)
  assert t > z  # fatter tails: always above the normal's bound, approaching it as n grows


def test_t_threshold_known_values_and_limits():
  np.testing.assert_allclose(S.t_threshold(3, 3), _t2_quantile(stats.norm.sf(3)), rtol=1e-9)
  assert S.t_threshold(3, 3) == pytest.approx(19.21, abs=0.01)
  assert S.t_threshold(3, None) == 3.0
  assert S.t_threshold(3, 10 ** 6) == pytest.approx(3.0, abs=1e-4)
  assert S.t_threshold(3, 10) > S.t_threshold(3, 30) > S.t_threshold(3, 100)
  for bad in ((0, 3), (3, 1), (3, 2.5)):
    with pytest.raises(AdvTfError):
      S.t_threshold(*bad)


def test_n3_calibration_by_simulation():
  """Under no real effect, with 3 samples: the calibrated threshold fires at the normal's 0.27% rate;
  the plain "3 sigma" rule fires at ~9.5% (t from a mean; one model vs 3 baselines: tests/studies/hyperparams/
  test_impact.py)."""
  rng = np.random.default_rng(0)
  trials = 2_000_000
  samples = rng.standard_normal((trials, 3))
  mean, std = samples.mean(axis=1), samples.std(axis=1, ddof=1)
  t = mean / (std / math.sqrt(3))                                   # ~ t(2)
  target = 2 * stats.norm.sf(3)                                     # 0.0027
  assert 0.75 * target < np.mean(np.abs(t) >= S.t_threshold(3, 3)) < 1.25 * target
  assert 0.085 < np.mean(np.abs(t) >= 3) < 0.105


def test_std_interval_is_the_chi_square_interval():
  np.testing.assert_allclose(S.std_interval(1.0, 10), (0.6878, 1.8256), atol=1e-4)  # textbook factors
  np.testing.assert_allclose(S.std_interval(2.0, 3), (2 * 0.52066, 2 * 6.28473), rtol=1e-4)
  low, high = S.std_interval(0.3, 50, confidence=0.99)
  assert low < 0.3 < high
  with pytest.raises(AdvTfError):
    S.std_interval(1.0, 1)


def test_difference_standard_error():
  assert S.difference_standard_error(2.0) == pytest.approx(2 * math.sqrt(2))
  assert S.difference_standard_error(1.0, 1, 3) == pytest.approx(math.sqrt(4 / 3))


# --- claim verdicts ----------------------------------------------------------------------------------

def _cmp(name, claimed, other, se=1.0, n=None):
  return S.Comparison(name, claimed, other, se, n)


def test_verdict_holds_does_not_hold_inconclusive():
  assert S.claim_verdict([_cmp("a", 10, 5), _cmp("b", 10, 6)]).verdict == "holds"
  assert S.claim_verdict([_cmp("a", 10, 5), _cmp("b", 10, 14)]).verdict == "does not hold"
  assert S.claim_verdict([_cmp("a", 10, 5), _cmp("b", 10, 8)]).verdict == "inconclusive"
  assert S.claim_verdict([_cmp("a", 2, 8)], claim="less").verdict == "holds"
  assert S.claim_verdict([_cmp("a", 2, 8)], claim="greater").verdict == "does not hold"


def test_small_n_turns_a_normal_holds_into_inconclusive():
  five_sigma = [_cmp("a", 5.0, 0.0, se=1.0, n=n) for n in (None, 3)]
  assert S.claim_verdict(five_sigma[:1]).verdict == "holds"
  v = S.claim_verdict(five_sigma[1:])
  assert v.verdict == "inconclusive" and "19.2" in v.evidence and v.t_values == (5.0,)
  assert S.claim_verdict([_cmp("a", 25.0, 0.0, n=3)]).verdict == "holds"


def test_ties_within_the_stated_margin():
  near = [_cmp("sgd", 0.905, 0.900, se=0.01), _cmp("adam", 0.905, 0.897, se=0.01)]
  assert S.claim_verdict(near, tie_margin=0.01).verdict == "tie"
  assert S.claim_verdict(near, tie_margin=0.001).verdict == "inconclusive"
  assert S.claim_verdict(near).verdict == "inconclusive"  # no margin stated: never a tie
  # significant differences are never ties, even inside the margin (tiny standard error)
  assert S.claim_verdict([_cmp("a", 0.905, 0.900, se=1e-4)], tie_margin=0.01).verdict == "holds"


def test_saturated_cells_are_not_testable():
  rule = S.outside(0.01, 0.99)
  saturated = [_cmp("jpeg", 0.999, 1.0, se=0.001), _cmp("tvm", 0.999, 0.995, se=0.001)]
  v = S.claim_verdict(saturated, saturated=rule)
  assert v.verdict == "not testable" and "saturated" in v.evidence
  one_open = [_cmp("jpeg", 0.999, 1.0, se=0.001), _cmp("tvm", 0.999, 0.5, se=0.001)]
  assert S.claim_verdict(one_open, saturated=rule).verdict != "not testable"
  assert S.claim_verdict([_cmp("x", 0.0, 0.005, se=0.01)], saturated=rule).verdict == "not testable"


def test_partial_when_not_every_value_was_measured():
  comparisons = [_cmp("adam", 10, 5), _cmp("adadelta", 10, None), _cmp("rmsprop", 10, 4)]
  v = S.claim_verdict(comparisons)
  assert v.verdict == "holds" and v.partial
  assert v.label == "holds, partial (tested against: adam, rmsprop)"
  full = S.claim_verdict([_cmp("adam", 10, 5)], expected=["adam", "sigmoid"])
  assert full.label == "holds, partial (tested against: adam)"
  assert S.claim_verdict([_cmp("adam", 10, 5)]).label == "holds"
  nothing = S.claim_verdict([_cmp("adam", 10, float("nan"))])
  assert nothing.verdict == "not testable"
  assert nothing.label == "not testable, partial (tested against: nothing)"
  assert S.partial_label(["a"], ["a", "b"]) == "partial (tested against: a)" and S.partial_label(["a"], ["a"]) is None


def test_equal_claims():
  assert S.claim_verdict([_cmp("d0.4", 5.0, 5.2)], claim="equal", tie_margin=0.5).verdict == "holds"
  assert S.claim_verdict([_cmp("d0.4", 5.0, 9.0)], claim="equal", tie_margin=0.5).verdict == "does not hold"
  assert S.claim_verdict([_cmp("d0.4", 5.0, 6.0)], claim="equal", tie_margin=0.5).verdict == "inconclusive"


@pytest.mark.parametrize("kwargs,needle", [({"claim": "bigger"}, "unknown claim"), ({"tie_margin": -1}, "tie_margin")])
def test_bad_verdict_settings(kwargs, needle):
  with pytest.raises(AdvTfError, match=needle):
    S.claim_verdict([_cmp("a", 1, 0)], **kwargs)
  with pytest.raises(AdvTfError, match="standard_error"):
    S.claim_verdict([_cmp("a", 1, 0, se=0.0)])


# --- two proportions ---------------------------------------------------------------------------------

def test_newcombe_interval_matches_newcombe_1998_examples():
  """Newcombe (1998) Table II, method 10: 56/70 - 48/80 -> [0.0524, 0.3339]; 9/10 - 3/10 -> [0.1705, 0.8090]."""
  d, low, high = S.newcombe_interval(56, 70, 48, 80)
  assert d == pytest.approx(0.2) and (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
  _, low, high = S.newcombe_interval(9, 10, 3, 10)
  assert (round(low, 4), round(high, 4)) == (0.1705, 0.8090)
  d, low, high = S.newcombe_interval(10, 10, 0, 10)
  assert d == 1.0 and 0 < low < 1 and high == pytest.approx(1.0)


def test_proportion_verdicts():
  assert S.proportion_verdict(56, 70, 48, 80).verdict == "holds"
  assert S.proportion_verdict(48, 80, 56, 70).verdict == "does not hold"
  assert S.proportion_verdict(48, 80, 56, 70, claim="less").verdict == "holds"
  assert S.proportion_verdict(5, 10, 4, 10).verdict == "inconclusive"
  assert S.proportion_verdict(451, 500, 449, 500).verdict == "tie"
  assert S.proportion_verdict(500, 500, 499, 500).verdict == "not testable"
  assert S.proportion_verdict(451, 500, 449, 500, claim="equal").verdict == "holds"
  assert S.proportion_verdict(56, 70, 48, 80, claim="equal").verdict == "does not hold"
  assert "interval" in S.proportion_verdict(5, 10, 4, 10).evidence


def test_wilson_interval_is_re_exported_for_reports():
  assert S.wilson_interval(0, 10)[0] == 0.0
