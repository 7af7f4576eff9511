"""The paper-000 study as a StudyDef: prepare (stored images once), one sharded stage `models`, report."""
from __future__ import annotations

import pathlib

from adv_tf.experiment.study import Stage, StudyRun
from adv_tf.report.base import REPORTS
from adv_tf.studies.dataset_properties import cells, config
from adv_tf.studies.dataset_properties import run as cell_runs
from adv_tf.studies.dataset_properties.config import NAME


class DatasetPropertiesStudy:
  """Paper 000: how input size and contrast change attack and defense success."""
  name = NAME
  config_class = config.DatasetPropertiesConfig

  def prepare(self, run: StudyRun) -> None:
    cell_runs.prepare(run)

  def stages(self, cfg: config.DatasetPropertiesConfig) -> list[Stage]:
    return [Stage(stage, lambda run, s=stage: cells.BUILDERS[s](run.config), cell_runs.RUNNERS[stage],
                  result_schema=cell_runs.RESULT_SCHEMAS[stage]) for stage in cells.STAGES]

  def report(self, run: StudyRun) -> pathlib.Path:
    from adv_tf.studies.dataset_properties import report  # noqa: F401  (registers the report)
    return REPORTS.get(NAME)().write(run)
