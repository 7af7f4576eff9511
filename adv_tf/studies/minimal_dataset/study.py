"""The paper-001 study: prepare (MNIST, distorted once), stages, report.

Stages (see `cells`): `selection` and `calibration` run whole in every process before `models`, which is
sharded; each stage writes to `<output_dir>/<stage>/`.
"""
from __future__ import annotations

from adv_tf.experiment.study import Stage, Study, StudyRun, table_stages
from adv_tf.studies.minimal_dataset import cells, config
from adv_tf.studies.minimal_dataset import run as cell_runs
from adv_tf.studies.minimal_dataset.report import NAME, MinimalDatasetReport


class MinimalDatasetStudy(Study):
  """Paper 001: are models trained on a minimally identifiable MNIST more robust to FGSM and CW?"""
  name = NAME
  paper = "001"
  Config = config.MinimalDatasetConfig
  PROFILES = config.PROFILES
  Report = MinimalDatasetReport

  def prepare(self, run: StudyRun) -> None:
    cell_runs.prepare(run)

  def stages(self, cfg: config.MinimalDatasetConfig) -> list[Stage]:
    return table_stages(cells.STAGES, cells.BUILDERS, cell_runs.RUNNERS, cell_runs.RESULT_SCHEMAS,
                        unsharded=("selection", "calibration"))
