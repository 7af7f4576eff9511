"""Every verdict rule on constructed data whose right verdict is known, including each fault of issue 20."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from adv_tf.claims import Accuracy, Cell, Claim, Exact, Untestable, Values, judge
from adv_tf.claims import rules as R
from adv_tf.claims.engine import Rules, judge_cell
from adv_tf.claims.noise_reference import NoiseReference
from adv_tf.errors import AdvTfError


def outcomes(right: int, n: int, shift: int = 0) -> list[int]:
  """n per-item outcomes with `right` ones, starting at item `shift` (cyclically): two models on the same
  items overlap as much as their shifts allow."""
  out = [0] * n
  for i in range(right):
    out[(i + shift) % n] = 1
  return out


def acc(right: int, n: int = 50, shift: int = 0, **kw) -> Accuracy:
  return Accuracy.of(outcomes(right, n, shift), item_set=kw.pop("item_set", "test[:n]"), **kw)


def claim(*cells: Cell, **kw) -> Claim:
  return Claim(kw.pop("id", "X"), "constructed", tuple(cells), **kw)


def measure(table: dict):
  return table.get


def test_clear_paired_difference_holds_and_its_reverse_does_not_hold():
  m = measure({"a": acc(40), "b": acc(20)})
  assert judge(claim(Cell("a", "b")), m).verdict == "holds"
  r = judge(claim(Cell("b", "a")), m)
  assert r.verdict == "does not hold"
  assert r.cells[0].test.name.startswith("exact McNemar")


def test_counts_only_fall_back_to_the_unpaired_newcombe_test_and_say_so():
  m = measure({"a": Accuracy((40,), 50, item_set="s"), "b": Accuracy((20,), 50, item_set="s")})
  r = judge(claim(Cell("a", "b")), m)
  assert r.verdict == "holds" and r.cells[0].test.name.startswith("Newcombe")
  assert "conservative" in r.cells[0].note


def test_wald_collapse_at_100_percent_is_gone():
  # Paper 000, B5: 50/50 against a constant 97% was counted as significant (Wald se 0 at 100%).
  r = judge(claim(Cell("a", 0.97)), measure({"a": acc(50)}))
  assert r.verdict == "inconclusive"
  assert "at about" in r.to_decide and "images per side" in r.to_decide


def test_ceiling_and_floor_are_not_testable():
  # Paper 000: 98-vs-98 ceiling cells counted as ties or support; saturation was checked at the floor only.
  assert judge(claim(Cell("a", "b")), measure({"a": acc(49), "b": acc(49, shift=1)})).verdict == "not testable"
  assert judge(claim(Cell("a", "b")), measure({"a": acc(1), "b": acc(0)})).verdict == "not testable"
  r = judge(claim(Cell("a", "b")), measure({"a": acc(50), "b": acc(0)}))   # one at each bound: a real difference
  assert r.verdict == "holds"
  assert "both compared accuracies at the ceiling" in judge(claim(Cell("a", "b")), measure(
    {"a": acc(49), "b": acc(50)})).to_decide


def test_the_ceiling_counts_items_not_item_seed_pairs():
  # 3 seeds x 50 images at 146/150 (97.3%): 4 misses on the same 2 images. The 150 (image, seed) pairs would put
  # the bound at max(1%, 2/150) and call it testable; the 50 images it has are within 2 items of 100%.
  three = lambda shift: Accuracy.of([outcomes(48, 50, shift), outcomes(49, 50, shift), outcomes(49, 50, shift)],
                                    seeds=(0, 1, 2), item_set="test[:n]")
  r = judge(claim(Cell("a", "b")), measure({"a": three(0), "b": three(1)}))
  assert r.verdict == "not testable" and "ceiling" in r.cells[0].note


def test_a_tie_needs_a_margin_the_sample_can_resolve():
  # Paper 000: a "tie" needed identical counts because 1 pp is below one image in 50.
  small = judge(claim(Cell("a", "b")), measure({"a": acc(30), "b": acc(30)}))
  assert small.verdict == "inconclusive"
  assert "read 'tie'" in small.to_decide
  large = judge(claim(Cell("a", "b")), measure({"a": acc(3000, 5000), "b": acc(3000, 5000)}))
  assert large.verdict == "tie"


def test_wide_interval_is_not_a_tie():
  # Papers 001/003: a "tie" with interval [-6.8, +5.6] pp.
  r = judge(claim(Cell("a", "b"), margin=0.01), measure({"a": Accuracy((97,), 200, item_set="s"),
                                                         "b": Accuracy((98,), 200, item_set="s")}))
  assert r.verdict == "inconclusive"


def test_holm_controls_the_family_of_a_claims_cells():
  # One cell 7 discordant items against (p = 1/128 < 0.025 alone), eleven cells with no difference.
  table = {("a", i): acc(30) for i in range(12)}
  table.update({("b", i): acc(30) for i in range(12)})
  table[("b", 0)] = Accuracy.of([1] * 7 + outcomes(23, 43), item_set="test[:n]")   # b right on 7 more items
  table[("a", 0)] = Accuracy.of([0] * 7 + outcomes(23, 43), item_set="test[:n]")
  one = judge(claim(Cell(("a", 0), ("b", 0))), measure(table))
  assert one.verdict == "does not hold"
  twelve = judge(claim(*(Cell(("a", i), ("b", i)) for i in range(12))), measure(table))
  assert twelve.verdict == "inconclusive"
  assert "Holm" in twelve.evidence


def test_does_not_hold_needs_cells_significantly_against():
  # Paper 000, D3: "does not hold" with 0 cells against (inconclusive cells were counted as against).
  table = {}
  cells = []
  for i in range(10):
    table[("a", i)], table[("b", i)] = (acc(45), acc(10)) if i < 4 else (acc(26), acc(25))
    cells.append(Cell(("a", i), ("b", i)))
  r = judge(claim(*cells, mode="most"), measure(table))
  assert r.verdict == "inconclusive"
  assert "against" not in r.counts
  table.update({("a", i): acc(45) for i in range(4, 6)})
  table.update({("b", i): acc(10) for i in range(4, 6)})
  assert judge(claim(*cells, mode="most"), measure(table)).verdict == "holds"   # 6 of 10


def test_duplicate_cells_are_refused():
  # Paper 000, A1 counted one model twice.
  with pytest.raises(AdvTfError, match="twice"):
    claim(Cell("a", "b"), Cell("a", "b"))


def test_one_seed_method_claim_reads_this_model_and_is_not_decided():
  # Papers 001/003: a training method judged "does not hold" from one seed by intervals over test images.
  m = measure({"a": acc(40), "b": acc(20)})
  r = judge(claim(Cell("a", "b"), unit="seeds"), m)
  assert r.verdict == "this model: holds"
  assert not r.decided
  assert "needs >= 2 seeds" in r.to_decide and "decided" in r.to_decide and "would read" not in r.to_decide
  small = judge(claim(Cell("a", "b"), unit="seeds"), measure({"a": acc(25), "b": acc(20)}))
  assert small.verdict == "this model: inconclusive" and "would read 'holds'" in small.to_decide


def test_replicated_method_claim_uses_the_seeds():
  a = Accuracy.of([outcomes(40, 50), outcomes(41, 50), outcomes(39, 50)], seeds=(0, 1, 2), item_set="s")
  b = Accuracy.of([outcomes(20, 50), outcomes(22, 50), outcomes(21, 50)], seeds=(0, 1, 2), item_set="s")
  r = judge(claim(Cell("a", "b"), unit="seeds"), measure({"a": a, "b": b}))
  assert r.verdict == "holds" and r.decided
  assert r.cells[0].test.name == "paired t over seeds, shared items"   # per-item outcomes recorded: the items' noise
  c = Accuracy.of([outcomes(20, 50), outcomes(22, 50)], seeds=(5, 6), item_set="s")
  assert judge(claim(Cell("a", "c"), unit="seeds"), measure({"a": a, "c": c})).cells[0].test.name == \
      "Welch t over seeds, shared items"   # no common seed: unpaired, on the same items


def test_what_would_decide_it_prints_the_noise_in_the_units_of_the_effect():
  # The noise beside "effect seen +x pp" was printed as a raw fraction ("sd 0.0153" beside "+1.17 pp").
  a = Accuracy.of([outcomes(30, 50), outcomes(26, 50), outcomes(33, 50)], seeds=(0, 1, 2), item_set="s")
  b = Accuracy.of([outcomes(29, 50), outcomes(27, 50), outcomes(31, 50)], seeds=(0, 1, 2), item_set="s")
  r = judge(claim(Cell("a", "b"), unit="seeds"), measure({"a": a, "b": b}))
  assert r.verdict == "inconclusive"   # per-seed differences +2, -2, +4 pp
  sd = r.cells[0].test.sd   # floored at one accuracy's binomial sd (`paired_t`), about 0.07 here
  assert 0.01 < sd < 0.2 and r.cells[0].test.noise.startswith(f"seed-to-seed sd {sd:.3g} over 3 seeds, plus the items'")
  assert "effect seen +1.33 pp" in r.to_decide and f"noise: seed-to-seed sd {100 * sd:.3g} pp over 3 seeds" in \
      r.to_decide   # its own units
  items = judge(claim(Cell("a", "b")), measure({"a": Accuracy.of([1] * 5 + outcomes(25, 45), item_set="s"),
                                                "b": Accuracy.of([0] * 5 + outcomes(25, 45), item_set="s")}))
  assert "(per-item sd of the difference 30 pp)" in items.to_decide   # sqrt(5/50 - 0.1^2) = 0.3
  distances = judge(claim(Cell("variant", "other"), unit="seeds", noise_from="base", margin=0.01, scale=1.0,
                          value_unit="L2"),
                    measure({"variant": _models(2.60), "other": _models(2.58), "base": _models(2.27, 2.29, 2.28)}))
  assert "seed-to-seed sd 0.01 L2 over the 3 seeds of base (se 0.0141 L2" in distances.to_decide


def test_effect_seen_reads_cells_of_opposite_directions_each_past_its_own_line():
  # Paper 002's S3 claims "more" at some thresholds and "fewer" at others: +1 pp where "more" is claimed and -1 pp
  # where "fewer" is claimed both agree with the claim, so their median is +1 in the claim's direction, not 0.
  up, down = Values(((3.0, 2.0, 1.0),), item_set="img"), Values(((1.0, 1.0, 1.0),), item_set="img")
  table = {"a": up, "b": down, "c": down, "d": up}
  r = judge(claim(Cell("a", "b", "greater"), Cell("c", "d", "less"), unit="images", scale=1.0, value_unit="%"),
            measure(table))
  assert r.verdict == "inconclusive"   # 3 images per side
  assert "effect seen +1 % (median over 2 cells, range +1 % to +1 %; each cell past its own line, + as that cell " \
      "claims)" in r.to_decide
  same = judge(claim(Cell("b", "a", "less"), unit="images", scale=1.0, value_unit="%"), measure(table))
  assert "effect seen -1 % (median over 1 cells, range -1 % to -1 %)" in same.to_decide   # one way: raw
  # A line elsewhere than 0 (an "at least" with an allowance, paper 004's C6): +1 against a line at -1 - 0.5 is 2.5
  # past it; an "equal" cell reads the margin less its distance from the offset (+: inside the band).
  lines = judge(claim(Cell("a", "b", "at_least", offset=-1.0), Cell("c", "d", "less"), Cell("a", "c", "equal"),
                      unit="images", scale=1.0, value_unit="%", margin=0.5), measure(table))
  assert "range -0.5 % to +2.5 %" in lines.to_decide and "median over 3 cells" in lines.to_decide


def test_cell_rows_give_each_cells_status_effect_and_p_values_as_the_cell_states_them():
  # claims.json carries these rows: a reader checks which cells decided a claim without rerunning the judge.
  m = measure({"a": acc(40), "b": acc(20), "c": acc(45), "off": Untestable("no model")})
  r = judge(claim(Cell("a", "b", group="x"), Cell(0.5, "c", "less", offset=-0.1, group="y"),
                  Cell("a", "off", group="z"), names=("x", "y", "z")), m)
  first, constant, untestable = r.cell_rows
  assert first["status"] == "for" and first["effect"] == 40.0 and first["effect_unit"] == "pp"
  assert first["p_for"] < 0.05 < first["p_against"] and first["p_tie"] > 0.05
  assert first["test"].startswith("exact McNemar") and first["margin"] == 1.0
  assert (first["cell"], first["groups"], first["relation"], first["line"]) == ("a vs b", ["x"], "greater", 0.0)
  # A constant on side a (the engine mirrors the test): the effect is still A - B, 50% - 90% = -40 pp; "less" with
  # offset -0.1 claims 0.5 < 0.9 + 0.1, i.e. A - B below +10 pp, which -40 passes by 50.
  assert constant["effect"] == -40.0 and constant["line"] == 10.0 and constant["past_line"] == 50.0
  assert constant["status"] == "for"
  assert untestable["status"] == "not testable" and untestable["effect"] is None and "no model" in untestable["note"]
  assert untestable["p_for"] is untestable["p_against"] is untestable["p_tie"] is untestable["past_line"] is None
  # "at most" with an allowance: a <= b - offset + margin, so A - B must stay below -offset + margin; no tie test.
  at_most = judge(claim(Cell("b", "a", "at_most", offset=0.05), margin=0.02), m).cell_rows[0]
  assert at_most["line"] == -3.0 and at_most["past_line"] == 37.0 and at_most["p_tie"] is None
  # "equal": the line is the band's centre, past_line the margin less the distance from it (-: outside the band)
  equal = judge(claim(Cell("a", "b", "equal", offset=0.3), margin=0.05), m).cell_rows[0]
  assert equal["line"] == 30.0 and equal["margin"] == 5.0 and equal["past_line"] == -5.0 and equal["p_tie"] is None
  less = judge(claim(Cell("b", "a", "less")), m).cell_rows[0]
  assert str(less["line"]) == "0.0"   # not -0.0
  json.dumps(r.cell_rows)   # JSON-able as claims.json writes it


def test_independently_trained_sides_are_not_paired_by_seed_number():
  # Paper 003's D4 (GoogLeNet vs WRN): seed s of two architectures shares no draw, so the same seed numbers on the
  # same images must not pair them (paired df 2 vs Welch's ~4 at 3 seeds each; a shared seed effect would cancel
  # only where the seed is a common draw).
  a = Accuracy.of([outcomes(40, 50), outcomes(30, 50), outcomes(45, 50)], seeds=(0, 1, 2), item_set="s")
  b = Accuracy.of([outcomes(30, 50), outcomes(20, 50), outcomes(36, 50)], seeds=(0, 1, 2), item_set="s")
  m = measure({"a": a, "b": b})
  paired = judge(claim(Cell("a", "b"), unit="seeds"), m)
  welch = judge(claim(Cell("a", "b"), unit="seeds", seeds_paired=False), m)
  assert paired.cells[0].test.name == "paired t over seeds, shared items"
  assert welch.cells[0].test.name == "Welch t over seeds, shared items"
  # The per-seed differences (10, 10, 9 images) are nearly constant: paired decides, Welch's spread across seeds
  # (sd ~15 images per side) does not.
  assert paired.verdict == "holds" and welch.verdict == "inconclusive"


def test_models_near_chance_are_not_testable():
  # Papers 001/003: verdicts rested on models at 0% or 12% clean accuracy on 10 classes.
  m = measure({"a": acc(40, clean=0.12, chance=0.1), "b": acc(20, clean=0.95, chance=0.1)})
  r = judge(claim(Cell("a", "b")), m)
  assert r.verdict == "not testable"
  assert "near chance" in r.to_decide and "no sample size" in r.to_decide


def test_confounds_are_attached():
  # Papers 001/003: comparisons between models of very different clean accuracy were not flagged.
  m = measure({"a": acc(40, clean=0.97, chance=0.1, confounds={"training images": 600}),
               "b": acc(20, clean=0.80, chance=0.1, confounds={"training images": 60000})})
  r = judge(claim(Cell("a", "b"), confound_limits={"clean accuracy": 0.05, "training images": 1000}), m)
  assert r.verdict == "holds"
  assert "clean accuracy differs by up to 0.17" in r.evidence and "training images" in r.evidence
  quiet = judge(claim(Cell("a", "b"), confound_limits={"clean accuracy": 0.5}), m)
  assert "confounds" not in quiet.evidence


def test_partial_and_not_run():
  c = claim(Cell("a", "b", group="mnist"), Cell("c", "d", group="cifar10"), names=("mnist", "cifar10"))
  r = judge(c, measure({"a": acc(40), "b": acc(20)}))
  assert r.label == "holds, partial (tested against: mnist)"
  assert judge(c, measure({})).verdict == "not run in this profile"


def test_relations_and_offsets():
  m = measure({"a": acc(40), "b": acc(20), "hi": acc(4000, 5000), "hi2": acc(4010, 5000)})
  assert judge(claim(Cell("b", "a", "less")), m).verdict == "holds"
  assert judge(claim(Cell("a", "b", "greater", offset=0.3)), m).verdict == "inconclusive"  # 40 pp seen, > 30?
  assert judge(claim(Cell("a", "b", "greater", offset=0.6)), m).verdict == "does not hold"
  assert judge(claim(Cell("hi", "hi2", "at_least"), margin=0.02), m).verdict == "holds"
  assert judge(claim(Cell("b", "a", "at_least"), margin=0.02), m).verdict == "does not hold"
  assert judge(claim(Cell("a", "b", "at_most"), margin=0.02), m).verdict == "does not hold"
  assert judge(claim(Cell("hi", "hi2", "equal"), margin=0.02), m).verdict == "holds"
  assert judge(claim(Cell("a", "b", "equal"), margin=0.02), m).verdict == "does not hold"
  assert judge(claim(Cell(0.2, "a")), m).verdict == "does not hold"   # a constant on the left


def test_undecided_claims_say_what_would_decide_them():
  # 5 discordant items for, none against: exact p = 1/32 > 0.025; twice the images decide it.
  m = measure({"a": Accuracy.of([1] * 5 + outcomes(25, 45), item_set="s"),
               "b": Accuracy.of([0] * 5 + outcomes(25, 45), item_set="s")})
  r = judge(claim(Cell("a", "b")), m)
  assert r.verdict == "inconclusive"
  assert "effect seen +10 pp" in r.to_decide
  assert "read 'holds' at about 100 images per side (2x today's)" in r.to_decide


def test_paired_item_values_use_the_test_of_their_statistic():
  a = Values(((1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0),), item_set="pairs", statistic="median")
  b = Values(((0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0),), item_set="pairs", statistic="median")
  r = judge(claim(Cell("a", "b"), unit="pairs", scale=1.0, value_unit=""), measure({"a": a, "b": b}))
  assert r.verdict == "holds" and r.cells[0].test.name == "exact sign test"
  means = {k: dataclasses.replace(v, statistic="mean") for k, v in (("a", a), ("b", b))}
  r = judge(claim(Cell("a", "b"), unit="pairs", scale=1.0, value_unit=""), measure(means))
  assert r.verdict == "holds" and r.cells[0].test.name == "t over items (mean)"
  with pytest.raises(AdvTfError, match="different items"):
    judge(claim(Cell("a", "c"), unit="pairs"), measure({"a": a, "c": Values(((1.0,),), item_set="other")}))


def test_rules_are_settable():
  m = measure({"a": acc(30), "b": acc(25, shift=25)})
  strict = judge_cell(claim(Cell("a", "b")), Cell("a", "b"), m, Rules(near_chance=0.5))
  assert strict.status == "undecided"


def test_failed_attacks_on_both_sides_are_dropped_from_the_sign_test():
  inf = float("inf")
  a = Values(((inf, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0),), item_set="p", statistic="median")
  b = Values(((inf, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0),), item_set="p", statistic="median")
  r = judge(claim(Cell("a", "b"), unit="pairs", scale=1.0, value_unit=""), measure({"a": a, "b": b}))
  assert r.cells[0].test.units == 7 and r.verdict == "holds"


def test_untestable_sides_make_a_cell_not_testable_with_their_reason():
  # Paper 003: absolute numbers measured with pretrained weights at 224 px cannot be tested by a from-scratch run
  # at 32 px; a qualitative statement has no number at all.
  m = measure({"a": acc(40), "b": acc(20), "abs": Untestable("absolute number: needs pretrained weights")})
  declared = judge(claim(Cell(Untestable("qualitative, no number"), 0.0)), m)
  assert declared.verdict == "not testable" and "qualitative, no number" in declared.to_decide
  measured = judge(claim(Cell("abs", 0.9), Cell("a", "b")), m)
  assert measured.verdict == "holds" and "not testable 1" in measured.counts
  # A side this run did not measure makes the cell "not measured" whatever the other side (since 2026-12-06:
  # paper 003's D4 read "not testable" with WRN's reason in a run that had no GoogLeNet at all).
  assert judge(claim(Cell("abs", "missing")), m).verdict == "not run in this profile"


def test_exact_values_are_decided_by_their_difference_alone():
  # Paper 004 §2: the worked regression example's MSEs are computed in closed form, without sampling noise.
  m = measure({"m1": Exact(0.0450), "m2": Exact(0.0396), "a": acc(40)})
  r = judge(claim(Cell("m2", "m1", "less"), scale=1.0, value_unit=""), m)
  assert r.verdict == "holds" and r.cells[0].test.name.startswith("exact difference")
  assert judge(claim(Cell("m1", "m2", "less")), m).verdict == "does not hold"
  assert judge(claim(Cell("m1", "m1", "less")), m).verdict == "tie"   # equal within the margin, exactly
  assert judge(claim(Cell("m1", 0.05, "less")), m).verdict == "holds"
  with pytest.raises(AdvTfError, match="Exact"):
    judge(claim(Cell("m1", "a")), m)


def _models(*means: float, seed0: int = 0) -> Values:
  return Values(tuple((m,) for m in means), seeds=tuple(range(seed0, seed0 + len(means))), item_set="pairs")


def test_one_model_against_n_uses_the_reference_seeds_when_the_claim_names_them():
  # Paper 002: one variant against the mean of N baselines whose seed-to-seed sd stands for the variant's.
  table = {"variant": _models(2.60), "other": _models(2.58), "base": _models(2.27, 2.29, 2.28)}
  r = judge(claim(Cell("variant", "base"), unit="seeds", noise_from="base", margin=0.09), measure(table))
  assert r.verdict == "holds" and r.decided           # t = 0.32 / (0.01 sqrt(4/3)) = 27.7, t(2) bound 4.3
  assert r.cells[0].test.name == "t over seeds, sd from a reference" and r.cells[0].test.df == 2
  close = judge(claim(Cell("variant", "other"), unit="seeds", noise_from="base", margin=0.01), measure(table))
  assert close.verdict == "inconclusive" and "seeds of base" in close.to_decide   # two single models: sd sqrt(2)
  assert judge(claim(Cell("variant", "other"), unit="seeds", noise_from="base", margin=0.09),
               measure(table)).verdict == "tie"
  without = judge(claim(Cell("variant", "base"), unit="seeds"), measure(table))
  assert without.verdict.startswith("this model")   # no reference named: the default is unchanged
  unmeasured = judge(claim(Cell("variant", "base"), unit="seeds", noise_from="nothing"), measure(table))
  assert unmeasured.verdict.startswith("this model")
  with pytest.raises(AdvTfError, match="noise_from needs unit 'seeds'"):
    claim(Cell("variant", "base"), noise_from="base")


def test_replicated_models_are_judged_with_the_reference_sd_the_claim_names():
  """Issue 22 (paper 002's replicates): a variant with seeds of its own is still judged with the baselines' sd
  (se = sd sqrt(1/n_a + 1/n_b), N - 1 df), as a Trend's points are, never by a Welch t over its own 3 seeds."""
  table = {"variant": _models(2.33, 2.36, 2.31, seed0=0), "base": _models(2.27, 2.29, 2.28, 2.30, 2.26)}
  r = judge(claim(Cell("variant", "base"), unit="seeds", noise_from="base", margin=0.0), measure(table))
  test = r.cells[0].test
  assert test.name == "t over seeds, sd from a reference" and test.df == 4 and r.verdict == "holds"
  sd = np.std([2.27, 2.29, 2.28, 2.30, 2.26], ddof=1)
  assert test.se == pytest.approx(sd * (1 / 3 + 1 / 5) ** 0.5)
  own = np.std([2.33, 2.36, 2.31], ddof=1)
  assert r.cells[0].note == f"judged with the reference's sd; variant: 3 seeds, their own sd {100 * own:.3g} pp"
  # without noise_from the replicated sides keep their own test (paired by seed number here: common seeds 0-2)
  assert judge(claim(Cell("variant", "base"), unit="seeds", margin=0.0), measure(table)).cells[0].test.name == \
      "paired t over seeds"


def test_a_replicated_side_noisier_than_the_reference_falls_back_to_welch():
  """Review of 2026-12-07: the reference's sd stands for a replicated model's only while its own seeds agree; an own
  variance significantly above it (F test, one-sided 5%) leaves that cell to Welch's t over each side's seeds."""
  table = {"noisy": _models(2.20, 2.50, 2.80), "calm": _models(2.40, 2.41, 2.42),
           "base": _models(2.27, 2.29, 2.28, 2.30, 2.26)}
  r = judge(claim(Cell("noisy", "calm"), unit="seeds", noise_from="base", margin=0.0), measure(table))
  assert r.cells[0].test.name.startswith("Welch") and "noisy's own sd" in r.cells[0].note
  assert "F test" in r.cells[0].note and "calm's own sd" not in r.cells[0].note
  constant = judge(claim(Cell(2.31, "noisy", "less"), unit="seeds", noise_from="base", margin=0.0), measure(table))
  assert "noisy's own sd" in constant.cells[0].note and "one-sample t over its own seeds" in constant.cells[0].note
  single = judge(claim(Cell("noisy", "one"), unit="seeds", noise_from="base", margin=0.0),
                 measure({**table, "one": _models(2.40)}))
  assert single.cells[0].test.name == "t over seeds, sd from a reference" and "no Welch's t" in single.cells[0].note
  calm = judge(claim(Cell("calm", "base"), unit="seeds", noise_from="base", margin=0.0), measure(table))
  assert calm.cells[0].test.name == "t over seeds, sd from a reference"   # own sd 0.01 vs 0.016: no fallback
  assert R.variance_above_p([1.0, 1.0], 0.1, 5) == 1.0 and R.variance_above_p([1.0, 2.0], 0.0, 5) == 0.0


def test_what_no_reference_decides_names_the_seeds_of_each_model_that_would():
  # two single models 0.02 apart, sd 0.01 over 3 reference seeds: their own noise (se 0.01 sqrt(2), t 1.41 < 1.96)
  # shrinks with no N; k seeds of each give se 0.01 sqrt(2 / k) against t(0.975, 2) = 4.303: k = 12, the first
  # engine factor past 9.3
  from adv_tf.claims.engine import SCALE_FACTORS
  table = {"a": _models(2.32), "b": _models(2.30), "base": _models(2.27, 2.29, 2.28)}
  r = judge(claim(Cell("a", "b"), unit="seeds", noise_from="base", margin=0.0), measure(table))
  assert r.verdict == "inconclusive" and "needs seeds of its own" in r.to_decide
  k = next(f for f in SCALE_FACTORS if 0.02 / (0.01 * (2 / f) ** 0.5) > 4.303)
  assert k == 12
  assert f"would read 'holds' at about {k} seeds of each compared model ({k}x today's 1" in r.to_decide
  # against a constant the model's side is mirrored (`_Negated`): one model 0.01 above 2.31, se 0.01: t 1 at any N;
  # k seeds give se 0.01 / sqrt(k) against 4.303: k = 24, the first engine factor past 18.5
  mirrored = judge(claim(Cell(2.31, "a", "less"), unit="seeds", noise_from="base", margin=0.0),
                   measure({**table, "a": _models(2.32)}))
  assert "needs seeds of its own" in mirrored.to_decide
  assert "would read 'holds' at about 24 seeds of each compared model (24x today's 1" in mirrored.to_decide
  # an "equal" cell whose effect sits on the margin: no number of seeds shows it inside or outside
  edge = judge(claim(Cell("a", "b", "equal"), unit="seeds", noise_from="base", margin=0.02), measure(table))
  assert edge.verdict == "inconclusive" and "nor would seeds of each compared model, up to 1024x" in edge.to_decide


def test_a_side_that_resolves_to_the_reference_grows_with_it():
  """Paper 002: an axis' control value resolves to the baselines; "what would decide it" grows it with the reference
  (it is the reference), where before only a cell naming the reference's own key did."""
  table = {"control": _models(2.27, 2.29, 2.28), "variant": _models(2.30), "base": _models(2.27, 2.29, 2.28)}
  r = judge(claim(Cell("variant", "control"), unit="seeds", noise_from="base", margin=0.0), measure(table))
  assert r.cells[0].test.from_reference == (False, True)
  assert r.cells[0].test.scaled(4).sides == (1.0, 12.0)


def test_with_a_published_sd_a_side_that_is_this_runs_reference_is_still_the_reference():
  """Final read of 2026-12-07: with a published NoiseReference the side resolving to this run's baselines (a paper-002
  axis' control value) was taken for a compared model: F-tested, its sd printed, grown by `seeded`."""
  table = {"control": _models(2.20, 2.40, 2.30), "variant": _models(2.45, 2.46, 2.44, seed0=1),
           "base": _models(2.20, 2.40, 2.30)}
  published = NoiseReference("base", 0.02, 10, "0123456789abcdef", {"cw": "exact"})
  r = judge(claim(Cell("variant", "control"), unit="seeds", noise_from="base", margin=0.0), measure(table),
            noise={"base": published})
  test = r.cells[0].test
  assert test.from_reference == (False, True) and test.df == 9 and test.name == "t over seeds, sd from a published run"
  assert "control" not in r.cells[0].note        # this run's 3 noisy baselines are the reference, not F-tested
  assert test.seeded(2).sides == (6.0, 3.0)      # seeds of the compared model grow, the reference's stay
  noisy = {**table, "variant": _models(2.10, 2.80, 2.45, seed0=1)}   # own sd 0.35 against the published 0.02
  r = judge(claim(Cell("variant", "control"), unit="seeds", noise_from="base", margin=0.0), measure(noisy),
            noise={"base": published})
  assert r.cells[0].test.name.startswith("Welch") and "variant's own sd" in r.cells[0].note


def test_an_untestable_quantity_makes_its_cells_not_testable_with_its_reason():
  from adv_tf.claims import Untestable
  table = {"a": Untestable("model below the 98% accuracy bar"), "b": _models(2.28)}
  r = judge(claim(Cell("a", "b"), unit="seeds"), measure(table))
  assert r.verdict == "not testable" and "model below the 98% accuracy bar" in r.to_decide


def _seeds(*rows: list[int]) -> Accuracy:
  return Accuracy.of(list(rows), seeds=tuple(range(len(rows))), item_set="test[:50]")


def test_several_seeds_on_the_same_images_count_each_image_once():
  # Three seeds per side that agree image by image: A is right where B is wrong on the same 5 of 50 images. The
  # evidence is 5 images (exact p = 1/32 > 0.025), as with one seed; pooling the seeds counted 15 discordant
  # (image, seed) pairs (p = 2^-15: "holds").
  a = [1] * 5 + outcomes(25, 45)
  b = [0] * 5 + outcomes(25, 45)
  r = judge(claim(Cell("a", "b")), measure({"a": _seeds(a, a, a), "b": _seeds(b, b, b)}))
  assert r.verdict == "inconclusive"
  assert r.cells[0].test.name == "McNemar / Newcombe paired interval on seed-averaged images"
  assert "discordant items 5/50" in r.to_decide and "averaged over 3 and 3 seeds" in r.to_decide
  assert "read 'holds' at about 100 images per side (2x today's)" in r.to_decide
  one = judge(claim(Cell("a", "b")), measure({"a": Accuracy.of(a, item_set="s"), "b": Accuracy.of(b, item_set="s")}))
  assert one.verdict == "inconclusive" and one.cells[0].test.name == "exact McNemar / Newcombe paired interval"
  # Seeds that disagree: image i right on some seeds only counts as a fraction of one discordant image.
  half = judge(claim(Cell("a", "b")), measure({"a": _seeds(a, b), "b": _seeds(b, b)}))
  assert half.cells[0].test.b == 2.5 and half.cells[0].test.c == 0


def test_several_seeds_against_a_constant_or_unpaired_count_each_image_once():
  # 50/50 on each of three seeds against 97%: the evidence is 50 images (0.97^50 = 0.22), not 150 (0.97^150 = 0.01).
  r = judge(claim(Cell("a", 0.97)), measure({"a": _seeds(*[[1] * 50] * 3)}))
  assert r.verdict == "inconclusive" and r.cells[0].test.n == 50
  # Counts only, three seeds each, 38/50 vs 30/50 every seed: Newcombe over 50 images per side (p = 0.043), not
  # over 150 (p = 0.0015).
  counts = measure({"a": Accuracy((38,) * 3, 50, (0, 1, 2)), "b": Accuracy((30,) * 3, 50, (0, 1, 2))})
  r = judge(claim(Cell("a", "b")), counts)
  assert r.verdict == "inconclusive" and r.cells[0].test.units == 50
  assert "averaged over 3 and 3 seeds" in r.to_decide


def test_a_mean_of_item_values_is_tested_by_its_mean_not_its_median():
  # 12 pairs a little larger under A, 3 much smaller: the median difference is +0.1 (the sign test: 12 of 15,
  # p = 0.018, "holds"), but the mean of A is lower by 1.92: "A's mean is larger" must not hold.
  a = Values((tuple([1.1] * 12 + [0.0] * 3),), item_set="pairs")
  b = Values((tuple([1.0] * 12 + [10.0] * 3),), item_set="pairs")
  c = claim(Cell("a", "b"), unit="pairs", scale=1.0, value_unit="")
  r = judge(c, measure({"a": a, "b": b}))
  assert r.verdict == "inconclusive" and r.cells[0].test.effect == pytest.approx(-1.92)
  assert r.cells[0].test.name == "t over items (mean)"
  medians = {k: dataclasses.replace(v, statistic="median") for k, v in (("a", a), ("b", b))}
  assert judge(c, measure(medians)).verdict == "holds"   # the median of the differences is larger: honest
  # several seeds: each pair once, at its mean over the seeds
  two = Values((a.per_seed[0], a.per_seed[0]), seeds=(0, 1), item_set="pairs")
  assert judge(c, measure({"a": two, "b": b})).cells[0].test.units == 15


def test_this_model_says_that_seeds_not_images_would_decide_the_claim():
  r = judge(claim(Cell("a", "b"), unit="seeds"), measure({"a": acc(25), "b": acc(20)}))
  assert r.verdict == "this model: inconclusive"
  assert "a model with one seed stays 'this model' whatever the number of images" in r.to_decide
  assert "would read 'holds' (as 'this model') at about" in r.to_decide


def test_this_model_with_replicated_cells_says_whose_seeds_the_count_is_for():
  # One cell replicated (3 vs 3 seeds, a small effect: the weakest), one cell with one seed a side (this model):
  # the count of seeds that would decide it is the replicated models', not the one-seed model's.
  replicated = {"a3": _seeds(outcomes(30, 50), outcomes(28, 50), outcomes(32, 50)),
                "b3": _seeds(outcomes(26, 50), outcomes(29, 50), outcomes(25, 50))}
  table = dict(replicated, a1=acc(40), b1=acc(20))
  r = judge(claim(Cell("a3", "b3"), Cell("a1", "b1"), unit="seeds"), measure(table))
  assert r.verdict == "this model: inconclusive"
  assert "about 12 seeds per side on the same 50 items" in r.to_decide   # the shared items' noise stays
  assert "(as 'this model': that count is for the compared models with seeds; the one-seed model still needs >= 2)" \
      in r.to_decide


def test_one_model_against_n_says_to_what_n_the_reference_must_grow():
  # variant 2.30 vs three baselines 2.26, 2.28, 2.30 (sd 0.02): t = 0.02 / (0.02 sqrt(4/3)) = 0.87. Only a larger
  # reference can decide it, and with the variant at one seed even an infinite one leaves se = sd: t = 1 < 1.96.
  table = {"variant": _models(2.30), "base": _models(2.26, 2.28, 2.30), "far": _models(2.36)}
  r = judge(claim(Cell("variant", "base"), unit="seeds", noise_from="base", margin=0.0), measure(table))
  assert r.verdict == "inconclusive"
  assert "no reference up to N = 3072 seeds of base" in r.to_decide and "needs seeds of its own" in r.to_decide
  # far: t = 0.08 / 0.0231 = 3.46 < t(2) 4.30; with N = 6 baselines t(5) 2.57 < 0.08 / (0.02 sqrt(7/6)) = 3.70
  far = judge(claim(Cell("far", "base"), unit="seeds", noise_from="base", margin=0.0), measure(table))
  assert far.verdict == "inconclusive"
  assert "would read 'holds' at a reference of about N = 6 seeds of base (2x today's N = 3" in far.to_decide


def test_a_claim_with_untestable_cells_names_how_many_were_testable():
  # Ten cells at the ceiling (not testable), two clearly for: the verdict rests on 2 of 12 cells.
  table = {("a", i): acc(49) for i in range(10)}
  table.update({("b", i): acc(49, shift=1) for i in range(10)})
  table.update({("a", i): acc(40) for i in (10, 11)})
  table.update({("b", i): acc(20) for i in (10, 11)})
  cells = [Cell(("a", i), ("b", i), group="mnist" if i < 6 else "cifar10") for i in range(12)]
  r = judge(claim(*cells), measure(table))
  assert r.verdict == "holds" and r.label == "holds, partial (testable: 2 of 12 cells)"
  named = judge(claim(*cells, names=("mnist", "cifar10", "svhn")), measure(table))
  assert named.label == "holds, partial (tested against: mnist, cifar10; testable: 2 of 12 cells)"
  every = judge(claim(*cells[10:]), measure(table))
  assert every.label == "holds"


def test_a_published_reference_decides_what_the_runs_own_three_seeds_cannot():
  # far 2.36 vs three baselines 2.26, 2.28, 2.30: with their own sd 0.02 (df 2) t = 0.08 / 0.0231 = 3.46 < 4.30;
  # with a published sd 0.02 over N = 10 seeds (df 9) the same t exceeds t(0.975, 9) = 2.26.
  table = {"base": _models(2.26, 2.28, 2.30), "far": _models(2.36)}
  one = claim(Cell("far", "base"), unit="seeds", noise_from="base", margin=0.0)
  assert judge(one, measure(table)).verdict == "inconclusive"
  published = NoiseReference("base", 0.02, 10, "0123456789abcdef", {"cw": "exact"})
  r = judge(one, measure(table), noise={"base": published})
  assert r.verdict == "holds" and r.decided
  test = r.cells[0].test
  assert test.name == "t over seeds, sd from a published run" and test.df == 9 and test.reference_n == 10
  assert "published run, commit 0123456789ab" in test.noise
  assert judge(one, measure(table), noise={"other": published}).verdict == "inconclusive"   # keyed by noise_from


def test_what_decides_a_published_reference_claim_grows_this_runs_own_seeds_of_it_too():
  """Review, 2026-12-07: scaled() set the reference side's count to the published N x factor (3 baselines became 20 at
  2x), so "a reference of about N = 20" promised an se that only 20 baselines in this run would give. The side now
  grows from its own 3 seeds, and the text says both must grow."""
  table = {"base": _models(2.26, 2.28, 2.30), "near": _models(2.30)}
  one = claim(Cell("near", "base"), unit="seeds", noise_from="base", margin=0.0)
  published = NoiseReference("base", 0.04, 10, "0123456789abcdef", {"cw": "exact"})
  r = judge(one, measure(table), noise={"base": published})
  assert r.verdict == "inconclusive"
  test = r.cells[0].test
  assert test.scaled(2).se == pytest.approx(0.04 * (1 + 1 / 6) ** 0.5)    # base: 3 -> 6 seeds, not 20
  assert test.scaled(2).df == 19
  assert "and 2x this run's own seeds of it (3 -> 6)" in test.grown(2, "seeds")
  ten = {"base": _models(*(2.26 + 0.005 * i for i in range(10))), "near": _models(2.30)}   # as many as published
  test10 = judge(one, measure(ten), noise={"base": published}).cells[0].test
  assert "and 2x this run's own seeds of it (10 -> 20)" in test10.grown(2, "seeds")
  measured = judge(one, measure(table)).cells[0].test                    # a reference measured in this run: N = 3
  assert measured.scaled(2).se == pytest.approx(measured.sd * (1 + 1 / 6) ** 0.5)
  assert "this run's own seeds" not in measured.grown(2, "seeds")


def test_item_differences_without_spread_use_the_worst_case_bound_and_bounded_floors_are_not_testable():
  zero = Values(((0.0,) * 10,), item_set="images", bounds=(0.0, 1.0))
  r = judge(claim(Cell("rate", 0.5, "less"), unit="images"), measure({"rate": zero}))
  assert r.verdict == "holds" and r.cells[0].test.name == "worst-case bound for identical bounded items"   # 0.5^10
  assert r.cells[0].p_for == pytest.approx(0.5 ** 10)
  assert judge(claim(Cell("rate", 0.5, "less"), unit="images"), measure(
      {"rate": Values(((0.0,) * 5,), item_set="images", bounds=(0.0, 1.0))})).verdict == "inconclusive"   # 0.5^5
  # Review, 2026-12-07: the sign test's 2^-n read six zeros as "below 5%" (p 0.016); the worst case over rates in
  # [0, 1] with mean 5% is 0.95^6 = 0.74, and 72 zeros give 0.95^72 = 0.025.
  six = judge(claim(Cell("rate", 0.05, "less"), unit="images"),
              measure({"rate": Values(((0.0,) * 6,), item_set="images", bounds=(0.0, 1.0))}))
  assert six.verdict == "inconclusive" and six.cells[0].p_for == pytest.approx(0.95 ** 6)
  above = judge(claim(Cell("rate", 0.9, "greater"), unit="images"),     # all at 1: P <= (0.9 / 1)^n
                measure({"rate": Values(((1.0,) * 40,), item_set="images", bounds=(0.0, 1.0))}))
  assert above.cells[0].p_for == pytest.approx(0.9 ** 40) and above.verdict == "holds"
  paired = judge(claim(Cell("a", "b", "greater"), unit="images"),      # every a - b = 0.5, in [-1, 1]: (1 / 1.5)^n
                 measure({"a": Values(((0.75,) * 12,), item_set="images", bounds=(0.0, 1.0)),
                          "b": Values(((0.25,) * 12,), item_set="images", bounds=(0.0, 1.0))}))
  assert paired.cells[0].p_for == pytest.approx((1 / 1.5) ** 12)
  unbounded = judge(claim(Cell("rate", 0.5, "less"), unit="images"),
                    measure({"rate": Values(((0.0,) * 10,), item_set="images")}))
  assert unbounded.verdict == "inconclusive" and unbounded.cells[0].test.name == "t over items (mean)"
  floor = Values(((0.0,) * 10,), item_set="images", bounds=(0.0, 100.0))
  some = Values(((0.0,) * 9 + (1.0,),), item_set="images", bounds=(0.0, 100.0))
  both = judge(claim(Cell("a", "b")), measure({"a": floor, "b": floor}))
  assert both.verdict == "not testable" and "both compared values at the floor" in both.cells[0].note
  assert judge(claim(Cell("a", "b")), measure({"a": some, "b": floor})).cells[0].status != "not testable"
  with pytest.raises(AdvTfError, match="bounds"):
    Values(((1.0,),), bounds=(1.0, 0.0))


def test_bounded_items_mostly_at_one_end_bound_the_t_by_the_binomial_of_the_rescaled_items():
  # Review, 2026-12-07: 71 rates of 0 and one of 1 read "below 5%" by the t at p 0.006; 72 Bernoulli items of mean
  # 5% give at most one success with probability 0.95^72 + 72 * 0.05 * 0.95^71 = 0.119.
  binomial = 0.95 ** 72 + 72 * 0.05 * 0.95 ** 71
  rates = Values(((0.0,) * 71 + (1.0,),), item_set="pairs", bounds=(0.0, 1.0))
  r = judge(claim(Cell("rate", 0.05, "less"), unit="images"), measure({"rate": rates}))
  assert r.verdict == "inconclusive" and "rescaled to [0, 1]" in r.cells[0].test.name
  assert r.cells[0].p_for == pytest.approx(binomial, rel=1e-6)
  assert r.cells[0].test.effect == pytest.approx(1 / 72 - 0.05)
  assert r.sample["ranges"]["items (smaller side)"] == [72, 72]
  # The constant on side A: the mirrored test, the same p.
  mirrored = judge(claim(Cell(0.05, "rate", "greater"), unit="images"), measure({"rate": rates}))
  assert mirrored.cells[0].p_for == pytest.approx(binomial, rel=1e-6)
  # The same items in percent (range 0-100), against 3 points with an offset of 2: the threshold maps to 5% of the
  # range, the same p as the [0, 1] case.
  pct = Values(((0.0,) * 71 + (100.0,),), item_set="pairs", bounds=(0.0, 100.0))
  rp = judge(claim(Cell("rate", 3.0, "less", offset=-2.0), unit="images"), measure({"rate": pct})).cells[0]
  assert rp.p_for == pytest.approx(binomial, rel=1e-6) and rp.test.effect == pytest.approx(100 / 72 - 3.0)
  # A review's counter-example to counting items off the end: 62 zeros and ten rates of 0.1 hold the same mass
  # (1 of 72) as the case above; the t reads p < 1e-11, the bound keeps it inconclusive, as with nine.
  for off in (10, 9):
    spread = Values(((0.0,) * (72 - off) + (0.1,) * off,), item_set="pairs", bounds=(0.0, 1.0))
    rs = judge(claim(Cell("rate", 0.05, "less"), unit="images"), measure({"rate": spread}))
    assert rs.verdict == "inconclusive" and rs.cells[0].p_for == pytest.approx(R.binom_at_most(off * 0.1, 72, 0.05))
  # Near the top end: 7 of 10 items at 1; the binomial on the sum 9.34 of 10 against 1/2 is the larger p.
  top = Values(((0.67, 0.78, 0.89) + (1.0,) * 7,), item_set="pairs", bounds=(0.0, 1.0))
  rt = judge(claim(Cell("rate", 0.5, "greater"), unit="images"), measure({"rate": top})).cells[0]
  assert "rescaled" in rt.test.name and rt.p_for == pytest.approx(R.binom_at_least(9.34, 10, 0.5))
  # Fewer than half at an end: the t, as for unbounded items.
  middle = Values(((0.44, 0.56, 0.56, 0.67, 0.78, 0.78, 0.78, 0.89, 0.89, 1.0),), item_set="pairs", bounds=(0.0, 1.0))
  assert judge(claim(Cell("rate", 0.5, "greater"), unit="images"),
               measure({"rate": middle})).cells[0].test.name == "t over items (mean)"


def test_the_paired_t_over_seeds_on_shared_items_adds_the_items_variance_at_the_seeds_df():
  """Statistics review, 2026-12-07: two sides scored on the same images on every seed share the images' noise, which
  the paired t over per-seed accuracies let shrink with seeds. Two-way layout (items x seeds): Var = sigma_seed^2 / k
  + sigma_item^2 / n + sigma_e^2 / (n k) from the mean squares, df k - 1."""
  # Identical seeds (MS_seed = MS_e = 0): 10 of 50 images favour A on every seed; the plain paired t had no spread
  # but its binomial floor; the items' part is their spread, MS_item / (n k) = var(d) / n.
  a_items, b_items = [1] * 10 + outcomes(20, 40), [0] * 10 + outcomes(20, 40)
  a = Accuracy.of([a_items] * 3, seeds=(0, 1, 2), item_set="s")
  b = Accuracy.of([b_items] * 3, seeds=(0, 1, 2), item_set="s")
  test = judge(claim(Cell("a", "b"), unit="seeds"), measure({"a": a, "b": b})).cells[0].test
  assert test.df == 2 and test.effect == pytest.approx(0.2)
  assert test.se == pytest.approx((0.2 * 0.8 * 50 / 49 / 50) ** 0.5)   # var(d, ddof=1) / n
  # Distinct seeds, 4 items x 3 seeds, sums of squares by hand: d = [[1, 0, 1], [0, 0, 1], [1, 1, 1], [0, 0, 0]].
  d = [[1, 0, 1], [0, 0, 1], [1, 1, 1], [0, 0, 0]]
  a_rows = [[max(d[i][s], 0) for i in range(4)] for s in range(3)]   # A right where d = 1, B never
  two_way = judge(claim(Cell("a", "b"), unit="seeds"),
                  measure({"a": Accuracy.of(a_rows, seeds=(0, 1, 2), item_set="s"),
                           "b": Accuracy.of([[0] * 4] * 3, seeds=(0, 1, 2), item_set="s")})).cells[0].test
  grand = 6 / 12                                   # seed means 1/2, 1/4, 3/4; item means 2/3, 1/3, 1, 0
  ss_seed = 4 * ((0.5 - grand) ** 2 + (0.25 - grand) ** 2 + (0.75 - grand) ** 2)           # 0.5
  ss_item = 3 * ((2 / 3 - grand) ** 2 + (1 / 3 - grand) ** 2 + (1 - grand) ** 2 + grand ** 2)   # 5/3
  ss_total = 12 * grand * (1 - grand)                                                       # 3
  ss_e = ss_total - ss_seed - ss_item                                                        # 5/6
  ms_seed, ms_item, ms_e = ss_seed / 2, ss_item / 3, ss_e / 6
  assert two_way.ms_seed == pytest.approx(ms_seed) and two_way.ms_item == pytest.approx(ms_item)
  assert two_way.ms_e == pytest.approx(ms_e)
  assert two_way.se ** 2 == pytest.approx((max(ms_seed, ms_e) + max(ms_item, ms_e) - ms_e) / 12) and two_way.df == 2
  plain = R.paired_t([0.5, 0.25, 0.75])          # the per-seed differences alone
  assert two_way.se > plain.se and two_way.p_above(0.0) > plain.p_above(0.0)
  # "what would decide it": f times the seeds on the same items; the item part stays.
  grown = two_way.scaled(4)
  var_seed, var_item = (ms_seed - ms_e) / 4, (ms_item - ms_e) / 3
  assert grown.se ** 2 == pytest.approx(var_seed / 12 + var_item / 4 + ms_e / (4 * 12)) and grown.df == 11
  # Without per-item outcomes the plain paired t stays, and the cell says what its se leaves out.
  counts = judge(claim(Cell("a", "b"), unit="seeds"),
                 measure({"a": Accuracy((30, 31, 29), 50, seeds=(0, 1, 2), item_set="s"),
                          "b": Accuracy((20, 22, 19), 50, seeds=(0, 1, 2), item_set="s")})).cells[0]
  assert counts.test.name == "paired t over seeds" and "items' shared noise is not in the se" in counts.note


def test_identical_outcomes_on_every_seed_go_to_the_paired_table_and_can_be_called_equal():
  # Final review, 2026-12-07: identical outcomes item by item on every seed make every mean square 0 (se 0, no t);
  # the old floored paired t could still call a tie, so the exact paired table decides it now.
  rows = [outcomes(40, 50)] * 3
  same = {"a": Accuracy.of(rows, seeds=(0, 1, 2), item_set="s"), "b": Accuracy.of(rows, seeds=(0, 1, 2), item_set="s")}
  r = judge(claim(Cell("a", "b", "equal"), unit="seeds", margin=0.1), measure(same))
  assert r.cells[0].test.name.startswith("McNemar") and r.verdict == "holds"   # equal within 0.1


def test_per_seed_means_of_item_values_say_the_items_noise_is_not_in_the_se():
  a = Values(((1.0, 2.0, 3.0), (1.5, 2.5, 3.5)), seeds=(0, 1), item_set="imgs")
  b = Values(((0.5, 1.0, 2.0), (0.7, 1.2, 2.2)), seeds=(0, 1), item_set="imgs")
  cell = judge(claim(Cell("a", "b"), unit="seeds"), measure({"a": a, "b": b})).cells[0]
  assert cell.test.name == "paired t over seeds" and "items' shared noise is not in the se" in cell.note


def test_welch_t_over_independent_seeds_on_shared_items_adds_the_persistent_item_difference():
  """Two architectures (seeds not paired) scored on the same items: the items on which one is better stay so on every
  seed, a noise more seeds do not average out. Var = s_a^2/k_a + s_b^2/k_b + sigma_item^2/n, sigma_item^2 =
  var(xbar_i - ybar_i) - MS_e,a/k_a - MS_e,b/k_b; df Welch's over the seed parts."""
  rng = np.random.default_rng(3)
  p_a = np.array([0.95] * 40 + [0.3] * 20)   # 20 items hard for A on every seed: a persistent item difference
  a_rows = [[int(v) for v in rng.uniform(size=60) < p_a] for _ in range(3)]
  b_rows = [[int(v) for v in rng.uniform(size=60) < 0.6] for _ in range(4)]
  a = Accuracy.of(a_rows, seeds=(0, 1, 2), item_set="s")
  b = Accuracy.of(b_rows, seeds=(0, 1, 2, 3), item_set="s")
  test = judge(claim(Cell("a", "b"), unit="seeds", seeds_paired=False), measure({"a": a, "b": b})).cells[0].test
  x, y = np.asarray(a_rows, float).T, np.asarray(b_rows, float).T     # items x seeds

  def ms_e(m):
    n, k = m.shape
    r = m - m.mean(1, keepdims=True) - m.mean(0, keepdims=True) + m.mean()
    return (r ** 2).sum() / ((n - 1) * (k - 1))
  var_a = max(x.mean(0).var(ddof=1), ms_e(x) / 60)
  var_b = max(y.mean(0).var(ddof=1), ms_e(y) / 60)
  item = max((x.mean(1) - y.mean(1)).var(ddof=1) - ms_e(x) / 3 - ms_e(y) / 4, 0.0)
  assert item > 0.05 and test.name == "Welch t over seeds, shared items"
  assert test.se == pytest.approx((var_a / 3 + var_b / 4 + item / 60) ** 0.5)
  plain = R.welch_t(x.mean(0), y.mean(0))
  assert test.se >= plain.se and test.effect == pytest.approx(plain.effect)
  assert test.df == pytest.approx(plain.df) and test.p_above(0.0) >= plain.p_above(0.0)   # the seed-only t's df
  # More seeds on the same items: the seed parts shrink, the item part stays.
  assert test.scaled(2).se == pytest.approx((var_a / 6 + var_b / 8 + item / 60) ** 0.5)
  # A known answer: outcomes that are exactly item effect + seed effect (no interaction, MS_e = 0), so the item part
  # is var_i(alpha_i - beta_i) itself and the seed parts the per-seed means' variances.
  alpha = np.array([1.0] * 6 + [0.0] * 4)
  beta = np.array([1.0] * 3 + [0.0] * 7)
  ax = alpha[:, None] + np.array([0.0, 0.1, -0.1])[None, :]   # seed effects of A: 0, +0.1, -0.1
  by = beta[:, None] + np.array([0.05, -0.05])[None, :]
  exact = R.welch_t_shared_items(ax, by)
  assert exact.item_var == pytest.approx(np.var(alpha - beta, ddof=1))
  assert exact.se ** 2 == pytest.approx(0.01 / 3 + 0.005 / 2 + np.var(alpha - beta, ddof=1) / 10)
  # Two sides on one item set with other item counts: refused, not silently unpaired.
  with pytest.raises(AdvTfError, match="with 60 and 59 items"):
    judge(claim(Cell("a", "b"), unit="seeds", seeds_paired=False),
          measure({"a": a, "b": Accuracy.of([r[:59] for r in b_rows], seeds=(0, 1, 2, 3), item_set="s")}))


def test_paired_bounded_items_both_at_one_end_bound_the_t_by_the_paired_table():
  # 40 items in percent (0-100), 30 at 0 on both sides, three of them 1 point higher on A: the t over the
  # differences reads its sd from three items; the paired table rescaled to [0, 1] has 0.03 discordant mass, which
  # McNemar cannot call.
  b = (0.0,) * 30 + tuple(float(1 + i % 5) for i in range(10))
  a = tuple(v + (1.0 if i < 3 else 0.0) for i, v in enumerate(b))
  m = measure({"a": Values((a,), item_set="images", bounds=(0.0, 100.0)),
               "b": Values((b,), item_set="images", bounds=(0.0, 100.0))})
  r = judge(claim(Cell("a", "b", "greater"), unit="images"), m)
  cell = r.cells[0]
  assert "McNemar" in cell.test.name and "rescaled" in cell.test.name and r.verdict == "inconclusive"
  assert cell.test.effect == pytest.approx(3 / 40) and cell.p_for == pytest.approx(R.binom_at_least(0.03, 0.03, 0.5))
  # At a nonzero line (Newcombe's paired interval) the bound still holds the p at or above the t's.
  off = judge(claim(Cell("a", "b", "greater", offset=-0.5), unit="images"), m).cells[0]
  table = R.PairedProportions(*(float(x) for x in _rescaled_table(a, b)))
  assert "rescaled" in off.test.name and off.p_for == pytest.approx(table.p_above(-0.005))
  assert off.p_for > R.item_t(np.subtract(a, b)).p_above(-0.5)
  # One side zero-inflated, the other near (not at) that end: the differences are, the bound applies (review).
  zeros = Values(((0.0,) * 71 + (1.0,),), item_set="pairs", bounds=(0.0, 1.0))
  near = Values((tuple(0.04 + 0.02 * (i % 2) for i in range(72)),), item_set="pairs", bounds=(0.0, 1.0))
  one_side = judge(claim(Cell("z", "n", "less"), unit="images"), measure({"z": zeros, "n": near})).cells[0]
  assert "rescaled" in one_side.test.name and one_side.status == "undecided"
  # Differences mostly zero away from the ends (the items at 50-54%): no zero inflation at a bound, the t, which
  # calls nine items 1 point higher out of 1,000 (the review's example of the power a paired table would lose).
  mid = tuple(50.0 + i % 5 for i in range(1000))
  up = tuple(v + (1.0 if i < 9 else 0.0) for i, v in enumerate(mid))
  rm = judge(claim(Cell("a", "b", "greater"), unit="images"),
             measure({"a": Values((up,), item_set="images", bounds=(0.0, 100.0)),
                      "b": Values((mid,), item_set="images", bounds=(0.0, 100.0))})).cells[0]
  assert rm.test.name == "t over items (mean)" and rm.status == "for"
  # Two sides on different ranges: not rescaled (the table would mix units); the t.
  other = judge(claim(Cell("a", "b", "greater"), unit="images"),
                measure({"a": Values((a,), item_set="images", bounds=(0.0, 100.0)),
                         "b": Values((b,), item_set="images", bounds=(0.0, 200.0))})).cells[0]
  assert other.test.name == "t over items (mean)"
  with pytest.raises(AdvTfError, match="do not hold the values"):
    Values(((0.5, 1.02),), bounds=(0.0, 1.0))


def _rescaled_table(a, b):
  x, y = np.asarray(a) / 100, np.asarray(b) / 100
  both, only_a, only_b = np.minimum(x, y).sum(), np.maximum(x - y, 0).sum(), np.maximum(y - x, 0).sum()
  return both, only_a, only_b, len(x) - both - only_a - only_b

def test_the_sample_says_what_a_verdict_rests_on():
  # The index states it where two profiles disagree: cells measured and testable, the smaller side's sample by unit,
  # the reference's seeds; a cell with a constant on the left (a mirrored test) reports its inner test's sample.
  table = {"base": _models(2.26, 2.28, 2.30), "far": _models(2.36)}
  r = judge(claim(Cell("far", "base"), Cell("far", "unmeasured"), unit="seeds", noise_from="base", margin=0.0),
            measure(table))
  assert r.sample == {"cells": 2, "measured": 1, "testable": 1,
                      "ranges": {"seeds (smaller side)": [1, 1], "reference seeds": [3, 3]}}
  mirrored = judge(claim(Cell(2.20, "far", "less"), unit="seeds", noise_from="base", margin=0.0), measure(table))
  assert mirrored.sample["ranges"] == {"seeds (smaller side)": [1, 1], "reference seeds": [3, 3]}
  # Item tests: the seeds each model's outcomes were averaged over, one-seed models included, and against a
  # constant (OneProportion keeps its seeds as an int).
  a, b = [1] * 5 + outcomes(25, 45), [0] * 5 + outcomes(25, 45)
  images = judge(claim(Cell("a", "b"), Cell("a", "c"), Cell("a", 0.2)),
                 measure({"a": _seeds(a, a, a), "b": _seeds(b, b, b), "c": Accuracy.of(b, item_set="test[:50]")}))
  assert images.sample == {"cells": 3, "measured": 3, "testable": 3,
                           "ranges": {"images (smaller side)": [50, 50], "seeds per model": [1, 3]}}
  untestable = judge(claim(Cell("far", "gone")), measure({"far": _models(2.36), "gone": Untestable("below 98%")}))
  assert untestable.sample == {"cells": 1, "measured": 1, "testable": 0, "ranges": {}}
  exact = judge(claim(Cell("x", "y")), measure({"x": Exact(0.3), "y": Exact(0.1)}))
  assert exact.sample == {"cells": 1, "measured": 1, "testable": 1, "ranges": {}, "exact": 1}


def test_a_partly_testable_claim_names_the_cells_it_left_out_and_why():
  # The verdict rests on the testable cells; the evidence says which were left out and why (a reviewer's finding:
  # "testable: k of n cells" alone hid that S3's floor cells were dropped).
  table = {"a": acc(40), "b": acc(20), "c": acc(50), "d": acc(50, shift=1), "e": acc(49), "f": acc(49, shift=2),
           "g": Untestable("model below 98%"), **{f"g{i}": Untestable("model below 98%") for i in range(5)}}
  r = judge(claim(Cell("a", "b"), Cell("c", "d"), Cell("e", "f"), Cell("a", "g")), measure(table))
  assert r.label == "holds, partial (testable: 1 of 4 cells)"
  assert r.evidence.endswith("; not testable, left out: [c vs d, e vs f] both compared accuracies at the ceiling | "
                            "[a vs g] model below 98%")
  many = judge(claim(*(Cell("a", f"g{i}", label=f"cell {i}") for i in range(5)), Cell("a", "b")), measure(table))
  assert many.evidence.endswith("left out: [cell 0, cell 1, cell 2 and 2 more] model below 98%")
  # At most 3 reasons are written out (reasons often name their model); the rest are counted.
  reasons = {f"u{i}": Untestable(f"reason {i}") for i in range(5)}
  varied = judge(claim(Cell("a", "b"), *(Cell("a", k) for k in reasons)), measure({**table, **reasons}))
  assert varied.evidence.endswith("left out: [a vs u0] reason 0 | [a vs u1] reason 1 | [a vs u2] reason 2 | and 2 "
                                  "more cells for other reasons")
  # Nothing testable (not testable beside not measured): "what would decide it" says why, nothing is "left out".
  for none in (judge(claim(Cell("c", "d")), measure(table)), judge(claim(Cell("c", "d"), Cell("zz", "yy")),
                                                                    measure(table))):
    assert "left out" not in none.evidence and "not testable at this scale" in none.evidence


def test_seeds_that_fall_on_both_sides_of_an_image_claims_line_are_named_in_the_evidence():
  # Paper 003's D8 in cpu-full (2026-12-06 review): GoogLeNet's target rate rose 12.0, 1.2 and 0.8 points on its three
  # seeds against an "at most 2 points" claim; the verdict on seed-averaged images rested mostly on seed 0.
  rise = Accuracy.of([outcomes(16, 50), outcomes(11, 50), outcomes(10, 50)], seeds=(0, 1, 2), item_set="s")
  base = Accuracy.of([outcomes(10, 50), outcomes(10, 50), outcomes(10, 50)], seeds=(0, 1, 2), item_set="s")
  r = judge(claim(Cell("rise", "base", "at_most"), margin=0.04), measure({"rise": rise, "base": base}))
  assert [d for _, d in r.cells[0].seed_effects] == pytest.approx([0.12, 0.02, 0.0])
  assert r.cells[0].seeds_disagree
  assert "seeds disagree in 1 of 1 cells" in r.evidence and "+12 pp (seed 0), +2 pp (seed 1), +0 pp (seed 2)" \
      in r.evidence
  agree = Accuracy.of([outcomes(11, 50), outcomes(11, 50), outcomes(10, 50)], seeds=(0, 1, 2), item_set="s")
  assert "seeds disagree" not in judge(claim(Cell("a", "base", "at_most"), margin=0.04),
                                       measure({"a": agree, "base": base})).evidence
  # A claim about seeds tests them directly; one seed per side has nothing to compare.
  assert judge(claim(Cell("rise", "base", "at_most"), margin=0.04, unit="seeds"),
               measure({"rise": rise, "base": base})).cells[0].seed_effects == ()
  assert judge(claim(Cell("a", "b")), measure({"a": acc(40), "b": acc(20)})).cells[0].seed_effects == ()



@pytest.mark.parametrize("relation, offset, rates, split", [
    ("greater", 0.0, (16, 9, 12), True),      # +12, -2, +4 pp around 0
    ("greater", 0.1, (16, 11, 14), True),     # +12, +2, +8 pp around the offset's +10
    ("greater", 0.1, (16, 16, 17), False),    # all above +10
    ("less", 0.1, (4, 9, 5), True),           # -12, -2, -10 (mirrored: +12, +2, +10 around +10)
    ("at_least", 0.0, (9, 7, 8), True),       # -2, -6, -4 pp around -margin (-4 pp)
])
def test_seed_disagreement_follows_each_relations_line(relation, offset, rates, split):
  a = Accuracy.of([outcomes(r, 50) for r in rates], seeds=(0, 1, 2), item_set="s")
  base = Accuracy.of([outcomes(10, 50)] * 3, seeds=(0, 1, 2), item_set="s")
  r = judge(claim(Cell("a", "base", relation, offset=offset), margin=0.04 if relation == "at_least" else 0.01),
            measure({"a": a, "base": base}))
  assert r.cells[0].seeds_disagree is split
  # each seed on its own would fall where its effect says (the line the engine's p-values use)
  line = offset - (0.04 if relation == "at_least" else 0.0)
  sign = -1 if relation == "less" else 1
  sides = {sign * d > line for _, d in r.cells[0].seed_effects}
  assert (len(sides) == 2) is split


def test_seed_effects_of_per_item_values_use_the_cells_statistic_and_skip_non_finite_items():
  nan, inf = float("nan"), float("inf")
  a = Values(((1.0, 2.0, nan, 9.0), (1.0, 2.0, 3.0, inf), (2.0, 2.0, 2.0, 2.0)), seeds=(0, 1, 2), item_set="p",
             statistic="median")
  b = Values(((0.0, 0.0, 0.0, 0.0),) * 3, seeds=(0, 1, 2), item_set="p", statistic="median")
  cell = judge(claim(Cell("a", "b"), unit="pairs"), measure({"a": a, "b": b})).cells[0]
  # medians of the paired differences, NaN dropped and inf kept, as the sign test does
  assert cell.seed_effects == ((0, 2.0), (1, 2.5), (2, 2.0))
  on_constant = judge(claim(Cell("a", 1.0), unit="pairs"), measure({"a": a})).cells[0]
  assert on_constant.seed_effects == ((0, 1.0), (1, 1.5), (2, 1.0))
  mean_a = dataclasses.replace(a, statistic="mean")
  mean_b = dataclasses.replace(b, statistic="mean")
  # the mean of seed 1 is infinite: that seed is left out, the others stay
  assert judge(claim(Cell("a", "b"), unit="pairs"), measure({"a": mean_a, "b": mean_b})).cells[0].seed_effects == (
      (0, 4.0), (2, 2.0))
  other_seeds = Values(((0.0, 0.0, 0.0, 0.0),) * 3, seeds=(0, 1, 5), item_set="p", statistic="median")
  assert judge(claim(Cell("a", "b"), unit="pairs"), measure({"a": a, "b": other_seeds})).cells[0].seed_effects == ()
  assert judge(claim(Cell("a", "b"), unit="pairs", seeds_paired=False),
               measure({"a": a, "b": b})).cells[0].seed_effects == ()


def test_seed_accuracies_on_one_item_set_keep_the_items_noise_against_a_constant():
  """Statistics review, 2026-12-07: every seed is measured on the same test images, so their sampling noise does not
  average out over seeds. Ten seeds at 94% on 100 images against a published 97%: the images alone have an sd of
  about 2.4 points (sqrt(0.94 x 0.06 / 100)), so a 3-point gap is not shown; the old test (that sd as a floor, divided
  by sqrt(10)) read it as decided (t = -3.95 with 9 df)."""
  seeds = tuple(range(10))
  sides = {"ten": Accuracy((94,) * 10, 100, seeds=seeds, item_set="s"),
           "many": Accuracy((9400,) * 10, 10000, seeds=seeds, item_set="s")}
  r = judge(claim(Cell("ten", 0.97, "less"), unit="seeds", margin=0.0), measure(sides))
  test = r.cells[0].test
  assert test.name == "one-sample t over seeds, shared items" and r.verdict == "inconclusive"
  assert test.se == pytest.approx((0.94 * 0.06 / 100) ** 0.5)
  assert test.grown(2, "seeds") == "about 20 seeds on the same items (2x today's)"
  assert test.scaled(4).se == pytest.approx((0.94 * 0.06 / 100) ** 0.5)   # more seeds on the same images: it stays
  assert "no seed count up to" in r.to_decide and "more items might decide it" in r.to_decide   # the images might
  # On 10,000 images the same gap is far beyond the items' noise (sd 0.24 points): decided.
  assert judge(claim(Cell("many", 0.97, "less"), unit="seeds", margin=0.0), measure(sides)).verdict == "holds"


def test_the_shared_items_t_adds_the_seed_variance_keeps_the_seeds_df_and_never_vanishes_at_100_percent():
  """Final review, 2026-12-07: the seed term and the df were not exercised (identical seeds), and at 100% the items'
  sd taken at the observed accuracy vanished, so 10 seeds at 100/100 read "above 98%" as decided (one model's exact
  p is 0.98^100 = 0.13). The items' sd is now the larger of the observed accuracy's and the constant's."""
  counts = (92, 94, 96, 93, 95)
  side = {"a": Accuracy(counts, 100, seeds=tuple(range(5)), item_set="s")}
  test = judge(claim(Cell("a", 0.90, "greater"), unit="seeds", margin=0.0), measure(side)).cells[0].test
  p = sum(counts) / 500
  seed_var = sum((k / 100 - p) ** 2 for k in counts) / 4          # 0.00025
  item_var = p * (1 - p) / 100                                     # the observed 94% (above the line's 90%: 0.0009)
  item_var = max(item_var, 0.9 * 0.1 / 100)
  a = seed_var / 5
  assert test.se == pytest.approx((a + item_var) ** 0.5)
  assert test.df == 4   # k - 1: Welch-Satterthwaite's (a + v)^2 / (a^2 / 4) = 51 read more cells than the seed-only t
  perfect = {"a": Accuracy((100,) * 10, 100, seeds=tuple(range(10)), item_set="s")}
  r = judge(claim(Cell("a", 0.98, "greater"), unit="seeds", margin=0.0), measure(perfect))
  assert r.cells[0].test.se == pytest.approx((0.98 * 0.02 / 100) ** 0.5) and r.verdict == "inconclusive"


def test_a_reference_of_another_kind_of_quantity_lends_no_seed_sd():
  """Statistics review, 2026-12-07: only the two sides' kinds were compared, so per-seed distances (Values) could lend
  their sd to accuracies. A reference of another kind now leaves the one-seed cell to its own item test."""
  sides = {"a": Accuracy((60,), 100, item_set="s"), "b": Accuracy((50,), 100, item_set="s"),
           "base": _models(2.26, 2.28, 2.30)}
  r = judge(claim(Cell("a", "b"), unit="seeds", noise_from="base", margin=0.0), measure(sides))
  assert "sd from" not in r.cells[0].test.name and r.verdict.startswith("this model")


def test_a_sequential_claims_look_k_is_judged_at_alpha_over_2_to_the_k_minus_1_and_says_so():
  # exact McNemar, every discordant item one way: 26 vs 20 right gives p = 1/64 (between 0.025/2 and 0.025),
  # 27 vs 20 p = 1/128 (between 0.025/4 and 0.025/2)
  m = measure({"a": acc(26), "b": acc(20), "c": acc(27), "d": acc(22), "e": acc(24), "full": acc(50)})
  first = judge(claim(Cell("a", "b")), m)
  assert first.verdict == "holds" and "sequential" not in first.evidence
  second = judge(claim(Cell("a", "b"), looks=2), m)
  assert second.verdict == "inconclusive"
  assert ("sequential: look 2 (its data grew after 1 earlier reading), judged at 0.025/2 = 0.0125 per direction, "
          "each look at half the level of the one before: over its 2 looks a false verdict has a chance of at most "
          "0.0375 per direction") in second.evidence
  assert judge(claim(Cell("c", "b"), looks=2), m).verdict == "holds"
  third = judge(claim(Cell("c", "b"), looks=3), m)   # at 0.025/4
  assert third.verdict == "inconclusive" and "at most 0.04375 per direction" in third.evidence
  # "what would decide it" searches at the next look's level (more data is another look): 22 vs 20 needs 3x the
  # items at 0.025 (a fixed design), 4x at look 3's 0.00625
  assert "(3x today's)" in judge(claim(Cell("d", "b")), m).to_decide
  ahead = judge(claim(Cell("d", "b"), looks=2), m).to_decide
  assert "(4x today's)" in ahead and ahead.endswith("(at look 3's level, 0.00625)")
  # 24 vs 20 (4 discordant): 2x the items decide it at look 3's 0.00625 (p = 2^-8), 3x at look 4's 0.003125
  assert "(2x today's)" in judge(claim(Cell("e", "b"), looks=2), m).to_decide
  assert "(3x today's) if the effect held (at look 4's level" in judge(claim(Cell("e", "b"), looks=3), m).to_decide
  ceiling = judge(claim(Cell("full", "full"), looks=2), m)   # no sample size decides it: no level to state
  assert ceiling.to_decide.startswith("not testable") and "look 3" not in ceiling.to_decide
  assert Rules().at_look(4).alpha == pytest.approx(0.025 / 8) and Rules().at_look(1) == Rules()


@pytest.mark.parametrize("looks", [0, -1, 1.5, True])
def test_looks_must_be_a_whole_number_of_at_least_one(looks):
  with pytest.raises(AdvTfError, match="looks must be a whole number >= 1"):
    claim(Cell("a", "b"), looks=looks)


def test_with_looks_sets_the_named_claims_and_refuses_bad_entries():
  from adv_tf.claims import with_looks
  claims = (claim(Cell("a", "b"), id="C1"), claim(Cell("a", "b"), id="C2"))
  assert [c.looks for c in with_looks(claims, ["C2=3"])] == [1, 3]
  assert with_looks(claims, []) == claims
  for entries, message in ((["C3=2"], "no claim 'C3'"), (["C1=2", "C1=3"], "named twice"),
                           (["C1=x"], "whole number >= 1"), (["C1"], "whole number >= 1"),
                           (["C1=\u00b2"], "whole number >= 1")):
    with pytest.raises(AdvTfError, match=message):
      with_looks(claims, entries)
