"""The cpu-full report over constructed records of its whole grid (no training): the path a ~10-hour run ends in.

Every cell of `PROFILES["cpu-full"]` (10 baselines, every Appendix value, the secure model, kappa 0..10) gets a
record, the selection one from 100 samples per class; the report must judge every claim (none "not run in this
profile"), say nothing is missing and write its tables and figures. A claim the grid cannot reach (a cell naming a
value the grid lacks) or a report step that only the quick grid exercised fails here before a real run does.
"""
from __future__ import annotations

import csv
import json
import pathlib

import numpy as np
import pytest

from adv_tf.attacks.cw_config import CWConfig
from adv_tf.claims import Rules, judge
from adv_tf.metrics import distance_stats
from adv_tf.models import LeNetConfig, lenet_padding
from adv_tf.report import figures
from adv_tf.studies.hyperparams import cells, claims, config, report
from adv_tf.studies.hyperparams import run as cell_runs

PROFILE = config.PROFILES["cpu-full"]
BASELINE_MEAN = 2.28


def _matrix(mean: float, rng: np.random.Generator) -> list:
  matrix = mean + 0.3 * rng.standard_normal((10, 10))
  np.fill_diagonal(matrix, np.nan)
  return cell_runs._matrix_json(matrix)


def _model_record(cell, rng, mean: float) -> dict:
  matrix = _matrix(mean, rng)
  padding = lenet_padding(LeNetConfig(**cells.spec_from_config(cell.config).model), config.IMAGE_SHAPE)
  return {"id": cell.id, "name": cell.name, "stage": cell.stage, "config": cell.config, "seconds": 90.0,
          "result": {"train": {"test_accuracy": 0.985, "epochs": 3, "padding": padding}, "matrix": matrix,
                     "stats": distance_stats(cell_runs.matrix_from_json(matrix)), "cw_success_rate": 1.0,
                     "cw_prediction_agreement": 1.0}}


