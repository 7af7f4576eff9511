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


def _set_accuracy(run, setting: str, defense: str, attack: str, eps: str, correct: int) -> None:
  for r in run.records["models"]:
    if r["result"]["setting"] == setting:
      r["result"]["adversarial"][attack][eps]["judged"][defense]["accuracy"] = correct / tiny_records.N


def test_gaps_section_flags_only_a_bar_far_from_the_paper_and_names_its_causes():
  report = DatasetPropertiesReport()
  run = tiny_records.run()
  within = report._gaps(report._res(run), run.config).body
  assert "Beyond the noise: 0 (ours above the paper: 0, below: 0)" in within  # every bar is the paper's, rounded
  _set_accuracy(run, "28", "none", "bim", "8/255", 50)  # paper 43.7%
  section = report._gaps(report._res(run), run.config)
  assert section.title == "Gaps to the paper beyond the noise"
  # the 28 px model is the 1x bar of both figures: two rows
  assert "Beyond the noise: 2 (ours above the paper: 2, below: 0)" in section.body
  assert "| mnist size 28, no defense, bim 8/255 | 43.7 | 100.0 | +56.3 |" in section.body
  assert "| mnist contrast 1, no defense, bim 8/255 | 43.7 | 100.0 | +56.3 |" in section.body
  causes = {line.split(" | ")[0].lstrip("| "): line for line in section.body.splitlines() if line.startswith("| ")}
  assert "2: mnist size 28, no defense, bim 8/255 (+56.3); mnist contrast 1" in causes["easier test images"]
  assert "0: none" in causes["TVM as the authors ran it"] and "0: none" in causes["contrast applied in float"]
  assert "Unexplained (beyond the noise, no declared cause fits): 0" in section.body


def _model(dataset: str, eval_images: int, full: int = 10000) -> dict:
  return {"dataset": dataset, "eval_images": eval_images, "test_images_full": full, "clean": {}}


def test_the_all_images_control_asks_only_of_the_mnist_models_its_cause_covers():
  from adv_tf.studies.dataset_properties import gaps
  assert "all_images" in gaps.controls_ran([_model("mnist", 10000), _model("imagenet", 10000, full=50000)])
  assert "all_images" not in gaps.controls_ran([_model("mnist", 10000), _model("mnist", 1000)])
  assert "all_images" not in gaps.controls_ran([_model("cifar10", 10000)])  # no MNIST model: nothing to say
  assert "defenses_on_clean" not in gaps.controls_ran([_model("mnist", 1000)])
  assert "defenses_on_clean" in gaps.controls_ran([dict(_model("mnist", 1000), clean={"tvm_quirk": 0.9})])
