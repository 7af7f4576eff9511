"""Attacks and defense judging under tf.distribute strategies (issue 15: "Attacks and training correct on
accelerators").

* Every attack's step runs inside a `tf.function` with `strategy.run` (TPUStrategy refuses an eager
  `strategy.run`), and under a MirroredStrategy over 2 logical CPUs gives the default strategy's results.
* `static_shapes=True` (the TPU default) pads batches instead of shrinking them: the same results, and
  one batch shape, i.e. one trace / one XLA compilation, across CW's shrinking working set.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from adv_tf.attacks import _replicas, attack
from adv_tf.attacks import carlini_wagner as cw
from adv_tf.attacks import deepfool as deepfool_mod
from adv_tf.defenses import Jpeg, defended_model, judge_many
from adv_tf.defenses import base as defense_base
from adv_tf.errors import AdvTfError

ROOT = pathlib.Path(__file__).parents[2]

# A fresh process: the CPU must be split into 2 logical devices before TensorFlow starts.
_SCRIPT = r"""
import json
import numpy as np, tensorflow as tf, keras
from adv_tf import distribute
distribute.split_cpu(2)
from adv_tf.attacks import attack, predict_labels
from adv_tf.defenses import judge_many
eager_runs = []
_run = tf.distribute.MirroredStrategy.run
def _recording_run(self, fn, args=(), kwargs=None, options=None):
  eager_runs.append(tf.executing_eagerly())
  return _run(self, fn, args=args, kwargs=kwargs, options=options)
tf.distribute.MirroredStrategy.run = _recording_run
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, activation="relu"),
                          keras.layers.Flatten(), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(4)])
x = np.random.default_rng(0).uniform(0, 1, (11, 8, 8, 3)).astype(np.float32)  # 11: odd, uneven last batch
y = np.argmax(model(x).numpy(), axis=1)
cases = {
  "fgsm": ("fgsm", dict(eps=0.1, batch_size=4)),
  "bim": ("bim", dict(eps=0.1, nb_iter=3, batch_size=4)),
  "pgd_linf": ("pgd", dict(eps=0.1, nb_iter=3, batch_size=4, seed=3)),
  "pgd_l2": ("pgd", dict(eps=0.5, norm=2, nb_iter=3, batch_size=4, seed=3)),
  "dgsm": ("dgsm", dict(eps=0.1, nb_iter=3, target=(y + 1) % 4, batch_size=4)),
  "deepfool": ("deepfool", dict(max_iter=5, batch_size=4)),
  "minimal_linf": ("minimal_linf", dict(bisection_steps=3, batch_size=4)),
  "cw_l2": ("cw_l2", dict(binary_search_steps=2, max_iterations=20, initial_const=1.0, batch_size=4)),
}
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
out = {"replicas": strategy.num_replicas_in_sync}
for key, (name, kw) in cases.items():
  ref = attack(name, model, x, y, **kw)
  with strategy.scope():
    dist = attack(name, model, x, y, **kw)
    dist_static = attack(name, model, x, y, static_shapes=True, **kw)
  out[key] = dict(diff=float(np.abs(dist.x_adv - ref.x_adv).max()),
                  diff_static=float(np.abs(dist_static.x_adv - ref.x_adv).max()),
                  success=bool((dist.success == ref.success).all() and (dist_static.success == ref.success).all()),
                  found=int(ref.success.sum()))
ref_judge = judge_many(model, x, y, {"none": None, "jpeg": "jpeg"}, batch_size=4)
with strategy.scope():
  judged = judge_many(model, x, y, {"none": None, "jpeg": "jpeg"}, batch_size=4)
  preds = predict_labels(model, x, batch_size=4)
out["judge_equal"] = all((judged[k].predictions == ref_judge[k].predictions).all() for k in ref_judge)
out["predict_equal"] = bool((preds == y).all())
out["runs"] = len(eager_runs)
out["eager_runs"] = sum(eager_runs)
print("RESULT" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def mirrored() -> dict:
  env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
  proc = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, cwd=ROOT,
                        timeout=600, check=False)
  assert proc.returncode == 0, proc.stderr[-3000:]
  line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT")][-1]
  return json.loads(line[len("RESULT"):])


def test_strategy_run_is_never_called_eagerly(mirrored):
  """TPUStrategy refuses an eager strategy.run: every call must come from inside a tf.function."""
  assert mirrored["replicas"] == 2
  assert mirrored["runs"] > 0
  assert mirrored["eager_runs"] == 0


@pytest.mark.parametrize("key", ["fgsm", "bim", "pgd_linf", "pgd_l2", "dgsm", "deepfool", "minimal_linf",
                                 "cw_l2"])
def test_two_replicas_give_the_default_strategys_results(mirrored, key):
  """Same images and verdicts on 2 replicas (also padded to static shapes) as on the default strategy.

  Examples are independent, so only float round-off of a different batch split may differ (1e-5 on [0,1]
  pixels is ~400x float32 round-off, far below any attack step).
  """
  res = mirrored[key]
  assert res["success"], res
  assert res["diff"] <= 1e-5 and res["diff_static"] <= 1e-5, res


def test_judging_and_predictions_on_two_replicas(mirrored):
  assert mirrored["judge_equal"] and mirrored["predict_equal"]


# In-process checks on the default strategy (static shapes do not need several devices).

