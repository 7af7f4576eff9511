"""The quick profile's size (one cell per §8 conclusion a single variant can decide), the kappa = 0 cell's reuse
of the model cells' attacks (with its fallback), the search-vs-re-check count and the claims of the report."""
from __future__ import annotations

import json
import types

import numpy as np
import pytest

from adv_tf.attacks.base import AttackResult
from adv_tf.claims import Trend
from adv_tf.studies.hyperparams import cells as study
from adv_tf.studies.hyperparams import claims, config, report
from adv_tf.studies.hyperparams import run as cell_runs


def _quick_cells():
  profile = study.PROFILES["quick"]
  return profile, study.build_cells(profile, profile.axes, profile.cw, 0, "sel", profile.num_baseline_models,
                                    profile.kappas)


def test_quick_profile_tests_each_decidable_section8_conclusion_once():
  profile, cells = _quick_cells()
  variants = sorted(c.name for c in cells if c.stage == "variant")
  # One cell per conclusion a single variant can decide: input dropout, kernel size, pool size, stride. ReLU vs
  # ELU (C2) and SGD vs AdaDelta (C5) need seeds of the variant itself; they are cpu-full's (15-minute goal).
  assert variants == sorted(["input_dropout=0.5", "kernel_size=2", "pool_size=6", "stride=2"])
  section8 = {c.cells[0].a.points[0][1][0] if isinstance(c.cells[0].a, Trend) else c.cells[0].a[0]
              for c in claims.CLAIMS if c.id.startswith("C") and not c.id.endswith("-same")}
  assert set(profile.axes) == section8 - {"activation", "optimizer"}
  assert set(profile.axes) <= set(config.PROFILES["cpu-full"].axes)
  assert profile.num_baseline_models >= 3 and "secure" in [c.name for c in cells]
  assert profile.cw == config.CWConfig()  # Carlini's defaults, exact schedule: fewer cells, never weaker CW
  assert 0.0 in profile.kappas and profile.samples_per_class >= 1


def test_kappa0_cell_names_the_model_cells_it_may_reuse():
  _, cells = _quick_cells()
  by_name = {c.name: c for c in cells}
  kappa0 = by_name["kappa=0"].config
  assert kappa0["reuse"] == {"baseline": by_name["baseline/seed=0"].id, "secure": by_name["secure"].id}
  assert all("reuse" not in c.config for c in cells if c.stage == "kappa" and c.config["kappa"] != 0.0)


def test_larger_profiles_recompute_kappa0_so_the_agreement_is_a_determinism_check():
  profile = study.PROFILES["cpu-full"]
  cells = study.build_cells(profile, ("activation",), profile.cw, 0, "sel", 3, (0.0,))
  assert all("reuse" not in c.config for c in cells if c.stage == "kappa")


def _fake_ctx(tmp_path):
  return types.SimpleNamespace(study_output_dir=tmp_path, output_dir=tmp_path / "partial", log=lambda msg: None)


def test_reused_attack_reads_a_finished_model_cell_and_falls_back_when_absent(tmp_path):
  ctx = _fake_ctx(tmp_path)
  assert cell_runs.reused_attack(ctx, "abc") is None  # another shard has not run it: the cell recomputes
  assert cell_runs.reused_attack(ctx, None) is None
  folder = tmp_path / "cells" / "abc"
  folder.mkdir(parents=True)
  distances = np.full((10, 10), 1.5)
  np.fill_diagonal(distances, np.nan)
  success = np.isfinite(distances)
  np.savez(folder / "adversarial.npz", x_adv=np.zeros((10, 10, 28, 28, 1), np.float32), distances=distances,
           raw_distances=distances, raw_success=success, raw_recheck=success)
  got = cell_runs.reused_attack(ctx, "abc")
  assert got is not None and got.success.sum() == 90 and got.disagreements == 0
  np.savez(folder / "adversarial.npz", x_adv=np.zeros((10, 10, 28, 28, 1), np.float32), distances=distances)
  assert cell_runs.reused_attack(ctx, "abc") is None  # an old cell without the raw arrays: recompute


def test_search_verdict_counts_and_recheck_disagreements_are_counted(monkeypatch):
  """A pair the search solved whose re-check flips keeps its distance and is counted, not failed."""
  import adv_tf.attacks.carlini_wagner as cw_module

  def fake_cw(model, x, target, **kwargs):
    n = len(x)
    search = np.ones(n, bool)
    search[-1] = False
    recheck = search.copy()
    recheck[0] = False  # a kappa = 0 boundary flip
    return AttackResult(x_adv=x + 0.01, success=recheck, l2=np.full(n, 0.5, np.float32),
                        linf=np.full(n, 0.01, np.float32), info={"search_success": search})
  monkeypatch.setattr(cw_module, "carlini_wagner_l2", fake_cw)
  x = np.zeros((2, 28, 28, 1), np.float32)
  attacked = cell_runs.cw_targeted_all(None, x, np.array([0, 1]), config.CWConfig())
  assert attacked.success.sum() == 17 and attacked.recheck.sum() == 16 and attacked.disagreements == 1
  assert np.isfinite(attacked.distances).sum() == 17  # the flipped pair keeps the search's distance
  assert attacked.distances[0, 1] == pytest.approx(0.5)


