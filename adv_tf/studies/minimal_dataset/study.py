"""The paper-001 study as a StudyDef: prepare (MNIST, distorted once), stages, report.

Stages (see `cells`): `selection` and `calibration` run whole in every process before `models`, which is
sharded; each stage writes to `<output_dir>/<stage>/`.
"""
from __future__ import annotations

import pathlib

from adv_tf.experiment.study import Stage, StudyRun
from adv_tf.report.base import REPORTS
from adv_tf.studies.minimal_dataset import cells, config
from adv_tf.studies.minimal_dataset import run as cell_runs
from adv_tf.studies.minimal_dataset.report import NAME


class MinimalDatasetStudy:
  """Paper 001: are models trained on a minimally identifiable MNIST more robust to FGSM and CW?"""
  name = NAME
  config_class = config.MinimalDatasetConfig

  def prepare(self, run: StudyRun) -> None:
    cell_runs.prepare(run)

  def stages(self, cfg: config.MinimalDatasetConfig) -> list[Stage]:
    return [Stage(stage, lambda run, s=stage: cells.BUILDERS[s](run.config), cell_runs.RUNNERS[stage],
                  sharded=stage == "models", result_schema=cell_runs.RESULT_SCHEMAS[stage]) for stage in cells.STAGES]

  def report(self, run: StudyRun) -> pathlib.Path:
    return REPORTS.get(NAME)().write(run)
