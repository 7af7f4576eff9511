"""The paper-002 study as a StudyDef: prepare (data, trainer), stages (selection, cells), report.

Stages: the best-estimate selection (§4.4) runs unsharded in `<output_dir>/selection/` (every shard needs the
same 10 samples), then the grid's cells (sharded) in `<output_dir>/`; the report uses only the records of
this run's settings (the selection id names all of them), so a folder that also holds a smoke run or other
CW settings never mixes them into one table.
"""
from __future__ import annotations

import pathlib

from adv_tf.experiment.runner import Cell
from adv_tf.experiment.study import Stage, StudyRun
from adv_tf.report.base import REPORTS
from adv_tf.studies.hyperparams import cells, config, data, models
from adv_tf.studies.hyperparams import run as cell_runs
from adv_tf.studies.hyperparams.report import CELLS, NAME, SELECTION


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
    return [cells.selection_cell(run.config, run.seed)]

  def _run_selection(self, cell: Cell, ctx, run: StudyRun) -> dict:
    return cell_runs.run_selection(ctx, trainer=run.resources["trainer"], data=run.resources["data"],
                                   profile=run.config, cw=run.config.cw, seed=run.seed)

  def _grid_cells(self, run: StudyRun) -> list[Cell]:
    cfg = run.config
    return cells.build_cells(cfg, cfg.axes, cfg.cw, run.seed, cells.selection_cell(cfg, run.seed).id,
                             cfg.num_baseline_models, cfg.kappas)

  def _best(self, run: StudyRun):
    if "best" not in run.resources:
      selection = cells.record_for(run.records.get(SELECTION, []), cells.selection_cell(run.config, run.seed).id)
      run.resources["best"] = cell_runs.best_samples_from_selection(run.resources["data"], selection["result"])
    return run.resources["best"]

  def _run_grid_cell(self, cell: Cell, ctx, run: StudyRun) -> dict:
    runner = cell_runs.make_cell_runner(trainer=run.resources["trainer"], best=self._best(run), cw=run.config.cw)
    return runner(cell, ctx)

  # ------------------------------------------------------------------------------------------- report

  def report(self, run: StudyRun) -> pathlib.Path:
    return REPORTS.get(NAME)().write(run)
