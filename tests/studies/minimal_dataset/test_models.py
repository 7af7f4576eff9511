"""Last-layer fine-tuning (library `finetune_from`) keeps frozen weights bit-identical; fit summaries state stopping."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.studies.minimal_dataset import models
from adv_tf.training import finetune_from
from tests.studies.minimal_dataset.conftest import generated_digits


@pytest.mark.parametrize("architecture", ["lenet5_classic", "cnn"])
def test_finetuning_changes_only_the_last_layer(architecture):
  x, y = generated_digits(96, 0)
  xv, yv = generated_digits(64, 1)
  parent = models.build_model(architecture, seed=0)
  before = {w.path: np.array(w.numpy()) for w in parent.weights}
  child = finetune_from(parent, trainable=models.TRAINABLE_IN_FINETUNING)
  assert [layer.name for layer in child.layers if layer.trainable and layer.weights] == ["logits"]
  summary = models.fit(child, x, y, xv, yv, learning_rate=1e-2, batch_size=32, max_epochs=2, patience=5, seed=0)
  assert summary["steps"] == 6 and summary["stopped_by"] == "epoch cap"
  changed = []
  for w in child.weights:
    same = np.array_equal(before[w.path], w.numpy())
    if w.path.startswith("logits/"):
      changed.append(not same)
    else:
      assert same, f"frozen weight {w.path} changed"
  assert changed and all(changed)
  for w in parent.weights:  # the parent is untouched
    assert np.array_equal(before[w.path], w.numpy())


def test_freeze_unknown_layer_is_an_error():
  with pytest.raises(AdvTfError, match="no layer"):
    finetune_from(models.build_model("lenet5_relu", seed=0), trainable=("fc9",))


def test_early_stopping_restores_the_best_epoch():
  x, y = generated_digits(200, 0)
  xv, yv = generated_digits(100, 1)
  model = models.build_model("lenet5_relu", seed=0)
  progress = []
  summary = models.fit(model, x, y, xv, yv, learning_rate=1e-3, batch_size=50, max_epochs=3, patience=1, seed=0,
                       on_epoch=progress.append)
  best = summary["best_epoch"] - 1
  # One progress line per epoch run, with that epoch's held-out accuracy.
  assert [line.split(":")[0] for line in progress] == [f"epoch {k + 1}/3" for k in range(summary["epochs"])]
  assert all(f"held-out accuracy {a:.4f}" in line for line, a in zip(progress, summary["history"]["val_accuracy"]))
  assert summary["validation_loss"] == pytest.approx(min(summary["history"]["val_loss"]), rel=1e-4)
  assert summary["validation_accuracy"] == pytest.approx(summary["history"]["val_accuracy"][best], abs=1e-6)
  assert summary["train_images"] == 200 and summary["epochs"] == len(summary["history"]["loss"])
  with pytest.raises(AdvTfError, match="fewer than one batch"):
    models.fit(model, x[:10], y[:10], xv, yv, learning_rate=1e-3, batch_size=50, max_epochs=1, patience=1, seed=0)


def test_stop_reason_is_convergence_when_patience_runs_out_on_the_last_allowed_epoch():
  """The held-out loss rises from epoch 2 on (validation labels are shifted by one class), so with patience 1
  early stopping ends training after epoch 2: convergence, even when the cap is exactly 2 epochs. Without
  patience running out, the cap stops it."""
  x, y = generated_digits(128, 0)
  shifted = (y + 1) % 10
  for cap in (2, 6):
    summary = models.fit(models.build_model("lenet5_relu", seed=0), x, y, x, shifted, learning_rate=1e-2,
                         batch_size=32, max_epochs=cap, patience=1, seed=0)
    assert summary["best_epoch"] == 1 and summary["epochs"] == 2, summary["history"]["val_loss"]
    assert summary["stopped_by"] == "convergence"
  capped = models.fit(models.build_model("lenet5_relu", seed=0), x, y, x, shifted, learning_rate=1e-2, batch_size=32,
                      max_epochs=2, patience=5, seed=0)
  assert capped["epochs"] == 2 and capped["stopped_by"] == "epoch cap"


def test_attack_model_is_one_object_per_architecture_and_attacks_see_each_models_weights():
  """Two different models of one architecture (the second fine-tuned, with frozen layers) are attacked
  through the same object: the attacks, traced once on it, give each model's own results."""
  import types

  from adv_tf.attacks import attack
  from adv_tf.attacks.carlini_wagner import TRACE_COUNT
  from adv_tf.studies.minimal_dataset import evaluation
  from adv_tf.studies.minimal_dataset.run import attack_model
  x, y = generated_digits(64, 1)
  run = types.SimpleNamespace(resources={"data": types.SimpleNamespace(x_test=x)})
  first = models.build_model("lenet5_classic", seed=1)
  second = finetune_from(models.build_model("lenet5_classic", seed=2), trainable=models.TRAINABLE_IN_FINETUNING)
  shells, traces = [], []
  for model in (first, second):
    shell = attack_model(run, "lenet5_classic", model)
    shells.append(shell)
    np.testing.assert_array_equal(evaluation.fgsm_sign(shell, x, y), evaluation.fgsm_sign(model, x, y))
    before = TRACE_COUNT["chunk"]
    ours = attack("cw_l2", shell, x[:4], y[:4], binary_search_steps=1, max_iterations=20)
    traces.append(TRACE_COUNT["chunk"] - before)
    reference = attack("cw_l2", model, x[:4], y[:4], binary_search_steps=1, max_iterations=20)
    np.testing.assert_allclose(ours.l2, reference.l2, rtol=1e-4, atol=1e-5)
  assert shells[0] is shells[1]
  assert traces[0] >= 1 and traces[1] == 0  # traced for the first model only
  with pytest.raises(AdvTfError, match="does not match"):
    attack_model(run, "lenet5_classic", models.build_model("lenet5_relu", seed=0))
