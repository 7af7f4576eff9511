"""Paper 002's claim declarations judged by adv_tf.claims on constructed records with known verdicts."""
from __future__ import annotations

import json
import re

import hyperparams_tiny_records as tiny
import numpy as np
import pytest

from adv_tf.claims import NOT_RUN, Values, judge
from adv_tf.studies.hyperparams import cells as grid
from adv_tf.studies.hyperparams import claims, config, report


def _judged(records) -> dict:
  return {r.claim.id: r for r in report.judge_claims(records)[0]}


def _with(records, name: str, mean: float) -> list[dict]:
  """`records` with the model `name` moved to mean distance `mean`."""
  out = [r for r in records if r["name"] != name]
  old = next(r for r in records if r["name"] == name)
  return out + [tiny.record(name, old["stage"], old["config"], mean)]


def test_every_claim_id_is_declared_once_with_cells_from_the_appendix_grid():
  assert [c.id for c in claims.CLAIMS] == ["C1", "C2", "C2-6.3", "C3", "C4", "C5", "C5-6.3", "C6", "C4-same",
                                           "C6-same", "S1", "S2", "S3", "S4", "K1"]
  by_id = {c.id: c for c in claims.CLAIMS}
  for cid, axis, relation in (("C1", "input_dropout", "greater"), ("C3", "kernel_size", "greater"),
                              ("C4", "pool_size", "less")):               # one trend test over the axis (§6.3)
    (cell,) = by_id[cid].cells
    values = config.AXES_BY_NAME[axis].values
    assert [p[1] for p in cell.a.points] == [(axis, v) for v in sorted(values)] and cell.relation == relation
    assert by_id[cid].names == tuple(grid._label(v) for v in sorted(values))
  assert [(c.a, c.b) for c in by_id["C6"].cells] == [(("stride", 1), ("stride", 2))]
  assert all(c.noise_from == claims.BASELINES for c in claims.CLAIMS if c.id[0] in "CS" and c.id not in ("S3", "S4"))


def test_s4_judges_the_baselines_pixels_changed_against_the_14_2_percent_of_section_6_4():
  s4 = next(c for c in claims.CLAIMS if c.id == "S4")
  thresholds = [t for t in config.DISTORTION_THRESHOLDS if t > 0.10 + 1e-9]   # "above 0.10": 0.15 .. 0.40
  assert len(s4.cells) == len(claims.FIG_KAPPAS) * len(thresholds) == 66
  assert all(c.a[:2] == (claims.PIXELS_CHANGED_ALONE, "baseline") and c.a[3] in thresholds and c.b == 14.2
             and c.relation == "less" for c in s4.cells)

  def measured_at_kappa_0(percents):
    def measure(key):
      if key[0] == claims.PIXELS_CHANGED_ALONE and key[2] == 0.0:
        return Values((tuple(percents),), item_set="kappa 0 best-estimate samples", bounds=(0.0, 100.0))
      return None
    return measure
  low = judge(s4, measured_at_kappa_0([4.0 + 0.5 * i for i in range(10)]))      # 4-8.5% on 10 images
  assert low.verdict.startswith("this model: holds")                              # one baseline: "this model"
  assert low.label == "this model: holds, partial (tested against: kappa 0)"   # only kappa 0 measured
  # §6.4 states it of one model: "this model" answers it, and nothing asks for seeds of a training method
  assert "a claim about one model (§6.4: 'in the original model')" in low.to_decide
  assert "needs >= 2 seeds" not in low.to_decide
  high = judge(s4, measured_at_kappa_0([18.0 + 0.5 * i for i in range(10)]))
  assert high.verdict.startswith("this model: does not hold")
  near = judge(s4, measured_at_kappa_0([12.0, 16.0] * 5))                         # mean 14.0: within the noise
  assert near.verdict.startswith("this model: inconclusive")


def test_a_clear_variant_holds_and_a_reversed_one_does_not_hold():
  got = _judged(tiny.records())
  assert got["C6"].verdict == "holds"                 # stride 2 at 1.6 vs the baselines' 2.28, sd 0.01
  assert got["C6"].cells[0].test.df == 2              # one model against N = 3: t(N - 1)
  reversed_stride = _judged(_with(tiny.records(), "stride=2", 2.6))
  assert reversed_stride["C6"].verdict == "does not hold"


def test_a_difference_within_the_noise_is_inconclusive_and_says_what_would_decide_it():
  noisy = _with(tiny.records(baseline_means=(2.2, 2.3, 2.4)), "stride=2", 2.2)   # sd 0.1: t = 0.1 / 0.115
  got = _judged(noisy)
  assert got["C6"].verdict == "inconclusive" and not got["C6"].decided
  text = got["C6"].to_decide
  assert "effect seen +0.1 L2" in text and "seed-to-seed sd 0.1 L2 over the 3 seeds of baselines" in text
  # one model against N: only a larger reference could decide it, and t = 0.1 / 0.1 < 1.96 even at N -> infinity
  assert "no reference up to N = 3072 seeds of baselines" in text and "needs seeds of its own" in text
  assert "own seed noise (sd 0.1 L2)" in text   # the spread in the effect's units here too
  rows = {c.claim: c for c in report.claim_verdicts(noisy)}
  assert text in rows["C6"].evidence


