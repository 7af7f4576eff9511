"""Deterministic records of a tiny paper-000 run (MNIST, one seed, 50 images, quick eps and defenses: the quick
profile of b801b87, before issue 22's design, kept as `CONFIG` so that the pinned verdicts stay comparable) for the
verdict tests: every accuracy is the paper's digitized MNIST bar rounded to k/50, and each model is right on
the first k images of a fixed order of the 50 (one order per setting and defense, shared by attacks and eps:
the same images are attacked in every cell, as in a run)."""
from __future__ import annotations

import types

import numpy as np

from adv_tf.claims import pack_items
from adv_tf.studies.dataset_properties import published
from adv_tf.studies.dataset_properties.config import QUICK, eps_label

N = 50
# The one-seed quick of b801b87: every setting at seed 0, every defense row on every setting, the first 50 images.
CONFIG = QUICK.replace(seeds=(0,), only_settings=(), setting_seeds=(), defense_settings=(), eval_images=N)
SIZE_BARS = {"14": "14", "28": "28", "56": "56"}
CONTRAST_BARS = {"c0.5": "0.5", "c2": "2"}
DEFENSES = {"none": "none", "jpeg": "jpeg", "tvm_quirk": "tvm"}
CLEAN = {"14": 0.974, "28": 0.984, "56": 0.986, "c0.5": 0.981, "c2": 0.983}


def _order(setting: str, defense: str) -> np.ndarray:
  seed = sorted(CLEAN).index(setting) * 10 + sorted(DEFENSES).index(defense)
  return np.random.default_rng(seed).permutation(N)


def _judged(setting: str, prop: str, bar: str, attack: str, eps: str) -> dict:
  fig = published.figure("mnist", prop)
  out = {}
  for ours, paper in DEFENSES.items():
    k = int(round(fig[paper][attack][eps][bar] / 100 * N))
    items = np.zeros(N, np.int64)
    items[_order(setting, ours)[:k]] = 1
    out[ours] = {"accuracy": k / N, "correct": k, "n": N, "items": pack_items(items)}
  return out


def records(eps=CONFIG.eps) -> list[dict]:
  out = []
  for setting in CLEAN:
    prop, bar = ("size", SIZE_BARS[setting]) if setting in SIZE_BARS else ("contrast", CONTRAST_BARS[setting])
    adversarial = {attack: {eps_label(e): {"linf": e, "judged": _judged(setting, prop, bar, attack, eps_label(e))}
                            for e in eps} for attack in published.ATTACKS}
    out.append({"result": {"dataset": "mnist", "setting": setting, "seed": 0, "eval_images": N,
                           "clean_accuracy_full_test": CLEAN[setting], "test_images_full": 10000,
                           "adversarial": adversarial}})
  return out


def run(config=CONFIG) -> types.SimpleNamespace:
  """A finished run of `config` (its --eps decide which cells the records hold)."""
  return types.SimpleNamespace(records={"models": records(config.eps)}, config=config, output_dir="unused")
