"""Data layer: registered datasets -> batched tf.data pipelines with recorded property transforms.

    ds, info = adv_tf.data.load("mnist", "train", pixel_range=(-0.5, 0.5), transforms=[Contrast(2.0)])
    x, y, info = adv_tf.data.load_arrays("cifar10", "test", take=1000)

Importing this package registers the Tiny ImageNet TFDS builder (`tfds.load("tiny_imagenet")` works after).
See `pipeline` (load order, missing-data rule), `transforms`, `subsets`, `stats`, `datasets` (registry).
"""
from adv_tf.data import stats, subsets, tiny_imagenet, transforms
from adv_tf.data.datasets import DATASETS, DatasetSpec
from adv_tf.data.info import DatasetInfo
from adv_tf.data.pipeline import (
  augment,
  clear_memory_cache,
  load,
  load_arrays,
  offline,
  resolve_data_dir,
  split_for_cache,
)
from adv_tf.data.stats import SplitStats, image_stats, per_image_contrast, split_stats
from adv_tf.data.subsets import (
  BalancedSplit,
  BalancedSubset,
  IndexSubset,
  balanced_split,
  balanced_subset,
  indices_digest,
  nested_balanced_subsets,
)
from adv_tf.data.transforms import (
  TRANSFORMS,
  CenterCrop,
  Contrast,
  MinimalIdentifiable,
  RandomFlip,
  RandomResizedCrop,
  RandomRotation,
  RandomShift,
  Resize,
  ResizeShorter,
  Transform,
)

__all__ = [
    "DATASETS", "DatasetSpec", "DatasetInfo", "load", "load_arrays", "augment", "split_for_cache", "offline",
    "resolve_data_dir",
    "clear_memory_cache", "SplitStats", "image_stats", "per_image_contrast", "split_stats", "BalancedSubset",
    "balanced_subset", "nested_balanced_subsets", "BalancedSplit", "IndexSubset", "balanced_split",
    "indices_digest", "TRANSFORMS", "Transform", "Resize", "ResizeShorter", "CenterCrop", "Contrast",
    "MinimalIdentifiable", "RandomResizedCrop", "RandomFlip", "RandomRotation", "RandomShift", "transforms",
    "subsets", "stats", "tiny_imagenet",
]
