"""The hyperparams gap rows (published CW-L2 statistics vs ours), their noise, causes and report section, on the
constructed records of hyperparams_tiny_records (no training). Named test_hyperparams_gaps.py, not test_gaps.py:
this folder has no __init__.py (its tests import hyperparams_tiny_records by basename), so basenames must be unique
across the test tree."""
from __future__ import annotations

import math

import hyperparams_tiny_records as tiny
import pytest

from adv_tf.claims.noise_reference import NoiseReference
from adv_tf.experiment.cell_ids import cell_id
from adv_tf.report.gap_causes import SECTION_TITLE, assess
from adv_tf.report.statistics import t_threshold
from adv_tf.studies.hyperparams import cells, gaps, published
from adv_tf.studies.hyperparams import report as report_lib
from adv_tf.studies.hyperparams.config import PROFILES


def _summary(recs=None):
  return report_lib.summarize(tiny.records() if recs is None else recs)


def _with_mean(recs, name: str, mean: float) -> list[dict]:
  return [tiny.record(r["name"], r["stage"], r["config"], mean) if r["name"] == name else r for r in recs]


def _rows(recs=None, reference=None) -> dict:
  return {row.label: row for row in gaps.gap_rows(_summary(recs), reference)}


def _reference(sd: float = 0.05, n: int = 10) -> NoiseReference:
  return NoiseReference(("baselines",), sd, n, "0123456789abcdef", {}, "docs/x/noise_reference.json")


def test_rows_are_the_control_mean_every_published_value_measured_and_the_secure_mean():
  rows = _rows()
  control = rows["control LeNet (mean of 3 baselines), mean"]
  assert control.paper == published.BASELINE["mean"] and control.ours == pytest.approx(2.28)
  assert control.noise.se == pytest.approx(0.01 / math.sqrt(3)) and control.noise.seeds == 3
  # the paper's control values are the mean over its 100 baselines (§5.5)
  assert control.paper_noise.se == pytest.approx(published.BASELINE_STD["mean"] / 10)
  assert control.fields["all_pairs"] == "yes"  # every baseline covers all 90 pairs
  elu = rows["activation = elu, max"]  # one model on each side: each side's sd of the max, not divided
  sd_max = _summary().baseline_moments["max"][1]
  assert elu.paper == published.TABLE5["activation"]["elu"][2] and elu.noise.se == pytest.approx(sd_max)
  assert elu.paper_noise.se == published.BASELINE_STD["max"]
  assert elu.fields == {"table": "Table 5", "axis": "activation", "value": "elu", "stat": "max", "padding": "valid",
                        "all_pairs": "yes"}
  assert rows["optimizer = adadelta, mean"].fields["table"] == "Table 6"
  assert [label for label in rows if label.startswith("secure")] == ["secure model (§6.4), mean"]
  assert rows["secure model (§6.4), mean"].ours == pytest.approx(tiny.SECURE_MEAN)
  # the baseline model in the rows of the axes' baseline values that the paper prints (relu, 5x5, 2x2 pool)
  assert rows["kernel_size = 5 (the baseline model), mean"].ours == pytest.approx(tiny.BASELINE_MEANS[0])
  # 1 control + 7 published variants + 3 baseline values, 4 stats each, + the secure mean
  assert len(rows) == 4 * (1 + len(tiny.VARIANTS) + 3) + 1


def test_a_published_reference_replaces_our_sd_in_the_mean_rows_only():
  rows = _rows(reference=_reference())
  assert rows["stride = 2, mean"].noise.se == pytest.approx(0.05) and rows["stride = 2, mean"].noise.seeds == 10
  assert rows["control LeNet (mean of 3 baselines), mean"].noise.se == pytest.approx(0.05 / math.sqrt(3))
  assert rows["stride = 2, max"].noise.seeds == 3  # other stats: the run's own baselines


def test_excluded_models_have_no_row_and_models_over_fewer_pairs_are_flagged():
  recs = [tiny.excluded("stride=2", {"axis": "stride", "value": 2, "seed": 0}) if r["name"] == "stride=2" else r
          for r in tiny.records()]
  recs = [dict(r, result=dict(r["result"], cw_failures=1)) if r["name"] == "pool_size=6" else r for r in recs]
  recs = [dict(r, result=dict(r["result"], misclassified_sources=[3])) if r["name"] == "baseline/seed=1" else r
          for r in recs]
  rows = _rows(recs)
  assert not any(label.startswith("stride = 2") for label in rows)
  assert rows["pool_size = 6, mean"].fields["all_pairs"] == "no"
  assert rows["kernel_size = 2, mean"].fields["all_pairs"] == "yes"
  assert rows["control LeNet (mean of 3 baselines), mean"].fields["all_pairs"] == "no"  # one baseline lost 9 pairs


