"""The attack steps and the train step compile with XLA (`jit_compile=True`, the path a TPU takes) on CPU
and give the non-compiled results, so an op XLA cannot compile is caught without TPU hardware (issue 15).

Tiny models, a few steps: seconds. Tolerances: XLA fuses and reorders float32 arithmetic, so values agree
to round-off, and a sign-of-gradient step may flip a pixel only where its gradient is round-off small.
"""
from __future__ import annotations

import weakref

import keras
import numpy as np
import pytest
import tensorflow as tf

from adv_tf.attacks import carlini_wagner as cw
from adv_tf.attacks import deepfool as deepfool_mod
from adv_tf.attacks import gradient
from adv_tf.defenses.jpeg import jpeg_compress

EPS = 0.1


@pytest.fixture(scope="module")
def tiny():
  """A small conv net (logits) and 6 images it classifies, with its labels."""
  keras.utils.set_random_seed(0)
  model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                            keras.layers.Flatten(), keras.layers.Dense(16, activation="relu"),
                            keras.layers.Dense(4)])
  x = np.random.default_rng(0).uniform(0, 1, (6, 8, 8, 1)).astype(np.float32)
  y = np.argmax(model(x).numpy(), axis=1).astype(np.int64)
  return model, x, y


def _both(fn, *args):
  """fn(*args) through tf.function without and with jit_compile."""
  plain = tf.function(fn)(*args)
  xla = tf.function(fn, jit_compile=True)(*args)
  return tf.nest.map_structure(np.asarray, plain), tf.nest.map_structure(np.asarray, xla)


def _input_gradient(model, x, y) -> np.ndarray:
  xt = tf.constant(x)
  with tf.GradientTape() as tape:
    tape.watch(xt)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(y, model(xt))
  return np.abs(tape.gradient(loss, xt).numpy())


def test_fgsm_step_compiles_and_matches(tiny):
  model, x, y = tiny
  plain, xla = _both(lambda a, b: gradient.fgsm_graph(model, a, b, EPS), x, y)
  grad = _input_gradient(model, x, y)
  tiny_grad = grad < 1e-4 * grad.reshape(len(x), -1).max(axis=1)[:, None, None, None]
  differs = np.abs(plain - xla) > 1e-6
  assert not np.any(differs & ~tiny_grad)
  assert np.abs(xla - x).max() <= EPS + 1e-6


@pytest.mark.parametrize("norm", ["inf", "2"])
def test_pgd_steps_compile_and_match(tiny, norm):
  model, x, y = tiny
  eps = EPS if norm == "inf" else 1.0
  start = gradient.random_starts(x.shape, np.full([len(x), 1, 1, 1], eps, np.float32), norm, 0, None)
  plain, xla = _both(lambda a, b, s: gradient.pgd_graph(model, a, b, eps, eps / 4, 3, None, norm=norm, start=s),
                     x, y, start)
  # A flipped sign at a round-off-small gradient moves one pixel by one step; everything else agrees.
  assert np.mean(np.abs(plain - xla) > 1e-5) < 0.02
  assert np.abs(plain - xla).max() <= 2 * eps / 4 + 1e-6


def test_deepfool_loop_compiles_and_matches(tiny):
  model, x, y = tiny
  fn = lambda a, b: deepfool_mod.deepfool_graph(model, a, b, tf.constant(10), tf.constant(0.02))  # noqa: E731
  (adv_plain, steps_plain), (adv_xla, steps_xla) = _both(fn, x, y)
  np.testing.assert_array_equal(steps_plain, steps_xla)
  np.testing.assert_allclose(adv_xla, adv_plain, atol=1e-4)


def test_cw_chunk_compiles_and_matches(tiny):
  model, x, y = tiny
  s = cw._Settings(targeted=False, confidence=0.0, max_iterations=50, boxmul=0.5, boxplus=0.5)
  n = len(x)
  timg = np.arctanh((np.clip(x, 0, 1) - 0.5) / 0.5 * cw._TANH_SHRINK).astype(np.float32)
  zeros = np.zeros_like(x)
  st = dict(timg=timg, ximg=(np.tanh(timg) * 0.5 + 0.5).astype(np.float32), labels=y.astype(np.int32),
            const=np.full(n, 10.0, np.float32), w=zeros, m=zeros, v=zeros, t=np.zeros(n, np.float32),
            lr=np.full(n, 5e-2, np.float32), it=np.zeros(n, np.int32), prev=np.full(n, np.inf, np.float32),
            best_step=np.full(n, np.inf, np.float32), best=np.full(n, np.inf, np.float32), best_adv=x,
            best_w=zeros)
  args = [tf.constant(st[k]) for k in cw.STATE_KEYS] + [tf.constant(30)]
  plain = cw._make_runner(weakref.ref(model), s, (8, 8, 1))(*args)
  xla = cw._make_runner(weakref.ref(model), s, (8, 8, 1), static_size=n, jit_compile=True)(*args)
  np.testing.assert_array_equal(xla["it"], plain["it"])
  found = np.isfinite(plain["best"].numpy())
  assert found.any()
  np.testing.assert_array_equal(np.isfinite(xla["best"].numpy()), found)
  np.testing.assert_allclose(xla["best"].numpy()[found], plain["best"].numpy()[found], rtol=1e-3)
  np.testing.assert_allclose(xla["w"], plain["w"], atol=1e-3)