def test_not_testable_without_two_baselines_and_not_run_without_the_variant():
  one_baseline = [r for r in tiny.records() if r["name"] not in ("baseline/seed=1", "baseline/seed=2")]
  got = _judged(one_baseline)
  assert got["C6"].verdict == "not testable" and "fewer than 2 usable baselines" in got["C6"].to_decide
  no_stride = _judged([r for r in tiny.records() if r["name"] != "stride=2"])
  assert no_stride["C6"].verdict == NOT_RUN


def test_a_variant_whose_cw_search_failed_on_a_pair_is_not_testable():
  records = tiny.records()
  next(r for r in records if r["name"] == "stride=2")["result"]["cw_failures"] = 2
  got = _judged(records)
  assert got["C6"].verdict == "not testable" and "failed on 2 of its pairs" in got["C6"].to_decide


def test_paper_on_paper_uses_100_baselines_with_table2_std():
  paper = {r.claim.id: r for r in report.judge_claims(tiny.records())[1]}
  assert paper["C6"].verdict == "holds"               # Table 5: stride 2 at 1.60 vs the control 2.28, sd 0.03
  assert paper["C6"].cells[0].test.df == 99
  assert paper["S2"].verdict == "holds"               # §6.4: 2.58 vs 2.28
  assert paper["K1"].verdict == "not testable"        # Fig. 10 is a plot: no values at mid kappa


def test_claims_json_rows_equal_the_report_rows(tmp_path):
  records = tiny.records()
  report.write_report(tmp_path, None, records, {"profile": "test", "seed": 0})
  written = json.loads((tmp_path / "claims.json").read_text())["claims"]
  rows = report.claim_verdicts(records)
  assert len(written) == len(rows) == len(claims.CLAIMS)
  assert [(c["claim"], c["verdict"], c["evidence"]) for c in written] == [(c.claim, c.verdict, c.evidence)
                                                                          for c in rows]
  text = (tmp_path / "report.md").read_text()
  table = [line for line in text.splitlines() if re.match(r"\| [CSK]\d+(-same|-6\.3)? \|", line)]  # verdict rows
  assert [line.split(" | ")[0].strip("| ") for line in table] == [c.claim for c in rows]
  for c in rows:
    assert f"**{c.verdict}**" in text


@pytest.mark.parametrize("rate,verdict", [(0.2, "holds"), (0.8, "does not hold"), (0.48, "inconclusive")])
def test_transfer_at_mid_kappa_against_one_half(rate, verdict):
  records = [r for r in tiny.records() if r["stage"] != "kappa"]
  records.append({"id": "k5", "name": "kappa=5", "stage": "kappa", "config": {}, "seconds": 1.0,
                  "result": {"kappa": 5.0, "baseline": tiny.side(3.0), "secure": tiny.side(4.0),
                             "transfer_target_rate": rate, "transfer_misclassified_rate": rate}})
  # k of the 90 examples, exact binomial against 50%; one baseline and one secure model: "this model"
  assert _judged(records)["K1"].verdict == f"this model: {verdict}"


def test_a_comparison_across_paddings_is_flagged_as_a_confound():
  records = tiny.records()
  next(r for r in records if r["name"] == "pool_size=6")["result"]["train"]["padding"] = "same"
  got = _judged(records)
  assert "'same' padding (1) vs 'valid' (0) differs by up to 1" in got["C4"].confounds
  assert not got["C6"].confounds


def _same(record: dict, stage: str | None = None) -> dict:
  record["result"]["train"]["padding"] = "same"
  if stage:
    record["stage"] = stage
  return record


def test_the_padding_control_judges_pool_size_and_stride_with_every_model_same():
  # Tiny run + the padding control: 'same'-padded control LeNets (3 seeds, mean 2.00), pool 3 'same' 1.95; the
  # grid's pool 6 (1.9) and stride 2 (1.6) pad 'same' as the padding rule makes them.
  records = [_same(r) if r["name"] in ("pool_size=6", "stride=2") else r for r in tiny.records()]
  records += [_same(tiny.record(f"padding=same/baseline/seed={s}", "padding_control", {"seed": s}, m))
              for s, m in enumerate((1.99, 2.01, 2.00))]
  records.append(_same(tiny.record("padding=same/pool_size=3", "padding_control",
                                   {"axis": "pool_size", "value": 3, "seed": 0}, 1.95)))
  got = _judged(records)
  assert got["C4-same"].label == "holds, partial (tested against: 2, 3, 6)"
  slope = np.polyfit([2, 3, 6], [2.00, 1.95, 1.9], 1)[0]     # the least-squares line through the three points
  assert got["C4-same"].cells[0].test.effect == pytest.approx(slope * (6 - 2))
  assert got["C6-same"].verdict == "holds"            # stride 1 'same' (2.00, 3 seeds) vs stride 2 (1.6)
  assert got["C4"].label == "holds, partial (tested against: 2, 6)"   # the grid's claim keeps its own models
  # a grid model that pads 'valid' is no point of the control
  valid6 = [r for r in records if r["name"] != "pool_size=6"] + [tiny.record(
      "pool_size=6", "variant", {"axis": "pool_size", "value": 6, "seed": 0}, 1.9)]
  assert _judged(valid6)["C4-same"].label == "holds, partial (tested against: 2, 3)"
