"""minimal_linf at the study's resolution: both ends of the final interval and the resolution are reported."""
from __future__ import annotations

import keras
import numpy as np
import pytest

from adv_tf.attacks.gradient import pgd_arrays
from adv_tf.attacks.minimal import minimal_linf
from adv_tf.studies.training_size.run import bisection_steps


def _linear_model():
  keras.utils.set_random_seed(0)
  inputs = keras.Input((4, 4, 1))
  logits = keras.layers.Dense(3)(keras.layers.Flatten()(inputs))
  return keras.Model(inputs, logits)


def test_tolerance_sets_the_resolution_and_the_interval():
  model = _linear_model()
  rng = np.random.default_rng(0)
  x = rng.uniform(0.3, 0.7, (8, 4, 4, 1)).astype(np.float32)
  y = np.argmax(model.predict(x, verbose=0), axis=1)
  res = minimal_linf(model, x, y, bisection_steps=bisection_steps(1e-4))
  assert res.info["bisection_steps"] == 14 and res.info["resolution"] == pytest.approx(2 ** -14)
  lo, hi = res.info["eps_lower"], res.info["eps_min"]
  found = np.isfinite(hi)
  assert found.all()
  assert np.all(hi - lo <= res.info["resolution"] + 1e-7) and np.all(lo < hi)
  assert res.success.all() and np.all(res.linf <= hi + 1e-6)  # the reported end succeeds
  _, pred = pgd_arrays(model, x, y, eps=lo, eps_iter=lo / 10, nb_iter=10, rand_init=False, clip_min=0.0,
                       clip_max=1.0, with_pred=True)
  assert np.all(pred[lo > 0] == y[lo > 0])  # the lower end failed


def test_bisection_steps_for_a_tolerance():
  assert bisection_steps(1e-4) == 14 and bisection_steps(1e-3) == 10 and 2.0 ** -bisection_steps(1e-4) <= 1e-4
