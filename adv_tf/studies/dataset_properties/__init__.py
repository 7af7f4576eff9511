"""Paper 000 (intrinsic dataset properties: input size and contrast): config, cells, runs, published numbers,
claims, report.

The study is `study.DatasetPropertiesStudy`. Run it with `python -m experiments.dataset_properties --profile=quick` (or
`make reproduce-dataset-properties`, or the `adv-tf-dataset-properties` entry point).
"""
from __future__ import annotations


def main() -> None:
  """Console entry point `adv-tf-dataset-properties`."""
  from adv_tf.experiment import cli
  from adv_tf.studies.dataset_properties.study import DatasetPropertiesStudy
  cli.main(DatasetPropertiesStudy())
