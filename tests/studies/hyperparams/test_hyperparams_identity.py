"""Results never stale or mixed (issue 10): cell identity, grid manifest, selection per class, report checks."""
from __future__ import annotations

import json
import math
import types

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.experiment import Cell, cli
from adv_tf.studies.hyperparams import cells as study
from adv_tf.studies.hyperparams import config, report
from adv_tf.studies.hyperparams import run as cell_runs


def _ids(profile=None, cw=None, identity=None, axes=("pool_size",)):
  profile = profile or study.PROFILES["quick"]
  return [c.id for c in study.build_cells(profile, list(axes), cw or profile.cw, 0, "sel", 1, (0.0,),
                                          identity=identity)]


def test_cells_name_the_resolved_model_and_training_configs():
  cell = study.build_cells(study.PROFILES["quick"], ["pool_size"], study.CWConfig(), 0, "sel", 1, ())[0]
  resolved = cell.config["resolved"]
  assert resolved["lenet"]["regularizer_strength"] == pytest.approx(1e-4)
  assert resolved["lenet"]["padding"] == "auto" and resolved["padding"] == "valid"
  assert resolved["train"]["learning_rate"] == 0.01 and resolved["train"]["batch_size"] == 128
  assert resolved["train"]["eval_every_steps"] == 100 and resolved["train"]["epochs"] == 10
  assert resolved["train"]["target_accuracy"] == 0.98
  assert cell.config["identity"]["study_version"] == config.STUDY_VERSION
  pool6 = study.build_cells(study.PROFILES["quick"], ["pool_size"], study.CWConfig(), 0, "sel", 1, ())[1]
  assert pool6.config["resolved"]["padding"] == "same"


def test_a_changed_preset_default_rekeys_every_model_cell(monkeypatch):
  before = _ids()
  monkeypatch.setitem(config.LENET_TRAIN, "quick", config.LENET_TRAIN["quick"].replace(eval_every_steps=50))
  after = _ids()
  assert not set(before) & set(after)


def test_cw_schedule_data_replicas_and_version_rekey_the_cells(monkeypatch):
  profile = study.PROFILES["quick"]
  base = _ids()
  assert not set(base) & set(_ids(cw=study.CWConfig(schedule="fast")))
  assert not set(base) & set(_ids(identity=study.run_identity({"train": {"num_examples": 5}})))
  assert not set(base) & set(_ids(identity=study.run_identity(replicas=8)))
  monkeypatch.setattr(study, "STUDY_VERSION", config.STUDY_VERSION + 1)
  assert not set(base) & set(_ids())
  assert profile.cw.schedule == "carlini"


def test_grid_manifest_refuses_a_differing_grid_and_takes_one_grown_at_its_end(tmp_path):
  grid = [Cell(f"c{i}", {"i": i}) for i in range(3)]
  cli.check_manifest(tmp_path, "cells", grid)
  assert (tmp_path / cli.MANIFEST).exists()
  cli.check_manifest(tmp_path, "cells", grid)  # the same grid again: fine
  for other in (grid[:2], [Cell("c9", {"i": 9})] + grid, [grid[0], Cell("c1", {"i": 7}), grid[2]]):
    with pytest.raises(AdvTfError, match="another grid of stage cells"):   # fewer, shifted or changed cells
      cli.check_manifest(tmp_path, "cells", other)
  grown = grid + [Cell("c3", {"i": 3})]   # cells added at the end (a profile grown after a part-way run): the
  cli.check_manifest(tmp_path, "cells", grown)   # recorded cells keep their ids; the manifest is the new grid's
  manifest = json.loads((tmp_path / cli.MANIFEST).read_text())
  assert manifest["ids"] == [c.id for c in grown] and [g["num_cells"] for g in manifest["grown_from"]] == [3]
  with pytest.raises(AdvTfError, match="use the flags of the run that grew it"):   # the old grid is now shorter
    cli.check_manifest(tmp_path, "cells", grid)


def test_selection_is_one_cell_per_class_and_combines():
  profile = study.PROFILES["quick"]
  sel = study.selection_cells(profile, 0)
  assert [c.name for c in sel] == [f"selection/class={c}" for c in range(10)]
  assert len({c.config["selection"] for c in sel}) == 1 and len({c.id for c in sel}) == 10
  nan = math.nan
  records = []
  for c in range(10):
    row = [nan if t == c else 1.0 + c for t in range(10)]
    records.append({"config": {**sel[c].config}, "name": sel[c].name, "id": sel[c].id,
                    "result": {"class": c, "best_test_index": 100 + c, "average_row": row, "best_row": row,
                               "cw_success_rate": 1.0, "num_samples": 10, "train": {}}})
  combined = cell_runs.combine_selection(study.selection_records(records, sel[0].config["selection"]))
  assert combined["best_test_indices"] == list(range(100, 110)) and combined["num_samples"] == 100
  assert combined["best_estimate_stats"]["max"] == pytest.approx(10.0)
  with pytest.raises(AdvTfError, match="classes 9 missing"):
    study.selection_records(records[:9], sel[0].config["selection"])


