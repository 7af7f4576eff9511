"""Paper 003 data (§III-B): Imagenette train / held-out images with the authors' preprocessing.

* Split: "balanced" takes a seeded class-balanced train/test split of the dataset's validation split (the
  offline copy `imagenette/local-224px` has only 2,500 validation images, 250 per class); "official" uses the
  dataset's train and validation splits (network users; imagenette v1's validation images are ImageNet val
  images, the leakage-free choice with pretrained weights). The selection hash goes into the provenance.
* Eval: Resize(shorter side 256/224 * size) + CenterCrop(size) (authors' code: Resize(256) + CenterCrop(224)).
* Train: the same resize (cached), then RandomResizedCrop(size) + horizontal flip drawn afresh every epoch
  after the cache (authors: RandomResizedCrop(224) of the full image; flip is ours, stated in the report).
  At reduced scale the random crop is taken from the resized image (256/224 * size), not the full image.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from adv_tf.data.arrays import TrainTestArrays
from adv_tf.data.pipeline import load_arrays
from adv_tf.data.subsets import BalancedSplit
from adv_tf.data.transforms import CenterCrop, RandomFlip, RandomResizedCrop, Resize, ResizeShorter
from adv_tf.errors import AdvTfError


@dataclasses.dataclass
class StudyData(TrainTestArrays):
  """Training images (resized, not yet cropped), held-out images (eval preprocessing), identities."""
  train_identity: dict
  test_identity: dict
  provenance: dict
  class_names: tuple[str, ...]

  image_size: int = 224

  @property
  def train_transforms(self) -> tuple:
    """The per-epoch random augmentations: RandomResizedCrop (torchvision sampling), a flip, and the resize of
    the crop to the model's input size."""
    return (RandomResizedCrop(), RandomFlip(), Resize(self.image_size))


def _split_transforms(cfg, part: str) -> list:
  if cfg.split_mode != "balanced":
    return []
  return [BalancedSplit(part=part, train_per_class=cfg.train_per_class, test_per_class=cfg.test_per_class,
                        seed=cfg.split_seed)]


def _splits(cfg) -> tuple[str, str]:
  return ("test", "test") if cfg.split_mode == "balanced" else ("train", "test")


def load_study_data(cfg, data_dir: str | None) -> StudyData:
  """Loads both parts as [0, 1] float32 arrays (see module docstring)."""
  train_split, test_split = _splits(cfg)
  size = cfg.image_size
  x_tr, y_tr, info_tr = load_arrays(cfg.dataset, train_split, data_dir=data_dir, take=cfg.train_take,
                                    transforms=_split_transforms(cfg, "train") + [
                                        ResizeShorter(cfg.resize_size), CenterCrop(cfg.resize_size)])
  x_te, y_te, info_te = load_arrays(cfg.dataset, test_split, data_dir=data_dir, take=cfg.test_take,
                                    transforms=_split_transforms(cfg, "test") + [
                                        ResizeShorter(cfg.resize_size), CenterCrop(size)])
  if len(y_tr) < cfg.batch_size:
    raise AdvTfError(f"{len(y_tr)} training images are fewer than one batch of {cfg.batch_size}; lower "
                     "--batch_size or raise --train_take")
  # Training images keep a square resize_size x resize_size center (the local images are square already);
  # RandomResizedCrop then resizes its crop to `size`.
  provenance: dict[str, Any] = {"train": info_tr.provenance, "test": info_te.provenance,
                                "split_mode": cfg.split_mode, "local_subset": info_te.is_subset}
  return StudyData(x_tr, y_tr, x_te, y_te, info_tr.identity(), info_te.identity(), provenance,
                   tuple(info_te.class_names), size)
