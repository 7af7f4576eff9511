"""The paper-002 study: prepare (data, trainer), stages (selection, cells), report.

Stages: the best-estimate selection (§4.4) runs unsharded in `<output_dir>/selection/` (every shard needs the
same 10 samples), then the grid's cells (sharded) in `<output_dir>/`; the report uses only the records of
this run's settings (the selection id names all of them), so a folder that also holds a smoke run or other
CW settings never mixes them into one table.
"""
from __future__ import annotations

from adv_tf.claims import with_looks
from adv_tf.experiment.runner import Cell
from adv_tf.experiment.study import Stage, Study, StudyRun
from adv_tf.studies.hyperparams import cells, claims, config, data, models, noise
from adv_tf.studies.hyperparams import run as cell_runs
from adv_tf.studies.hyperparams.identity import identity, selection_id, write_identity
from adv_tf.studies.hyperparams.report import CELLS, NAME, SELECTION, HyperparamsReport


class HyperparamsStudy(Study):
  """Paper 002: LeNet hyperparameters vs targeted CW-L2 class distances on MNIST."""
  name = NAME
  paper = "002"
  Config = config.HyperparamsConfig
  PROFILES = config.PROFILES
  Report = HyperparamsReport

  @classmethod
  def check_config(cls, cfg: config.HyperparamsConfig) -> None:
    """--looks names claims of this study, each once, with a count >= 1 (`adv_tf.claims.with_looks`)."""
    with_looks(claims.CLAIMS, cfg.looks, flag="--looks")

  def prepare(self, run: StudyRun) -> None:
    cfg = run.config
    noise.reference(cfg, run.seed)  # a published noise reference of other settings is refused before data loads
    study_data = data.load_study_data(run.data_dir, train_take=cfg.train_take, test_take=cfg.test_take)
    run.resources["data"] = study_data
    run.resources["trainer"] = models.LeNetTrainer(
        study_data, cache=run.model_cache, train_profile=cfg.train_profile, strategy=run.strategy,
        max_epochs=cfg.max_epochs, target_accuracy=cfg.target_accuracy, verbose=0,
        log_dir=run.output_dir / "tensorboard" / "training")
    replicas = int(getattr(run.strategy, "num_replicas_in_sync", 1) or 1)
    run.resources["identity"] = cells.run_identity(
        {"train": study_data.info.identity(), "test": study_data.test_info.identity()}, replicas)
    write_identity(run.output_dir, run.resources["identity"])

  def stages(self, cfg: config.HyperparamsConfig) -> list[Stage]:
    """The selection, the padding control and the replicates when the profile runs them (each its own stage and
    folder: added after the first cpu-full run had begun, they leave the main grid's manifest as it was; the
    replicates before the grid, whose last cells, the larger-filter models, take hours), then the main grid."""
    control = [Stage(cells.PADDING_CONTROL, self._padding_control_cells, self._run_grid_cell,
                     result_schema=cell_runs.GRID_SCHEMA)] if cfg.padding_control else []
    replicated = any(config.replicate_seeds(e, cfg) > 1 for e in cfg.replicate)   # an entry's @N or the flag
    replicates = [Stage(cells.REPLICATES, self._replicate_cells, self._run_grid_cell,
                        result_schema=cell_runs.GRID_SCHEMA)] if replicated else []
    return [Stage(SELECTION, self._selection_cells, self._run_selection, sharded=False,
                  result_schema=cell_runs.SELECTION_SCHEMA), *control, *replicates,
            Stage(CELLS, self._grid_cells, self._run_grid_cell, subdir="", result_schema=cell_runs.GRID_SCHEMA)]

  # ------------------------------------------------------------------------------------------- stages

  def _selection_cells(self, run: StudyRun) -> list[Cell]:
    return cells.selection_cells(run.config, run.seed, identity(run))

  def _run_selection(self, cell: Cell, ctx, run: StudyRun) -> dict:
    return cell_runs.run_selection_class(ctx, cell.config, trainer=run.resources["trainer"],
                                         data=run.resources["data"], cw=run.config.cw)

  def _grid_cells(self, run: StudyRun) -> list[Cell]:
    cfg = run.config
    ident = identity(run)
    return cells.build_cells(cfg, cfg.axes, cfg.cw, run.seed, selection_id(run), cfg.num_baseline_models,
                             cfg.kappas, run=cells.run_settings(cfg), identity=ident)

  def _padding_control_cells(self, run: StudyRun) -> list[Cell]:
    cfg = run.config
    return cells.padding_control_cells(cfg, cfg.cw, run.seed, selection_id(run), run=cells.run_settings(cfg),
                                       identity=identity(run))

  def _replicate_cells(self, run: StudyRun) -> list[Cell]:
    cfg = run.config
    return cells.replicate_cells(cfg, cfg.cw, run.seed, selection_id(run), run=cells.run_settings(cfg),
                                 identity=identity(run))

  def _best(self, run: StudyRun):
    if "best" not in run.resources:
      selection = cells.selection_records(run.records.get(SELECTION, []), selection_id(run))
      run.resources["best"] = cell_runs.best_samples_from_selection(
          run.resources["data"], cell_runs.combine_selection(selection))
    return run.resources["best"]

  def _run_grid_cell(self, cell: Cell, ctx, run: StudyRun) -> dict:
    runner = cell_runs.make_cell_runner(trainer=run.resources["trainer"], best=self._best(run), cw=run.config.cw)
    return runner(cell, ctx)
