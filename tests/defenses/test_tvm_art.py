"""tvm_art (ART's TotalVarMin batched in TF) against IBM ART 1.20.1 itself, with ART's own masks.

ART draws its keep masks with `np.random.rand` per image; seeding numpy and drawing the same array
reproduces them exactly, so ours and ART's solve the same problems and are compared image by image.
The objective is non-smooth and L-BFGS-B's line search acts on differences at float32 rounding level,
so a few slices may take another path (float64 sums are not bitwise numpy's); the tests demand exact
agreement (to float32 rounding) on most images and close distributions on all of them.
"""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from adv_tf.defenses import DEFENSES, defended_model, make_defense, predict_defended
from adv_tf.defenses.tvm_art import PRESETS, TotalVarMinART, art_view_shape, tvm_art
from adv_tf.errors import AdvTfError

art_vm = pytest.importorskip("art.defences.preprocessor.variance_minimization",
                             reason="IBM ART is the reference: pip install -e .[dev]")


def _art_run(x_nhwc: np.ndarray, preset, layout: str, seed: int):
  """ART on the array the paper's code gave it; returns (ART output NHWC, ART's masks in its view)."""
  view = x_nhwc if layout == "channels_last" else x_nhwc.transpose(0, 3, 1, 2)
  np.random.seed(seed)
  out = art_vm.TotalVarMin(prob=preset.prob, norm=preset.norm, lamb=preset.lamb, max_iter=preset.max_iter)(view)[0]
  np.random.seed(seed)
  masks = np.random.rand(*view.shape) < preset.prob
  back = out if layout == "channels_last" else out.transpose(0, 2, 3, 1)
  return back, masks


def _objective(z_nhwc, x_nhwc, masks, preset, layout: str) -> np.ndarray:
  """ART's `_loss_func` summed over each image's slices."""
  to_view = (lambda a: a) if layout == "channels_last" else (lambda a: a.transpose(0, 3, 1, 2))
  zv, xv = to_view(z_nhwc).astype(np.float64), to_view(x_nhwc)
  return np.array([
      sum(art_vm.TotalVarMin._loss_func(zv[b, :, :, i].ravel(), xv[b, :, :, i], masks[b, :, :, i].astype(int),
                                        preset.norm, preset.lamb) for i in range(xv.shape[3]))
      for b in range(len(xv))])


def _compare(x, preset, layout, seed=0):
  ref, masks = _art_run(x, preset, layout, seed)
  ours = tvm_art(x, masks, preset.lamb, preset.max_iter, preset.norm, layout).numpy()
  assert ours.shape == x.shape and ours.dtype == np.float32
  per_image = np.abs(ours - ref).reshape(len(x), -1).max(axis=1)
  exact = float(np.mean(per_image < 1e-5))
  change_ref, change_ours = np.abs(ref - x).mean(), np.abs(ours - x).mean()
  f_ref, f_ours = _objective(ref, x, masks, preset, layout), _objective(ours, x, masks, preset, layout)
  f_start = _objective(x, x, masks, preset, layout)
  return dict(exact=exact, change_ref=change_ref, change_ours=change_ours, f_ref=f_ref, f_ours=f_ours,
              f_start=f_start)


def _assert_agrees(r, min_exact: float):
  assert r["exact"] >= min_exact, r["exact"]
  assert abs(r["change_ours"] - r["change_ref"]) <= 0.05 * r["change_ref"], (r["change_ours"], r["change_ref"])
  assert r["change_ref"] > 1e-3  # the defense did change the images: the comparison can fail
  # per image: ours reaches ART's objective value up to a small tolerance; overall both decrease it
  # (not always per image: ART's gradient is twice the TV term's, so a step may raise the objective)
  assert np.all(r["f_ours"] <= r["f_ref"] + 0.02 * r["f_start"] + 1e-4), (r["f_ours"], r["f_ref"])
  assert r["f_ours"].sum() < r["f_start"].sum() and r["f_ref"].sum() < r["f_start"].sum()


@pytest.fixture(scope="module")
def digits(mnist_arrays):
  return mnist_arrays["x_test"][:8]


@pytest.mark.parametrize("dataset", ["mnist", "fashion_mnist"])
def test_matches_art_channels_last(digits, dataset):
  _assert_agrees(_compare(digits, PRESETS[dataset], "channels_last"), min_exact=0.8)


@pytest.mark.parametrize("dataset", ["mnist", "fashion_mnist"])
def test_matches_art_channels_first_quirk(digits, dataset):
  # 28 one-pixel-wide column problems per image: one diverging column makes the image inexact
  _assert_agrees(_compare(digits[:4], PRESETS[dataset], "channels_first_quirk"), min_exact=0.5)


