"""Trend claims (`declarations.Trend`, `rules.contrast_t`): one least-squares test over an ordered axis' points,
on constructed data whose right verdict is known."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from adv_tf.claims import Cell, Claim, Trend, Untestable, Values, judge
from adv_tf.claims import rules as R
from adv_tf.claims.noise_reference import NoiseReference
from adv_tf.errors import AdvTfError


def _models(*means: float) -> Values:
  return Values(tuple((m,) for m in means), seeds=tuple(range(len(means))), item_set="pairs",
                confounds={"padding": 0.0})


def _trend(*xs: float) -> Trend:
  return Trend(tuple((x, ("axis", x), f"{x:g}") for x in xs))


def _claim(trend: Trend, relation: str = "greater", margin: float = 0.0, **kw) -> Claim:
  return Claim("T", "rises along the axis", (Cell(trend, 0.0, relation),), unit="seeds", margin=margin,
               noise_from="base", names=trend.names, **kw)


def _table(base: Values, **points: Values) -> dict:
  table = {"base": base, ("axis", 0.0): base}
  table.update({("axis", float(x)): v for x, v in points.items()})
  return table


def test_the_fitted_change_and_its_se_are_the_least_squares_contrast_with_the_reference_sd():
  # x = 0 (three baselines, mean 2.28, sd 0.01), 1 (2.30), 2 (2.40): coefficients (-1, 0, 1) x range 2 / Sxx 2,
  # so the change across the axis is 2.40 - 2.28 = 0.12 and se = 0.01 sqrt(1/3 + 1) (the baselines count 3).
  base = _models(2.27, 2.28, 2.29)
  table = _table(base, **{"1": _models(2.30), "2": _models(2.40)})
  r = judge(_claim(_trend(0, 1, 2)), table.get)
  test = r.cells[0].test
  assert test.effect == pytest.approx(0.12) and test.se == pytest.approx(0.01 * math.sqrt(4 / 3))
  assert test.df == 2 and test.name.startswith("linear trend t")
  assert r.cells[0].p_for == pytest.approx(stats.t.sf(0.12 / (0.01 * math.sqrt(4 / 3)), 2))
  assert r.verdict == "holds" and r.decided and r.label == "holds"


def test_a_trend_no_adjacent_pair_can_show_is_decided_by_the_one_test_over_all_points():
  # Five single models rising 0.03 per step beyond 10 baselines at x = 0 (sd 0.028): adjacent pairs differ by about
  # one sd (se 0.028 sqrt 2), so every-larger-vs-every-smaller stays undecided; the fitted change 0.15 has se
  # 0.028 sqrt(c_0^2 / 10 + sum_1..5 c_i^2) = 0.0275 (c_i = (x_i - 2.5) 5 / 17.5), t = 5.5 > t(0.975, 9) = 2.26.
  base = _models(*(2.0 + 0.03 * z for z in (-1.5, -1.1, -0.6, -0.3, 0.0, 0.0, 0.3, 0.6, 1.1, 1.5)))
  rising = {str(x): _models(2.0 + 0.03 * x) for x in range(1, 6)}
  xs = range(6)
  trend = judge(_claim(_trend(*xs)), _table(base, **rising).get)
  assert trend.verdict == "holds"
  pairs = Claim("P", "every larger beats every smaller", tuple(
      Cell(("axis", float(b)), ("axis", float(a)), "greater") for a in xs for b in xs if b > a),
      unit="seeds", margin=0.0, noise_from="base")
  assert judge(pairs, _table(base, **rising).get).verdict == "inconclusive"


def test_falling_flat_and_noisy_trends():
  base = _models(2.27, 2.28, 2.29)
  falling = _table(base, **{"1": _models(2.20), "2": _models(2.10)})
  assert judge(_claim(_trend(0, 1, 2)), falling.get).verdict == "does not hold"
  assert judge(_claim(_trend(0, 1, 2), "less"), falling.get).verdict == "holds"
  flat = _table(base, **{"1": _models(2.285), "2": _models(2.28)})
  assert judge(_claim(_trend(0, 1, 2), margin=0.09), flat.get).verdict == "tie"
  noisy = _table(_models(2.18, 2.28, 2.38), **{"1": _models(2.30), "2": _models(2.33)})
  r = judge(_claim(_trend(0, 1, 2)), noisy.get)
  assert r.verdict == "inconclusive" and "N = " in r.to_decide    # a larger reference decides it


def test_unmeasured_points_are_left_out_and_the_claim_is_partial():
  base = _models(2.27, 2.28, 2.29)
  table = _table(base, **{"2": _models(2.40)})           # x = 1 not measured
  r = judge(_claim(_trend(0, 1, 2)), table.get)
  assert r.verdict == "holds" and r.label == "holds, partial (tested against: 0, 2)"
  assert r.cells[0].test.effect == pytest.approx(0.12)    # the line through the two measured points
  table[("axis", 1.0)] = Untestable("model below the 98% bar")
  r = judge(_claim(_trend(0, 1, 2)), table.get)
  assert r.label == "holds, partial (tested against: 0, 2)" and "1: model below the 98% bar" in r.cells[0].note
  assert "left out of the trend: 1: model below the 98% bar" in r.evidence      # the claim's evidence says why
  only_one = {"base": base, ("axis", 0.0): base}
  assert judge(_claim(_trend(0, 1, 2)), only_one.get).verdict == "not run in this profile"
  only_one[("axis", 2.0)] = Untestable("excluded")
  r = judge(_claim(_trend(0, 1, 2)), only_one.get)
  assert r.verdict == "not testable" and "2: excluded" in r.cells[0].note


def test_no_seed_noise_is_not_testable_and_a_published_reference_replaces_it():
  one_base = _models(2.28)
  table = _table(one_base, **{"1": _models(2.30), "2": _models(2.40)})
  r = judge(_claim(_trend(0, 1, 2)), table.get)
  assert r.verdict == "not testable" and "< 2 seeds" in r.cells[0].note
  published = NoiseReference("base", 0.01, 10, "0123456789abcdef", {})
  r = judge(_claim(_trend(0, 1, 2)), table.get, noise={"base": published})
  test = r.cells[0].test
  assert r.verdict == "holds" and test.df == 9 and "published run, commit 0123456789ab" in test.noise
  assert test.name.endswith("sd from a published run")
  assert test.se == pytest.approx(0.01 * math.sqrt(2))   # the baseline point is one seed here


def test_a_confound_is_flagged_by_its_spread_over_the_points():
  base = _models(2.27, 2.28, 2.29)
  same = Values(((2.40,),), item_set="pairs", confounds={"padding": 1.0})
  table = _table(base, **{"1": _models(2.30), "2": same})
  r = judge(_claim(_trend(0, 1, 2), confound_limits={"padding": 0.0}), table.get)
  assert "padding differs by up to 1" in r.confounds


def test_contrast_t_of_two_points_is_the_reference_t_and_grows_with_the_reference():
  two = R.contrast_t((1.0, -1.0), 0.1, (1, 3), 0.02, 3, "base", (False, True))
  ref = R.reference_t_from_sd(0.1, 1, 3, 0.02, 3, "base", (False, True))
  assert (two.se, two.df) == pytest.approx((ref.se, ref.df))
  assert two.p_above(0.0) == pytest.approx(ref.p_above(0.0))
  grown = two.scaled(4)                                   # the reference point grows to 12 seeds, the model stays 1
  assert grown.se == pytest.approx(0.02 * math.sqrt(1 + 1 / 12)) and grown.df == 11
  assert grown.se == pytest.approx(ref.scaled(4).se)
  with pytest.raises(ValueError):
    R.contrast_t((1.0,), 0.1, (1,), 0.02, 3)


def test_bad_trend_declarations_are_refused():
  with pytest.raises(AdvTfError, match=">= 2 points"):
    Trend(((0.0, "a", "0"),))
  with pytest.raises(AdvTfError, match=">= 2 points"):
    Trend(((0.0, "a", "0"), (0.0, "b", "0b")))
  with pytest.raises(AdvTfError, match="must be numbers"):
    Trend((("x", "a", "0"), (1.0, "b", "1")))
  with pytest.raises(AdvTfError, match="side b is 0.0"):
    Cell("a", _trend(0, 1))
  with pytest.raises(AdvTfError, match="side b is 0.0"):
    Cell(_trend(0, 1), "base")
  with pytest.raises(AdvTfError, match="needs unit 'seeds' and noise_from"):
    Claim("T", "s", (Cell(_trend(0, 1), 0.0),), unit="seeds")


def test_the_control_point_is_the_reference_and_grows_with_it_in_what_would_decide_it():
  base = _models(2.27, 2.28, 2.29)
  test = judge(_claim(_trend(0, 1, 2)), _table(base, **{"1": _models(2.30), "2": _models(2.40)}).get).cells[0].test
  assert test.from_points == (True, False, False)
  grown = test.scaled(4)                      # the reference (and the control point) 12 seeds, the models one each
  assert grown.se == pytest.approx(0.01 * math.sqrt(1 / 12 + 1)) and grown.df == 11
  published = NoiseReference("base", 0.01, 10, "0123456789abcdef", {})
  table = _table(base, **{"1": _models(2.30), "2": _models(2.40)})
  assert judge(_claim(_trend(0, 1, 2)), table.get, noise={"base": published}).cells[0].test.from_points == (
      False, False, False)                    # a published sd: no point is that run's seeds


def test_a_trends_sample_names_its_points_and_their_seeds():
  # What the index prints where profiles disagree: a quick run measures 2 of an axis' points, cpu-full all of them.
  base = _models(2.27, 2.28, 2.29)
  r = judge(_claim(_trend(0, 1, 2)), _table(base, **{"1": _models(2.30), "2": _models(2.40)}).get)
  assert r.sample == {"cells": 1, "measured": 1, "testable": 1,
                      "ranges": {"trend points": [3, 3], "seeds per point": [1, 3], "reference seeds": [3, 3]}}


def test_a_reference_of_another_kind_lends_no_sd_to_a_trend():
  """Final review, 2026-12-07: the 'same kind of quantity' rule covered two-sided cells only."""
  from adv_tf.claims import Accuracy
  base = Accuracy((90, 91, 92), 100, seeds=(0, 1, 2), item_set="s")
  table = {"base": base, ("axis", 0.0): _models(2.27), ("axis", 1.0): _models(2.30), ("axis", 2.0): _models(2.40)}
  r = judge(_claim(_trend(0.0, 1.0, 2.0)), table.get)
  assert r.cells[0].status == "not testable" and "another kind of quantity" in r.cells[0].note


def test_replicated_points_count_their_seeds_and_seeds_of_them_decide_what_no_reference_does():
  """Issue 22 (paper 002's replicates): a point with 3 seeds enters the contrast with n_i = 3; where no reference
  decides the trend, "what would decide it" grows the points' own seeds (`ContrastT.seeded`), not the reference."""
  zs = (-1.5, -1.1, -0.6, -0.3, 0.0, 0.0, 0.3, 0.6, 1.1, 1.5)
  base = _models(*(2.28 + 0.01 * z / float(np.std(zs, ddof=1)) for z in zs))   # mean 2.28, sd 0.01
  replicated = Values(((2.30,), (2.31,), (2.29,)), seeds=(0, 1, 2), item_set="pairs", confounds={"padding": 0.0})
  table = _table(base, **{"1": replicated, "2": _models(2.295)})
  r = judge(_claim(_trend(0, 1, 2)), table.get)
  test = r.cells[0].test
  assert test.sd == pytest.approx(0.01, rel=1e-3)
  assert test.counts == (10.0, 3.0, 1.0)   # the baselines (the reference itself), the replicated point, one model
  assert test.se == pytest.approx(test.sd * math.sqrt(1 / 10 + 0 + 1))   # coefficients (-1, 0, 1)
  grown = test.seeded(4)
  assert grown.counts == (10.0, 12.0, 4.0) and grown.reference_n == 10 and grown.df == 9
  # effect 0.015: t < 1.96 however many baselines (the one model's noise stays); at k seeds of each point's model
  # se = 0.01 sqrt(1/10 + 1/k) against t(0.975, 9) = 2.262: k = 3 is the first factor that decides
  assert r.verdict == "inconclusive" and "needs more seeds of its own" in r.to_decide   # one point has 3 already
  assert "would read 'holds' at about 3, 9 seeds of each point's model (3x today's 1, 3; base at today's N = 10)" \
      in r.to_decide
