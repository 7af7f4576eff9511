"""Paper 003 (Imagenette: FGSM/DGSM vs WRN and GoogLeNet; perturbed prediction averaging, adversarial training).

The study is `study.ImagenetteDefensesStudy`. Run it with `python -m experiments.imagenette_defenses
--profile=quick` (or `make reproduce-imagenette-defenses`, or the `adv-tf-imagenette-defenses` entry point).
"""
from __future__ import annotations


def main() -> None:
  """Console entry point `adv-tf-imagenette-defenses`."""
  from adv_tf.experiment import cli
  from adv_tf.studies.imagenette_defenses.study import ImagenetteDefensesStudy
  cli.main(ImagenetteDefensesStudy())
