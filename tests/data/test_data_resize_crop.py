"""resize_shorter + center_crop (torchvision's eval protocol), antialiased resizing and nearest rotation,
checked against PIL (what torchvision's Resize/CenterCrop run on PIL images)."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from adv_tf.data import transforms as T
from adv_tf.errors import AdvTfError


def _pil_resize(img: np.ndarray, height: int, width: int) -> np.ndarray:
  """PIL BILINEAR resize of a float image [H, W, C], channel by channel in mode "F" (no uint8 rounding)."""
  return np.stack([np.asarray(Image.fromarray(img[..., c], mode="F").resize((width, height), Image.BILINEAR))
                   for c in range(img.shape[-1])], axis=-1)


def _pil_center_crop(img: np.ndarray, height: int, width: int) -> np.ndarray:
  """torchvision.transforms.functional.center_crop's offsets (Python round) on an image at least as big."""
  top = int(round((img.shape[0] - height) / 2.0))
  left = int(round((img.shape[1] - width) / 2.0))
  return img[top:top + height, left:left + width]


def _image(h, w, c=3, seed=0) -> np.ndarray:
  return np.random.default_rng(seed).uniform(0, 1, (h, w, c)).astype(np.float32)


@pytest.mark.parametrize("hw,expected", [((300, 450), (256, 384)), ((450, 300), (384, 256)), ((256, 256), (256, 256)),
                                         ((333, 500), (256, 384)), ((500, 375), (341, 256))])
def test_resize_shorter_follows_torchvisions_size_rule(hw, expected):
  t = T.ResizeShorter(256)
  assert t.output_shape((*hw, 3)) == (*expected, 3)
  x = tf.constant(_image(*hw))
  assert tuple(t(x).shape) == (*expected, 3)
  dynamic = tf.function(t, input_signature=[tf.TensorSpec([None, None, 3], tf.float32)])
  np.testing.assert_array_equal(dynamic(x).numpy(), t(x).numpy())  # varying-size path, same result


def test_resize_shorter_then_center_crop_matches_pil_resize_and_crop():
  for hw in ((300, 450), (375, 500), (259, 300)):
    img = _image(*hw, seed=hw[0])
    ours = T.CenterCrop(224)(T.ResizeShorter(256)(tf.constant(img))).numpy()
    h, w = T.ResizeShorter(256).output_shape((*hw, 3))[:2]
    ref = _pil_center_crop(np.clip(_pil_resize(img, h, w), 0, 1), 224, 224)
    assert ours.shape == (224, 224, 3)
    np.testing.assert_allclose(ours, ref, atol=1e-4)  # float32 round-off; without antialias it is ~0.3


@pytest.mark.parametrize("hw,size", [((259, 259), 224), ((260, 261), (224, 200)), ((35, 40), 32)])
def test_center_crop_offsets_round_half_to_even_as_torchvision(hw, size):
  img = _image(*hw, c=1)
  t = T.CenterCrop(size)
  out = t(tf.constant(img[None])).numpy()[0]
  np.testing.assert_array_equal(out, _pil_center_crop(img, *t.size))
  assert t.output_shape((*hw, 1)) == (*t.size, 1)


def test_center_crop_pads_small_images_with_zeros_as_torchvision():
  img = np.ones((3, 4, 1), np.float32)
  out = T.CenterCrop((6, 7))(tf.constant(img)).numpy()[..., 0]
  expected = np.zeros((6, 7), np.float32)
  expected[1:4, 1:5] = 1.0  # padding floor(d/2) before, ceil(d/2) after
  np.testing.assert_array_equal(out, expected)


def test_antialiased_downscale_matches_pil_bilinear_and_plain_bilinear_aliases():
  yy, xx = np.mgrid[0:224, 0:224]
  stripes = (0.5 + 0.5 * np.sin(2 * np.pi * (xx + 0.5 * yy) / 3.1)).astype(np.float32)[..., None]
  ref = _pil_resize(stripes, 28, 28)  # 8x reduction, what torchvision does on PIL images
  smooth = T.Resize(size=28, antialias=True)(tf.constant(stripes)).numpy()
  aliased = T.Resize(size=28)(tf.constant(stripes)).numpy()
  assert np.abs(smooth - ref).max() < 1e-4
  assert np.abs(aliased - ref).max() > 0.1  # the non-antialiased one samples the stripes: aliasing
  assert smooth.std() < 0.5 * aliased.std()   # the stripes (above Nyquist after resizing) are filtered out


def test_minimal_identifiable_passes_antialias_to_its_downscale():
  img = _image(28, 28, c=1)
  ours = T.MinimalIdentifiable(antialias=True).steps(28, 28)[0](tf.constant(img)).numpy()
  np.testing.assert_allclose(ours, np.clip(_pil_resize(img, 10, 10), 0, 1), atol=1e-5)


def test_nearest_rotation_keeps_input_values_bilinear_does_not():
  x = tf.constant(np.random.default_rng(1).uniform(0.5, 1.0, (4, 16, 16, 1)).astype(np.float32))
  seed = tf.constant([3, 4], tf.int64)
  nearest = T.RandomRotation(30.0, interpolation="nearest")(x, seed).numpy()
  bilinear = T.RandomRotation(30.0)(x, seed).numpy()
  for o, xi in zip(nearest, x.numpy()):
    assert np.isin(o[o > 0], xi).all()
  assert not all(np.isin(o[o > 0], xi).all() for o, xi in zip(bilinear, x.numpy()))
  assert T.RandomRotation(30.0, interpolation="nearest").spec()["interpolation"] == "nearest"


@pytest.mark.parametrize("make,needle", [
    (lambda: T.ResizeShorter(0), "size must be a positive int"),
    (lambda: T.ResizeShorter(256, method="lanczos"), "unknown method"),
    (lambda: T.CenterCrop((0, 3)), "size must be a positive int"),
    (lambda: T.RandomRotation(10.0, interpolation="cubic"), "unknown interpolation"),
])
def test_bad_resize_crop_rotation_settings_are_one_line_errors(make, needle):
  with pytest.raises(AdvTfError) as err:
    make()
  assert needle in str(err.value) and "\n" not in str(err.value)
