"""Refuse probability outputs where an attack needs logits (CW's margin loss, DeepFool's linearization).

Carlini & Wagner (2017, Sec. V-A) define the loss f on the logits Z: on softmax outputs the margin is
squashed into [-1, 1] and the attack stalls or reports distances of another model. DeepFool (Moosavi-
Dezfooli et al. 2016, Sec. 3) linearizes the classifier's scores the same way. FGSM, BIM, PGD and DGSM take
the cross-entropy of the outputs as logits: on probabilities it is the loss of a second softmax, whose gradient
vanishes as the first saturates (a weaker attack that reports no error). All of them call `require_logits` before
any work.
"""
from __future__ import annotations

import numpy as np

from adv_tf.errors import AdvTfError

_PROBE = 8  # examples of the input batch used for the output check
_SUM_TOLERANCE = 1e-3


def _final_activation_name(model) -> str | None:
  """The name of the last layer's activation (a Softmax layer counts as 'softmax'), if any."""
  layers = getattr(model, "layers", None)
  if not layers:
    return None
  last = layers[-1]
  if type(last).__name__ == "Softmax":
    return "softmax"
  activation = getattr(last, "activation", None)
  return getattr(activation, "__name__", None)


def require_logits(model, x, attack_name: str) -> None:
  """Raises AdvTfError if `model` ends in a softmax or its outputs on `x[:8]` look like probabilities.

  Outputs count as probabilities when every probed row is non-negative and sums to 1 (within 1e-3):
  logits almost never do both.
  """
  while hasattr(model, "defense") and hasattr(model, "model"):   # a defended model (`defenses.base`): its outputs
    model = model.model   # are logits exactly when its model's are; probing it would draw from its random generator
  if _final_activation_name(model) == "softmax":
    raise AdvTfError(f"{attack_name} needs a model that outputs logits, but its last layer applies softmax; "
                     "build the model without the final softmax (e.g. Dense(num_classes) with no activation)")
  probe = np.asarray(x[:_PROBE], np.float32)
  if not len(probe):
    return
  try:
    out = model(probe, training=False)
  except TypeError:
    out = model(probe)
  out = np.asarray(out, np.float64)
  if out.ndim == 2 and out.shape[1] > 1 and (out >= 0).all() and \
      np.allclose(out.sum(axis=1), 1.0, atol=_SUM_TOLERANCE):
    raise AdvTfError(f"{attack_name} needs a model that outputs logits, but its outputs are non-negative and sum "
                     "to 1 (probabilities); pass the model without its final softmax")
