"""Carlini-Wagner L2: properties that must hold, and agreement with the plain reference port."""
from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from adv_tf.attacks import attack
from adv_tf.attacks import carlini_wagner as cw
from adv_tf.attacks.cw_reference import carlini_wagner_l2_reference
from adv_tf.errors import AdvTfError

# Small settings that keep the whole file fast; "generous" = a large starting constant.
FAST = dict(binary_search_steps=4, max_iterations=100, learning_rate=5e-2, initial_const=1.0)


@pytest.fixture(scope="module")
def batch(mnist_model, mnist_arrays):
  """Eight correctly classified test images in [0,1] with their labels."""
  x, y = mnist_arrays["x_test"][:200], mnist_arrays["y_test"][:200]
  pred = np.argmax(mnist_model.predict(x, verbose=0), axis=1)
  keep = np.flatnonzero(pred == y)[:8]
  return x[keep], y[keep]


def _margin(model, x_adv, label):
  """Z_label - max_{i != label} Z_i."""
  z = np.array(model(x_adv, training=False))
  rows = np.arange(len(z))
  own = z[rows, label]
  z[rows, label] = -np.inf
  return own - z.max(axis=1)


def test_targeted_reaches_target_within_range(mnist_model, batch):
  x, y = batch
  target = (y + 1) % 10
  res = cw.carlini_wagner_l2(mnist_model, x, target=target, confidence=0.1, **FAST)
  assert res.success.all()
  assert (np.argmax(mnist_model.predict(res.x_adv, verbose=0), axis=1) == target).all()
  assert res.x_adv.min() >= 0.0 and res.x_adv.max() <= 1.0
  assert res.x_adv.shape == x.shape and res.x_adv.dtype == np.float32
  np.testing.assert_allclose(res.l2, np.linalg.norm((res.x_adv - x).reshape(len(x), -1), axis=1), rtol=1e-5)
  assert (res.l2 > 0).all()
  assert res.info["const"].shape == (len(x),)


def test_targeted_in_centered_pixel_range(mnist_model, batch):
  x, y = batch
  inp = keras.Input((28, 28, 1))
  centered = keras.Model(inp, mnist_model(keras.layers.Rescaling(1.0, offset=0.5)(inp)))
  res = cw.carlini_wagner_l2(centered, x - 0.5, target=(y + 3) % 10, clip_min=-0.5, clip_max=0.5,
                             confidence=0.1, **FAST)
  assert res.success.all()
  assert res.x_adv.min() >= -0.5 and res.x_adv.max() <= 0.5
  assert (_margin(centered, res.x_adv, (y + 3) % 10) > 0).all()


def test_untargeted_misclassifies(mnist_model, batch):
  x, y = batch
  res = cw.carlini_wagner_l2(mnist_model, x, y=y, confidence=0.1, **FAST)
  assert res.success.all()
  assert (np.argmax(mnist_model.predict(res.x_adv, verbose=0), axis=1) != y).all()


def test_confidence_gives_margin(mnist_model, batch):
  x, y = batch
  target = (y + 2) % 10
  kappa = 3.0
  res = cw.carlini_wagner_l2(mnist_model, x, target=target, confidence=kappa, **FAST)
  assert res.success.all()
  assert (_margin(mnist_model, res.x_adv, target) >= kappa - 1e-3).all()


def test_matches_reference_semantics_exactly_without_warm_start(mnist_model, batch):
  """Without warm start ours is Carlini's algorithm at batch size 1; compare example by example."""
  x, y = batch[0][:4], batch[1][:4]
  target = (y + 5) % 10
  settings = dict(binary_search_steps=3, max_iterations=60, learning_rate=1e-2, initial_const=1.0)
  ours = cw.carlini_wagner_l2(mnist_model, x, target=target, schedule="carlini", **settings)
  for i in range(len(x)):
    ref = carlini_wagner_l2_reference(mnist_model, x[i:i + 1], target=target[i:i + 1], clip_min=0.0,
                                      clip_max=1.0, **settings)
    assert bool(ref["success"][0]) == bool(ours.success[i])
    if ref["success"][0]:
      np.testing.assert_allclose(ours.info["best_l2"][i], ref["l2"][0], rtol=2e-3)
    np.testing.assert_allclose(ours.info["const"][i], ref["const"][0], rtol=1e-6)


def test_default_agrees_with_batched_reference(mnist_model, batch):
  """The fast default (warm start) is at least as good as the plain batched loop, same settings."""
  x, y = batch
  target = (y + 7) % 10
  settings = dict(binary_search_steps=4, max_iterations=200, learning_rate=5e-2, initial_const=1.0)
  ref = carlini_wagner_l2_reference(mnist_model, x, target=target, clip_min=0.0, clip_max=1.0, **settings)
  ours = cw.carlini_wagner_l2(mnist_model, x, target=target, **settings)
  assert ours.success.sum() >= ref["success"].sum()
  both = ours.success & ref["success"]
  assert both.sum() >= len(x) - 1
  assert ours.info["best_l2"][both].mean() <= 1.05 * ref["l2"][both].mean()


