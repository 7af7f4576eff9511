"""run.py: resized CIFAR-10 models are fine-tuned from the original-size model (paper §IV-A-2), and DeepFool is
searched once per model and projected per eps (the same images as one full call per eps)."""
from __future__ import annotations

import dataclasses
import types

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.studies.dataset_properties import datasets
from adv_tf.studies.dataset_properties import run as run_lib
from adv_tf.studies.dataset_properties.study import DatasetPropertiesStudy
from adv_tf.training.cache import ModelCache


def _run(tmp_path, generated_split):
  config = DatasetPropertiesStudy.profile("quick", train_examples=200, validation_size=100, max_epochs=1, batch_size=50)
  x, y, ident = generated_split("mnist", "train", None)
  return types.SimpleNamespace(config=config, model_cache=ModelCache(tmp_path / "cache"),
                               resources={"data": {"mnist": {"train": (x, y), "identity": ident}}})


def _cell(size: int) -> dict:
  return {"dataset": "mnist", "size": size, "contrast": 1.0, "setting": str(size), "seed": 0}


def test_resized_model_starts_from_the_original_size_weights(tmp_path, monkeypatch, generated_split):
  # MNIST stands in for CIFAR-10 (same code path, a small model): mark it as fine-tuning its resized models.
  setup = dataclasses.replace(datasets.SETUPS["mnist"], finetune_resized_from_original=True)
  monkeypatch.setitem(datasets.SETUPS, "mnist", setup)
  import adv_tf.training.loop as loop
  started: dict[int, list[np.ndarray]] = {}
  configs = {}
  real_train_model = loop.train_model

  def recording_train_model(build_fn, train_ds, eval_ds, config, **kw):
    size = int(build_fn().input_shape[1])
    started[size] = build_fn().get_weights()
    configs[size] = config
    return real_train_model(build_fn, train_ds, eval_ds, config, **kw)

  monkeypatch.setattr(loop, "train_model", recording_train_model)
  run = _run(tmp_path, generated_split)
  progress = []
  child, summary, hit = run_lib.trained_model(run, _cell(14), progress.append)
  assert not hit and sorted(started) == [14, 28]  # the parent was trained first, then the child
  # Both trainings report their epochs to the cell's log (the parent's, then the child's).
  assert [line.split(":")[0] for line in progress] == ["epoch 1/1", "epoch 1/1"]
  parent, parent_summary, parent_hit = run_lib.trained_model(run, _cell(28))
  assert parent_hit and parent_summary["finetuned_from"] is None
  for w_child, w_parent in zip(started[14], parent.get_weights()):
    np.testing.assert_array_equal(w_child, w_parent)
  assert summary["finetuned_from"] is not None
  assert configs[14].learning_rate == 0.01 and configs[14].lr_schedule == "step"
  assert configs[28].learning_rate == run.config.learning_rate
  # A different parent (another seed) gives a different child key.
  key = run_lib._model_spec(run, _cell(14))["key_args"]
  key_other = run_lib._model_spec(run, {**_cell(14), "seed": 1})["key_args"]
  assert key["parent"] != key_other["parent"]


def test_mnist_resized_models_train_from_scratch(tmp_path, generated_split):
  run = _run(tmp_path, generated_split)
  assert run_lib._model_spec(run, _cell(14))["key_args"]["parent"] is None
  assert not datasets.finetunes_from_original("mnist", 14, 1.0)
  assert datasets.finetunes_from_original("cifar10", 16, 1.0)
  assert not datasets.finetunes_from_original("cifar10", 32, 0.5)


def test_deepfool_searched_once_equals_one_call_per_eps(generated_split):
  import tensorflow as tf

  from adv_tf.attacks.presets import PRESETS
  x, y, _ = generated_split("mnist", "test", None)
  x, y = x[:24], y[:24]
  tf.keras.utils.set_random_seed(0)
  model = tf.keras.Sequential([tf.keras.layers.Input((28, 28, 1)), tf.keras.layers.Flatten(),
                               tf.keras.layers.Dense(10)])
  preset = PRESETS.get("foolbox3")
  eps_list = (2 / 255, 16 / 255)
  once = dict(run_lib.adversarials(preset, "deepfool", model, x, y, eps_list, 0))
  for eps in eps_list:
    per_eps = run_lib.craft(preset, "deepfool", model, x, y, eps, 0)
    np.testing.assert_allclose(once[eps], per_eps, atol=1e-6)
    assert np.max(np.abs(once[eps] - x)) <= eps + 1e-6
  assert not np.allclose(once[eps_list[0]], once[eps_list[1]])


def test_a_test_split_sorted_by_class_is_refused_unless_it_is_evaluated_whole():
  sorted_labels = np.repeat(np.arange(10), 100)            # the local CIFAR-10 copy's test split, in miniature
  with pytest.raises(AdvTfError, match=r"sorted by class .* hold classes \[0\] only: set --eval_images=1000"):
    run_lib.check_evaluated_classes("cifar10", sorted_labels, 100)
  run_lib.check_evaluated_classes("cifar10", sorted_labels, 1000)                          # the whole split
  run_lib.check_evaluated_classes("mnist", np.random.default_rng(0).permutation(sorted_labels), 6)  # unsorted
