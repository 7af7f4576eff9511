"""Hand-made paper-004 cell results (no training): four families x 3 sizes x 3 seeds on a 20-image pool, with
curve shapes chosen so that each claim's verdict is known (a clear turning point, a rising curve, a flat one,
a saturating accuracy)."""
from __future__ import annotations

import numpy as np

SIZES = (1000, 2000, 4000)
SEEDS = (0, 1, 2)
POOL = 20
TEST_EXAMPLES = 1000
# family -> (test accuracy per size, CW-L2 robustness per size); I-FGSM Linf robustness is a tenth of it.
SHAPES = {
    "cifar10/mlp": ((0.40, 0.45, 0.50), (0.50, 0.80, 0.40)),            # turning point at 2000
    "cifar10/resnet32": ((0.55, 0.65, 0.75), (0.20, 0.22, 0.25)),       # rising, no turning point
    "cifar10/resnet32+D": ((0.60, 0.70, 0.80), (0.20, 0.40, 0.15)),     # turning point at 2000
    "mnist/mlp": ((0.970, 0.975, 0.976), (1.00, 1.02, 1.01)),           # saturates; robustness flat
}


def cell_result(family: str, k: int, seed: int) -> dict:
  rng = np.random.default_rng(1000 * list(SHAPES).index(family) + 10 * k + seed)
  accuracy, robustness = SHAPES[family]
  dataset, arch = family.split("/")
  correct = np.ones(POOL, bool)
  correct[: 2 - min(k, 2)] = False            # the smallest models miss the first images
  level = robustness[k] * (1 + 0.03 * rng.standard_normal())
  l2 = level * (1 + 0.1 * rng.standard_normal(POOL))
  return {
      "family": family, "dataset": dataset, "architecture": arch.removesuffix("+D"), "augment": arch.endswith("+D"),
      "size": SIZES[k], "seed": seed, "correct": correct.tolist(),
      "l2": [float(v) if c else None for v, c in zip(l2, correct)],
      "linf": [float(v) / 10 if c else None for v, c in zip(l2, correct)],
      "test_accuracy": float(accuracy[k] + 0.003 * rng.standard_normal()), "train_accuracy": 1.0,
      "steps": 100, "epochs": 3, "cw_success_rate": 1.0, "ifgsm_success_rate": 1.0, "test_examples": TEST_EXAMPLES,
  }


def results(families=tuple(SHAPES)) -> list[dict]:
  return [cell_result(f, k, s) for f in families for k in range(len(SIZES)) for s in SEEDS]


def one_seed_results() -> list[dict]:
  return [r for r in results() if r["seed"] == 0]
