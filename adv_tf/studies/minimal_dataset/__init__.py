"""Paper 001 (minimally identifiable dataset): config, stages, proxy selection, attacks, published numbers, report.

Registers the study `minimal-dataset` and its profiles `minimal-dataset/quick`, `/cpu-full`, `/paper`. Run it
with `python -m experiments.minimal_dataset --profile=quick` (or `make reproduce-minimal-dataset`).
"""
from __future__ import annotations

from adv_tf.experiment.study import register_study
from adv_tf.studies.minimal_dataset import config  # noqa: F401  (registers the profiles)
from adv_tf.studies.minimal_dataset.report import NAME
from adv_tf.studies.minimal_dataset.study import MinimalDatasetStudy

STUDY = register_study(MinimalDatasetStudy())


def main() -> None:
  """Console entry point `adv-tf-minimal-dataset`."""
  from adv_tf.experiment import cli
  cli.main(NAME)
