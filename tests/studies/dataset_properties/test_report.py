"""report.py: what a profile left out (settings, defense rows per setting) is named with the claims it touches."""
from __future__ import annotations

import re

from adv_tf.studies.dataset_properties.report import ROW_LABELS, DatasetPropertiesReport, settings_not_run
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
  assert rows["B5"].verdict == NOT_RUN and "mnist 56: not in this profile's --only_settings" in rows["B5"].evidence
  assert "mnist 56" not in rows["C4"].evidence
  # Every setting recorded (the tiny run as pinned): nothing is missing.
  assert settings_not_run(report._res(tiny_records.run()), tiny_records.CONFIG) == {}


def test_a_setting_of_a_part_way_run_reads_not_recorded_yet_not_left_out():
  """A profile that runs every setting (no --only_settings) but has no record of one yet: a part-way run."""
  run = tiny_records.run(tiny_records.CONFIG.replace(only_settings=()))
  run.records["models"] = [r for r in run.records["models"] if r["result"]["setting"] != "56"]
  report = DatasetPropertiesReport()
  rows = {r.claim: r for r in report.claims(run)}
  assert "mnist 56: no record yet (this profile runs it: the run is part-way" in rows["B5"].evidence
  assert "only_settings" not in rows["B5"].evidence
  assert "- mnist 56: no record yet" in report._not_run(report._res(run), run.config).body


def test_a_cpu_full_run_limited_by_only_settings_says_the_flag_was_set_for_it():
  run = _run_without_56()
  run.config = run.config.replace(profile="cpu-full")
  rows = {r.claim: r for r in DatasetPropertiesReport().claims(run)}
  assert "mnist 56: not in --only_settings (set for this run; cpu-full's default runs every setting)" \
      in rows["B5"].evidence


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


def _with_recipe_control(flips: tuple[int, int]):
  """tiny_records' run with the 28 px model's training summary and a recipe-control twin of it, whose no-defense
  FGSM 8/255 outcomes differ on `flips` = (images right only under the control, only under the stop-rule model)."""
  import copy

  import numpy as np

  from adv_tf.claims import pack_items, unpack_items
  run = tiny_records.run(tiny_records.CONFIG.replace(recipe_control_settings=("28",)))
  stop = next(r for r in run.records["models"] if r["result"]["setting"] == "28")
  stop["result"]["training"] = {"epochs": 1.75, "heldout_accuracy": 0.975}
  control = copy.deepcopy(stop)
  control["result"]["training"] = {"epochs": 100.0, "epoch_cap": 100, "best_epoch": 37.0, "heldout_accuracy": 0.993,
                                   "final_heldout_accuracy": 0.991, "learning_rate": 0.001}
  control["result"]["seconds"] = {"train_or_load": 2500.0}
  judged = control["result"]["adversarial"]["fgsm"]["8/255"]["judged"]["none"]
  items = np.array(unpack_items(judged["items"], judged["n"]))
  right, wrong = np.flatnonzero(items == 1), np.flatnonzero(items == 0)
  items[wrong[:flips[0]]], items[right[:flips[1]]] = 1, 0
  judged.update(items=pack_items(items), accuracy=float(items.mean()), correct=int(items.sum()))
  run.records["recipe_control"] = [control]
  return run, stop["result"]["adversarial"]["fgsm"]["8/255"]["judged"]["none"]["accuracy"], float(items.mean())


def test_recipe_control_section_pairs_each_bar_with_the_stop_rule_model():
  """Each (defense, attack, eps) once, against the paper's bar of the same figure (the 1x model is a bar of both
  figures, whose digitized values differ), with the images each model alone gets right and the exact McNemar p."""
  from adv_tf.studies.dataset_properties import published
  report = DatasetPropertiesReport()
  run, stop_acc, control_acc = _with_recipe_control((5, 1))
  body = report._recipe_control(run, run.config).body
  rows = [line for line in body.splitlines() if line.startswith("| mnist 28 seed 0 |")]
  config = run.config
  assert len(rows) == len(config.defenses) * len(config.attacks) * len(config.eps)  # once each, not per figure
  paper = published.figure("mnist", "size")["none"]["fgsm"]["8/255"]["28"]
  cells = [c.strip() for c in next(r for r in rows if "| no defense | fgsm | 8/255 |" in r).strip("|").split("|")]
  assert cells[4:] == [f"{paper:.1f}", f"{100 * stop_acc:.1f}", f"{100 * control_acc:.1f}",
                       f"{100 * stop_acc - paper:.1f}", f"{100 * control_acc - paper:.1f}",
                       f"{100 * (control_acc - stop_acc):.1f}", "5 / 1", "0.219"]  # 2 P(X <= 1), X ~ Bin(6, 1/2)
  same = next(r for r in rows if "| no defense | bim | 8/255 |" in r)
  assert same.endswith("| 0 / 0 | 1 |")
  assert "best held-out epoch 37 restored" in body and "last epoch 99.10%" in body
  # The summary is per defense (the recipe can close the gap without a defense and widen it with one).
  per_bar = len(config.attacks) * len(config.eps)
  for d in config.defenses:
    assert re.search(rf"{re.escape(ROW_LABELS[d])}: \d+\.\d -> \d+\.\d pp over {per_bar} bars, closer on \d+", body), d
  assert "Adam at our learning rate 0.001" in body and "for 100 epochs" in body
  # The gaps section's cause points here; the Run section lists the control apart from the models.
  assert "ran in this run: section 'Training-recipe control" in report._gaps(
      report._res(run), config, run.records["recipe_control"]).body


def test_recipe_control_section_without_a_pair_or_records_says_why():
  report = DatasetPropertiesReport()
  run, _, _ = _with_recipe_control((0, 0))
  run.records["models"] = [r for r in run.records["models"] if r["result"]["setting"] != "28"]
  body = report._recipe_control(run, run.config).body
  assert "its stop-rule model has not run, nothing to compare" in body and "| mnist 28" not in body
  run.records["recipe_control"] = []
  assert "Not recorded in this run (--recipe_control_settings=28" in report._recipe_control(run, run.config).body
  empty = tiny_records.run()
  assert "Not run in this profile" in report._recipe_control(empty, empty.config).body
