"""Paper 002 (hyperparameters vs adversarial distance): config, grid, cells, published numbers, report.

Registers the study `hyperparams` and its profiles `hyperparams/quick`, `hyperparams/cpu-full`,
`hyperparams/paper`. Run it with `python -m experiments.hyperparams` or `adv-tf-hyperparams`.
"""
from __future__ import annotations

from adv_tf.experiment.study import register_study
from adv_tf.studies.hyperparams import config  # noqa: F401  (registers the profiles)
from adv_tf.studies.hyperparams.study import NAME, HyperparamsStudy

STUDY = register_study(HyperparamsStudy())


def main() -> None:
  """Console entry point `adv-tf-hyperparams`."""
  from adv_tf.experiment import cli
  cli.main(NAME)