def _kappa_record(cell) -> dict:
  kappa = cell.config["kappa"]

  def side(mean: float, shift: int) -> dict:   # per pair, as run.kappa_side records them (S3, per source image)
    per_pair = {f"{t:.2f}": [int(300 * (0.5 - t)) + shift * (1 if t > 0.1 + 1e-9 else -1) * (1 + i % 4)
                             for i in range(90)] for t in config.DISTORTION_THRESHOLDS}
    return {"cw_success_rate": 1.0, "mean_l2": mean, "mean_percent_distortion": 5.0 + kappa,
            "cw_recheck_disagreements": 0, "pixel_values_per_example": 784, "pixels_changed_per_pair": per_pair,
            "pixels_changed_percent": {"0.05": 20.0 + kappa, "0.10": 10.0 + kappa, "0.20": 3.0}}
  return {"id": cell.id, "name": cell.name, "stage": "kappa", "config": cell.config, "seconds": 120.0,
          "result": {"kappa": kappa, "baseline": side(2.0 + kappa / 10, 0), "secure": side(2.6 + kappa / 10, 20),
                     "transfer_target_rate": kappa / 40, "transfer_misclassified_rate": kappa / 30,
                     "pair_sources": [i // 9 for i in range(90)],
                     "transfer_on_target_per_pair": [i % 40 < kappa for i in range(90)]}}


def _selection(rng) -> dict:
  average, best = _matrix(BASELINE_MEAN, rng), _matrix(BASELINE_MEAN, rng)
  grid = cell_runs.matrix_from_json
  return {"result": {"train": {"test_accuracy": 0.985}, "best_test_indices": list(range(10)),
                     "num_samples": 10 * PROFILE.samples_per_class, "average_matrix": average,
                     "best_estimate_matrix": best, "average_stats": distance_stats(grid(average)),
                     "best_estimate_stats": distance_stats(grid(best)), "cw_success_rate": 1.0},
          "config": {"samples_per_class": PROFILE.samples_per_class, "seed": 0}, "seconds": 6000.0}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
  """The cpu-full report of one constructed record per grid cell (seeded: the verdicts are fixed). The per-axis
  heat-map grids are recorded, not drawn (76 annotated 10x10 maps take most of a minute of CPU; the smoke and
  golden tests draw real ones): `grids` maps each figure's file name to the model names it was given."""
  rng = np.random.default_rng(0)
  grids = {}
  grid = cells.build_cells(PROFILE, PROFILE.axes, CWConfig(), 0, "selection-id", PROFILE.num_baseline_models,
                           PROFILE.kappas)
  controls = cells.padding_control_cells(PROFILE, CWConfig(), 0, "selection-id")
  controls += cells.replicate_cells(PROFILE, CWConfig(), 0, "selection-id")
  records = []
  for cell in controls + grid:
    if cell.stage == "kappa":
      records.append(_kappa_record(cell))
    else:
      shift = {"secure": 0.3, "variant": 0.1 * rng.standard_normal()}.get(cell.stage, 0.0)
      records.append(_model_record(cell, rng, BASELINE_MEAN + 0.05 * rng.standard_normal() + shift))
  out = tmp_path_factory.mktemp("cpu_full")
  meta = {"profile": "cpu-full", "seed": 0, "not_run": report.not_run_items(PROFILE),
          "completeness": {"missing": [], "lines": []}}
  with pytest.MonkeyPatch.context() as patch:
    patch.setattr(figures, "class_distance_grid",
                  lambda matrices, path, **_: grids.__setitem__(pathlib.Path(path).name, sorted(matrices)))
    path = report.write_report(out, _selection(rng), records, meta)
  return out, path.read_text(), grid, grids


def test_the_padding_control_pads_the_control_and_pool_3_same(written):
  controls = cells.padding_control_cells(PROFILE, CWConfig(), 0, "selection-id")
  assert [c.name for c in controls] == ["padding=same/baseline/seed=0", "padding=same/baseline/seed=1",
                                        "padding=same/baseline/seed=2", "padding=same/pool_size=3"]
  assert all(c.config["model"]["padding"] == "same" and c.stage == "padding_control" for c in controls)
  assert not {c.id for c in controls} & {c.id for c in written[2]}
  assert cells.padding_control_cells(config.PROFILES["quick"], CWConfig(), 0, "selection-id") == []


def test_the_replicates_give_each_single_model_of_c2_c5_and_s1_three_seeds_and_c5s_undecided_ones_nine(written):
  replicates = cells.replicate_cells(PROFILE, CWConfig(), 0, "selection-id")
  names = [c.name for c in replicates]
  # S1's models first (secure, input dropout 0.4 and 0.5), then C2's activations and C5's optimizers: seeds 1 and 2
  assert names[:6] == [f"replicates/{m}/seed={s}" for m in ("secure", "input_dropout=0.4", "input_dropout=0.5")
                       for s in (1, 2)]
  # the third look at C5 (config.CPU_FULL_THIRD_LOOK): its four undecided optimizers at seeds 3-8, after the 26
  # cells of the second look (whose ids, so the published records, stay), nearest a decision first
  assert len(replicates) == 2 * (3 + 4 + 6) + 6 * 4 and all(c.stage == "replicates" for c in replicates)
  assert names[26:] == [f"replicates/optimizer={o}/seed={s}" for o in ("adamax", "adadelta", "rmsprop", "nadam")
                        for s in range(3, 9)]
  grid = {c.name: c for c in written[2]}
  for cell in replicates:
    model = cell.name.split("/")[1]
    twin = grid[model].config          # the grid's seed-0 model of the same settings
    assert cell.config["seed"] in ((1, 2) if cell in replicates[:26] else range(3, 9))
    assert cell.config["stage"] == "replicates"
    assert {k: v for k, v in cell.config.items() if k not in ("seed", "stage", "resolved")} == \
        {k: v for k, v in twin.items() if k not in ("seed", "stage", "resolved")}
  adadelta = next(c for c in replicates if c.name == "replicates/optimizer=adadelta/seed=1")
  assert adadelta.config["train"] == {"optimizer": "adadelta", "learning_rate": 1.0}   # its companion too
  # a stage of its own: the grid's cells (and so the part-way run's records) keep their ids
  assert not {c.id for c in replicates} & set(c.id for c in written[2])
  plain = cells.build_cells(config.dataclasses.replace(PROFILE, replicate=(), replicate_seeds=1), PROFILE.axes,
                            CWConfig(), 0, "selection-id", PROFILE.num_baseline_models, PROFILE.kappas)
  assert [c.id for c in plain] == [c.id for c in written[2]]
  assert cells.replicate_cells(config.PROFILES["quick"], CWConfig(), 0, "selection-id") == []
  twice = config.dataclasses.replace(PROFILE, replicate=("activation", "activation=elu"))
  assert len(cells.replicate_cells(twice, CWConfig(), 0, "selection-id")) == 8
  more = config.dataclasses.replace(PROFILE, replicate=("activation=elu@4", "activation"))   # @N: that entry's seeds
  assert [c.name for c in cells.replicate_cells(more, CWConfig(), 0, "selection-id")][:4] == [
      "replicates/activation=elu/seed=1", "replicates/activation=elu/seed=2", "replicates/activation=elu/seed=3",
      "replicates/activation=sigmoid/seed=1"]


def test_the_replicates_enter_the_claims_and_the_report_as_seeds_of_their_models(written):
  _, text, grid, _ = written
  line = next(x for x in text.splitlines() if x.startswith("Replicates ("))
  assert line.count("over seeds 0, 1, 2") == 13 and line.count("over seeds 0, 1, 2, 3, 4, 5, 6, 7, 8") == 4
  assert "the baselines' sd" in line and "over 10 seeds" in line
  assert "secure: " in line and "input_dropout=0.4: " in line and "optimizer=adadelta: " in line
  rng = np.random.default_rng(3)
  model_cells = [c for c in grid if c.stage != "kappa"] + cells.replicate_cells(PROFILE, CWConfig(), 0, "selection-id")
  model_cells += cells.padding_control_cells(PROFILE, CWConfig(), 0, "selection-id")
  records = [_model_record(c, rng, BASELINE_MEAN) for c in model_cells]
  ours, _ = report.judge_claims(records)
  by_id = {r.claim.id: r for r in ours}
  s1 = by_id["S1"].cells   # the secure model and each input-dropout model: 3 seeds a side, the baselines' sd
  assert [c.test.sides for c in s1] == [(3.0, 3.0), (3.0, 3.0)] and all(c.test.df == 9 for c in s1)
  assert all("secure: 3 seeds, their own sd" in c.note for c in s1)
  # C2: ReLU is the control (the 10 baselines, the reference itself), each other activation 3 seeds
  assert {c.test.sides for c in by_id["C2"].cells} == {(10.0, 3.0)}
  assert all(c.test.from_reference == (True, False) for c in by_id["C2"].cells)
  assert [c.test.sides for c in by_id["C5"].cells] == [(10.0, 9.0), (10.0, 3.0), (10.0, 3.0), (10.0, 9.0),
                                                       (10.0, 9.0), (10.0, 9.0)]   # adadelta .. rmsprop
  assert {c.test.sides for c in by_id["C6"].cells} == {(10.0, 1.0)}   # no replicates: one model as before
  measure = report.ours_measure(records)   # a secure replicate (no axis) joins the secure model only
  assert measure(claims.SECURE).seeds == (0, 1, 2) and measure(("input_dropout", 0.4)).seeds == (0, 1, 2)
  assert measure(("input_dropout", 0.1)).seeds == (0,) and measure(("activation", "elu")).seeds == (0, 1, 2)
  assert len(measure((claims.SAME_PADDING, "pool_size", 2)).seeds) == 3   # the 'same' control LeNets, as before
  # a replicate below 98% is left out of its model (§6.1, per trained model) and the line names it; records carry
  # the run's seed at the top level (0), the model's in the config
  failed = [dict(r, seed=0, result={**r["result"], "excluded": "test accuracy 0.975 < 0.98"})
            if r["name"] == "replicates/secure/seed=1" else dict(r, seed=0) for r in records]
  assert report.ours_measure(failed)(claims.SECURE).seeds == (0, 2)
  line = report.replicates_line(failed)
  assert "secure: " in line and "over seeds 0, 2 (seed(s) 1 below 98% or with CW failures: left out" in line


@pytest.mark.parametrize("entry, message", [
    ("secrue", "unknown axis 'secrue'"), ("activation=swish", "no activation value 'swish'"),
    ("activation=relu", "no activation value 'relu'"),   # the control's value: its seeds are the baselines
    ("filters", "not in --axes"), ("optimizer=adam@", "after '@' write the seeds"),
    ("optimizer=adam@two", "after '@' write the seeds"), ("optimizer@0", "after '@' write the seeds"),
    ("optimizer@\u00b2", "after '@' write the seeds"), ("optimizer=swish@4", "entry 'optimizer=swish@4'")])
def test_a_replicate_entry_naming_no_model_is_a_one_line_error(entry, message):
  from adv_tf.errors import AdvTfError
  cfg = config.dataclasses.replace(config.PROFILES["quick"] if entry == "filters" else PROFILE, replicate=(entry,),
                                   replicate_seeds=2)
  with pytest.raises(AdvTfError, match=message):
    cfg.validate()


def test_the_sequential_looks_judge_their_claims_at_their_look_and_say_so(written):
  """cpu-full's looks (config.CPU_FULL_LOOKS): C5 at its third look is judged at 0.025 / 4, C2 at its second at
  0.025 / 2, a claim without looks at 0.025; the evidence names the look."""
  rng = np.random.default_rng(3)
  model_cells = [c for c in written[2] if c.stage != "kappa"] + cells.replicate_cells(PROFILE, CWConfig(), 0,
                                                                                       "selection-id")
  records = [_model_record(c, rng, BASELINE_MEAN) for c in model_cells]
  by_id = {r.claim.id: r for r in report.judge_claims(records, looks=PROFILE.looks)[0]}
  assert {cid: r.claim.looks for cid, r in by_id.items() if r.claim.looks > 1} == {
      "C1": 2, "S1": 2, "S2": 2, "C2": 2, "C2-6.3": 2, "C5": 3, "C5-6.3": 3}
  assert "sequential: look 3 (its data grew after 2 earlier readings), judged at 0.025/4 = 0.00625" \
      in by_id["C5"].evidence
  assert "sequential: look 2" in by_id["S2"].evidence and "sequential" not in by_id["C3"].evidence
  # the looks reach the verdicts: each claim's cells read as the engine reads them at its look's level
  for cid in ("C5", "S1"):
    once = config.dataclasses.replace(by_id[cid].claim, looks=1)   # the same cells read once, at the look's level
    alone = judge(once, report.ours_measure(records), Rules().at_look(by_id[cid].claim.looks))
    assert by_id[cid].verdict == alone.verdict
    assert [c.status for c in by_id[cid].cells] == [c.status for c in alone.cells]
  paper = {r.claim.id: r for r in report.judge_claims(records, looks=PROFILE.looks)[1]}
  assert paper["C5"].claim.looks == 1   # the published numbers are one reading
  line = report.looks_line(list(by_id.values()))   # the report states the design itself
  assert line.startswith("Sequential design (`--looks`)")
  assert "C1, C2, C2-6.3, S1, S2 at look 2, read at 0.025/2 = 0.0125 per direction" in line
  assert "C5, C5-6.3 at look 3, read at 0.025/4 = 0.00625" in line and "Proschan & Hunsberger" in line
  assert report.looks_line(report.judge_claims(records)[0]) == ""


@pytest.mark.parametrize("entry, message", [("C9=2", "--looks entry 'C9=2': no claim 'C9'"),
                                            ("C5=0", "whole number >= 1"), ("C5", "whole number >= 1")])
def test_a_looks_entry_naming_no_claim_or_no_count_is_a_one_line_error(entry, message):
  from adv_tf.errors import AdvTfError
  from adv_tf.studies.hyperparams.study import HyperparamsStudy
  with pytest.raises(AdvTfError, match=message):
    HyperparamsStudy.profile("cpu-full", looks=(entry,))


def test_the_grid_is_the_profile_the_readme_describes(written):
  _, _, grid, _ = written
  stages = [c.stage for c in grid]
  assert stages.count("baseline") == 10 and stages.count("kappa") == 11 and stages.count("secure") == 1
  # README: 76 model cells (10 baselines, 65 variants, the secure model) and 11 kappa cells.
  assert len(grid) - stages.count("kappa") == 76
  # the four models with more filters than the control (hours each on a CPU) run last, cheapest first, after the
  # secure model and the kappa sweep, so that a part-way run has every other cell before them
  assert [c.name for c in grid[-4:]] == ["filters=64/128", "filters=128/256", "filters=256/512", "filters=512/1024"]
  assert grid[-5].name == "kappa=10" and grid[-16].name == "secure"
  assert PROFILE.train_profile == "long"   # up to 50 epochs: the slow learners (sigmoid) reach 98%


def test_every_claim_is_judged_from_the_full_grid(written):
  out, text, _, _ = written
  got = {c["claim"]: c for c in json.loads((out / "claims.json").read_text())["claims"]}
  assert set(got) == {c.id for c in claims.CLAIMS}
  not_judged = {cid: c["verdict"] for cid, c in got.items() if "not run" in c["verdict"] or "partial" in c["verdict"]
                or "not testable" in c["verdict"]}
  assert not_judged == {}
  assert got["S3"]["verdict"] == "this model: holds"    # per-pair pixel counts: one secure model, one baseline
  assert "Padding control: the 'same'-padded control LeNets' mean distance" in text and "over 3 seed(s)" in text
  assert "INCOMPLETE" not in text and "Not run in this profile" not in text
  # constructed records carry no kappa.npz arrays: Fig. 11 is not drawn, and the report says so
  assert "Fig. 11 (the adversarial examples per kappa) is not drawn" in text


def test_tables_and_figures_cover_every_axis(written):
  out, _, grid, grids = written
  for name in ("table5_network_distances.csv", "table6_optimizer_distances.csv"):
    rows = list(csv.DictReader((out / name).open()))
    assert rows and all(r["ours_mean"] and r["note"] != "not run" for r in rows), name   # every paper row measured
  drawn = {p.name for p in (out / "figures").iterdir() if p.stat().st_size > 0}
  assert {"fig6_average_distances.png", "fig7_best_estimate_distances.png"} <= drawn
  assert {f"mean_distance_{axis}.png" for axis in ("activation", "kernel_size", "pool_size", "optimizer")} <= drawn
  # one heat-map grid per axis plus the baselines and the secure model: every model cell's matrix in one of them
  assert set(grids) == {f"class_distances_{a}.png" for a in (*PROFILE.axes, "baselines", "secure", "padding_control",
                                                            "replicates")}
  assert grids["class_distances_padding_control.png"] == [
      "padding=same/baseline/seed=0", "padding=same/baseline/seed=1", "padding=same/baseline/seed=2",
      "padding=same/pool_size=3"]
  assert len(grids["class_distances_replicates.png"]) == 50
  main = {name: names for name, names in grids.items()
          if name not in ("class_distances_padding_control.png", "class_distances_replicates.png")}
  assert sorted(n for names in main.values() for n in names) == sorted(c.name for c in grid if c.stage != "kappa")
  assert len((out / "results.csv").read_text().splitlines()) == 1 + 76 + 11 + 4 + 50


def test_a_part_way_run_says_its_unmeasured_cells_may_still_come(written, tmp_path, monkeypatch):
  out, _, grid, _ = written
  complete = json.loads((out / "claims.json").read_text())["claims"]
  assert not any("part-way run" in c["evidence"] for c in complete)
  monkeypatch.setattr(figures, "class_distance_grid", lambda *a, **k: None)
  rng = np.random.default_rng(1)
  first = [_model_record(c, rng, BASELINE_MEAN) for c in grid[:3]]            # three baselines so far
  meta = {"profile": "cpu-full", "seed": 0, "not_run": [],
          "completeness": {"missing": [c.name for c in grid[3:]], "lines": []}}
  report.write_report(tmp_path, _selection(rng), first, meta)
  got = json.loads((tmp_path / "claims.json").read_text())["claims"]
  assert [c["verdict"] for c in got if "part-way run" not in c["evidence"]] == []
  assert f"{len(grid) - 3} cell(s) of this profile's grid have no record yet" in got[0]["evidence"]


def test_a_part_way_trend_is_partial_and_says_its_other_values_may_still_come(written, tmp_path, monkeypatch):
  # The baselines and two of the five input-dropout variants recorded: C1's trend is fitted through 0.0, 0.1 and
  # 0.2 and reads "partial", and its evidence says the rest of the run may bring the other values.
  out, _, grid, _ = written
  monkeypatch.setattr(figures, "class_distance_grid", lambda *a, **k: None)
  rng = np.random.default_rng(2)
  kept = [c for c in grid if c.stage == "baseline" or c.name in ("input_dropout=0.1", "input_dropout=0.2")]
  assert len(kept) == 12
  first = [_model_record(c, rng, BASELINE_MEAN) for c in kept]
  meta = {"profile": "cpu-full", "seed": 0, "not_run": [],
          "completeness": {"missing": [c.name for c in grid if c not in kept], "lines": []}}
  report.write_report(tmp_path, _selection(rng), first, meta)
  c1 = next(c for c in json.loads((tmp_path / "claims.json").read_text())["claims"] if c["claim"] == "C1")
  assert c1["verdict"].endswith("partial (tested against: 0.0, 0.1, 0.2)") and "part-way run" in c1["evidence"]
