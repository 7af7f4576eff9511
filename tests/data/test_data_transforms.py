"""Property transforms, balanced subsets and contrast statistics (no dataset files needed)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf

from adv_tf.data import stats, subsets
from adv_tf.data import transforms as T
from adv_tf.errors import AdvTfError


def _images(n=6, h=28, w=28, c=1, seed=0, lo=0.2, hi=0.8):
  """Mid-range random images (no clipping at contrast 2 when lo, hi stay inside [0.25, 0.75] of the mean)."""
  return np.random.default_rng(seed).uniform(lo, hi, (n, h, w, c)).astype(np.float32)


def _seed(a=1, b=2):
  return tf.constant([a, b], tf.int64)


# --- resize ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,expected", [
    ({"size": 16}, (16, 16, 1)), ({"size": (10, 20)}, (10, 20, 1)), ({"factor": 0.5}, (14, 14, 1)),
    ({"factor": 2}, (56, 56, 1)), ({"size": 56, "method": "nearest"}, (56, 56, 1))])
def test_resize_shapes_match_output_shape(kwargs, expected):
  t = T.Resize(**kwargs)
  x = _images()
  assert t.output_shape((28, 28, 1)) == expected
  assert tuple(t(tf.constant(x)).shape) == (6, *expected)
  assert tuple(t(tf.constant(x[0])).shape) == expected  # a single image works too


def test_bilinear_halving_is_2x2_average():
  # TF's half-pixel bilinear 28 -> 14 samples exactly between pixel pairs: the 2x2 block mean.
  x = _images()
  out = T.Resize(size=14)(tf.constant(x)).numpy()
  ref = x.reshape(6, 14, 2, 14, 2, 1).mean(axis=(2, 4))
  np.testing.assert_allclose(out, ref, atol=1e-6)


def test_nearest_upscale_repeats_pixels():
  x = _images(h=10, w=10)
  out = T.Resize(size=20, method="nearest")(tf.constant(x)).numpy()
  np.testing.assert_array_equal(out, np.repeat(np.repeat(x, 2, axis=1), 2, axis=2))


# --- contrast ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("channels", [1, 3])
def test_contrast_factor_2_doubles_rms_contrast_before_clipping(channels):
  x = _images(c=channels)
  before = stats.image_stats(x)
  after = stats.image_stats(T.Contrast(2.0, clip=False)(tf.constant(x)).numpy())
  np.testing.assert_allclose(after.rms_contrast, 2 * before.rms_contrast, rtol=1e-5)
  np.testing.assert_allclose(after.mean_luma, before.mean_luma, rtol=1e-5)  # blends around the mean


def test_contrast_matches_definition_and_clips():
  x = _images(c=3, lo=0.0, hi=1.0)
  out = T.Contrast(3.0)(tf.constant(x)).numpy()
  mean = stats.luma(x).mean(axis=(1, 2))[:, None, None, None]
  np.testing.assert_allclose(out, np.clip(mean + 3.0 * (x - mean), 0, 1), atol=1e-5)
  assert out.min() >= 0 and out.max() <= 1
  np.testing.assert_allclose(T.Contrast(1.0)(tf.constant(x)).numpy(), x, atol=1e-6)
  # Clipping makes the measured increase smaller than the factor, and the statistics show it.
  assert stats.image_stats(x).rms_contrast < stats.image_stats(out).rms_contrast < \
      3 * stats.image_stats(x).rms_contrast


def test_half_contrast_halves_rms_exactly():
  x = _images(lo=0.0, hi=1.0)
  out = T.Contrast(0.5)(tf.constant(x)).numpy()  # never clips
  np.testing.assert_allclose(stats.image_stats(out).rms_contrast, 0.5 * stats.image_stats(x).rms_contrast,
                             rtol=1e-5)


# --- minimal identifiable (paper 001 §3.2) -----------------------------------------------------------

def test_minimal_transform_equals_its_three_steps():
  x = tf.constant(_images(lo=0.0, hi=1.0))
  t = T.MinimalIdentifiable()
  composed = T.Contrast(4.0)(T.Resize(size=28, method="nearest")(T.Resize(size=10, method="bilinear")(x)))
  np.testing.assert_array_equal(t(x).numpy(), composed.numpy())
  assert [s.spec()["name"] for s in t.steps(28, 28)] == ["resize", "resize", "contrast"]
  assert t.spec() == {"name": "minimal_identifiable", "low_size": 10, "contrast_factor": 4.0, "antialias": False}
  assert t.output_shape((28, 28, 1)) == (28, 28, 1)


def test_minimal_transform_is_blocky():
  out = T.MinimalIdentifiable()(tf.constant(_images(n=2, lo=0.0, hi=1.0))).numpy()
  # Nearest 10 -> 28 upscaling: every image has at most 10 distinct rows/cols of values.
  for img in out[..., 0]:
    assert len({tuple(r) for r in img}) <= 10


# --- augmentation ------------------------------------------------------------------------------------

RANDOM = [T.RandomResizedCrop(), T.RandomFlip(), T.RandomRotation(15.0), T.RandomShift(0.1)]


@pytest.mark.parametrize("t", RANDOM, ids=lambda t: t.name)
def test_augmentations_are_seeded_and_keep_shape_and_range(t):
  x = tf.constant(_images(n=16, h=32, w=32, c=3, lo=0.0, hi=1.0))
  a, b, c = t(x, _seed(1, 2)).numpy(), t(x, _seed(1, 2)).numpy(), t(x, _seed(3, 4)).numpy()
  assert a.shape == x.shape and a.dtype == np.float32
  assert a.min() >= 0.0 and a.max() <= 1.0
  np.testing.assert_array_equal(a, b)
  assert not np.array_equal(a, c)
  assert tuple(t(x[0], _seed()).shape) == (32, 32, 3)


def test_flip_is_identity_or_mirror_per_image():
  x = _images(n=32, c=3, lo=0, hi=1)
  out = T.RandomFlip()(tf.constant(x), _seed()).numpy()
  flipped = [np.array_equal(o, xi[:, ::-1]) for o, xi in zip(out, x)]
  same = [np.array_equal(o, xi) for o, xi in zip(out, x)]
  assert all(f or s for f, s in zip(flipped, same)) and 0 < sum(flipped) < 32


def test_shift_moves_whole_pixels_with_zero_fill():
  x = _images(n=8, lo=0.5, hi=1.0)
  out = T.RandomShift(0.2)(tf.constant(x), _seed()).numpy()
  for o, xi in zip(out, x):
    kept = o[o > 0]
    assert np.isin(kept, xi).all()  # no interpolation: every non-fill value is an input pixel


def test_rotation_by_tiny_angle_is_nearly_identity():
  x = tf.constant(_images(n=4, lo=0, hi=1))
  out = T.RandomRotation(1e-4)(x, _seed()).numpy()
  np.testing.assert_allclose(out[:, 2:-2, 2:-2], x.numpy()[:, 2:-2, 2:-2], atol=1e-3)


def test_random_resized_crop_full_scale_is_identity():
  x = tf.constant(_images(n=4, lo=0, hi=1))
  out = T.RandomResizedCrop(scale=(1.0, 1.0), ratio=(1.0, 1.0))(x, _seed()).numpy()
  np.testing.assert_allclose(out, x.numpy(), atol=1e-5)


# --- specs and bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(T.TRANSFORMS.names()))
def test_every_transform_round_trips_through_its_spec(name):
  defaults = {"resize": {"size": 8}, "balanced_subset": {"size": 10}, "index_subset": {"indices": [3, 1]}}
  t = T.from_spec({"name": name, **defaults.get(name, {})})
  spec = t.spec()
  assert spec["name"] == name
  assert T.from_spec(json.loads(json.dumps(spec))) == t


@pytest.mark.parametrize("make,needle", [
    (lambda: T.from_spec("blur"), "unknown transform 'blur'"),
    (lambda: T.Contrast(0), "factor must be a number > 0"),
    (lambda: T.Contrast(-2), "factor must be a number > 0"),
    (lambda: T.Resize(factor=0), "factor must be a number > 0"),
    (lambda: T.Resize(), "exactly one of"),
    (lambda: T.Resize(size=8, method="lanczos9"), "unknown method"),
    (lambda: T.from_spec({"name": "contrast", "factr": 2}), "no parameter"),
    (lambda: T.RandomRotation(0), "must be a number > 0"),
    (lambda: T.MinimalIdentifiable(contrast_factor=0), "must be a number > 0"),
])
def test_bad_transform_input_is_a_one_line_error(make, needle):
  with pytest.raises(AdvTfError) as err:
    make()
  assert needle in str(err.value) and "\n" not in str(err.value)


# --- nested balanced subsets (paper 004 §4.1) --------------------------------------------------------

def test_subsets_are_nested_balanced_and_deterministic():
  labels = np.random.default_rng(0).integers(0, 10, 5000)
  sizes = [100, 500, 1000, 2000]
  a = subsets.nested_balanced_subsets(labels, sizes, seed=7)
  b = subsets.nested_balanced_subsets(labels, sizes[::-1], seed=7)[::-1]
  for small, big in zip(a, a[1:]):
    assert set(small) < set(big)
  for idx, size in zip(a, sizes):
    assert len(idx) == size and len(set(idx)) == size
    np.testing.assert_array_equal(np.bincount(labels[idx], minlength=10), np.full(10, size // 10))
  for x, y in zip(a, b):
    np.testing.assert_array_equal(x, y)  # same seed -> same subsets, whatever sizes are asked together
  np.testing.assert_array_equal(subsets.balanced_subset(labels, 500, seed=7), a[1])
  assert not np.array_equal(subsets.balanced_subset(labels, 500, seed=8), a[1])


@pytest.mark.parametrize("size", [0, 105, 10 ** 6])
def test_bad_subset_sizes(size):
  labels = np.repeat(np.arange(10), 50)
  with pytest.raises(AdvTfError):
    subsets.balanced_subset(labels, size, seed=0)


# --- statistics --------------------------------------------------------------------------------------

def test_contrast_statistics_on_known_images():
  x = np.zeros((2, 4, 4, 1), np.float32)
  x[0, :2] = 1.0          # half white, half black: RMS 0.5, Michelson 1
  x[1] = 0.5              # flat gray: RMS 0, Michelson 0
  c = stats.per_image_contrast(x)
  np.testing.assert_allclose(c["rms"], [0.5, 0.0])
  np.testing.assert_allclose(c["michelson"], [1.0, 0.0])
  s = stats.image_stats(x * 1.0 - 0.5, pixel_range=(-0.5, 0.5))  # same images in [-0.5, 0.5]
  assert s.num_examples == 2 and s.image_shape == (4, 4, 1)
  np.testing.assert_allclose([s.rms_contrast, s.michelson_contrast], [0.25, 0.5])
  x3 = np.full((1, 2, 2, 3), 0.25, np.float32)
  x3[0, 0, 0] = [0.75, 0.75, 0.75]
  np.testing.assert_allclose(stats.per_image_contrast(x3)["michelson"], [0.5], rtol=1e-4)
