"""Paper 003 cells: one per (model, variant), variant "base" (fine-tuned, §III-C) or an adversarial retraining
variant (§III-E: "fgsm"; the slides' "dgsm_random"). A cell's config holds every setting that shapes its
numbers (not the profile's name), so a changed grid reruns the cell while the trained model comes from the cache.
"""
from __future__ import annotations

import dataclasses

from adv_tf.experiment.runner import Cell

STAGE = "cells"  # the study's one stage


def variants(cfg) -> list[str]:
  """"base", then the adversarial retraining variants (none when --at_epochs=0)."""
  return ["base"] + (list(cfg.at_variants) if cfg.at_epochs > 0 else [])


def build_cells(cfg, seed: int) -> list[Cell]:
  settings = {k: v for k, v in dataclasses.asdict(cfg).items() if k != "profile"}
  return [Cell(name=f"{model}/{variant}", config={"model": model, "variant": variant, "seed": seed, **settings},
               stage=variant)
          for model in cfg.models for variant in variants(cfg)]