def _fgsm_min_l2(model, x, y, steps: int = 12) -> np.ndarray:
  """L2 of the smallest-eps FGSM adversarial per example (eps by bisection), inf where none."""
  xt = tf.constant(x)
  with tf.GradientTape() as tape:
    tape.watch(xt)
    loss = keras.losses.sparse_categorical_crossentropy(y, model(xt, training=False), from_logits=True)
  sign = np.sign(tape.gradient(loss, xt).numpy())
  lo, hi = np.zeros(len(x)), np.ones(len(x))
  best = np.full(len(x), np.inf)
  for _ in range(steps):
    mid = (lo + hi) / 2
    x_adv = np.clip(x + mid[:, None, None, None] * sign, 0, 1).astype(np.float32)
    fooled = np.argmax(model.predict(x_adv, verbose=0), axis=1) != y
    dist = np.linalg.norm((x_adv - x).reshape(len(x), -1), axis=1)
    best = np.where(fooled, np.minimum(best, dist), best)
    hi, lo = np.where(fooled, mid, hi), np.where(fooled, lo, mid)
  return best


def test_l2_below_fgsm(mnist_model, batch):
  x, y = batch
  fgsm = _fgsm_min_l2(mnist_model, x, y)
  res = cw.carlini_wagner_l2(mnist_model, x, y=y, **FAST)
  both = np.isfinite(fgsm) & res.success
  assert both.sum() >= len(x) // 2
  assert (res.l2[both] < fgsm[both]).all()


def test_no_retrace_on_second_call_or_other_batch_size(mnist_model, batch):
  x, y = batch
  settings = dict(binary_search_steps=2, max_iterations=10)
  cw.carlini_wagner_l2(mnist_model, x, y=y, **settings)
  traced = cw.TRACE_COUNT["chunk"]
  cw.carlini_wagner_l2(mnist_model, x, y=y, **settings)
  cw.carlini_wagner_l2(mnist_model, x[:3], y=y[:3], **settings)
  assert cw.TRACE_COUNT["chunk"] == traced


def test_batch_size_and_strategy_give_same_result(mnist_model, batch):
  x, y = batch
  settings = dict(binary_search_steps=2, max_iterations=30, initial_const=1.0, target=(y + 1) % 10)
  full = cw.carlini_wagner_l2(mnist_model, x, **settings)
  split = cw.carlini_wagner_l2(mnist_model, x, batch_size=3, **settings)
  np.testing.assert_array_equal(full.success, split.success)
  np.testing.assert_allclose(full.l2, split.l2, rtol=2e-2)
  with tf.distribute.OneDeviceStrategy("/cpu:0").scope():
    dist = cw.carlini_wagner_l2(mnist_model, x, **settings)
  np.testing.assert_array_equal(full.success, dist.success)
  np.testing.assert_allclose(full.l2, dist.l2, rtol=2e-2)


def test_registry_entry(mnist_model, batch):
  x, y = batch
  res = attack("cw_l2", mnist_model, x[:3], y[:3], targeted=True, target=(y[:3] + 1) % 10, **FAST)
  assert res.success.all()
  assert "const" in res.info


@pytest.mark.parametrize("kwargs, match", [
    (dict(), "y="),
    (dict(y=np.zeros(2, np.int64), max_iterations=0), "max_iterations"),
    (dict(y=np.zeros(2, np.int64), batch_size=0), "batch_size"),
    (dict(y=np.zeros(2, np.int64), confidence=-1.0), "confidence"),
    (dict(y=np.zeros(3, np.int64)), "labels must have shape"),
    (dict(target=np.full(2, 10)), "target labels"),
    (dict(y=np.zeros(2, np.int64), schedule="nope"), "unknown CW schedule"),
])
def test_bad_input_one_line_errors(mnist_model, batch, kwargs, match):
  x = batch[0][:2]
  with pytest.raises(AdvTfError, match=match) as err:
    cw.carlini_wagner_l2(mnist_model, x, **kwargs)
  assert "\n" not in str(err.value)


def test_bad_shape_and_range(mnist_model):
  with pytest.raises(AdvTfError, match="batch of images"):
    cw.carlini_wagner_l2(mnist_model, np.zeros((28, 28, 1), np.float32), y=np.zeros(1))
  with pytest.raises(AdvTfError, match="pixel range"):
    cw.carlini_wagner_l2(mnist_model, np.full((1, 28, 28, 1), 2.0, np.float32), y=np.zeros(1, np.int64))


_MIRRORED_SCRIPT = r"""
import numpy as np, tensorflow as tf, keras
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from adv_tf.attacks import carlini_wagner as cw
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(16, "relu"),
                          keras.layers.Dense(4)])
x = np.random.default_rng(0).uniform(0, 1, (6, 8, 8, 1)).astype(np.float32)
y = np.argmax(model.predict(x, verbose=0), axis=1)
kw = dict(y=y, binary_search_steps=3, max_iterations=40, initial_const=1.0)
plain = cw.carlini_wagner_l2(model, x, **kw)
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
assert strategy.num_replicas_in_sync == 2
with strategy.scope():
  dist = cw.carlini_wagner_l2(model, x, **kw)
assert plain.success.all() and (dist.success == plain.success).all(), (plain.success, dist.success)
np.testing.assert_allclose(dist.l2, plain.l2, rtol=1e-3)
print("OK")
"""


def test_runs_split_over_two_replicas_of_a_mirrored_strategy():
  """Two logical CPU devices need a fresh process (devices are fixed once TF starts)."""
  import os
  import subprocess
  import sys
  env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
  proc = subprocess.run([sys.executable, "-c", _MIRRORED_SCRIPT], capture_output=True, text=True,
                        env=env, timeout=300, check=False)
  assert proc.returncode == 0 and proc.stdout.strip().endswith("OK"), proc.stderr[-2000:]
