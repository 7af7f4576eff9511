"""Carlini-Wagner L2: properties that must hold, and agreement with the plain reference port."""
from __future__ import annotations

import dataclasses

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
# Per-example bound on L2(ours) / L2(Carlini's algorithm) at Carlini's defaults (issue 10's p99 bound).
PER_EXAMPLE_TOLERANCE = 1.02


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
  # A fresh forward pass confirms the target with the kappa margin the search asked for (less round-off).
  assert (_margin(mnist_model, res.x_adv, target) > 0.1 - 1e-3).all()
  assert res.x_adv.min() >= 0.0 and res.x_adv.max() <= 1.0
  assert res.x_adv.shape == x.shape and res.x_adv.dtype == np.float32
  # The search's own distance (measured in-graph to the tanh-rounded input while it kept this iterate)
  # agrees with an independent float64 recomputation from the returned image: x_adv is the kept iterate.
  independent = np.sqrt(np.sum((res.x_adv.astype(np.float64) - x.astype(np.float64)) ** 2, axis=(1, 2, 3)))
  np.testing.assert_allclose(res.info["best_l2"], independent, rtol=1e-3, atol=1e-4)
  assert (independent > 0).all()
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


@pytest.mark.parametrize("mode", ["untargeted", "targeted kappa 2", "targeted kappa 0"])
def test_matches_reference_untargeted_and_with_a_margin(mnist_model, batch, mode):
  """The same per-example comparison for the untargeted objective and for kappa > 0 (paper 002's kappa sweep), whose
  signs (f6's max(Z_y - max_other, -kappa) and the success test's shifted logits) differ from targeted kappa 0
  (attack review, 2026-12-07: only targeted kappa 0 was compared with the reference). 400 iterations at lr 1e-2 so
  that every mode finds examples; over that long a trajectory float round-off moves the L2 by up to ~0.5% even for
  targeted kappa 0, the control mode here, hence 2% (headroom for another training of the fixture model): a sign
  error changes which examples succeed and their L2 by far more."""
  x, y = batch[0][:4], batch[1][:4]
  labels = {"y": y} if mode == "untargeted" else {"target": (y + 5) % 10, "confidence": 2.0 if "2" in mode else 0.0}
  settings = dict(binary_search_steps=2, max_iterations=400, learning_rate=1e-2, initial_const=10.0)
  ours = cw.carlini_wagner_l2(mnist_model, x, schedule="carlini", **labels, **settings)
  for i in range(len(x)):
    one = {k: (v[i:i + 1] if k != "confidence" else v) for k, v in labels.items()}
    ref = carlini_wagner_l2_reference(mnist_model, x[i:i + 1], clip_min=0.0, clip_max=1.0, **one, **settings)
    assert bool(ref["success"][0]) == bool(ours.success[i])
    if ref["success"][0]:
      np.testing.assert_allclose(ours.info["best_l2"][i], ref["l2"][0], rtol=2e-2)
    np.testing.assert_allclose(ours.info["const"][i], ref["const"][0], rtol=1e-6)
  assert ours.success.any()   # the comparison covers at least one found example


@pytest.fixture(scope="module")
def default_runs(mnist_model, batch):
  """Targeted CW at Carlini's defaults (9 steps x 1000 iterations, lr 1e-2, c0 1e-3): ours (default
  schedule) and the plain batched port of Carlini's code."""
  x, y = batch[0][:6], batch[1][:6]
  target = (y + 7) % 10
  ours = cw.carlini_wagner_l2(mnist_model, x, target=target)
  ref = carlini_wagner_l2_reference(mnist_model, x, target=target, clip_min=0.0, clip_max=1.0)
  return x, target, ours, ref


def test_default_matches_reference_per_example_at_defaults(mnist_model, default_runs):
  """Per example, at the defaults the study uses, ours is within 2% of Carlini's batched algorithm (which
  aborts on the whole batch's loss, so it may run longer): a schedule that loses quality on a pair fails."""
  x, target, ours, ref = default_runs
  assert ours.success.all() and ref["success"].all()
  ref_l2 = np.linalg.norm((ref["x_adv"] - x).reshape(len(x), -1), axis=1)
  assert (np.argmax(np.asarray(mnist_model(ref["x_adv"], training=False)), axis=1) == target).all()
  ratio = ours.l2 / ref_l2
  print("ours/reference L2 per example", np.round(ratio, 4))
  assert (ratio <= PER_EXAMPLE_TOLERANCE).all(), ratio


