"""`adv-tf-evaluate`: the papers' battery on any Keras classifier (issue 24).

    adv-tf-evaluate --model=lenet.keras --dataset=mnist --input_range=-0.5,0.5 --profile=quick

or, in a notebook, `from adv_tf.evaluate import evaluate; evaluate(model, "mnist", input_range=(-0.5, 0.5))`.
The model and images are checked before any attack (`checks.py`); the cells (`cells.py`) run on the studies' CLI
machinery (records, resume, shards; `study.py`) and report.md follows the suite's format (`report.py`). It is not a
study of `adv_tf.studies.STUDIES`: it reproduces no paper and judges no claim.
"""
from __future__ import annotations

from adv_tf.evaluate.api import evaluate


def main() -> None:
  """Console entry point `adv-tf-evaluate`."""
  from adv_tf.evaluate.study import EvaluateStudy
  from adv_tf.experiment import cli
  cli.main(EvaluateStudy())
