"""Paper 002 (hyperparameters vs adversarial distance): config, grid, cells, published numbers, report.

The study is `study.HyperparamsStudy`. Run it with `python -m experiments.hyperparams --profile=quick` (or
`make reproduce-hyperparams`, or the `adv-tf-hyperparams` entry point).
"""
from __future__ import annotations


def main() -> None:
  """Console entry point `adv-tf-hyperparams`."""
  from adv_tf.experiment import cli
  from adv_tf.studies.hyperparams.study import HyperparamsStudy
  cli.main(HyperparamsStudy())
