"""The command's class-distance matrix is the hyperparams study's (paper 002 §4.4, §5.4.1): the same best-estimate
samples and the same matrix, array for array, computed with the study's own functions on the same model and images."""
from __future__ import annotations

import types

import numpy as np

from tests.evaluate.helpers import CENTERED, records


def test_matrix_equals_the_hyperparams_studys(matrix_run, models, mnist_dir):
  import keras

  from adv_tf import metrics
  from adv_tf.attacks.cw_config import CWConfig
  from adv_tf.data import load_arrays
  from adv_tf.evaluate.class_distance import from_json
  from adv_tf.studies.hyperparams import run as study
  model = keras.models.load_model(models["centered"], compile=False)
  x, y, _ = load_arrays("mnist", "test[:200]", data_dir=mnist_dir, pixel_range=CENTERED)
  cw = CWConfig()  # Carlini's defaults, the command's in every profile
  best = []
  for label in range(10):  # the study's selection stage, class by class (run_selection_class)
    candidates = study.pick_candidates(model, x, y, 2, (label,))
    attacked = study.cw_targeted_all(model, x[candidates], y[candidates], cw)
    chosen, _ = metrics.best_estimate_samples(attacked.distances, y[candidates], 10)
    best.append(int(candidates[chosen[label]]))
  samples = study.best_samples_from_selection(types.SimpleNamespace(x_test=x, y_test=y), {"best_test_indices": best})
  attacked = study.cw_targeted_all(model, samples.x, samples.y, cw)  # the study's model cell (run_model_cell)
  distances, _ = study.exclude_sources(attacked.distances, attacked.success, samples.y,
                                       study.misclassified_sources(model, samples))
  expected = study.reorder_by_class(distances, samples.y)

  [record] = records(matrix_run, "matrix")
  assert record["result"]["best_indices"] == samples.test_indices.tolist()
  assert sorted(r["result"]["best_index"] for r in records(matrix_run, "selection")) == sorted(best)
  np.testing.assert_array_equal(from_json(record["result"]["matrix"]), expected)
  assert np.isfinite(expected).sum() >= 80  # a real matrix, not an empty one
