"""The grid of the training-size study: one cell per (family, subset size, seed) (paper 004 §4.1).

A cell trains one model on the nested class-balanced subset S_k (seed s: every architecture of a dataset
gets the same subsets for the same s, as §4.1 says), measures its clean test and train accuracy and
attacks the fixed pool. Its config names everything its result depends on, so the cell id changes when
any setting does.
"""
from __future__ import annotations

from adv_tf.experiment import Cell
from adv_tf.studies.training_size.config import TrainingSizeConfig
from adv_tf.studies.training_size.families import parse_family, train_config
from adv_tf.studies.training_size.splits import TEST_ORDER

ATTACK_FIELDS = ("ifgsm_iterations", "ifgsm_tolerance", "pool_size")


def split_fields(config: TrainingSizeConfig, dataset: str) -> dict:
  """The settings that define a dataset's train/test arrays (part of every cell's identity): the test order
  (`splits.TEST_ORDER`, since 2026-12-06: before it the pool was the split's first N images, all airplanes on the
  local CIFAR-10 copy) and the re-split settings."""
  order = {"test_order": TEST_ORDER}
  if dataset == "stl10":
    return {**order, "split_seed": config.split_seed, "stl10_train_per_class": config.stl10_train_per_class,
            "stl10_test_per_class": config.stl10_test_per_class}
  if dataset == "tiny_imagenet":
    return {**order, "tiny_split": config.tiny_split, "split_seed": config.split_seed,
            "tiny_train_per_class": config.tiny_train_per_class, "tiny_test_per_class": config.tiny_test_per_class}
  return order


def build_cells(config: TrainingSizeConfig) -> list[Cell]:
  """Cells in run order: family by family, sizes ascending, seeds inner (so a curve fills in early)."""
  cells = []
  for name in config.families:
    family = parse_family(name)
    for size in config.sizes_for(family.dataset):
      for seed in range(config.seeds_for(family.dataset)):
        tc = train_config(family, recipe=config.recipe, epochs=config.epochs, max_epochs=config.max_epochs,
                          min_steps=config.min_steps_for(family.dataset), size=size, seed=seed)
        cfg = {"family": family.name, "size": int(size), "seed": int(seed), "train": tc.to_dict(),
               "eval_examples": config.eval_examples, "split": split_fields(config, family.dataset),
               "attacks": {"cw": config.cw.to_dict(), **{k: getattr(config, k) for k in ATTACK_FIELDS}}}
        cells.append(Cell(name=f"{family.name} n={size} seed={seed}", config=cfg, stage="models"))
  return cells
