"""Paper 003 cells: one per (seed, model, variant), variant "base" (fine-tuned, §III-C) or an adversarial
retraining variant (§III-E: "fgsm"; the slides' "dgsm_random") that starts from the base model of the same seed.
A cell's config holds every setting that shapes its numbers (not the profile's name nor the list of seeds), so a
changed grid reruns the cell while the trained model comes from the cache.
"""
from __future__ import annotations

import dataclasses

from adv_tf.experiment.runner import Cell

STAGE = "cells"  # the study's one stage
# Settings that only choose which cells exist (not what a cell computes).
_GRID_FIELDS = ("profile", "seeds")


def variants(cfg) -> list[str]:
  """"base", then the adversarial retraining variants (none when --at_epochs=0)."""
  return ["base"] + (list(cfg.at_variants) if cfg.at_epochs > 0 else [])


def build_cells(cfg) -> list[Cell]:
  """Seed by seed, each model's base cell before its retraining cells."""
  settings = {k: v for k, v in dataclasses.asdict(cfg).items() if k not in _GRID_FIELDS}
  return [Cell(name=f"{model}/{variant} seed={seed}",
               config={"model": model, "variant": variant, "seed": seed, **settings}, stage=variant)
          for seed in cfg.seeds for model in cfg.models for variant in variants(cfg)]
