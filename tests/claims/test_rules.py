"""The tests behind the verdicts, against scipy's exact tests, published intervals and exact coverage."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from adv_tf.claims import rules as R

Z = 1.959963984540054


def test_mcnemar_is_the_exact_binomial_on_discordant_items():
  t = R.PairedProportions(30, 7, 1, 12)
  assert t.effect == pytest.approx(6 / 50)
  assert t.p_above(0) == pytest.approx(stats.binomtest(7, 8, 0.5, alternative="greater").pvalue)
  assert t.p_below(0) == pytest.approx(stats.binomtest(1, 8, 0.5, alternative="greater").pvalue)  # B better
  # no discordant item: no evidence either way
  assert R.PairedProportions(40, 0, 0, 10).p_above(0) == 1.0


def test_fast_wilson_equals_the_checked_one():
  from adv_tf.metrics.accuracy import wilson_interval
  for k, n, z in ((0, 10, Z), (10, 10, Z), (37, 50, 1.0), (4990, 10000, 3.3), (1, 2, 0.2)):
    assert R.wilson_interval(k, n, z) == pytest.approx(wilson_interval(k, n, z), abs=1e-15)


def test_unpaired_newcombe_matches_the_published_example():
  # Newcombe (1998), Statistics in Medicine 17:873, example (56/70 vs 48/80), method 10: 0.0524 to 0.3339.
  lo, hi = R.TwoProportions(56, 70, 48, 80).interval(Z)
  assert (lo, hi) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_paired_interval_without_correlation_is_the_unpaired_one():
  # a d = b c: phi = 0, so the paired interval equals Newcombe's independent-samples formula on the margins.
  t = R.PairedProportions(20, 10, 10, 5)
  l1, u1 = R.wilson_interval(30, 45, Z)
  l2, u2 = R.wilson_interval(30, 45, Z)
  assert t.interval(Z) == pytest.approx((-math.hypot(30 / 45 - l1, u2 - 30 / 45), math.hypot(u1 - 30 / 45,
                                                                                            30 / 45 - l2)))


def test_paired_interval_covers_at_least_nominal_minus_slack_exactly():
  # Exact coverage over every multinomial outcome of 30 paired items (no sampling, cannot fail by chance).
  n, probs = 30, (0.6, 0.15, 0.05, 0.2)
  truth = probs[1] - probs[2]
  coverage = 0.0
  for b, c in itertools.product(range(n + 1), repeat=2):
    for a in range(n + 1 - b - c):
      d = n - a - b - c
      lo, hi = R.PairedProportions(a, b, c, d).interval(Z)
      if lo <= truth <= hi:
        coverage += math.exp(math.lgamma(n + 1) - sum(math.lgamma(x + 1) for x in (a, b, c, d))
                             + sum(x * math.log(p) for x, p in zip((a, b, c, d), probs)))
  assert coverage >= 0.93


def test_interval_inversion_gives_the_level_where_the_bound_meets_the_threshold():
  t = R.TwoProportions(40, 50, 25, 50)
  p = t.p_above(0.05)
  lo, _ = t.interval(stats.norm.isf(p))
  assert lo == pytest.approx(0.05, abs=1e-6)
  assert t.p_below(0.05) == 1.0


def test_one_proportion_is_the_exact_binomial_and_does_not_collapse_at_100_percent():
  # 50/50 against 97%: a Wald error of 0 would call it significant; the exact test gives 0.97^50 = 0.22.
  t = R.OneProportion(50, 50, 0.97)
  assert t.p_above(0) == pytest.approx(0.97 ** 50)
  assert t.p_above(0) == pytest.approx(stats.binomtest(50, 50, 0.97, alternative="greater").pvalue)
  assert R.OneProportion(10, 50, 0.5).p_below(0) == pytest.approx(stats.binomtest(10, 50, 0.5,
                                                                                  alternative="less").pvalue)


def test_sign_test_counts_items_above_and_below():
  t = R.SignTest(np.array([1.0, 2.0, 0.5, -0.1, 0.0, 3.0]))
  assert t.units == 6
  assert t.p_above(0) == pytest.approx(stats.binomtest(4, 5, 0.5, alternative="greater").pvalue)
  assert t.p_below(0.75) == pytest.approx(stats.binomtest(3, 6, 0.5, alternative="greater").pvalue)


def test_t_tests_match_scipy():
  a, b = np.array([0.91, 0.93, 0.92, 0.95]), np.array([0.88, 0.90, 0.91, 0.90])
  assert R.paired_t(a - b).p_above(0) == pytest.approx(stats.ttest_rel(a, b, alternative="greater").pvalue)
  assert R.welch_t(a, b).p_above(0) == pytest.approx(stats.ttest_ind(a, b, equal_var=False,
                                                                      alternative="greater").pvalue)
  assert R.one_sample_t(a, 0.9).p_above(0) == pytest.approx(stats.ttest_1samp(a, 0.9,
                                                                               alternative="greater").pvalue)


def test_seed_sd_floor_keeps_identical_seeds_from_collapsing():
  same = np.array([0.02, 0.02, 0.02])
  assert R.paired_t(same).p_above(0) == 1.0           # sd 0 from three seeds: no evidence, decides nothing
  assert R.paired_t(same, floor_sd=0.03).p_above(0) > 0.1


def test_scaling_keeps_effect_and_noise_and_shrinks_p():
  for t in (R.PairedProportions(30, 4, 1, 15), R.TwoProportions(30, 50, 25, 50), R.OneProportion(30, 50, 0.5),
            R.SignTest(np.array([1.0, -1.0, 2.0, 0.5])), R.item_t([1.0, -1.0, 2.0, 0.5]),
            R.paired_t(np.array([0.02, 0.01, 0.03])),
            R.welch_t([0.9, 0.92], [0.88, 0.89]), R.one_sample_t([0.9, 0.92], 0.88)):
    s = t.scaled(8)
    assert s.effect == pytest.approx(t.effect)
    assert s.units == 8 * t.units
    assert s.p_above(0) < t.p_above(0)


def test_equivalence_needs_a_resolvable_margin():
  # 48/50 vs 48/50 on the same images, no discordant item: the 1 pp margin is below one image in 50.
  t = R.PairedProportions(48, 0, 0, 2)
  assert t.p_equivalent(0.01) > 0.025
  assert t.scaled(64).p_equivalent(0.01) <= 0.025


def test_holm_matches_the_step_down_definition():
  assert R.holm([0.01, 0.04, 0.03, 0.2]) == pytest.approx([0.04, 0.09, 0.09, 0.2])
  assert R.holm([]) == []


def test_reference_t_is_the_pooled_t_of_one_model_against_n():
  # Paper 002 §5.5: one variant x against N baselines; the pooled two-sample t with a sample of one is
  # (x - mean) / (sd sqrt(1 + 1/N)) with N - 1 degrees of freedom (the variant adds no variance estimate).
  baselines, x = np.array([2.27, 2.29, 2.28, 2.30]), 2.40
  t = R.reference_t(x - baselines.mean(), 1, len(baselines), baselines)
  pooled = stats.ttest_ind([x], baselines, equal_var=True, alternative="greater")
  assert t.p_above(0) == pytest.approx(pooled.pvalue)
  assert t.df == 3 and t.se == pytest.approx(baselines.std(ddof=1) * math.sqrt(1 + 1 / 4))
  two_singles = R.reference_t(0.05, 1, 1, baselines)   # two single models, sd from the baselines: sd sqrt(2)
  assert two_singles.se == pytest.approx(baselines.std(ddof=1) * math.sqrt(2)) and two_singles.df == 3
  against_constant = R.reference_t(0.05, 1, math.inf, baselines)
  assert against_constant.se == pytest.approx(baselines.std(ddof=1))
  with pytest.raises(ValueError, match=">= 2 reference values"):
    R.reference_t(0.1, 1, 1, [2.28])


def test_reference_t_keeps_its_level_for_one_model_against_three():
  # Under no effect, the one-vs-N test rejects at its nominal one-sided 2.5% (a known-seed simulation; a
  # normal 3-sigma rule would reject at 12% two-sided with N = 3, issue 10).
  rng = np.random.default_rng(20)
  draws = rng.normal(size=(20000, 4))
  rejected = sum(R.reference_t(row[0] - row[1:].mean(), 1, 3, row[1:]).p_above(0) <= 0.025 for row in draws)
  assert 0.02 < rejected / len(draws) < 0.03


def test_reference_t_scales_the_reference_and_keeps_a_single_model_at_one_seed():
  # One model against the mean of N = 3 baselines that are the compared side: a reference 4x larger has N = 12
  # seeds, se sd sqrt(1 + 1/12), df 11; the single model is still one seed.
  t = R.reference_t(0.05, 1, 3, [2.27, 2.29, 2.28], "base", from_reference=(False, True))
  s = t.scaled(4)
  assert s.effect == t.effect and s.units == 1 and s.reference_n == 12 and s.df == 11
  assert s.se == pytest.approx(0.01 * math.sqrt(1 + 1 / 12)) and s.p_above(0) < t.p_above(0)
  assert "over the 3 seeds of base" in t.noise
  assert s.grown(1, "seeds") == "a reference of about N = 12 seeds of base (1x today's N = 12; a single compared " \
      "model stays one seed)"
  # two single models: only the degrees of freedom grow, se stays sd sqrt(2)
  two = R.reference_t(0.05, 1, 1, [2.27, 2.29, 2.28]).scaled(8)
  assert two.se == pytest.approx(0.01 * math.sqrt(2)) and two.df == 23


def test_binomial_tails_extend_to_seed_averaged_counts():
  for k, n, p in ((0, 10, 0.3), (3, 10, 0.3), (10, 10, 0.3), (49, 50, 0.97), (7, 8, 0.5)):
    assert R.binom_at_least(k, n, p) == pytest.approx(stats.binom.sf(k - 1, n, p), rel=1e-10, abs=1e-300)
    assert R.binom_at_most(k, n, p) == pytest.approx(stats.binom.cdf(k, n, p), rel=1e-10, abs=1e-300)
  assert R.binom_at_least(3, 4, 0.5) < R.binom_at_least(2.5, 3.5, 0.5) < R.binom_at_least(2, 3, 0.5)   # between


def test_seed_averaged_mcnemar_is_no_less_conservative_than_the_exact_sign_flip_test():
  # Per-image differences of outcomes averaged over S seeds per side; under "the sides are exchangeable on each
  # image" the exact test flips the sign of each image's difference. The McNemar p on the seed-averaged
  # discordant counts is at least that exact p wherever the exact p is below 0.2 (every case enumerated).
  rng = np.random.default_rng(0)
  for _ in range(300):
    s, m = int(rng.integers(2, 5)), int(rng.integers(1, 11))
    d = (rng.integers(0, s + 1, m) - rng.integers(0, s + 1, m)) / s
    d = d[d != 0]
    if not len(d):
      continue
    signs = np.array(list(itertools.product((1, -1), repeat=len(d))))
    exact = float(np.mean(signs @ np.abs(d) >= d.sum() - 1e-12))
    b, c = float(np.sum(np.maximum(d, 0))), float(np.sum(np.maximum(-d, 0)))
    if exact < 0.2:
      assert R.PairedProportions(10.0, b, c, 10.0, (s, s)).p_above(0) >= exact * (1 - 1e-9)


def test_the_t_over_items_is_scipys_one_sample_t_and_drops_undefined_differences():
  d = np.array([0.3, -0.1, 0.5, 0.2, np.nan, 0.4])
  t = R.item_t(d)
  assert t.units == 5 and t.unit == "items"
  assert t.p_above(0) == pytest.approx(stats.ttest_1samp(d[~np.isnan(d)], 0, alternative="greater").pvalue)
  assert R.item_t([0.2]).p_above(0) == 1.0 and R.item_t([np.inf, 1.0]).p_above(0) == 1.0   # undefined: no decision
  assert isinstance(t.scaled(4), R.ItemT) and t.scaled(4).units == 20


def test_a_zero_or_undefined_seed_sd_decides_nothing():
  """Identical seeds (sd 0) would make any difference 'significant'; an infinite per-item value gives NaN."""
  from adv_tf.claims.rules import reference_t, welch_t  # pylint: disable=import-outside-toplevel
  zero = reference_t(0.001, 1, 2, [0.5, 0.5])
  assert zero.p_above(0.0) == 1.0 and zero.p_below(0.0) == 1.0
  undefined = welch_t([float("inf"), 1.0], [1.0, 2.0])
  assert undefined.p_above(0.0) == 1.0 and undefined.p_below(0.0) == 1.0
