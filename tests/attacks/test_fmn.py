"""FMN-L2 (`adv_tf.attacks.fmn`): the closed-form minimal distance of a linear model, with and without kappa.

(Foolbox 3.3's L2FMNAttack cannot serve as an oracle here: it calls np.find_common_type, removed in NumPy 2.)
"""
from __future__ import annotations

import keras
import numpy as np
import pytest

from adv_tf.attacks.fmn import fmn_l2


def _linear_two_class(seed: int = 0):
  """A linear 2-class model on 6x6 images with small weights, so the minimal perturbation stays in the box."""
  rng = np.random.default_rng(seed)
  inp = keras.Input((6, 6, 1))
  dense = keras.layers.Dense(2)
  model = keras.Model(inp, dense(keras.layers.Flatten()(inp)))
  w = rng.normal(0.0, 0.3, (36, 2)).astype(np.float32)
  dense.set_weights([w, np.array([1.0, -1.0], np.float32)])
  return model, w


@pytest.mark.parametrize("kappa", [0.0, 0.5])
def test_linear_model_reaches_the_closed_form_minimum(kappa):
  """Targeted at class 1 from x = 0.5: the minimal L2 is (kappa - m(x)) / ||w_1 - w_0|| with m = z_1 - z_0."""
  model, w = _linear_two_class()
  x = np.full((3, 6, 6, 1), 0.5, np.float32)
  x[1] += 0.05
  x[2] -= 0.05
  logits = np.asarray(model(x, training=False))
  direction = w[:, 1] - w[:, 0]
  closed_form = (kappa - (logits[:, 1] - logits[:, 0])) / np.linalg.norm(direction)
  assert (closed_form > 0).all()
  # The straight-line minimizer stays inside [0, 1], so the box does not change the minimum.
  step = closed_form[:, None] * direction[None] / np.linalg.norm(direction)
  assert (np.abs(x.reshape(3, -1) + step - 0.5) < 0.5).all()
  out = fmn_l2(model, x, np.ones(3, np.int32), targeted=True, confidence=kappa, steps=200)
  assert out["found"].all()
  l2 = np.linalg.norm((out["x_adv"] - x).reshape(3, -1), axis=1)
  assert (l2 >= closed_form * (1 - 1e-4)).all(), (l2, closed_form)  # nothing beats the minimum
  assert (l2 <= closed_form * 1.01).all(), (l2, closed_form)
  margin = np.diff(np.asarray(model(out["x_adv"], training=False)), axis=1)[:, 0]
  assert (margin > kappa - 1e-4).all()

