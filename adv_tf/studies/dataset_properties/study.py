"""The paper-000 study: prepare (stored images once), the sharded stages `models` and `recipe_control` (the
training-recipe control, cpu-full), report."""
from __future__ import annotations

from adv_tf.experiment.study import Stage, Study, StudyRun, table_stages
from adv_tf.studies.dataset_properties import cells, config
from adv_tf.studies.dataset_properties import run as cell_runs
from adv_tf.studies.dataset_properties.report import DatasetPropertiesReport


class DatasetPropertiesStudy(Study):
  """Paper 000: how input size and contrast change attack and defense success."""
  name = config.NAME
  paper = "000"
  Config = config.DatasetPropertiesConfig
  PROFILES = config.PROFILES
  Report = DatasetPropertiesReport

  def prepare(self, run: StudyRun) -> None:
    cell_runs.prepare(run)

  def stages(self, cfg: config.DatasetPropertiesConfig) -> list[Stage]:
    return table_stages(cells.STAGES, cells.BUILDERS, cell_runs.RUNNERS, cell_runs.RESULT_SCHEMAS)
