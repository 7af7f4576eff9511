"""FGSM from one gradient sign equals CleverHans' FGSM at every eps; the weak-CW calibration picks the nearest."""
from __future__ import annotations

import keras
import numpy as np
import pytest

from adv_tf.attacks import attack
from adv_tf.studies.minimal_dataset import evaluation
from tests.studies.minimal_dataset.conftest import generated_digits


@pytest.fixture(scope="module")
def small_model():
  keras.utils.set_random_seed(0)
  model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                            keras.layers.Flatten(), keras.layers.Dense(10)])
  x, y = generated_digits(256, 0)
  model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
  model.fit(x, y, epochs=1, batch_size=32, verbose=0)
  return model


def test_fgsm_sweep_equals_cleverhans_fgsm_at_each_eps(small_model):
  x, y = generated_digits(64, 1)
  sweep = evaluation.fgsm_sweep(small_model, x, y, (0.05, 0.3))
  for eps in (0.05, 0.3):
    reference = attack("fgsm", small_model, x, y, eps=eps)
    ours = np.clip(x + np.float32(eps) * sweep["sign"], 0, 1)
    np.testing.assert_allclose(ours, reference.x_adv, atol=1e-6)
    assert sweep["accuracy"][f"{eps:g}"] == pytest.approx(float(np.mean(~reference.success)))


def test_minimal_distances_and_accuracy_curve():
  cc = np.array([True, True, True, False])
  success = np.array([True, False, True, True])
  dist = np.array([1.0, 5.0, 2.5, 0.3])
  np.testing.assert_array_equal(evaluation.minimal_distances(cc, success, dist), [1.0, np.inf, 2.5, 0.0])
  assert evaluation.accuracy_curve(cc, success, dist, [0.5, 2.0, 3.0]) == [0.75, 0.5, 0.25]


def test_weak_cw_calibration_bisects_to_the_nearest_constant():
  table = {0.1: 0.99, 0.3: 0.9, 1.0: 0.7, 3.0: 0.55, 10.0: 0.3, 30.0: 0.1}
  calls = []
  out = evaluation.calibrate_weak_cw(None, None, None, consts=list(table), iterations=100, target=0.52,
                                     accuracy_fn=lambda c: calls.append(c) or table[c])
  assert out["const"] == 3.0 and out["accuracy_on_raw_cnn"] == 0.55
  assert len(calls) < len(table) and set(out["tried"]) == {f"{c:g}" for c in calls}
  out = evaluation.calibrate_weak_cw(None, None, None, consts=[0.1, 0.3], iterations=10, target=0.2,
                                     accuracy_fn=lambda c: {0.1: 0.99, 0.3: 0.9}[c])
  assert out["const"] == 0.3  # every candidate above the target: the strongest
