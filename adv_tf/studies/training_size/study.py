"""The paper-004 study: prepare (the nested training subsets), one sharded stage "models" (one cell per
family x size x seed: train, accuracy, attacks on the fixed pool), report (aggregates over the cells)."""
from __future__ import annotations

from adv_tf.experiment.study import Stage, Study, StudyRun
from adv_tf.studies.training_size import cells as cells_lib
from adv_tf.studies.training_size import config as config_lib
from adv_tf.studies.training_size import run as run_lib
from adv_tf.studies.training_size.report import TrainingSizeReport


class TrainingSizeStudy(Study):
  """Paper 004: accuracy and robustness vs nested training-subset size."""
  name = "training-size"
  paper = "004"
  Config = config_lib.TrainingSizeConfig
  PROFILES = config_lib.PROFILES
  Report = TrainingSizeReport

  def prepare(self, run: StudyRun) -> None:
    run.resources["data"] = run_lib.prepare(run.config, run.data_dir)

  def stages(self, config) -> list[Stage]:
    return [Stage("models", build_cells=lambda run: cells_lib.build_cells(run.config), run_cell=_run_cell, subdir="",
                  result_schema=run_lib.RESULT_SCHEMA)]


def _run_cell(cell, ctx, run: StudyRun) -> dict:
  return run_lib.run_cell(dict(cell.config), run.resources["data"], run.config, run.model_cache,
                          strategy=run.strategy, log=ctx.log)
