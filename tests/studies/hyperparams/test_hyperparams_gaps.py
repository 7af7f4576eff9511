"""The hyperparams gap rows (published CW-L2 statistics vs ours), their noise, causes and report section, on the
constructed records of hyperparams_tiny_records (no training)."""
from __future__ import annotations

import math

import hyperparams_tiny_records as tiny
import pytest

from adv_tf.report.gap_causes import SECTION_TITLE, assess
from adv_tf.report.statistics import t_threshold
from adv_tf.studies.hyperparams import gaps, published
from adv_tf.studies.hyperparams import report as report_lib


def _summary(recs=None):
  return report_lib.summarize(tiny.records() if recs is None else recs)


def _with_mean(recs, name: str, mean: float) -> list[dict]:
  return [tiny.record(r["name"], r["stage"], r["config"], mean) if r["name"] == name else r for r in recs]


def test_rows_are_the_control_mean_every_published_value_measured_and_the_secure_mean():
  rows = {row.label: row for row in gaps.gap_rows(_summary())}
  control = rows["control LeNet (3 baselines), mean"]
  assert control.paper == published.BASELINE["mean"] and control.ours == pytest.approx(2.28)
  assert control.noise.se == pytest.approx(0.01 / math.sqrt(3)) and control.noise.seeds == 3
  assert control.paper_noise.se == published.BASELINE_STD["mean"]
  elu = rows["activation = elu, max"]  # one model: the baselines' sd of the max, not divided
  sd_max = report_lib.summarize(tiny.records()).baseline_moments["max"][1]
  assert elu.paper == published.TABLE5["activation"]["elu"][2] and elu.noise.se == pytest.approx(sd_max)
  assert elu.fields == {"table": "Table 5", "axis": "activation", "value": "elu", "stat": "max"}
  assert rows["optimizer = adadelta, mean"].fields["table"] == "Table 6"
  assert [label for label in rows if label.startswith("secure")] == ["secure model (§6.4), mean"]
  assert rows["secure model (§6.4), mean"].ours == pytest.approx(tiny.SECURE_MEAN)
  # the baseline model in the rows of the axes' baseline values that the paper prints (relu, 5x5, 2x2 pool)
  assert rows["kernel_size = 5 (the baseline model), mean"].ours == pytest.approx(tiny.BASELINE_MEANS[0])
  # 1 control + 7 published variants + 3 baseline values, 4 stats each, + the secure mean
  assert len(rows) == 4 * (1 + len(tiny.VARIANTS) + 3) + 1


def test_excluded_models_and_models_with_an_unsolved_pair_have_no_row():
  recs = [tiny.excluded("stride=2", {"axis": "stride", "value": 2, "seed": 0}) if r["name"] == "stride=2" else r
          for r in tiny.records()]
  recs = [dict(r, result=dict(r["result"], cw_failures=1)) if r["name"] == "pool_size=6" else r for r in recs]
  models = {(row.fields["axis"], row.fields["value"]) for row in gaps.gap_rows(_summary(recs))}
  assert ("stride", "2") not in models and ("pool_size", "6") not in models
  assert ("pool_size", "2") in models and ("kernel_size", "2") in models


def test_the_bound_is_t_with_n_minus_1_df_over_the_combined_noise_or_the_margin():
  row = next(r for r in gaps.gap_rows(_summary()) if r.label == "input_dropout = 0.5, mean")
  expected = t_threshold(gaps.RULE.z, 3) * math.hypot(0.01, published.BASELINE_STD["mean"])
  assert gaps.RULE.bound(row) == pytest.approx(max(expected, gaps.RULE.margin))
  assert not gaps.RULE.beyond(row)  # 2.6 against 2.63


def test_a_mean_far_above_the_paper_gets_the_causes_that_predict_it_and_not_the_axis_specific_ones():
  a = assess(gaps.gap_rows(_summary(_with_mean(tiny.records(), "input_dropout=0.5", 3.6))), gaps.CAUSES, gaps.RULE)
  row = next(r for r in a.beyond if r.label == "input_dropout = 0.5, mean")
  assert {c.name for c in a.causes_of(row)} == {
      "best-estimate samples from few candidates", "CW iterations", "training recipe and stop point"}


def test_a_mean_below_the_paper_is_not_put_on_the_iteration_count_and_an_optimizer_gets_its_own_cause():
  a = assess(gaps.gap_rows(_summary(_with_mean(tiny.records(), "optimizer=adadelta", 1.5))), gaps.CAUSES,
             gaps.RULE)
  row = next(r for r in a.beyond if r.label == "optimizer = adadelta, mean")
  assert {c.name for c in a.causes_of(row)} == {
      "best-estimate samples from few candidates", "training recipe and stop point",
      "optimizer learning rates unstated"}


def test_with_one_baseline_our_noise_is_unmeasured_and_said_so():
  recs = [r for r in tiny.records() if not (r["stage"] == "baseline" and r["config"]["seed"] > 0)]
  row = next(r for r in gaps.gap_rows(_summary(recs)) if r.label == "control LeNet (1 baselines), mean")
  assert row.noise.se == 0 and row.noise.seeds is None and "unmeasured" in row.noise.source
  assert row.se == published.BASELINE_STD["mean"]


@pytest.mark.parametrize("config,ran", [
    ({"samples_per_class": 1, "train_profile": "quick"}, set()),
    ({"samples_per_class": 100, "train_profile": "quick"}, {"best_estimate_100"}),
    ({"samples_per_class": 100, "train_profile": "paper"}, {"best_estimate_100", "paper_training"}),
])
def test_controls_ran_are_read_from_the_selection_record(config, ran):
  assert set(gaps.controls_ran({"config": config})) == ran
  assert gaps.controls_ran(None) == {}


def test_the_report_section_prints_distances_in_l2_with_two_decimals_and_names_the_control_status():
  text = report_lib.gaps_of(_summary(), {"config": {"samples_per_class": 1, "train_profile": "quick"}}).render()
  assert text.startswith(f"## {SECTION_TITLE}")
  assert "margin of 0.1 L2" in text and "Table 2's paper-side sd only" in text
  # the tiny matrices spread 0.02 around their mean: the control's max (2.29) lies 1.55 below the paper's 3.84
  assert "| control LeNet (3 baselines), max | 3.84 | 2.29 | -1.55 |" in text
  assert "not run here; runs in cpu-full (samples_per_class=100)" in text


def test_the_written_report_has_the_section(tmp_path):
  path = report_lib.write_report(tmp_path, None, tiny.records(), {"profile": "quick", "seed": 0})
  assert f"## {SECTION_TITLE}" in path.read_text()
