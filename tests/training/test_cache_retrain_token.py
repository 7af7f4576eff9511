"""--retrain across shards (issue 15): each model is retrained once per retrain token, not once per process."""
from __future__ import annotations

import json

import keras

from adv_tf.training import ModelCache, TrainConfig
from adv_tf.training.config import TrainResult


def _get(cache, calls):
  def build():
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])

  def train(builder):
    calls.append(cache.retrain_token)
    return builder(), TrainResult(test_accuracy=0.5, epochs=1.0, seconds=0.0, reached_target=None, history={})

  return cache.get_or_train(model_name="tiny", model_config={"units": 1}, train_config=TrainConfig(),
                            data_identity={"data": "none"}, build=build, train=train)


def test_shards_with_one_retrain_token_retrain_each_model_once(tmp_path):
  calls = []
  _get(ModelCache(tmp_path), calls)  # the entry the retrain replaces
  shard0 = ModelCache(tmp_path, retrain=True, retrain_token="job-17")
  shard1 = ModelCache(tmp_path, retrain=True, retrain_token="job-17")
  _get(shard0, calls)
  _get(shard1, calls)  # the other shard of the same job loads what shard 0 retrained
  assert calls[1:] == ["job-17"] and shard1.last_hit and not shard0.last_hit
  meta = json.loads(next(tmp_path.glob("*.json")).read_text())
  assert meta["retrain_token"] == "job-17"
  _get(ModelCache(tmp_path, retrain=True, retrain_token="job-18"), calls)  # a new job retrains again
  assert calls[1:] == ["job-17", "job-18"]


def test_without_a_token_each_process_retrains_once(tmp_path):
  calls = []
  first, second = ModelCache(tmp_path, retrain=True), ModelCache(tmp_path, retrain=True)
  _get(first, calls)
  _get(first, calls)
  _get(second, calls)
  assert len(calls) == 2 and calls[0] != calls[1]
