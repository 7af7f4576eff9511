"""The grid and its nested, balanced, deterministic subsets, shared by every architecture of a dataset."""
from __future__ import annotations

import numpy as np

from adv_tf.attacks.cw_config import CWConfig
from adv_tf.studies.training_size import cells, run
from adv_tf.studies.training_size import claims as claims_lib
from adv_tf.studies.training_size import config as config_lib
from adv_tf.studies.training_size.families import parse_family


def _labels(n=3000, classes=10, seed=0):
  return np.random.default_rng(seed).integers(0, classes, n)


def test_subsets_nested_balanced_deterministic_per_seed():
  labels = _labels()
  sizes = [100, 500, 1000, 2000]
  for seed in (0, 1):
    subsets = [run.subset_indices(labels, s, seed, 10) for s in sizes]
    for small, big in zip(subsets, subsets[1:]):
      assert set(small) < set(big)  # strict inclusion S_k subset of S_k+1
    for size, idx in zip(sizes, subsets):
      assert np.bincount(labels[idx], minlength=10).tolist() == [size // 10] * 10
    again = [run.subset_indices(labels, s, seed, 10) for s in sizes]
    assert all(np.array_equal(a, b) for a, b in zip(subsets, again))
  assert not np.array_equal(run.subset_indices(labels, 500, 0, 10), run.subset_indices(labels, 500, 1, 10))


def test_cells_of_two_architectures_share_sizes_and_seeds():
  config = config_lib.QUICK.replace(families=("mnist/mlp", "mnist/simple_cnn", "cifar10/mlp"))
  grid = cells.build_cells(config)
  by_family = {}
  for cell in grid:
    by_family.setdefault(cell.config["family"], set()).add((cell.config["size"], cell.config["seed"]))
  assert by_family["mnist/mlp"] == by_family["mnist/simple_cnn"]
  assert len({c.id for c in grid}) == len(grid)
  assert len(grid) == sum(len(config.sizes_for(d)) * config.seeds_for(d)
                          for d in (parse_family(f).dataset for f in config.families))


def test_seeds_overrides_set_the_seed_count_per_dataset():
  config = config_lib.QUICK.replace(families=("mnist/mlp", "cifar10/mlp"), seeds=3, seeds_overrides=("cifar10=1",))
  seeds = {}
  for cell in cells.build_cells(config):
    seeds.setdefault((cell.config["family"], cell.config["size"]), []).append(cell.config["seed"])
  assert {k: v for k, v in seeds.items() if k[0] == "mnist/mlp"} == {("mnist/mlp", n): [0, 1, 2]
                                                                      for n in config.sizes_mnist}
  assert {k: v for k, v in seeds.items() if k[0] == "cifar10/mlp"} == {("cifar10/mlp", n): [0]
                                                                        for n in config.sizes_cifar10}


def test_quick_profile_replicates_every_family_so_that_its_training_claims_can_be_decided():
  """Issue 22's quick profile: every family at >= 2 seeds (one seed reads "this model" and decides no claim about
  training), each ending at the full (class-balanced) training set, MNIST with a middle size (C6 compares it with
  the largest), every family with its cells registered at every size and seed."""
  config = config_lib.QUICK
  config.validate()
  assert set(config.families) == {"mnist/mlp", "cifar10/mlp"}
  registered = {}
  for cell in cells.build_cells(config):
    registered.setdefault(cell.config["family"], set()).add((cell.config["size"], cell.config["seed"]))
  assert set(registered) == set(config.families)
  for family in config.families:
    dataset = parse_family(family).dataset
    assert config.seeds_for(dataset) >= 2
    assert registered[family] == {(n, s) for n in config.sizes_for(dataset) for s in range(config.seeds_for(dataset))}
  assert max(config.sizes_mnist) == 54210 and max(config.sizes_cifar10) == 20000
  assert len(config.sizes_mnist) >= 3


def test_step_policy_gives_small_subsets_at_least_min_steps():
  config = config_lib.QUICK
  for cell in cells.build_cells(config):
    train = cell.config["train"]
    steps = (cell.config["size"] // train["batch_size"]) * train["epochs"]
    assert steps >= config.min_steps
    assert train["epochs"] >= config.epochs


def test_attack_settings_are_full_strength_in_every_profile():
  for name, profile in config_lib.PROFILES.items():
    if name == "smoke":  # checks an install and decides nothing (its claims come out "not decided")
      continue
    assert profile.cw == CWConfig()  # Carlini & Wagner 2017's defaults, their exact schedule
    assert profile.ifgsm_tolerance <= 1e-4


def test_cpu_full_profile_has_what_its_claims_need():
  """Issue 22 item 2 (the arithmetic is in config.py): cpu-full replicates every family (>= 3 seeds: its training
  claims are seed-level t tests), gives C7 a pair of architectures on each dataset, attacks a pool that can hold the
  368 distinct images C9 needs per family (0.99^368 < 0.025), and trains with the family recipes' own epochs."""
  config = config_lib.CPU_FULL
  config.validate()
  declared = {c.id: c for c in claims_lib.claims(config)}
  assert {cell.a[1] for cell in declared["C7"].cells} == {"mnist", "cifar10"}
  assert {cell.a[1] for cell in declared["C9"].cells} == set(config.families)
  assert config.pool_size >= 368
  registered = {}
  for cell in cells.build_cells(config):
    registered.setdefault(cell.config["family"], set()).add((cell.config["size"], cell.config["seed"]))
    assert cell.config["train"]["epochs"] >= 50  # the C&W recipe's 50 epochs, uncapped
  for family in config.families:
    dataset = parse_family(family).dataset
    assert config.seeds_for(dataset) >= 3
    assert registered[family] == {(n, s) for n in config.sizes_for(dataset) for s in range(config.seeds_for(dataset))}
  assert config_lib.PAPER.pool_size == 1000 and len(config_lib.PAPER.families) == 18  # paper keeps full scale
