"""`augment` after `ds.cache()`: random transforms re-drawn every epoch, reproducible from the seed
(issue 9: caching after the random transforms froze epoch 1's crops for every epoch)."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from adv_tf.data import augment, split_for_cache
from adv_tf.data import transforms as T
from adv_tf.errors import AdvTfError

RANDOM = [T.RandomResizedCrop(scale=(0.3, 1.0)), T.RandomFlip()]


def _cached(batched: bool = True, pixel_range=(0.0, 1.0)) -> tf.data.Dataset:
  x = np.random.default_rng(0).uniform(0, 1, (24, 16, 16, 3)).astype(np.float32)
  x = x * (pixel_range[1] - pixel_range[0]) + pixel_range[0]
  ds = tf.data.Dataset.from_tensor_slices((x, np.arange(24, dtype=np.int64))).cache()
  return ds.batch(8) if batched else ds


def _epoch(ds) -> tuple[np.ndarray, np.ndarray]:
  xs, ys = zip(*ds.as_numpy_iterator())
  return np.concatenate(xs) if xs[0].ndim == 4 else np.stack(xs), np.concatenate(ys) if np.ndim(ys[0]) else np.array(ys)


@pytest.mark.parametrize("batched", [True, False])
def test_two_epochs_differ_and_the_seed_reproduces_them(batched):
  ds = augment(_cached(batched), RANDOM, seed=3)
  (a1, y1), (a2, y2) = _epoch(ds), _epoch(ds)
  assert not np.array_equal(a1, a2)                   # fresh crops/flips in epoch 2, after the cache
  np.testing.assert_array_equal(y1, np.arange(24))     # labels pass through untouched
  np.testing.assert_array_equal(y2, np.arange(24))
  again = augment(_cached(batched), RANDOM, seed=3)     # a new pipeline with the same seed
  b1, b2 = _epoch(again)[0], _epoch(again)[0]
  np.testing.assert_array_equal(a1, b1)
  np.testing.assert_array_equal(a2, b2)
  other = _epoch(augment(_cached(batched), RANDOM, seed=4))[0]
  assert not np.array_equal(a1, other)
  assert a1.shape == (24, 16, 16, 3) and a1.min() >= 0.0 and a1.max() <= 1.0


def test_images_alone_and_the_pixel_range_round_trip():
  x = np.random.default_rng(1).uniform(0, 1, (4, 8, 8, 1)).astype(np.float32)
  unit = next(augment(tf.data.Dataset.from_tensors(x), [T.RandomShift(0.3)], seed=5).as_numpy_iterator())
  shifted = next(augment(tf.data.Dataset.from_tensors(x - 0.5), [T.RandomShift(0.3)], seed=5,
                         pixel_range=(-0.5, 0.5)).as_numpy_iterator())
  np.testing.assert_allclose(shifted, unit - 0.5, atol=1e-6)  # zero fill means -0.5 in [-0.5, 0.5]
  assert (unit == 0).any()


def test_split_for_cache_puts_everything_from_the_first_random_transform_after_the_cache():
  cacheable, per_epoch = split_for_cache([{"name": "balanced_subset", "size": 10}, T.Contrast(2.0),
                                          T.RandomResizedCrop(), T.Resize(size=8), T.RandomFlip()])
  assert [t.name for t in cacheable] == ["balanced_subset", "contrast"]
  assert [t.name for t in per_epoch] == ["random_resized_crop", "resize", "random_flip"]
  with pytest.raises(AdvTfError, match="dataset-level"):
    augment(_cached(), [{"name": "balanced_subset", "size": 10}], seed=0)
