"""The study's one stage and its cells (pure Python: no TensorFlow, no data).

Stage `models`: one cell per (dataset, size, contrast, seed). A cell trains (or loads) its model, measures the
setting's contrast, then crafts every (attack, eps) once on the undefended model and judges the adversarial
images with every defense (gray-box). The 1x-contrast model is the original-size model (paper §IV-B), so a
dataset has 5 cells per seed. A cell's config holds every setting that changes its result.
"""
from __future__ import annotations

from typing import Any

from adv_tf.experiment import Cell
from adv_tf.studies.dataset_properties import datasets

STAGES = ("models",)

# Settings that only choose which cells exist (not what a cell computes); --defense_settings enters each cell
# as the rows that cell judges (its "defenses").
_GRID_FIELDS = ("profile", "datasets", "properties", "seeds", "only_settings", "setting_seeds", "defense_settings")


def settings(config) -> dict[str, Any]:
  d = config.to_dict()
  return {k: v for k, v in d.items() if k not in _GRID_FIELDS}


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


BUILDERS = {"models": model_cells}
