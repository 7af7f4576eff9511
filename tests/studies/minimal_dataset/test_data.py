"""The distortion matches its three steps (paper 001 §3.2) and the relabelling proxy is deterministic."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from adv_tf.errors import AdvTfError
from adv_tf.studies.minimal_dataset import config as cfg
from adv_tf.studies.minimal_dataset import data as data_lib
from tests.studies.minimal_dataset.conftest import generated_digits


def _three_steps(x: np.ndarray, antialias: bool) -> np.ndarray:
  """Written out independently: tf bilinear down to 10x10, nearest up to 28x28, contrast x4 about the mean, clip."""
  low = tf.image.resize(x, (10, 10), method="bilinear", antialias=antialias).numpy().clip(0, 1)
  up = tf.image.resize(low, (28, 28), method="nearest").numpy()
  mean = up.mean(axis=(1, 2, 3), keepdims=True)
  return np.clip(mean + 4.0 * (up - mean), 0.0, 1.0)


def test_distortion_is_its_three_steps_antialiased_by_default():
  x, _ = generated_digits(16, 3)
  assert cfg.QUICK.antialias and cfg.QUICK.low_size == 10 and cfg.QUICK.contrast_factor == 4.0
  np.testing.assert_allclose(data_lib.distort(x, cfg.QUICK), _three_steps(x, True), atol=1e-5)
  np.testing.assert_allclose(data_lib.distort(x, cfg.QUICK.replace(antialias=False)), _three_steps(x, False), atol=1e-5)
  assert np.abs(_three_steps(x, True) - _three_steps(x, False)).max() > 0.1  # the flag matters
  spec = data_lib.distortion(cfg.QUICK).spec()
  assert spec == {"name": "minimal_identifiable", "low_size": 10, "contrast_factor": 4.0, "antialias": True}


def test_antialiased_downscale_matches_pil_bilinear():
  """torchvision's Resize on PIL images (what the paper most likely used) is PIL's antialiased bilinear."""
  x, _ = generated_digits(4, 5)
  ours = tf.image.resize(x, (10, 10), method="bilinear", antialias=True).numpy()[..., 0]
  for img, low in zip(x, ours):
    pil = np.asarray(Image.fromarray(img[..., 0].astype(np.float32), mode="F").resize((10, 10), Image.BILINEAR))
    assert np.abs(pil - low).max() < 0.02


def test_distorted_images_are_blocky_and_near_binary():
  x, _ = generated_digits(8, 7)
  d = data_lib.distort(x, cfg.QUICK)
  blocks = d[:, :27, :27, 0]
  # nearest 10 -> 28: runs of equal values along rows (28/10 = 2.8 pixels per block)
  assert np.mean(blocks[:, :, 1:] == blocks[:, :, :-1]) > 0.6
  assert np.mean((d < 0.02) | (d > 0.98)) > 0.5


def test_select_most_recognisable_keeps_highest_and_breaks_ties_by_index():
  p = np.array([0.9, 0.1, 0.5, 0.5, 0.5, 0.99, 0.0])
  np.testing.assert_array_equal(data_lib.select_most_recognisable(p, 4), [0, 2, 3, 5])
  rng = np.random.default_rng(0)
  q = rng.uniform(size=5000)
  kept = data_lib.select_most_recognisable(q, 4736)
  assert len(kept) == 4736 and np.all(np.diff(kept) > 0)
  assert q[kept].min() >= np.sort(q)[::-1][4735]
  np.testing.assert_array_equal(kept, data_lib.select_most_recognisable(q.copy(), 4736))
  with pytest.raises(AdvTfError):
    data_lib.select_most_recognisable(q, 5001)


def test_random_selection_and_provenance_are_deterministic():
  a = data_lib.random_selection(5000, 4736, seed=1)
  np.testing.assert_array_equal(a, data_lib.random_selection(5000, 4736, seed=1))
  assert not np.array_equal(a, data_lib.random_selection(5000, 4736, seed=2))
  prov = data_lib.selection_provenance("random", a, cfg.QUICK, {"seed": 1})
  assert prov["keep"] == 4736 and prov["indices"] == a.tolist() and prov["pool"] == [0, 5000]
  assert prov["indices_sha256"] == data_lib.indices_digest(a.copy())


def test_layout_must_leave_labeller_images():
  with pytest.raises(AdvTfError, match="labeller"):
    data_lib.check_layout(cfg.QUICK, 9000)
  data_lib.check_layout(cfg.QUICK, 60000)