def test_one_candidate_per_class_runs_no_attack_and_the_report_says_whose_matrix_figs_6_7_are(monkeypatch, tmp_path):
  # §4.4 chooses among candidates; with one (quick, smoke) there is nothing to choose and no CW runs.
  class Trainer:
    def get(self, spec, on_epoch=None):
      return None, {"test_accuracy": 0.99, "epochs": 1}, False

  def no_attack(*args, **kwargs):
    raise AssertionError("the selection attacked a single candidate")

  monkeypatch.setattr(cell_runs, "pick_candidates", lambda model, x, y, per_class, classes: np.array([40 + classes[0]]))
  monkeypatch.setattr(cell_runs, "cw_targeted_all", no_attack)
  data = types.SimpleNamespace(x_test=np.zeros((60, 28, 28, 1)), y_test=np.zeros(60), info=None)
  ctx = types.SimpleNamespace(log=lambda msg: None, throttled_log=lambda: None)
  sel = study.selection_cells(study.PROFILES["quick"], 0)
  records = [{"config": {**cell.config}, "name": cell.name, "id": cell.id,
              "result": cell_runs.run_selection_class(ctx, cell.config, trainer=Trainer(), data=data, cw=None)}
             for cell in sel]
  combined = cell_runs.combine_selection(study.selection_records(records, sel[0].config["selection"]))
  assert combined["best_test_indices"] == list(range(40, 50)) and combined["num_samples"] == 10
  assert combined["average_matrix"] is None and combined["cw_success_rate"] is None
  text = report.write_report(tmp_path, {"result": combined, "config": {"seed": 3}}, [], {"profile": "t"}).read_text()
  assert "selection runs no attack" in text and "the seed-3 baseline's matrix" in text
  assert not (tmp_path / "figures" / "fig6_average_distances.png").exists()


def test_report_refuses_records_of_another_selection():
  records = [{"name": "a", "id": "1", "result": {"best_test_indices": [1, 2, 3]}},
             {"name": "b", "id": "2", "result": {"best_test_indices": [1, 2, 4]}}]
  report.check_one_selection(records[:1], [3, 2, 1])
  with pytest.raises(AdvTfError, match="mix selections"):
    report.check_one_selection(records, [1, 2, 3])


def test_report_warns_on_several_code_versions_and_dirty_trees():
  one = {"name": "a", "git": {"commit": "aaaa", "dirty": False}, "versions": {"adv_tf": "0.1"}}
  assert report.code_version_warnings([one, one]) == []
  two = dict(one, git={"commit": "bbbb", "dirty": True})
  warnings = report.code_version_warnings([one, two])
  assert any("2 code versions" in w for w in warnings) and any("uncommitted" in w for w in warnings)


def test_report_keeps_only_this_grids_cells_of_its_selection():
  grid = [Cell("x", {"i": 1}), Cell("y", {"i": 2})]
  mine = {"id": grid[0].id, "name": "x", "config": {"selection": "s1"}}
  wider = {"id": "elu", "name": "activation=elu", "config": {"selection": "s1"}}   # an earlier, wider grid
  other = {"id": grid[1].id, "name": "y", "config": {"selection": "s2"}}         # another selection
  assert report.grid_records([mine, wider, other], "s1", grid) == [mine]


def test_completeness_lines_and_incomplete_banner(tmp_path):
  grid = {"cells": [Cell("x", {"i": 1}), Cell("y", {"i": 2})]}
  records = {"cells": [{"id": grid["cells"][0].id, "name": "x"}, {"id": "zzz", "name": "old"}]}
  completeness = report.grid_completeness(grid, records)
  assert completeness["lines"] == ["cells of stage cells: expected 2, present 1, missing 1, extra 1; missing: y; "
                                   "extra (not in this profile's grid, left out of the report): old"]
  path = report.write_report(tmp_path, None, [], {"profile": "t", "completeness": completeness,
                                                   "code_warnings": ["WARNING: mixed"]})
  text = path.read_text()
  assert "**INCOMPLETE**" in text and "WARNING: mixed" in text
