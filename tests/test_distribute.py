"""tf.distribute: strategy names, and 2 replicas on 2 logical CPUs train like one device."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest
import tensorflow as tf

from adv_tf import distribute
from adv_tf.errors import AdvTfError

ROOT = pathlib.Path(__file__).parents[1]

# Runs in a fresh process: the CPU must be split into logical devices before TensorFlow starts.
_MIRRORED_SCRIPT = r"""
import json, sys
import numpy as np
from adv_tf import distribute
distribute.split_cpu(2)
sys.path.insert(0, "tests")
from conftest import _generated_digits
from adv_tf.models import build
from adv_tf.training import TrainConfig, train_model

x, y = _generated_digits(640, 0)
xt, yt = _generated_digits(300, 1)  # 300 is not a multiple of the batch: uneven last eval batch
config = TrainConfig(batch_size=64, epochs=2, learning_rate=0.05, seed=5, eval_every_steps=4)
fn = lambda: build("lenet", (28, 28, 1), 10, filters=(8, 16), hidden_units=64, dense_dropout=0.0)
out = {}
weights = {}
for kind in ("cpu", "mirrored"):
  strategy = distribute.strategy(kind)
  model, result = train_model(fn, (x - 0.5, y), (xt - 0.5, yt), config, strategy=strategy)
  weights[kind] = [v.numpy() for v in model.weights]
  out[kind] = dict(replicas=strategy.num_replicas_in_sync, accuracy=result.history["test_accuracy"],
                   loss=result.history["loss"], steps=result.steps)
out["max_weight_diff"] = max(float(np.abs(a - b).max()) for a, b in zip(weights["cpu"], weights["mirrored"]))
out["max_weight"] = max(float(np.abs(a).max()) for a in weights["cpu"])
out["initial_strategy_replicas"] = distribute.strategy("auto").num_replicas_in_sync
print("RESULT" + json.dumps(out))
"""


def _run(script: str) -> subprocess.CompletedProcess:
  env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
  return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT,
                        timeout=300)


def test_two_replica_mirrored_matches_one_device():
  proc = _run(_MIRRORED_SCRIPT)
  assert proc.returncode == 0, proc.stderr[-3000:]
  line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT")][-1]
  out = json.loads(line[len("RESULT"):])
  assert out["cpu"]["replicas"] == 1 and out["mirrored"]["replicas"] == 2
  assert out["cpu"]["steps"] == out["mirrored"]["steps"] == 20
  # Same global batches, gradients summed across replicas: same training up to float round-off.
  assert out["max_weight_diff"] < 1e-4 * max(1.0, out["max_weight"])
  for a, b in zip(out["cpu"]["loss"], out["mirrored"]["loss"]):
    assert abs(a - b) < 1e-4
  for a, b in zip(out["cpu"]["accuracy"], out["mirrored"]["accuracy"]):
    assert abs(a - b) <= 1 / 300 + 1e-9  # at most one borderline example may flip
  assert out["initial_strategy_replicas"] == 1  # auto without GPU/TPU: the default strategy


def test_split_cpu_after_start_is_a_one_line_error():
  tf.constant(1.0)  # TensorFlow has started in this process
  with pytest.raises(AdvTfError, match="split_cpu must run before TensorFlow initializes"):
    distribute.split_cpu(2)


def test_strategy_names():
  assert set(distribute.STRATEGIES.names()) == {"auto", "cpu", "mirrored", "tpu", "multiworker"}
  assert isinstance(distribute.strategy("cpu"), tf.distribute.OneDeviceStrategy)
  if not tf.config.list_physical_devices("GPU") and not distribute.tpu_available():
    assert distribute.strategy("auto").num_replicas_in_sync == 1
  with pytest.raises(AdvTfError, match="unknown distribution strategy 'gpu'"):
    distribute.strategy("gpu")