def _rgb_images(n: int, size: int, seed: int = 0) -> np.ndarray:
  """CIFAR-like RGB images: smooth colour blobs plus texture, in [0, 1]."""
  rng = np.random.default_rng(seed)
  yy, xx = np.mgrid[0:size, 0:size] / size
  out = np.empty((n, size, size, 3), np.float32)
  for i in range(n):
    cx, cy = rng.uniform(0.2, 0.8, 2)
    blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 0.05)
    out[i] = np.clip(rng.uniform(0, 1, 3) * blob[..., None] + 0.2 * rng.uniform(0, 1, (size, size, 3)), 0, 1)
  return out


@pytest.mark.parametrize("layout", ["channels_last", "channels_first_quirk"])
def test_matches_art_on_rgb(layout):
  """CIFAR-10's preset (CIFAR-100's and ImageNet's are the same numbers) on generated 32x32 RGB images."""
  _assert_agrees(_compare(_rgb_images(2, 32), PRESETS["cifar10"], layout), min_exact=0.5)


def test_quirk_only_smooths_vertically_on_gray_images():
  """On C = 1 the authors' call is a 1-D TV per pixel column: an image constant along each column
  (vertical stripes) has no vertical variation, so it comes back unchanged; channels_last smooths it."""
  stripes = np.tile((np.arange(28) % 4 < 2).astype(np.float32), (1, 28, 1))[..., None]  # [1,28,28,1]
  mask = np.ones(art_view_shape(stripes.shape, "channels_first_quirk"), bool)
  quirk = tvm_art(stripes, mask, 0.5, 25, 2, "channels_first_quirk").numpy()
  proper = tvm_art(stripes, np.ones(stripes.shape, bool), 0.5, 25, 2, "channels_last").numpy()
  np.testing.assert_array_equal(quirk, stripes)
  assert np.abs(proper - stripes).mean() > 0.01


def test_defense_transform_seeded_and_registered(digits):
  assert "tvm_art" in DEFENSES
  d = make_defense("tvm_art", layout="channels_first_quirk")
  assert d == TotalVarMinART.from_preset("mnist", layout="channels_first_quirk")
  x = digits[:4] - 0.5  # a [-0.5, 0.5] model's range: mapped to [0, 1] for the solver and back
  seed = tf.constant([1, 2], tf.int32)
  a = d.transform(x, seed, -0.5, 0.5).numpy()
  b = d.transform(x, seed, -0.5, 0.5).numpy()
  c = d.transform(x, tf.constant([3, 4], tf.int32), -0.5, 0.5).numpy()
  np.testing.assert_array_equal(a, b)
  assert np.abs(a - c).max() > 0
  assert a.min() >= -0.5 and a.max() <= 0.5 and np.abs(a - x).mean() > 1e-3


def test_gray_box_prediction_runs_in_a_graph(digits):
  model = tf.keras.Sequential([tf.keras.Input((28, 28, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(10)])
  wrapped = defended_model(model, TotalVarMinART.from_preset("mnist"), "gray_box")
  pred = predict_defended(wrapped, digits[:5], batch_size=4)
  assert pred.shape == (5,)


def test_presets_are_the_spec_values():
  assert (PRESETS["mnist"].prob, PRESETS["mnist"].lamb, PRESETS["mnist"].max_iter) == (0.8, 0.5, 25)
  assert (PRESETS["fashion_mnist"].prob, PRESETS["fashion_mnist"].lamb, PRESETS["fashion_mnist"].max_iter) == (
      0.3, 0.5, 30)
  for name in ("cifar10", "cifar100", "imagenet"):
    assert (PRESETS[name].prob, PRESETS[name].lamb, PRESETS[name].max_iter, PRESETS[name].norm) == (0.8, 0.3, 25, 2)


def test_bad_input():
  with pytest.raises(AdvTfError, match="layout"):
    TotalVarMinART(layout="nchw")
  with pytest.raises(AdvTfError, match="preset"):
    TotalVarMinART.from_preset("svhn")
  with pytest.raises(AdvTfError, match="norm"):
    TotalVarMinART(norm=3)
  with pytest.raises(AdvTfError, match="prob"):
    TotalVarMinART(prob=1.5)
  with pytest.raises(AdvTfError, match="NHWC"):
    TotalVarMinART().transform(np.zeros((2, 28, 28), np.float32), None)
