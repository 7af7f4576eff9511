"""Paper 003 cells: one per (seed, model, variant); the list of seeds chooses cells, each cell's config names its
own seed (so a one-seed grid keeps the ids it had before --seeds existed: tests/studies/test_registered_studies.py)."""
from __future__ import annotations

import dataclasses

from adv_tf.studies.imagenette_defenses import cells, config


def test_each_seed_has_its_base_cell_before_its_retraining_cells():
  cfg = dataclasses.replace(config.QUICK, models=("wrn10_2",), seeds=(0, 1, 2), at_variants=("fgsm", "dgsm_random"))
  got = [(c.config["seed"], c.config["variant"]) for c in cells.build_cells(cfg)]
  assert got == [(s, v) for s in (0, 1, 2) for v in ("base", "fgsm", "dgsm_random")]
  assert len({c.id for c in cells.build_cells(cfg)}) == 9
  assert all("seeds" not in c.config and "profile" not in c.config for c in cells.build_cells(cfg))


def test_a_cell_does_not_depend_on_the_other_seeds():
  one = dataclasses.replace(config.QUICK, seeds=(1,))
  three = dataclasses.replace(config.QUICK, seeds=(0, 1, 2))
  ids = {c.id for c in cells.build_cells(three)}
  assert {c.id for c in cells.build_cells(one)} <= ids


def test_quick_runs_three_seeds_of_one_architecture_with_base_and_fgsm_retraining():
  names = [c.name for c in cells.build_cells(config.QUICK)]
  assert names == [f"wrn10_2/{v} seed={s}" for s in (0, 1, 2) for v in ("base", "fgsm")]


def test_cpu_full_runs_both_architectures_with_the_cells_every_claim_reads():
  """Issue 22 item 2 (the arithmetic is in config.py): 3 seeds of GoogLeNet and WRN-10-2 at 112 px (>= 2 seeds per
  architecture: D4, D9-D12b are about a training method), base and FGSM retraining, with the eps* that D2, D4-D12
  read (FGSM 0.025, averaging at 0 and 0.025, DGSM 0.015)."""
  cfg = config.PROFILES["cpu-full"]
  cfg.validate()
  names = [c.name for c in cells.build_cells(cfg)]
  assert sorted(names) == sorted(f"{m}/{v} seed={s}" for s in (0, 1, 2) for m in ("googlenet", "wrn10_2")
                                 for v in ("base", "fgsm"))
  assert cfg.image_size == 112 and cfg.base_epochs == 30 and cfg.at_epochs == 10
  assert {0.025, 0.05, 0.3} <= set(cfg.fgsm_eps) and 0.015 in cfg.dgsm_eps
  assert {0.0, 0.025} <= set(cfg.averaging_fgsm_eps) and 0.015 in cfg.averaging_dgsm_eps
  assert (cfg.dgsm_iterations, cfg.dgsm_step) == (40, 0.01)  # DGSM at full strength, as every profile but smoke