def _side(rate):
  return {"cw_success_rate": 1.0, "mean_l2": 2.0, "mean_percent_distortion": 5.0, "cw_recheck_disagreements": 0,
          "pixels_changed_percent": {"0.05": 20.0, "0.10": 10.0, "0.20": 3.0 + rate}}


def _record(name, stage, cfg, mean):
  from adv_tf.metrics import distance_stats
  matrix = np.full((10, 10), mean) + 0.01 * np.linspace(-1, 1, 100).reshape(10, 10)
  np.fill_diagonal(matrix, np.nan)
  rows = cell_runs._matrix_json(matrix)
  return {"id": name.replace("/", "_"), "name": name, "stage": stage, "config": cfg, "seconds": 1.0,
          "result": {"train": {"test_accuracy": 0.99, "epochs": 2, "padding": "valid"}, "matrix": rows,
                     "stats": distance_stats(matrix), "cw_success_rate": 1.0}}


def _records():
  recs = [_record(f"baseline/seed={s}", "baseline", {"seed": s}, m) for s, m in enumerate([2.27, 2.29, 2.28])]
  for axis, value, mean in (("input_dropout", 0.5, 2.6), ("activation", "sigmoid", 2.27), ("kernel_size", 2, 2.0),
                            ("pool_size", 6, 1.9), ("stride", 2, 1.6), ("optimizer", "adadelta", 2.28)):
    recs.append(_record(f"{axis}={value}", "variant", {"axis": axis, "value": value, "seed": 0}, mean))
  recs[0]["result"]["cw_recheck_disagreements"] = 2
  recs.append(_record("secure", "secure", {"seed": 0}, 2.55))
  for kappa, rate in ((0.0, 0.02), (5.0, 0.3)):
    recs.append({"id": f"k{kappa:g}", "name": f"kappa={kappa:g}", "stage": "kappa", "config": {}, "seconds": 1.0,
                 "result": {"kappa": kappa, "baseline": _side(0), "secure": dict(_side(1), cw_recheck_disagreements=1),
                            "transfer_target_rate": rate, "transfer_misclassified_rate": rate,
                            "reused_from": {"baseline": "b", "secure": "s"} if kappa == 0 else {}}})
  return recs


def test_claims_cover_section8_secure_and_transfer_and_are_written(tmp_path):
  records = _records()
  rows = report.claim_verdicts(records)
  assert [c.claim for c in rows] == ["C1", "C2", "C2-6.3", "C3", "C4", "C5", "C5-6.3", "C6", "C4-same",
                                     "C6-same", "S1", "S2", "S3", "S4", "K1"]
  by_id = {c.claim: c for c in rows}
  assert by_id["C1"].verdict == "holds, partial (tested against: 0.0, 0.5)"  # input dropout 0.5 only
  assert by_id["C5"].verdict == "tie, partial (tested against: sgd vs adadelta)"  # 2.28 vs 2.28, sd 0.01
  assert by_id["C5-6.3"].verdict == "holds, partial (tested against: sgd vs adadelta)"   # non-inferior
  assert by_id["K1"].verdict == "this model: holds, partial (tested against: kappa 5)"
  assert "exact binomial vs constant" in by_id["K1"].evidence
  report.write_report(tmp_path, None, records, {"profile": "test", "seed": 0})
  written = json.loads((tmp_path / "claims.json").read_text())
  assert [c["claim"] for c in written["claims"]] == [c.claim for c in rows]
  text = (tmp_path / "report.md").read_text()
  # Search vs re-check disagreements per model, and their treatment (the reused kappa = 0 sides not twice).
  assert "baseline/seed=0: 2, kappa=5 secure: 1 (of 90 pairs per model)" in text
  assert "counts as solved with the search's distance" in text
  assert "reused the baseline cell's attack" in text


def test_not_run_items_list_what_cpu_full_runs_and_quick_does_not():
  items = report.not_run_items(study.PROFILES["quick"])
  text = "\n".join(items)
  assert "input_dropout = 0.1, 0.2, 0.3, 0.4: not run in this profile (cpu-full runs it)" in text
  assert "axis activation (values relu, sigmoid, linear, tanh, elu): not run" in text  # left out whole
  assert "axis weight_init" in text and "kappa = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10" in text
  assert "baselines 4..10" in text and "from 100 samples per class" in text
  assert all(item.endswith("not run in this profile (cpu-full runs it)") for item in items)
  assert report.not_run_items(study.PROFILES["cpu-full"]) == []


def test_a_conclusion_whose_only_variant_was_excluded_is_not_testable():
  records = [r for r in _records() if r["name"] != "activation=sigmoid"]
  sigmoid = _record("activation=sigmoid", "variant", {"axis": "activation", "value": "sigmoid", "seed": 0}, 0)
  sigmoid["result"] = {"train": {"test_accuracy": 0.9668, "epochs": 10}, "excluded": "test accuracy 0.9668 < 0.98"}
  rows = {c.claim: c for c in report.claim_verdicts(records + [sigmoid])}
  assert rows["C2"].verdict == "not testable, partial (tested against: relu vs sigmoid)"
  assert "activation=sigmoid excluded: test accuracy 0.9668 < 0.98" in rows["C2"].evidence