def _minimal_l2(model, x, target, name: str, steps: int = 12, eps_max: float = 12.0, **params) -> np.ndarray:
  """L2 of the targeted L2 attack `name` at its smallest successful eps, bisected per example (inf: none)."""
  lo, hi = np.zeros(len(x)), np.full(len(x), eps_max)
  best = np.full(len(x), np.inf)
  for i in range(steps + 1):
    eps = hi if i == 0 else (lo + hi) / 2
    res = attack(name, model, x, None, eps=eps.astype(np.float32), norm=2, targeted=True, target=target,
                 clip_min=0.0, clip_max=1.0, **params)
    best = np.where(res.success, np.minimum(best, res.l2), best)
    if i:
      hi, lo = np.where(res.success, eps, hi), np.where(res.success, lo, eps)
  return best


def test_l2_below_minimal_fgm_and_bim(mnist_model, default_runs):
  """CW minimizes L2, so per example it must beat the smallest-eps L2 FGM and L2 BIM (20 steps) reaching the
  same target. BIM at its minimal eps lands within 1.5x of CW, so a CW 1.5x too weak fails here."""
  x, target, fast, _ = default_runs
  fgm = _minimal_l2(mnist_model, x, target, "fgsm")
  bim = _minimal_l2(mnist_model, x, target, "bim", nb_iter=20)
  print("CW/FGM", np.round(fast.l2 / fgm, 3), "CW/BIM", np.round(fast.l2 / bim, 3))
  assert np.isfinite(bim).all()
  assert (fast.l2 < bim).all() and (fast.l2[np.isfinite(fgm)] < fgm[np.isfinite(fgm)]).all()
  assert (bim < 1.5 * fast.l2).all()  # the comparison has teeth: a CW 1.5x weaker would lose to BIM


def test_inputs_just_above_the_range_give_finite_results(mnist_model, batch):
  """The validator accepts pixels up to 1e-6 outside the range; arctanh of them must not be NaN."""
  x, y = batch[0][:2].copy(), batch[1][:2]
  x[:, 10:14, 10:14, 0] = np.float32(1.0) + np.float32(6e-7)
  x[:, 0:2, 0:2, 0] = np.float32(-6e-7)
  for schedule in ("fast", "carlini"):
    res = cw.carlini_wagner_l2(mnist_model, x, target=(y + 1) % 10, schedule=schedule, **FAST)
    assert np.isfinite(res.x_adv).all() and np.isfinite(res.l2).all() and np.isfinite(res.info["best_l2"]).all()
    assert res.success.all()
  ref = carlini_wagner_l2_reference(mnist_model, x, target=(y + 1) % 10, clip_min=0.0, clip_max=1.0, **FAST)
  assert np.isfinite(ref["x_adv"]).all() and ref["success"].all()


class _GraphOnlyBoost(keras.layers.Layer):
  """Adds 100 to one logit inside traced graphs only: the search sees success, a fresh eager pass does not."""

  def __init__(self, boosted: int, **kwargs):
    super().__init__(**kwargs)
    self.boosted = boosted

  def call(self, z):
    if tf.executing_eagerly():
      return z
    return z + 100.0 * tf.one_hot(self.boosted, 10)

  def compute_output_shape(self, input_shape):
    return input_shape


def test_success_is_the_models_recheck_of_the_returned_image(mnist_model, batch):
  x, y = batch
  keep = y != 3
  x, y = x[keep][:3], y[keep][:3]
  inp = keras.Input((28, 28, 1))
  fooled_search = keras.Model(inp, _GraphOnlyBoost(3)(mnist_model(inp)))
  res = cw.carlini_wagner_l2(fooled_search, x, target=np.full(len(x), 3), binary_search_steps=2, max_iterations=20)
  assert res.info["search_success"].all()  # the search believed every image reached class 3
  fresh = np.argmax(np.asarray(mnist_model(res.x_adv, training=False)), axis=1)
  np.testing.assert_array_equal(res.success, fresh == 3)
  assert not res.success.any()


def test_no_retrace_on_second_call_or_other_batch_size(mnist_model, batch):
  x, y = batch
  settings = dict(binary_search_steps=2, max_iterations=10)
  cw.carlini_wagner_l2(mnist_model, x, y=y, **settings)
  traced = cw.TRACE_COUNT["chunk"]
  cw.carlini_wagner_l2(mnist_model, x, y=y, **settings)
  cw.carlini_wagner_l2(mnist_model, x[:3], y=y[:3], **settings)
  assert cw.TRACE_COUNT["chunk"] == traced


