"""report.py: what a profile left out (settings, defense rows per setting) is named with the claims it touches."""
from __future__ import annotations

from adv_tf.studies.dataset_properties.report import DatasetPropertiesReport, settings_not_run
from tests.studies.dataset_properties import tiny_records

NOT_RUN = "not run in this profile"


def _run_without_56():
  config = tiny_records.CONFIG.replace(only_settings=("28", "14", "c0.5", "c2"), defense_settings=("tvm_quirk=14",))
  run = tiny_records.run(config)
  run.records["models"] = [r for r in run.records["models"] if r["result"]["setting"] != "56"]
  return run


def test_a_setting_left_out_names_the_claims_with_cells_on_it():
  run = _run_without_56()
  report = DatasetPropertiesReport()
  missing = settings_not_run(report._res(run), run.config)
  assert list(missing) == [("mnist", "56")]
  assert {"B1", "B4", "B5", "D2"} <= set(missing[("mnist", "56")])
  assert not {"C1", "C4", "C6", "B3"} & set(missing[("mnist", "56")])
  rows = {r.claim: r for r in report.claims(run)}
  assert rows["B5"].verdict == NOT_RUN and "mnist 56: not run in this profile" in rows["B5"].evidence
  assert "mnist 56" not in rows["C4"].evidence
  # Every setting recorded (the tiny run as pinned): nothing is missing.
  assert settings_not_run(report._res(tiny_records.run()), tiny_records.CONFIG) == {}


def test_not_run_section_lists_left_out_settings_and_defense_rows():
  run = _run_without_56()
  report = DatasetPropertiesReport()
  body = report._not_run(report._res(run), run.config).body
  assert "- mnist 56: not in this profile's --only_settings" in body
  assert "defense row `tvm_quirk` (TVM (ART, channels-first quirk = paper)) on mnist 28: not judged" in body
  assert "on mnist 14: not judged" not in body
