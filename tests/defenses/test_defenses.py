"""Tests for JPEG, TVM (against scikit-image), prediction averaging, adversarial training, wrappers."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from adv_tf import defenses as D
from adv_tf.attacks import attack, predict_labels
from adv_tf.errors import AdvTfError


@pytest.fixture(scope="module")
def data(mnist_arrays, mnist_model):
  x, y = mnist_arrays["x_test"][:128], mnist_arrays["y_test"][:128]
  return mnist_model, x, y


def _acc(pred, y):
  return float(np.mean(pred == y))


@pytest.mark.parametrize("lo,hi", [(0.0, 1.0), (-0.5, 0.5)])
def test_jpeg_shape_range_and_idempotent(data, lo, hi):
  _, x, _ = data
  x = x[:32] * (hi - lo) + lo
  once = D.jpeg_compress(x, 10, lo, hi).numpy()
  assert once.shape == x.shape and once.dtype == np.float32
  assert once.min() >= lo and once.max() <= hi
  assert np.abs(once - x).mean() > 0.005  # quality 10 does change the images
  twice = D.jpeg_compress(once, 10, lo, hi).numpy()
  assert np.abs(twice - once).mean() < 0.5 * np.abs(once - x).mean()  # a second pass changes far less
  near = D.jpeg_compress(x, 100, lo, hi).numpy()
  assert np.abs(near - x).mean() < 0.02


def test_jpeg_keeps_accuracy_reasonable(data):
  model, x, y = data
  dm = D.defended_model(model, D.Jpeg(quality=50))
  assert _acc(D.predict_defended(dm, x), y) >= _acc(predict_labels(model, x), y) - 0.1


@pytest.mark.parametrize("weight,iters", [(0.1, 30), (0.3, 7)])
def test_chambolle_matches_scikit_image(data, weight, iters):
  from skimage.restoration import denoise_tv_chambolle
  _, x, _ = data
  x = x[:6]
  ours = D.tv_denoise_chambolle(x, weight, iters).numpy()
  ref = np.stack([denoise_tv_chambolle(x[i, ..., 0].astype(np.float64), weight=weight, eps=0.0,
                                       max_num_iter=iters) for i in range(len(x))])[..., None]
  np.testing.assert_allclose(ours, ref, atol=2e-5)


def test_masked_tv_without_dropping_converges_to_scikit_image(data):
  from skimage.restoration import denoise_tv_chambolle
  _, x, _ = data
  x = x[:4]
  ours = D.tv_minimize_masked(x, np.ones_like(x), 0.2, 2000).numpy()
  ref = np.stack([denoise_tv_chambolle(x[i, ..., 0].astype(np.float64), weight=0.2, eps=0.0,
                                       max_num_iter=5000) for i in range(len(x))])[..., None]
  np.testing.assert_allclose(ours, ref, atol=1e-3)

  def energy(u, f):  # the ROF objective both minimize: 1/2 ||u - f||^2 + weight * TV(u)
    gh = np.zeros_like(u)
    gw = np.zeros_like(u)
    gh[:, :-1] = u[:, 1:] - u[:, :-1]
    gw[:, :, :-1] = u[:, :, 1:] - u[:, :, :-1]
    return 0.5 * ((u - f) ** 2).sum() + 0.2 * np.sqrt(gh ** 2 + gw ** 2).sum()
  assert energy(ours.astype(np.float64), x) <= energy(ref, x) * (1 + 1e-4)  # float32 solver


def test_tvm_properties(data):
  _, x, _ = data
  x = x[:16]
  tvm = D.TotalVarMin(keep_prob=0.8, weight=0.05, iterations=25)
  a = tvm.transform(x, tf.constant([1, 2])).numpy()
  b = tvm.transform(x, tf.constant([1, 2])).numpy()
  c = tvm.transform(x, tf.constant([3, 4])).numpy()
  assert a.shape == x.shape and a.min() >= 0.0 and a.max() <= 1.0
  np.testing.assert_array_equal(a, b)
  assert np.abs(a - c).max() > 0
  # TV minimization lowers total variation
  tv = lambda v: np.abs(np.diff(v, axis=1)).sum() + np.abs(np.diff(v, axis=2)).sum()
  assert tv(a) < tv(x)
  # a constant image is a fixed point
  const = np.full_like(x, 0.3)
  np.testing.assert_allclose(tvm.transform(const, tf.constant([5, 6])).numpy(), const, atol=1e-6)
  # other pixel ranges: same result up to the affine map
  shifted = tvm.transform(x - 0.5, tf.constant([1, 2]), -0.5, 0.5).numpy()
  np.testing.assert_allclose(shifted + 0.5, a, atol=1e-5)


def test_averaging_n1_equals_model(data):
  model, x, _ = data
  dm = D.defended_model(model, D.PredictionAveraging(n=1, eps_max=0.0))
  np.testing.assert_allclose(tf.nn.softmax(dm(x)).numpy(), tf.nn.softmax(model(x)).numpy(), atol=1e-6)


def test_averaging_formula(data):
  model, x, _ = data
  x = x[:8]
  seed = tf.constant([7, 9])
  out = tf.nn.softmax(D.averaged_logits(model, x, n=4, eps_max=0.2, seed=seed)).numpy()
  noise = tf.random.stateless_uniform([3, *x.shape], seed, -0.2, 0.2).numpy()
  copies = np.concatenate([x[None], np.clip(x[None] + noise, 0, 1)])
  z = np.stack([model(c).numpy().astype(np.float64) for c in copies])  # [4, B, K]
  expected = np.exp(z).sum(0) / np.exp(z).sum(axis=(0, 2))[:, None]  # paper 003 §II-C
  np.testing.assert_allclose(out, expected, atol=1e-5)


def test_bpda_gradient_is_straight_through(data):
  model, x, y = data
  x, y = tf.constant(x[:8]), y[:8]
  dm = D.defended_model(model, "jpeg", "bpda")
  with tf.GradientTape() as tape:
    tape.watch(x)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(y, dm(x))
  grad = tape.gradient(loss, x).numpy()
  xj = x + (D.jpeg_compress(x, 10) - x)  # the very input the wrapper feeds (round-off included)
  with tf.GradientTape() as tape:
    tape.watch(xj)
    ref_loss = tf.nn.sparse_softmax_cross_entropy_with_logits(y, model(xj))
  np.testing.assert_allclose(grad, tape.gradient(ref_loss, xj).numpy(), rtol=1e-4, atol=1e-6)


def test_gray_box_attacks_the_bare_model(data):
  model, _, _ = data
  assert D.defended_model(model, "jpeg").attack_model is model
  bpda = D.defended_model(model, "tvm", "bpda")
  assert bpda.attack_model is bpda


def test_evaluate_defense_modes(data):
  model, x, y = data
  x, y = x[:48], y[:48]
  gray = D.evaluate_defense(model, D.Jpeg(quality=50), "pgd", x, y, mode="gray_box", eps=0.3, nb_iter=5)
  bpda = D.evaluate_defense(model, D.Jpeg(quality=50), "pgd", x, y, mode="bpda", eps=0.3, nb_iter=5)
  assert gray["mode"] == "gray_box" and bpda["mode"] == "bpda"
  assert gray["clean_accuracy"] == bpda["clean_accuracy"]
  assert bpda["adversarial_accuracy"] <= gray["adversarial_accuracy"] + 0.05  # adaptive is stronger
  assert bpda["adversarial_accuracy"] < bpda["clean_accuracy"]


@pytest.mark.parametrize("defense,mode", [
    (lambda: D.Jpeg(quality=50), "bpda"),
    (lambda: D.PredictionAveraging(n=4, eps_max=0.2), "eot"),
    (lambda: D.TotalVarMin(weight=0.05, iterations=10), "eot"),
], ids=["jpeg-bpda", "averaging-eot", "tvm-eot"])
def test_adaptive_attack_beats_gray_box(data, defense, mode):
  """An attack through the defense (BPDA / EOT) lowers defended accuracy far more than a gray-box one.

  DeepFool (Linf) is a minimal-perturbation attack: gray-box, its images sit just across the bare
  model's boundary and the defense pulls most back (paper 000's "DeepFool is easily defended"); run
  through the defense, it keeps stepping until the defended model errs. Measured on 32 images: gray-box
  0.69-0.98, adaptive 0.00-0.40, on real MNIST and on the generated digits alike, so a 0.2 margin holds
  on both. (With FGSM/PGD at a fixed eps both modes transfer alike on this small CNN: 0-4 images of 48.)
  """
  model, x, y = data
  x, y = x[:32], y[:32]
  kwargs = dict(norm=np.inf, max_iter=20, eot_samples=2)
  gray = D.evaluate_defense(model, defense(), "deepfool", x, y, mode="gray_box", **kwargs)
  adaptive = D.evaluate_defense(model, defense(), "deepfool", x, y, mode=mode, **kwargs)
  assert gray["clean_accuracy"] == adaptive["clean_accuracy"] >= 0.9
  assert gray["undefended_adversarial_accuracy"] <= 0.05  # the gray-box attack does fool the bare model
  assert adaptive["adversarial_accuracy"] <= gray["adversarial_accuracy"] - 0.2, (gray, adaptive)


def test_adversarial_batch_and_fit(data, mnist_arrays):
  import keras
  model, x, y = data
  clone = keras.models.clone_model(model)
  clone.set_weights(model.get_weights())
  cfg = D.AdversarialTrainingConfig(eps=0.1, ratio=0.5, pgd_fraction=0.5, pgd_steps=3)
  trainer = D.adversarial_trainer(clone, cfg, optimizer=keras.optimizers.Adam(1e-3),
                                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                                  metrics=["accuracy"])
  xb, yb = x[:32], y[:32]
  trainer(xb)  # build
  mixed = trainer.adversarial_batch(tf.constant(xb), tf.constant(yb)).numpy()
  assert np.abs(mixed[:16] - xb[:16]).max() <= 0.1 + 1e-6
  assert np.abs(mixed[:16] - xb[:16]).max() > 0.05
  np.testing.assert_array_equal(mixed[16:], xb[16:])
  fgsm_part = attack("fgsm", clone, xb[8:16], yb[8:16], eps=0.1).x_adv
  np.testing.assert_allclose(mixed[8:16], fgsm_part, atol=1e-6)
  before = [w.copy() for w in clone.get_weights()]
  hist = trainer.fit(mnist_arrays["x_train"][:256], mnist_arrays["y_train"][:256], batch_size=64,
                     epochs=1, verbose=0)
  assert np.isfinite(hist.history["loss"][0])
  assert any(np.abs(a - b).max() > 0 for a, b in zip(before, clone.get_weights()))


def test_bad_defense_settings():
  for make in (lambda: D.Jpeg(quality=0), lambda: D.TotalVarMin(keep_prob=0.0),
               lambda: D.PredictionAveraging(n=0), lambda: D.make_defense("no_such_defense"),
               lambda: D.make_defense("jpeg", qualty=5),
               lambda: D.AdversarialTrainingConfig(ratio=2.0)):
    with pytest.raises(AdvTfError) as err:
      make()
    assert "\n" not in str(err.value)


def test_bad_modes(data):
  model, _, _ = data
  with pytest.raises(AdvTfError):
    D.defended_model(model, "jpeg", "eot")
  with pytest.raises(AdvTfError):
    D.defended_model(model, "averaging", "bpda")
  with pytest.raises(AdvTfError):
    D.defended_model(model, "jpeg", "white")
  assert set(D.DEFENSES.names()) >= {"jpeg", "tvm", "averaging", "adversarial_training"}
