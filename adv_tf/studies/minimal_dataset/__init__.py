"""Paper 001 (minimally identifiable dataset): config, stages, proxy selection, attacks, published numbers, report.

The study is `study.MinimalDatasetStudy`. Run it with `python -m experiments.minimal_dataset --profile=quick` (or
`make reproduce-minimal-dataset`, or the `adv-tf-minimal-dataset` entry point).
"""
from __future__ import annotations


def main() -> None:
  """Console entry point `adv-tf-minimal-dataset`."""
  from adv_tf.experiment import cli
  from adv_tf.studies.minimal_dataset.study import MinimalDatasetStudy
  cli.main(MinimalDatasetStudy())
