"""Golden test of the restructure (issue 8): the quick grid's cell ids and the report's tables are pinned.

Written before the framework move; it must pass unchanged after it (only the import lines below may follow
the new module paths). Regenerate the fixture only when a change of ids/tables is intended:
`GOLDEN_UPDATE=1 pytest tests/test_golden_hyperparams.py`. Regenerated on 2026-12-06 (fifth session) when the
kappa section gained the pixels-changed table (Figs. 8/9 as numbers): its five lines were added, nothing else changed.
Regenerated on 2026-12-07 when "what would decide it" began printing the noise in the effect's units ("sd 0.01 L2",
"se 0.0115 L2"): three summary lines changed in those words only; and when claim S4 (§6.4's 14.2% bound) was added:
its one summary row was added, and S3 began naming the kappas it was measured at ("partial").
"""
from __future__ import annotations

import json
import os
import pathlib

import numpy as np

from adv_tf.studies.hyperparams import cells as study
from adv_tf.studies.hyperparams import report

FIXTURE = pathlib.Path(__file__).parent / "golden" / "hyperparams_quick.json"
TABLES = ("table2_baseline_variability.csv", "table3_network_impact.csv", "table4_training_impact.csv",
          "table5_network_distances.csv", "table6_optimizer_distances.csv")
RUN = {"target_accuracy": 0.98, "max_epochs": None, "train_take": None, "test_take": None, "dataset": "mnist",
       "pixel_range": [-0.5, 0.5]}


def _quick_ids() -> dict:
  profile = study.PROFILES["quick"]
  cw = study.CWConfig()
  from adv_tf.experiment import Cell
  selection = Cell("best_estimate_selection", study.selection_cell_config(profile, cw, 0, RUN), stage="selection")
  cells = study.build_cells(profile, profile.axes, cw, 0, selection.id, profile.num_baseline_models,
                            profile.kappas)
  return {"selection": selection.id, "cells": [[c.name, c.stage, c.id] for c in cells]}


def _matrix(mean: float, skew: float) -> list:
  m = np.full((10, 10), mean) + skew * np.linspace(-1, 1, 100).reshape(10, 10)
  np.fill_diagonal(m, np.nan)
  return [[None if np.isnan(v) else round(float(v), 6) for v in row] for row in m]


def _records() -> list[dict]:
  from adv_tf.metrics import distance_stats

  def record(name, stage, config, mean, skew=1.0, excluded=False, padding="valid"):
    result = {"train": {"test_accuracy": 0.97 if excluded else 0.99, "epochs": 2, "padding": padding}}
    if excluded:
      result["excluded"] = "test accuracy 0.9700 < 0.98"
    else:
      matrix = _matrix(mean, skew)
      result.update({"matrix": matrix, "stats": distance_stats(np.asarray(
          [[np.nan if v is None else v for v in row] for row in matrix])), "cw_success_rate": 1.0,
          "cw_prediction_agreement": 0.95})
    return {"id": name.replace("/", "_").replace("=", "-"), "name": name, "stage": stage, "config": config,
            "result": result, "seconds": 1.0}

  recs = [record(f"baseline/seed={s}", "baseline", {"seed": s}, m, 1.0 + 0.1 * s)
          for s, m in enumerate([2.27, 2.29, 2.28])]
  for axis, value, mean, extra in (("activation", "linear", 2.05, {}), ("activation", "tanh", 2.4, {}),
                                   ("input_dropout", 0.5, 2.6, {}), ("kernel_size", 2, 2.281, {}),
                                   ("kernel_size", 6, 2.5, {}), ("pool_size", 6, 1.9, {"padding": "same"}),
                                   ("stride", 2, 2.1, {}), ("optimizer", "rmsprop", 2.35, {}),
                                   ("optimizer", "adam", 2.2, {})):
    recs.append(record(f"{axis}={value}", "variant", {"axis": axis, "value": value, "seed": 0}, mean, **extra))
  recs.append(record("activity_regularizer=l1", "variant", {"axis": "activity_regularizer", "value": "l1",
                                                            "seed": 0}, 0, excluded=True))
  recs.append(record("secure", "secure", {"seed": 0}, 2.55))
  for kappa in (0.0, 5.0, 10.0):
    side = {"cw_success_rate": 1.0, "mean_l2": 2.0 + kappa / 10, "mean_percent_distortion": 5.0 + kappa,
            "pixels_changed_percent": {"0.05": 20.0 + kappa, "0.10": 10.0 + kappa}}
    recs.append({"id": f"kappa-{kappa:g}", "name": f"kappa={kappa:g}", "stage": "kappa", "config": {},
                 "seconds": 1.0, "result": {"kappa": kappa, "baseline": side, "secure": dict(side, mean_l2=3.0),
                                            "transfer_target_rate": kappa / 20,
                                            "transfer_misclassified_rate": kappa / 15}})
  return recs


def _report_tables(tmp_path) -> dict:
  path = report.write_report(tmp_path, None, _records(), {"profile": "golden", "seed": 0})
  tables = {name: (tmp_path / name).read_text() for name in TABLES}
  tables["report.md tables"] = [line for line in path.read_text().splitlines() if line.startswith("|")]
  return tables


def _golden(tmp_path) -> dict:
  return {"quick_ids": _quick_ids(), "tables": _report_tables(tmp_path)}


def test_quick_grid_ids_and_report_tables_are_unchanged(tmp_path):
  got = json.loads(json.dumps(_golden(tmp_path)))
  if os.environ.get("GOLDEN_UPDATE"):
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
  want = json.loads(FIXTURE.read_text())
  assert got["quick_ids"] == want["quick_ids"]
  for name, text in want["tables"].items():
    assert got["tables"][name] == text, name
  assert set(got["tables"]) == set(want["tables"])