def test_attacked_model_is_released():
  """The compiled runner must not keep its model alive (studies attack hundreds of models)."""
  import gc
  import weakref
  keras.utils.set_random_seed(0)
  model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Flatten(), keras.layers.Dense(3)])
  x = np.random.default_rng(0).uniform(0, 1, (2, 6, 6, 1)).astype(np.float32)
  cw.carlini_wagner_l2(model, x, target=np.array([0, 1]), binary_search_steps=1, max_iterations=10)
  ref = weakref.ref(model)
  del model
  gc.collect()
  assert ref() is None


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
    (dict(y=np.zeros(2, np.int64), initial_const=np.ones(3)), "initial_const must be a number or one per"),
    (dict(y=np.zeros(2, np.int64), initial_const=np.array([1.0, 0.0])), "initial_const must be > 0"),
])
def test_bad_input_one_line_errors(mnist_model, batch, kwargs, match):
  x = batch[0][:2]
  with pytest.raises(AdvTfError, match=match) as err:
    cw.carlini_wagner_l2(mnist_model, x, **kwargs)
  assert "\n" not in str(err.value)


def _probability_models(logits_model):
  inp = keras.Input((28, 28, 1))
  z = logits_model(inp)
  softmax_dense = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                    keras.layers.Dense(10, activation="softmax")])
  return {"softmax activation": softmax_dense,
          "Softmax layer": keras.Model(inp, keras.layers.Softmax()(z)),
          "normalized outputs": keras.Model(inp, keras.layers.Activation("softmax")(z) * 1.0)}


def test_refuses_probability_outputs(mnist_model, batch):
  """CW's margin loss is defined on logits (Carlini & Wagner 2017, Sec. V-A)."""
  x, y = batch[0][:2], batch[1][:2]
  for name, model in _probability_models(mnist_model).items():
    with pytest.raises(AdvTfError, match="logits") as err:
      cw.carlini_wagner_l2(model, x, target=(y + 1) % 10, binary_search_steps=1, max_iterations=5)
    assert "\n" not in str(err.value), name


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


# --- schedule "fmn": FMN-L2 first, Carlini's search where FMN fails ------------------------------------


@pytest.mark.parametrize("schedule", ["fmn", "fmn-cw"])
def test_fmn_schedule_agrees_with_exact_schedule_per_pair(mnist_model, default_runs, schedule):
  """At Carlini's defaults, per pair: success wherever the exact schedule succeeds and L2 at most 2% above it."""
  x, target, exact, _ = default_runs
  res = cw.carlini_wagner_l2(mnist_model, x, target=target, schedule=schedule)
  assert (res.success >= exact.success).all()
  ratio = res.l2 / exact.l2
  print("fmn/carlini L2 per pair", np.round(ratio, 4), "fmn solved", res.info["fmn_solved"])
  assert (ratio <= PER_EXAMPLE_TOLERANCE).all(), ratio


