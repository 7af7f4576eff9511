"""FMN-L2 (`adv_tf.attacks.fmn`): the closed-form distance of a linear model, and Foolbox's L2FMNAttack."""
from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

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


@pytest.mark.parametrize("kappa", [0.0, 2.0])
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


def test_not_worse_than_foolbox_l2fmn_per_example(mnist_model, mnist_arrays):
  """Foolbox's L2FMNAttack (same algorithm; ours also overshoots the linear boundary estimate by gamma_0
  before the first adversarial, so it cannot stall outside the boundary): per example, ours is within 2%
  of Foolbox's distance or better, and finds an adversarial wherever Foolbox does."""
  import foolbox as fb
  x, y = mnist_arrays["x_test"][:100], mnist_arrays["y_test"][:100]
  keep = np.flatnonzero(np.argmax(mnist_model.predict(x, verbose=0), axis=1) == y)[:8]
  x, y = x[keep], y[keep].astype(np.int32)
  ours = fmn_l2(mnist_model, x, y, targeted=False, steps=100)
  fmodel = fb.TensorFlowModel(mnist_model, bounds=(0.0, 1.0))
  theirs = fb.attacks.L2FMNAttack(steps=100).run(fmodel, tf.constant(x), fb.criteria.Misclassification(
      tf.constant(y))).numpy()
  theirs_ok = np.argmax(np.asarray(mnist_model(theirs, training=False)), axis=1) != y
  ours_ok = np.argmax(np.asarray(mnist_model(ours["x_adv"], training=False)), axis=1) != y
  assert (ours_ok >= theirs_ok).all()
  l2_ours = np.linalg.norm((ours["x_adv"] - x).reshape(len(x), -1), axis=1)
  l2_theirs = np.linalg.norm((theirs - x).reshape(len(x), -1), axis=1)
  print("ours/foolbox", np.round(l2_ours[theirs_ok] / l2_theirs[theirs_ok], 4))
  assert (l2_ours[theirs_ok] <= l2_theirs[theirs_ok] * 1.02).all()
