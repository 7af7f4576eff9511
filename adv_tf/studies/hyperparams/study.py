"""The paper-002 study as a StudyDef: prepare (data, trainer), stages (selection, cells), report.

Stages: the best-estimate selection (§4.4) runs unsharded in `<output_dir>/selection/` (every shard needs the
same 10 samples), then the grid's cells (sharded) in `<output_dir>/`; the report uses only the records of
this run's settings (the selection id names all of them), so a folder that also holds a smoke run or other
CW settings never mixes them into one table.
"""
from __future__ import annotations

import dataclasses
import datetime
import pathlib
import time
from typing import Any

from adv_tf.errors import AdvTfError
from adv_tf.experiment.runner import Cell
from adv_tf.experiment.study import Stage, StudyRun
from adv_tf.studies.hyperparams import cells, config, data, models, report
from adv_tf.studies.hyperparams import run as cell_runs

NAME = "hyperparams"
SELECTION = "selection"
CELLS = "cells"


def run_settings(cfg: config.HyperparamsConfig) -> dict:
  """Run-wide settings that change results; part of the selection's identity."""
  return {"target_accuracy": cfg.target_accuracy, "max_epochs": cfg.max_epochs, "train_take": cfg.train_take,
          "test_take": cfg.test_take, "dataset": "mnist", "pixel_range": list(config.PIXEL_RANGE)}


def selection_cell(cfg: config.HyperparamsConfig, seed: int) -> Cell:
  return Cell("best_estimate_selection", cells.selection_cell_config(cfg, cfg.cw, seed, run_settings(cfg)),
              stage="selection")


def _record_for(records, cell_id):
  for record in records:
    if record["id"] == cell_id:
      return record
  raise AdvTfError("no best-estimate selection was recorded with these settings in --output_dir; run "
                   "without --report_only (with the flags of the run you want reported)")


class HyperparamsStudy:
  """Paper 002: LeNet hyperparameters vs targeted CW-L2 class distances on MNIST."""
  name = NAME
  config_class = config.HyperparamsConfig

  def prepare(self, run: StudyRun) -> None:
    cfg = run.config
    study_data = data.load_study_data(run.data_dir, train_take=cfg.train_take, test_take=cfg.test_take)
    run.resources["data"] = study_data
    run.resources["trainer"] = models.LeNetTrainer(
        study_data, cache=run.model_cache, train_profile=cfg.train_profile, strategy=run.strategy,
        max_epochs=cfg.max_epochs, target_accuracy=cfg.target_accuracy, verbose=0)

  def stages(self, cfg: config.HyperparamsConfig) -> list[Stage]:
    return [Stage(SELECTION, self._selection_cells, self._run_selection, sharded=False),
            Stage(CELLS, self._grid_cells, self._run_grid_cell, subdir="")]

  # ------------------------------------------------------------------------------------------- stages

  def _selection_cells(self, run: StudyRun) -> list[Cell]:
    return [selection_cell(run.config, run.seed)]

  def _run_selection(self, cell: Cell, ctx, run: StudyRun) -> dict:
    return cell_runs.run_selection(ctx, trainer=run.resources["trainer"], data=run.resources["data"],
                                   profile=run.config, cw=run.config.cw, seed=run.seed)

  def _grid_cells(self, run: StudyRun) -> list[Cell]:
    cfg = run.config
    return cells.build_cells(cfg, cfg.axes, cfg.cw, run.seed, selection_cell(cfg, run.seed).id,
                             cfg.num_baseline_models, cfg.kappas)

  def _best(self, run: StudyRun):
    if "best" not in run.resources:
      selection = _record_for(run.records.get(SELECTION, []), selection_cell(run.config, run.seed).id)
      run.resources["best"] = cell_runs.best_samples_from_selection(run.resources["data"], selection["result"])
    return run.resources["best"]

  def _run_grid_cell(self, cell: Cell, ctx, run: StudyRun) -> dict:
    runner = cell_runs.make_cell_runner(trainer=run.resources["trainer"], best=self._best(run), cw=run.config.cw)
    return runner(cell, ctx)

  # ------------------------------------------------------------------------------------------- report

  def report(self, run: StudyRun) -> pathlib.Path:
    cfg = run.config
    selection_id = selection_cell(cfg, run.seed).id
    selection = _record_for(run.records.get(SELECTION, []), selection_id)
    records = [r for r in run.records.get(CELLS, []) if r["config"].get("selection") == selection_id]
    meta = report_meta(run)
    meta["wall_time"] = (f"{time.time() - run.started:.0f} s this invocation; "
                         f"{sum(r.get('seconds', 0) for r in records + [selection]):.0f} s of cell time in the "
                         "records of this report")
    study_data = run.resources.get("data")
    meta["provenance"] = (getattr(study_data.info, "provenance", None) if study_data is not None else None) \
        or selection["result"].get("data_provenance")
    return report.write_report(run.output_dir, selection, records, meta)


def report_meta(run: StudyRun) -> dict[str, Any]:
  """The report's run section and notes (what the run did and every choice the paper leaves open)."""
  from adv_tf.utils import provenance
  cfg, seed = run.config, run.seed
  meta: dict[str, Any] = {
      "profile": cfg.profile, "seed": seed, "num_baseline_models": cfg.num_baseline_models,
      "samples_per_class": cfg.samples_per_class, "axes": ", ".join(cfg.axes),
      "kappas": ", ".join(f"{k:g}" for k in cfg.kappas), "cw": dataclasses.asdict(cfg.cw),
      "train_preset": f"paper002_lenet ({cfg.train_profile})",
      "strategy": getattr(run.strategy, "__class__", type(None)).__name__ if run.strategy else "report only",
      "versions": provenance.versions(), "data_dir": run.data_dir or "TFDS default",
      "started": datetime.datetime.fromtimestamp(run.started or time.time(), datetime.timezone.utc).isoformat(
          timespec="seconds"),
      "figure_pairs": [list(p) for p in cfg.figure_pairs],
      "notes": [
          "Models that valid padding would leave without a feature map (e.g. pool 6, stride 2) use "
          "'same' padding on every convolution and pooling layer; the `padding` column says which.",
          f"Variants are trained with the study seed ({seed}), so a variant differs from the "
          f"seed-{seed} baseline only in its one hyperparameter (plus padding, see above); the baseline "
          f"value of each axis is that seed-{seed} baseline.",
          "The optimizer axis uses each optimizer's Keras 2 default learning rate (the paper gives none; "
          "SGD keeps 0.01): " + ", ".join(f"{k} {v:g}" for k, v in config.OPTIMIZER_LEARNING_RATES.items()) + ".",
          "Every model is trained until >= 98% MNIST test accuracy (or recorded as not reaching it and "
          "excluded, §6.1); CW runs with the settings above on every model (success rate per row)."]}
  if cfg.target_accuracy != config.TARGET_ACCURACY:
    meta["notes"].append(f"target accuracy {cfg.target_accuracy} instead of the paper's 0.98.")
  if cfg.train_take or cfg.test_take:
    meta["notes"].append(f"SMOKE RUN: train_take={cfg.train_take}, test_take={cfg.test_take}; "
                         "numbers are not comparable with the paper.")
  return meta