@pytest.mark.parametrize("schedule", ["fmn", "fmn-cw"])
def test_fmn_schedule_success_is_the_fresh_recheck_with_kappa(mnist_model, batch, schedule):
  """success = the model's fresh arg-max on x_adv; FMN's (and the CW step's) points count only with the kappa
  margin."""
  x, y = batch
  target = (y + 4) % 10
  kappa = 2.0
  res = cw.carlini_wagner_l2(mnist_model, x, target=target, confidence=kappa, schedule=schedule, **FAST)
  np.testing.assert_array_equal(res.success, np.argmax(mnist_model.predict(res.x_adv, verbose=0), axis=1) == target)
  assert res.success.all() and res.info["fmn_solved"].any()
  assert (_margin(mnist_model, res.x_adv, target) >= kappa - 1e-3).all()
  assert res.x_adv.min() >= 0.0 and res.x_adv.max() <= 1.0
  np.testing.assert_allclose(res.info["best_l2"], res.l2, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("schedule", ["fmn", "fmn-cw"])
def test_fmn_schedule_falls_back_to_carlinis_search(mnist_model, batch, schedule):
  """With one FMN step (an unperturbed, correctly classified image is never adversarial) every example
  runs Carlini's search (no CW step: there is no FMN point to take a constant from): the result is the
  exact schedule's, example by example."""
  x, y = batch
  settings = dict(target=(y + 1) % 10, **FAST)
  one_step = dataclasses.replace(cw.SCHEDULES.get(schedule), fmn_steps=1)
  res = cw.carlini_wagner_l2(mnist_model, x, schedule=one_step, **settings)
  exact = cw.carlini_wagner_l2(mnist_model, x, schedule="carlini", **settings)
  assert not res.info["fmn_solved"].any()
  np.testing.assert_array_equal(res.success, exact.success)
  np.testing.assert_allclose(res.l2, exact.l2, rtol=1e-5)
  np.testing.assert_array_equal(res.info["const"], exact.info["const"])
  fmn_iterations = one_step.fmn_steps * len(one_step.fmn_runs)
  np.testing.assert_array_equal(res.info["iterations"], exact.info["iterations"] + fmn_iterations)


@pytest.mark.parametrize("schedule", ["fmn", "fmn-cw"])
def test_fmn_schedule_untargeted(mnist_model, batch, schedule):
  x, y = batch
  res = cw.carlini_wagner_l2(mnist_model, x, y=y, schedule=schedule, **FAST)
  assert res.success.all()
  assert (np.argmax(mnist_model.predict(res.x_adv, verbose=0), axis=1) != y).all()


# --- schedule "fmn-cw": FMN runs, then one step of Carlini's inner loop near each FMN point's constant -------


def test_fmn_cw_keeps_the_smaller_of_fmn_point_and_cw_step(mnist_model, batch):
  """The CW step's candidate can only lower a distance: per example, L2 <= FMN's own point (the same FMN runs
  without the step); the step's constant is `fmn_const_factors` x the stationary constant estimated at FMN's
  point, and every example also ran the step (its iteration cap: test_fmn_cw_step_runs_its_iteration_cap)."""
  x, y = batch
  settings = dict(target=(y + 5) % 10, **FAST)
  # FMN cut short leaves its points improvable, so the CW step's point is kept on some examples. How short depends
  # on the fixture model (its kernels, real or generated digits): on 2026-12-07's oneDNN-trained model 0 of 8 rows
  # at 20 steps, 5 of 8 at 10, 8 of 8 at 5. The first count that leaves some is used; none fails the test.
  for fmn_steps in (10, 5, 20):
    with_step = dataclasses.replace(cw.SCHEDULES.get("fmn-cw"), fmn_steps=fmn_steps)
    fmn_only = dataclasses.replace(with_step, fmn_const_factors=())
    res = cw.carlini_wagner_l2(mnist_model, x, schedule=with_step, **settings)
    if res.info["fmn_solved"].all() and (res.info["const"] > 0).any():
      break
  else:
    pytest.fail("no FMN step count (10, 5, 20) left an example whose kept point is the CW step's")
  alone = cw.carlini_wagner_l2(mnist_model, x, schedule=fmn_only, **settings)
  assert res.info["fmn_solved"].all() and alone.info["fmn_solved"].all()
  assert res.success.all()
  assert (res.l2 <= alone.l2 * (1 + 1e-6)).all(), (res.l2, alone.l2)
  lam = res.info["fmn_const"]
  assert (lam > 0).all()
  from_step = res.info["const"] > 0  # rows whose kept point is the CW step's (0: FMN's point); some, by the loop
  factor, = with_step.fmn_const_factors
  np.testing.assert_allclose(res.info["const"][from_step], factor * lam[from_step], rtol=1e-5)
  step_iterations = res.info["iterations"] - with_step.fmn_steps * len(with_step.fmn_runs)
  assert (step_iterations >= 1).all()  # every example also ran the step


def test_fmn_cw_keeps_the_smallest_point_over_fmn_runs(mnist_model, batch):
  """Several FMN runs: each example keeps the smallest re-checked point of any run (each run alone, the same
  settings), and its FMN iterations are the runs' steps added up."""
  x, y = batch
  settings = dict(target=(y + 5) % 10, **FAST)
  runs = dataclasses.replace(cw.SCHEDULES.get("fmn-cw"), fmn_steps=50, fmn_const_factors=())
  assert len(runs.fmn_runs) > 1
  res = cw.carlini_wagner_l2(mnist_model, x, schedule=runs, **settings)
  singles = [cw.carlini_wagner_l2(mnist_model, x, schedule=dataclasses.replace(runs, fmn_runs=(r,)), **settings)
             for r in runs.fmn_runs]
  per_run = np.stack([np.where(s.info["fmn_solved"], s.l2, np.inf) for s in singles])
  winner = np.argmin(per_run, axis=0)
  assert len(set(winner.tolist())) > 1, per_run  # else keeping one fixed run would pass too
  assert res.info["fmn_solved"].all()
  np.testing.assert_allclose(res.l2, per_run.min(axis=0), rtol=1e-6)
  np.testing.assert_array_equal(res.info["iterations"], runs.fmn_steps * len(runs.fmn_runs))


def test_fmn_cw_with_two_constants_keeps_the_smaller_step_and_counts_both(mnist_model, batch, monkeypatch):
  """Two `fmn_const_factors`: each example keeps the smallest of FMN's point and both steps' points (the steps'
  own results, recorded as they return), with the winning step's constant (0: FMN's point), and its iterations
  add up both steps (no abort-early: twice the cap). FMN is cut to 10 steps so that steps win."""
  x, y = batch
  settings = dict(target=(y + 5) % 10, **dict(FAST, abort_early=False))
  two = dataclasses.replace(cw.SCHEDULES.get("fmn-cw"), fmn_steps=10, fmn_step_iterations=100,
                            fmn_const_factors=(0.5, 2.0))
  fmn_only = cw.carlini_wagner_l2(mnist_model, x, schedule=dataclasses.replace(two, fmn_const_factors=()), **settings)
  steps, attack = [], cw.carlini_wagner_l2

  def recording(*args, **kwargs):
    out = attack(*args, **kwargs)
    if kwargs.get("binary_search_steps") == 1:
      steps.append(out)
    return out

  monkeypatch.setattr(cw, "carlini_wagner_l2", recording)
  res = cw.carlini_wagner_l2(mnist_model, x, schedule=two, **settings)
  step, = steps  # both factors' rows in one call: factor 0.5's rows, then factor 2.0's
  n = len(x)
  candidates = np.stack([fmn_only.l2] + [np.where(step.success[k * n:(k + 1) * n], step.l2[k * n:(k + 1) * n],
                                                  np.inf) for k in range(2)])
  winner = np.argmin(candidates, axis=0)  # the earliest on a tie, as the schedule keeps it
  assert res.info["fmn_solved"].all() and (winner > 0).any()  # else no step's point is checked
  np.testing.assert_array_equal(res.l2, candidates[winner, np.arange(n)])
  factors = np.array((0.0,) + two.fmn_const_factors)[winner]
  np.testing.assert_allclose(res.info["const"], factors * res.info["fmn_const"], rtol=1e-5)
  np.testing.assert_array_equal(res.info["iterations"], two.fmn_steps * len(two.fmn_runs) + 2 * 100)


@pytest.mark.parametrize("cap,expected", [(30, 30), (0, 100), (500, 100)])
def test_fmn_cw_step_runs_its_iteration_cap(mnist_model, batch, cap, expected):
  """Without abort-early the CW step after FMN runs exactly min(`fmn_step_iterations`, max_iterations) Adam
  steps (0: max_iterations, FAST's 100)."""
  x, y = batch
  schedule = dataclasses.replace(cw.SCHEDULES.get("fmn-cw"), fmn_steps=50, fmn_step_iterations=cap)
  res = cw.carlini_wagner_l2(mnist_model, x, target=(y + 5) % 10, schedule=schedule,
                             **dict(FAST, abort_early=False))
  solved = res.info["fmn_solved"]
  steps = res.info["iterations"][solved] - schedule.fmn_steps * len(schedule.fmn_runs)
  assert solved.any()
  np.testing.assert_array_equal(steps, expected)


def test_fmn_schedule_without_fmn_runs_is_refused():
  """An FMN schedule with no FMN run is refused where it is built, before any attack."""
  with pytest.raises(AdvTfError, match="fmn_runs") as err:
    dataclasses.replace(cw.SCHEDULES.get("fmn-cw"), fmn_runs=())
  assert "\n" not in str(err.value)


@pytest.mark.parametrize("field, value", [
    ("checks_per_run", 0), ("min_check_every", -1), ("fmn_step_checks_per_run", 0), ("fmn_steps", -5),
    ("fmn_step_iterations", -1), ("search_lr_factor", 0.0), ("fmn_step_lr_factor", -2.0), ("const_tolerance", 1.0),
    ("const_tolerance", -0.1), ("fmn_const_factors", (1.25, 0.0)), ("fmn_runs", ((1.0, 0.05), (3.0, 1.5))),
    ("fmn_runs", ((-1.0, 0.05),)), ("checks_per_run", 2.5), ("checks_per_run", True),
    ("search_lr_factor", "10"), ("fmn_runs", (("1", 0.05),))])
def test_schedule_out_of_range_is_refused(field, value):
  """A numeric schedule field out of range is refused where the schedule is built, in one line naming it."""
  with pytest.raises(AdvTfError, match=f"CwSchedule.{field} ") as err:
    dataclasses.replace(cw.SCHEDULES.get("fmn-cw"), **{field: value})
  assert "\n" not in str(err.value)


def test_per_example_initial_const(mnist_model, batch):
  """initial_const may be one constant per example: each example's first step runs at its own constant, and
  one constant repeated per example is the scalar run, example by example."""
  x, y = batch
  target = (y + 2) % 10
  consts = np.where(np.arange(len(x)) % 2 == 0, 0.1, 3.0)
  mixed = cw.carlini_wagner_l2(mnist_model, x, target=target, **dict(FAST, initial_const=consts))
  np.testing.assert_allclose(mixed.info["step_const"][:, 0], consts, rtol=1e-6)
  scalar = cw.carlini_wagner_l2(mnist_model, x, target=target, **dict(FAST, initial_const=3.0))
  repeated = cw.carlini_wagner_l2(mnist_model, x, target=target, **dict(FAST, initial_const=np.full(len(x), 3.0)))
  np.testing.assert_array_equal(repeated.success, scalar.success)
  np.testing.assert_array_equal(repeated.l2, scalar.l2)
  np.testing.assert_array_equal(repeated.info["const"], scalar.info["const"])


@pytest.mark.parametrize("kappa", [0.0, 0.5])
def test_fmn_cw_linear_model_reaches_the_closed_form_minimum(kappa):
  """A linear 2-class model on 6x6 images, targeted at class 1 from x near 0.5: the minimal L2 with margin
  kappa is (kappa - m(x)) / ||w_1 - w_0|| (m = z_1 - z_0; the straight-line minimizer stays in the box)."""
  rng = np.random.default_rng(0)
  inp = keras.Input((6, 6, 1))
  dense = keras.layers.Dense(2)
  model = keras.Model(inp, dense(keras.layers.Flatten()(inp)))
  w = rng.normal(0.0, 0.3, (36, 2)).astype(np.float32)
  dense.set_weights([w, np.array([1.0, -1.0], np.float32)])
  x = np.full((3, 6, 6, 1), 0.5, np.float32)
  x[1] += 0.05
  x[2] -= 0.05
  logits = np.asarray(model(x, training=False))
  direction = w[:, 1] - w[:, 0]
  closed_form = (kappa - (logits[:, 1] - logits[:, 0])) / np.linalg.norm(direction)
  step = closed_form[:, None] * direction[None] / np.linalg.norm(direction)
  assert (closed_form > 0).all() and (np.abs(x.reshape(3, -1) + step - 0.5) < 0.5).all()
  res = cw.carlini_wagner_l2(model, x, target=np.ones(3, np.int64), confidence=kappa, schedule="fmn-cw")
  assert res.success.all() and res.info["fmn_solved"].all()
  assert (res.l2 >= closed_form * (1 - 1e-4)).all(), (res.l2, closed_form)  # nothing beats the minimum
  assert (res.l2 <= closed_form * 1.01).all(), (res.l2, closed_form)
  margin = np.diff(np.asarray(model(res.x_adv, training=False)), axis=1)[:, 0]
  assert (margin > kappa - 1e-4).all()
  # FMN's point lies along grad f from x (the model is linear): its stationary constant is positive and finite.
  assert np.isfinite(res.info["fmn_const"]).all() and (res.info["fmn_const"] > 0).all()


def test_step_best_records_each_search_steps_own_minimum(default_runs):
  """info["step_best"]: Carlini's distance is the minimum over the steps that succeeded (inf: a step that found
  nothing), and the bisection read each step's verdict from it: every later constant lies below a successful
  step's constant and above a failed step's (Carlini's search: upper = c on success, lower = c on failure)."""
  _, _, res, _ = default_runs
  steps, consts, ran = res.info["step_best"], res.info["step_const"], res.info["step_iterations"] > 0
  finite = np.isfinite(steps)
  assert finite.any(axis=1).all() and ran.all()  # 9 steps each at the defaults, each example found one
  np.testing.assert_allclose(steps.min(axis=1), res.info["best_l2"], rtol=1e-6)  # inf where a step failed
  for row in range(len(steps)):
    for j in range(steps.shape[1] - 1):
      later = consts[row, j + 1:]
      assert (later < consts[row, j]).all() if finite[row, j] else (later > consts[row, j]).all(), (row, j)
