"""Paper 003 (Imagenette: FGSM/DGSM vs WRN and GoogLeNet; perturbed prediction averaging, adversarial training).

Registers the study `imagenette-defenses` and its profiles `imagenette-defenses/quick`, `/cpu-full`, `/paper`.
Run it with `python -m experiments.imagenette_defenses` or `adv-tf-imagenette-defenses`.
"""
from __future__ import annotations

from adv_tf.experiment.study import register_study
from adv_tf.studies.imagenette_defenses import (
  config,  # noqa: F401  (registers the profiles)
  report,  # noqa: F401  (registers the report)
)
from adv_tf.studies.imagenette_defenses.config import NAME
from adv_tf.studies.imagenette_defenses.study import ImagenetteDefensesStudy

STUDY = register_study(ImagenetteDefensesStudy())


def main() -> None:
  """Console entry point `adv-tf-imagenette-defenses`."""
  from adv_tf.experiment import cli
  cli.main(NAME)