@pytest.fixture(scope="module")
def tiny():
  keras.utils.set_random_seed(1)
  model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Flatten(), keras.layers.Dense(16, activation="relu"),
                            keras.layers.Dense(3)])
  x = np.random.default_rng(1).uniform(0, 1, (7, 6, 6, 1)).astype(np.float32)
  return model, x, np.argmax(model(x).numpy(), axis=1)


def test_cw_static_shapes_keep_one_batch_shape_and_one_trace(tiny):
  """CW's working set shrinks as examples finish: without static shapes every new size is a new input
  shape (an XLA recompile on a TPU); with them one padded shape, traced once, with equal results."""
  model, x, y = tiny
  kw = dict(y=y, binary_search_steps=3, max_iterations=30, initial_const=1.0, batch_size=5)
  cw.CHUNK_BATCH_SIZES.clear()
  shrinking = cw.carlini_wagner_l2(model, x, **kw)
  assert len(cw.CHUNK_BATCH_SIZES) > 1, cw.CHUNK_BATCH_SIZES  # the test exercises a shrinking working set
  cw.CHUNK_BATCH_SIZES.clear()
  traces = cw.TRACE_COUNT["chunk"]
  static = cw.carlini_wagner_l2(model, x, static_shapes=True, **kw)
  assert set(cw.CHUNK_BATCH_SIZES) == {5}
  assert cw.TRACE_COUNT["chunk"] - traces == 1
  runner = cw._runner(model, cw._Settings(False, 0.0, 30, 0.5, 0.5), (6, 6, 1), 5)
  assert runner.input_signature[0].shape.as_list() == [5, 6, 6, 1]  # a fixed batch: any other shape is refused
  np.testing.assert_array_equal(static.success, shrinking.success)
  np.testing.assert_allclose(static.l2, shrinking.l2, rtol=1e-5)
  np.testing.assert_array_equal(static.info["iterations"], shrinking.info["iterations"])
  cw.CHUNK_BATCH_SIZES.clear()
  cw.carlini_wagner_l2(model, x, static_shapes=True, **kw)  # a second call: no new trace
  assert cw.TRACE_COUNT["chunk"] - traces == 1


def test_static_shapes_pad_the_last_batch_of_batched_attacks(tiny):
  """7 examples in batches of 3: without static shapes the last batch (1) is a second shape."""
  model, x, y = tiny
  ref = attack("deepfool", model, x, y, max_iter=5, batch_size=3)
  fn = deepfool_mod._deepfool_fn(model, "2", 0.0, 1.0, False)
  count = fn.experimental_get_tracing_count()
  static = attack("deepfool", model, x, y, max_iter=5, batch_size=3, static_shapes=True)
  np.testing.assert_allclose(static.x_adv, ref.x_adv, atol=1e-6)
  np.testing.assert_array_equal(static.info["steps"], ref.info["steps"])
  # Every call had shape [3, ...]: at most the one trace for that shape (none when it was already traced).
  assert fn.experimental_get_tracing_count() - count <= 1
  before = fn.experimental_get_tracing_count()
  attack("deepfool", model, x[:5], y[:5], max_iter=5, batch_size=3, static_shapes=True)
  assert fn.experimental_get_tracing_count() == before


def test_static_shapes_default_on_only_under_a_tpu_strategy(monkeypatch):
  assert _replicas.resolve_static_shapes(None) is False
  assert _replicas.resolve_static_shapes(True) is True
  monkeypatch.setattr(_replicas, "is_tpu_strategy", lambda strategy=None: True)
  assert _replicas.resolve_static_shapes(None) is True
  assert _replicas.resolve_static_shapes(False) is False


def test_padding_helpers():
  assert _replicas.padded_size(5, 2) == 6 and _replicas.padded_size(3, 2, 5) == 6 and _replicas.padded_size(0, 1) == 1
  a = np.arange(6).reshape(3, 2)
  np.testing.assert_array_equal(_replicas.pad_rows(a, 5), [[0, 1], [2, 3], [4, 5], [4, 5], [4, 5]])


def test_jpeg_runs_on_the_host_under_a_tpu_strategy(monkeypatch):
  """JPEG is host-only: under a (simulated) TPUStrategy judge_many transforms on the host CPU and the bare
  model classifies; same predictions as the in-graph path. Adaptive modes through JPEG are refused there."""
  keras.utils.set_random_seed(2)
  model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(4)])
  x = np.random.default_rng(2).uniform(0, 1, (5, 8, 8, 3)).astype(np.float32)
  y = np.arange(5) % 4
  ref = judge_many(model, x, y, {"jpeg": Jpeg(10)}, batch_size=2)["jpeg"].predictions
  calls = []
  original = Jpeg.transform

  def recording(self, xs, seed=None, clip_min=0.0, clip_max=1.0):
    calls.append(tf.executing_eagerly())
    return original(self, xs, seed, clip_min, clip_max)

  monkeypatch.setattr(Jpeg, "transform", recording)
  monkeypatch.setattr(defense_base, "is_tpu_strategy", lambda strategy=None: True)
  host = judge_many(model, x, y, {"jpeg": Jpeg(10)}, batch_size=2)["jpeg"].predictions
  np.testing.assert_array_equal(host, ref)
  assert calls and all(calls)  # run eagerly on the host, not inside the replicated step
  with pytest.raises(AdvTfError, match="host-only") as err:
    defended_model(model, Jpeg(10), "bpda")
  assert "\n" not in str(err.value)
