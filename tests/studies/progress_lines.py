"""What a study's run prints while it trains (tests of its end-to-end runs): the cells that ran, and the cells
whose trainings reported their first epoch (`adv_tf.experiment.throttled` always passes that line on)."""
from __future__ import annotations

import re


def cells_run(out: str) -> set[str]:
  """Names of the cells the runner started ("[k/N] name (stage, id ...) ...")."""
  return set(re.findall(r"^\[\d+/\d+\] (.+?) \(", out, flags=re.M))


def cells_that_trained(out: str) -> set[str]:
  """Names of the cells with at least one "epoch 1/N: ..." progress line (a training began)."""
  return set(re.findall(r"^\s+\[(.+?)\] (?:retraining )?epoch 1/\d+: ", out, flags=re.M))
