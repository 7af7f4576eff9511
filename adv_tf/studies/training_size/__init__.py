"""Study `training-size` (paper 004): accuracy and robustness vs nested training-subset size.

Registers the study and its profiles quick / cpu-full / paper. One sharded stage "models" (one cell per
family x size x seed: train, accuracy, attacks on the fixed pool); the report aggregates over the cells.
"""
from __future__ import annotations

import pathlib

from adv_tf.experiment.study import Stage, StudyRun, register_config, register_study
from adv_tf.studies.training_size import cells as cells_lib
from adv_tf.studies.training_size import config as config_lib
from adv_tf.studies.training_size import report as report_lib
from adv_tf.studies.training_size import run as run_lib

NAME = "training-size"


class TrainingSizeStudy:
  """StudyDef of paper 004 (see the package docstring)."""
  name = NAME
  config_class = config_lib.TrainingSizeConfig

  def prepare(self, run: StudyRun) -> None:
    run.resources["data"] = run_lib.prepare(run.config, run.data_dir)

  def stages(self, config) -> list[Stage]:
    return [Stage("models", build_cells=lambda run: cells_lib.build_cells(run.config), run_cell=_run_cell, subdir="",
                  result_schema=run_lib.RESULT_SCHEMA)]

  def report(self, run: StudyRun) -> pathlib.Path:
    return report_lib.REPORTS.get(NAME).write(run)


def _run_cell(cell, ctx, run: StudyRun) -> dict:
  return run_lib.run_cell(dict(cell.config), run.resources["data"], run.config, run.model_cache,
                          strategy=run.strategy, log=ctx.log)


STUDY = register_study(TrainingSizeStudy())
for _profile, _config in config_lib.PROFILE_CONFIGS.items():
  register_config(f"{NAME}/{_profile}", _config)


def main() -> None:
  """Console entry point `adv-tf-training-size`."""
  from adv_tf.experiment import cli
  cli.main(NAME)
