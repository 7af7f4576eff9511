"""The study's stages and their cells (pure Python: no TensorFlow, no data).

Stages, in order:
  1. selection   one cell: train the proxy labeller, keep the `keep` most recognisable pool images;
  2. calibration one cell: calibrate the weak CW constant on the raw CNN (first seed), once;
  3. models      one cell per (architecture, regime, seed): train (or load) the model, run every attack.
A cell's config holds every setting that changes its result, so a changed setting gives a new cell id.
"""
from __future__ import annotations

from typing import Any

from adv_tf.experiment import Cell

STAGES = ("selection", "calibration", "models")

# Settings that only choose which cells exist (not what a cell computes).
_GRID_FIELDS = ("profile", "seeds", "architectures", "regimes")
# Settings each stage's result depends on.
_SELECTION_FIELDS = ("antialias", "low_size", "contrast_factor", "pool_size", "keep", "validation_size",
                     "labeller_architecture", "labeller_epochs", "batch_size", "learning_rate")
_CALIBRATION_FIELDS = ("weak_cw_iterations", "weak_cw_consts", "weak_cw_target", "cw_images",
                       "max_epochs_full", "patience")


def settings(config, fields=None) -> dict[str, Any]:
  """The config as a plain dict without the grid fields (or only `fields`)."""
  d = config.to_dict()
  keys = fields if fields is not None else [k for k in d if k not in _GRID_FIELDS]
  return {k: d[k] for k in keys}


def calibration_architecture(config) -> str:
  """The weak CW is calibrated on the raw CNN (paper Table 2's 52%); on the first architecture without it."""
  return "cnn" if "cnn" in config.architectures else config.architectures[0]


def selection_cells(config) -> list[Cell]:
  return [Cell("selection", {"stage": "selection", **settings(config, _SELECTION_FIELDS)}, stage="selection")]


def calibration_cells(config) -> list[Cell]:
  arch = calibration_architecture(config)
  return [Cell(f"calibration {arch} raw seed={config.seeds[0]}",
               {"stage": "calibration", "architecture": arch, "seed": config.seeds[0],
                **settings(config, _SELECTION_FIELDS + _CALIBRATION_FIELDS)}, stage="calibration")]


def model_cells(config) -> list[Cell]:
  """(architecture, regime, seed) cells; raw before finetuned so a single process trains the parent first."""
  base = settings(config)
  return [Cell(f"{arch} {regime} seed={seed}",
               {"stage": "models", "architecture": arch, "regime": regime, "seed": seed, **base}, stage="models")
          for seed in config.seeds for arch in config.architectures for regime in config.regimes]


BUILDERS = {"selection": selection_cells, "calibration": calibration_cells, "models": model_cells}