def test_train_step_compiles_and_matches():
  from adv_tf.training import TrainConfig
  from adv_tf.training.loop import make_steps
  from adv_tf.training.optimizers import OPTIMIZERS
  config = TrainConfig(batch_size=8, epochs=1, learning_rate=0.05, weight_decay=5e-4, seed=0)
  x = np.random.default_rng(1).uniform(0, 1, (8, 8, 8, 1)).astype(np.float32)
  y = np.arange(8, dtype=np.int64) % 4
  strategy = tf.distribute.get_strategy()
  results = []
  for jit in (False, True):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.Flatten(), keras.layers.Dense(4)])
    optimizer = OPTIMIZERS.get(config.optimizer)(config)
    optimizer.build(model.trainable_variables)
    train_step, eval_step = make_steps(model, optimizer, config, strategy, jit_compile=jit)
    losses = [float(train_step(tf.constant(x), tf.constant(y))[0]) for _ in range(3)]
    evaluation = [float(v) for v in eval_step(tf.constant(x), tf.constant(y))]
    results.append((losses, evaluation, [w.numpy() for w in model.weights]))
  (loss_a, eval_a, w_a), (loss_b, eval_b, w_b) = results
  assert loss_a[-1] < loss_a[0]  # it trains
  np.testing.assert_allclose(loss_b, loss_a, rtol=1e-4)
  np.testing.assert_allclose(eval_b, eval_a, rtol=1e-4)
  for a, b in zip(w_a, w_b):
    np.testing.assert_allclose(b, a, atol=1e-5)


def test_jpeg_is_host_only_xla_refuses_it(tiny):
  """Documented in adv_tf/defenses/jpeg.py: the JPEG codec has no XLA kernel."""
  _, x, _ = tiny
  x3 = np.repeat(x, 3, axis=-1)
  np.asarray(tf.function(lambda a: jpeg_compress(a, 10))(x3))  # fine without XLA
  with pytest.raises((tf.errors.InvalidArgumentError, tf.errors.UnimplementedError, tf.errors.InternalError)):
    tf.function(lambda a: jpeg_compress(a, 10), jit_compile=True)(x3)


def test_prediction_averaging_compiles_and_matches(tiny):
  """The averaging defense's forward (noise draw, copies, logsumexp) compiles with XLA.

  Stateless random ops draw OTHER numbers under XLA than TF's CPU kernels for the same seed (measured
  here: every logit differed), so a TPU reproduces its own draws, not the CPU's: the comparison is exact
  without noise (n=1) and, with noise, XLA is deterministic in the seed and its draws stay in the ball.
  """
  from adv_tf.defenses.averaging import averaged_logits
  model, x, _ = tiny
  seed = tf.constant([1, 2], tf.int32)
  plain, xla = _both(lambda a, s: averaged_logits(model, a, n=1, eps_max=0.3, seed=s), x, seed)
  np.testing.assert_allclose(xla, plain, rtol=1e-5, atol=1e-6)
  compiled = tf.function(lambda a, s: averaged_logits(model, a, n=4, eps_max=0.3, seed=s), jit_compile=True)
  first, again = compiled(x, seed).numpy(), compiled(x, seed).numpy()
  other = compiled(x, tf.constant([3, 4], tf.int32)).numpy()
  np.testing.assert_array_equal(first, again)
  assert np.abs(first - other).max() > 1e-4
  assert np.all(np.isfinite(first)) and np.all(first >= model(x).numpy() - 1e-5)  # logsumexp >= the clean copy


def _fit_adversarially(jit: bool, pgd_fraction: float) -> list[np.ndarray]:
  from adv_tf.defenses import AdversarialTrainingConfig, adversarial_trainer
  x = np.random.default_rng(3).uniform(0, 1, (16, 8, 8, 1)).astype(np.float32)
  y = np.arange(16, dtype=np.int64) % 4
  keras.utils.set_random_seed(0)
  model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                            keras.layers.Flatten(), keras.layers.Dense(4)])
  config = AdversarialTrainingConfig(eps=0.1, ratio=0.5, pgd_fraction=pgd_fraction, pgd_steps=2)
  trainer = adversarial_trainer(model, config, optimizer=keras.optimizers.SGD(0.05),
                                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                                jit_compile=jit)
  trainer.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
  return [w.numpy() for w in model.weights]


def test_adversarial_training_step_compiles_and_matches():
  """AdversarialTrainer.train_step (examples crafted inside the step) under jit_compile.

  FGSM examples: the same weights. PGD examples: their random start is a stateless draw, which XLA makes
  differently from TF's kernels (see the averaging test), so only that it compiles and trains is checked.
  """
  for a, b in zip(_fit_adversarially(False, 0.0), _fit_adversarially(True, 0.0)):
    np.testing.assert_allclose(b, a, atol=1e-5)
  initial = _fit_adversarially(False, 0.0)  # any run: weights moved from the same seed's initialization
  pgd = _fit_adversarially(True, 1.0)
  assert all(np.all(np.isfinite(w)) for w in pgd)
  assert any(np.abs(a - b).max() > 0 for a, b in zip(initial, pgd))
