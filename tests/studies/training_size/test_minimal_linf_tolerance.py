"""minimal_linf: `tolerance` sets the bisection resolution; both ends of the final interval are reported."""
from __future__ import annotations

import keras
import numpy as np
import pytest

from adv_tf.attacks.gradient import pgd_arrays
from adv_tf.attacks.minimal import minimal_linf
from adv_tf.errors import AdvTfError


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
  res = minimal_linf(model, x, y, tolerance=1e-4)
  assert res.info["bisection_steps"] == 14 and res.info["resolution"] == pytest.approx(2 ** -14)
  lo, hi = res.info["eps_lower"], res.info["eps_min"]
  found = np.isfinite(hi)
  assert found.all()
  assert np.all(hi - lo <= res.info["resolution"] + 1e-7) and np.all(lo < hi)
  assert res.success.all() and np.all(res.linf <= hi + 1e-6)  # the reported end succeeds
  _, pred = pgd_arrays(model, x, y, eps=lo, eps_iter=lo / 10, nb_iter=10, rand_init=False, clip_min=0.0,
                       clip_max=1.0, with_pred=True)
  assert np.all(pred[lo > 0] == y[lo > 0])  # the lower end failed


def test_tolerance_out_of_range():
  model = _linear_model()
  x = np.zeros((1, 4, 4, 1), np.float32)
  with pytest.raises(AdvTfError, match="tolerance"):
    minimal_linf(model, x, np.zeros(1, np.int64), tolerance=2.0)
