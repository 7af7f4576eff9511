"""The study's two stages and their cells (pure Python: no TensorFlow, no data).

Stage `models`: one cell per (dataset, size, contrast, seed). A cell trains (or loads) its model, measures the
setting's contrast, then crafts every (attack, eps) once on the undefended model and judges the adversarial
images with every defense (gray-box). The 1x-contrast model is the original-size model (paper §IV-B), so a
dataset has 5 cells per seed. A cell's config holds every setting that changes its result.
"""
from __future__ import annotations

from typing import Any

from adv_tf.experiment import Cell
from adv_tf.studies.dataset_properties import datasets

STAGES = ("models", "recipe_control")
# Stage `recipe_control` (issue 22 item 5): one cell per --recipe_control_settings label and dataset, at the first
# seed: the same model trained by the paper's whole recipe instead of the stop rule (`run.train_config`), then
# the same attacks and judgements. A stage of its own, so that adding it left the `models` grid unchanged.
RECIPE_PAPER = "paper"

# Settings that only choose which cells exist (not what a cell computes); --defense_settings enters each cell
# as the rows that cell judges (its "defenses").
_GRID_FIELDS = ("profile", "datasets", "properties", "seeds", "only_settings", "setting_seeds", "defense_settings",
                "recipe_control_settings")
# Settings of the recipe-control cells only: in their configs, never in a `models` cell's.
_CONTROL_FIELDS = ("recipe_control_epochs",)


def settings(config) -> dict[str, Any]:
  d = config.to_dict()
  return {k: v for k, v in d.items() if k not in _GRID_FIELDS + _CONTROL_FIELDS}


def model_cells(config) -> list[Cell]:
  """Original-size models first in each dataset (a fine-tuned resized CIFAR-10 model needs its parent)."""
  base = settings(config)
  out = []
  for seed in config.seeds:
    for name in config.datasets:
      setup = datasets.setup(name)
      pairs = datasets.model_settings(name, config.properties)
      pairs.sort(key=lambda p: (p != (setup.original_size, 1.0)))
      for size, contrast in pairs:
        label = datasets.setting_label(size, contrast)
        if config.only_settings and label not in config.only_settings or seed not in config.seeds_for(label):
          continue
        out.append(Cell(f"{name} {label} seed={seed}",
                        {"stage": "models", "dataset": name, "size": size, "contrast": contrast, "setting": label,
                         "seed": seed, **base, "defenses": config.defenses_for(label)}, stage="models"))
  return out


def recipe_control_cells(config) -> list[Cell]:
  """The training-recipe control: each named setting's model of the first seed, trained by the paper's recipe;
  only settings this run trains (so that the report can put the stop-rule model of the same seed beside it)."""
  base = settings(config)
  seed = config.seeds[0]
  out = []
  for name in config.datasets:
    for size, contrast in datasets.model_settings(name, config.properties):
      label = datasets.setting_label(size, contrast)
      if label not in config.recipe_control_settings or config.only_settings and label not in config.only_settings:
        continue
      out.append(Cell(f"{name} {label} seed={seed} paper recipe",
                      {"stage": "recipe_control", "dataset": name, "size": size, "contrast": contrast,
                       "setting": label, "seed": seed, **base, "defenses": config.defenses_for(label),
                       "recipe": RECIPE_PAPER, "recipe_control_epochs": config.recipe_control_epochs},
                      stage="recipe_control"))
  return out


BUILDERS = {"models": model_cells, "recipe_control": recipe_control_cells}
