"""Paper 000 (intrinsic dataset properties: input size and contrast): config, cells, runs, published numbers,
claims, report.

Registers the study `dataset-properties` and its profiles `dataset-properties/quick`, `/cpu-full`, `/paper`. Run
it with `python -m experiments.dataset_properties --profile=quick` (or `make reproduce-dataset-properties`).
"""
from __future__ import annotations

from adv_tf.experiment.study import register_study
from adv_tf.studies.dataset_properties import config  # noqa: F401  (registers the profiles)
from adv_tf.studies.dataset_properties.config import NAME
from adv_tf.studies.dataset_properties.study import DatasetPropertiesStudy

STUDY = register_study(DatasetPropertiesStudy())


def main() -> None:
  """Console entry point `adv-tf-dataset-properties`."""
  from adv_tf.experiment import cli
  cli.main(NAME)
