"""Craft once, judge many: one attack run judged by several defenses equals judging each alone."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf.attacks import predict_labels
from adv_tf.defenses import Jpeg, TotalVarMin, evaluate_defense, evaluate_defenses, judge_many
from adv_tf.errors import AdvTfError
from adv_tf.metrics import wilson_interval


@pytest.fixture(scope="module")
def batch(mnist_arrays):
  return mnist_arrays["x_test"][:48], mnist_arrays["y_test"][:48]


def _defenses():
  return {"none": None, "jpeg": Jpeg(quality=10), "tvm": TotalVarMin(weight=0.3, iterations=10)}


def test_craft_once_judge_many_equals_evaluating_each_defense_alone(mnist_model, mnist_arrays, batch):
  x, y = batch
  many = evaluate_defenses(mnist_model, "fgsm", x, y, _defenses(), eps=0.2, seed=3)
  assert list(many["adversarial"]) == ["none", "jpeg", "tvm"]
  for name in ("jpeg", "tvm"):
    alone = evaluate_defense(mnist_model, _defenses()[name], "fgsm", x, y, eps=0.2, seed=3)
    np.testing.assert_array_equal(alone["x_adv"], many["x_adv"])
    assert alone["adversarial_accuracy"] == many["adversarial"][name].accuracy
    assert alone["clean_accuracy"] == many["clean"][name].accuracy
    assert alone["undefended_adversarial_accuracy"] == many["adversarial"]["none"].accuracy
  assert np.abs(many["x_adv"] - x).max() > 0.1
  if mnist_arrays["real"]:  # the attack fools the bare model and TVM changes answers: equality is not vacuous
    assert many["adversarial"]["none"].accuracy < many["clean"]["none"].accuracy
    assert not np.array_equal(many["adversarial"]["tvm"].predictions, many["adversarial"]["none"].predictions)


def test_judging_is_independent_of_the_other_defenses_and_their_order(mnist_model, batch):
  x, y = batch
  x_adv = np.clip(x + 0.25 * np.sign(np.random.default_rng(0).normal(size=x.shape)), 0, 1).astype(np.float32)
  together = judge_many(mnist_model, x_adv, y, _defenses(), seed=5, batch_size=16)
  reversed_ = judge_many(mnist_model, x_adv, y, dict(reversed(list(_defenses().items()))), seed=5, batch_size=16)
  for name, defense in _defenses().items():
    alone = judge_many(mnist_model, x_adv, y, {name: defense}, seed=5, batch_size=16)[name]
    np.testing.assert_array_equal(alone.correct, together[name].correct)
    np.testing.assert_array_equal(alone.correct, reversed_[name].correct)
  np.testing.assert_array_equal(together["none"].predictions, predict_labels(mnist_model, x_adv))
  est = together["jpeg"].estimate
  assert (est.correct, est.total) == (int(together["jpeg"].correct.sum()), len(y))
  assert (est.low, est.high) == wilson_interval(est.correct, est.total)
  row = together["tvm"].to_dict()
  assert row["accuracy"] == together["tvm"].accuracy and len(row["correct_per_example"]) == len(y)


def test_registered_names_work_and_bad_defenses_fail_before_any_work(mnist_model, batch):
  x, y = batch
  by_name = judge_many(mnist_model, x[:8], y[:8], {"none": "none", "jpeg": "jpeg"})
  by_object = judge_many(mnist_model, x[:8], y[:8], {"jpeg": Jpeg()})
  np.testing.assert_array_equal(by_name["jpeg"].correct, by_object["jpeg"].correct)
  with pytest.raises(AdvTfError, match="unknown defense"):
    judge_many(mnist_model, x, y, {"none": None, "blur": "blur"})
  with pytest.raises(AdvTfError, match="must be None, a registered name"):
    judge_many(mnist_model, x, y, {"odd": 3})
  with pytest.raises(AdvTfError, match="N labels"):
    judge_many(mnist_model, x, y[:3], {"none": None})
