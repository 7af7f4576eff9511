"""Paper 004 (training-set size vs accuracy and robustness): config, splits, cells, analysis, verdicts, report.

The study is `study.TrainingSizeStudy`. Run it with `python -m experiments.training_size --profile=quick` (or
`make reproduce-training-size`, or the `adv-tf-training-size` entry point).
"""
from __future__ import annotations


def main() -> None:
  """Console entry point `adv-tf-training-size`."""
  from adv_tf.experiment import cli
  from adv_tf.studies.training_size.study import TrainingSizeStudy
  cli.main(TrainingSizeStudy())