def test_the_bound_is_t_with_n_minus_1_df_over_the_combined_noise_or_the_margin():
  rows = _rows()
  mean = rows["input_dropout = 0.5, mean"]
  expected = t_threshold(gaps.RULE.z, 3) * math.hypot(0.01, published.BASELINE_STD["mean"])
  assert expected > gaps.RULE.margin and gaps.RULE.bound(mean) == pytest.approx(expected)
  assert not gaps.RULE.beyond(mean)  # 2.6 against 2.63
  # the control's mean: both sides are means (3 and 100 models), so the noise bound falls below the margin
  control = rows["control LeNet (mean of 3 baselines), mean"]
  assert t_threshold(gaps.RULE.z, 3) * control.se < gaps.RULE.margin == gaps.RULE.bound(control)


def test_a_mean_far_above_the_paper_gets_the_causes_that_predict_it_and_not_the_axis_specific_ones():
  a = assess(gaps.gap_rows(_summary(_with_mean(tiny.records(), "input_dropout=0.5", 3.6))), gaps.CAUSES, gaps.RULE)
  row = next(r for r in a.beyond if r.label == "input_dropout = 0.5, mean")
  assert {c.name for c in a.causes_of(row)} == {
      "best-estimate samples from few candidates", "CW iterations", "training stop point"}


def test_a_mean_below_the_paper_is_not_put_on_the_iteration_count_and_an_optimizer_gets_its_own_cause():
  a = assess(gaps.gap_rows(_summary(_with_mean(tiny.records(), "optimizer=adadelta", 1.5))), gaps.CAUSES,
             gaps.RULE)
  row = next(r for r in a.beyond if r.label == "optimizer = adadelta, mean")
  assert {c.name for c in a.causes_of(row)} == {
      "best-estimate samples from few candidates", "training stop point", "optimizer learning rates unstated"}


def test_a_std_above_the_paper_is_not_put_on_the_iteration_count_and_same_padding_gets_its_cause():
  recs = [dict(r, result=dict(r["result"], train=dict(r["result"]["train"], padding="same")))
          if r["name"] == "pool_size=6" else r for r in tiny.records()]
  a = assess(gaps.gap_rows(_summary(recs)), gaps.CAUSES, gaps.RULE)
  # the tiny matrices spread 0.01 around their mean, so every std row lies far below the paper's (~0.8)
  row = next(r for r in a.beyond if r.label == "pool_size = 6, std")
  assert row.direction == "below"
  assert "CW iterations" not in {c.name for c in a.causes_of(row)}
  assert "'same' padding where 'valid' leaves no feature map" in {c.name for c in a.causes_of(row)}


def test_with_one_baseline_our_noise_is_unmeasured_and_said_so():
  recs = [r for r in tiny.records() if not (r["stage"] == "baseline" and r["config"]["seed"] > 0)]
  row = _rows(recs)["control LeNet (mean of 1 baseline), mean"]
  assert row.noise.se == 0 and row.noise.seeds is None and "unmeasured" in row.noise.source
  assert row.se == pytest.approx(published.BASELINE_STD["mean"] / 10)


@pytest.mark.parametrize("profile,ran", [
    ("quick", set()), ("cpu-full", {"best_estimate_100"}), ("paper", {"best_estimate_100", "paper_training"})])
def test_the_report_reads_the_controls_from_the_selection_records_a_profile_writes(profile, ran):
  """The selection config the report rebuilds from a run's class records (`report.selection_config`, the records'
  config as `cells.selection_cells` builds it) runs exactly the controls the profile's config runs."""
  cfg = PROFILES[profile]
  class_records = [{"config": cell.config} for cell in cells.selection_cells(cfg, 0)]
  selection = {"config": report_lib.recorded_selection_config(class_records)}
  assert cell_id(selection["config"]) == cell_id(gaps.selection_config(cfg))  # the whole selection identity
  assert set(gaps.controls_ran(selection)) == ran
  assert {key for key, runs in gaps.CONTROL_RUNS.items() if runs(cfg)} == ran


def test_a_report_without_a_selection_runs_no_control():
  assert gaps.controls_ran(None) == {}


def test_the_report_hands_its_published_noise_reference_to_the_mean_rows():
  row = next(r for r in gaps.gap_rows(_summary(), _reference()) if r.label == "stride = 2, mean")
  assert row.noise.source.startswith("published noise reference docs/x/noise_reference.json (commit 0123456789ab)")
  assert gaps.RULE.bound(row) == pytest.approx(t_threshold(gaps.RULE.z, 10) * math.hypot(0.05, 0.03))


def test_the_report_section_prints_distances_in_l2_with_two_decimals_and_names_the_control_status():
  text = report_lib.gaps_of(_summary(), {"config": {"samples_per_class": 1, "train_profile": "quick"}}).render()
  assert text.startswith(f"## {SECTION_TITLE}")
  assert "margin of 0.09 L2" in text
  # the tiny matrices spread 0.01 around their mean: the control's max (2.29) lies 1.55 below the paper's 3.84
  assert "| control LeNet (mean of 3 baselines), max | 3.84 | 2.29 | -1.55 |" in text
  assert "not run here; runs in cpu-full (--samples_per_class=100)" in text


def test_the_written_report_has_the_section(tmp_path):
  path = report_lib.write_report(tmp_path, None, tiny.records(), {"profile": "quick", "seed": 0})
  assert f"## {SECTION_TITLE}" in path.read_text()
