"""The quantities paper 000's claims compare, resolved from our records or the paper's figures as
`adv_tf.claims` observations (numbers; eps labels only to find a record's cell).

* ours: accuracy of one model (dataset, figure bar) under (defense, attack, eps) on the attacked images, one
  count per seed, with the per-image outcomes where the record has them (records before issue 20 have counts
  only: the engine then uses the unpaired test and says so); clean accuracies on the full test split.
* the contrast control (beyond the paper, spec P6): a no-defense contrast cell at eps x the measured
  RMS-contrast ratio.
* paper: the digitized figure value as k of PAPER_TEST_IMAGES (the paper evaluates on the full test split and
  ran one model per setting; the figure's precision, about 0.2 pp, is below one image in 500).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from adv_tf.claims import Accuracy, unpack_items
from adv_tf.studies.dataset_properties import datasets, published
from adv_tf.studies.dataset_properties.config import eps_label

# Claim defense -> our record's defense row (TVM claims use the channels-first quirk row, as in the figures).
RECORD_ROW = {"none": "none", "tvm": "tvm_quirk", "jpeg": "jpeg"}
CLASSES = {"mnist": 10, "fmnist": 10, "cifar10": 10, "cifar100": 100, "imagenet": 1000}
PAPER_TEST_IMAGES = 10000


def _name(key: str) -> str:
  return next(n for n, s in datasets.SETUPS.items() if s.key == key)


def _model(res, rs: list[dict], key: str) -> dict[str, Any]:
  clean = float(np.mean([r["clean_accuracy_full_test"] for r in rs])) if all(
    "clean_accuracy_full_test" in r for r in rs) else None
  return {"seeds": tuple(r["seed"] for r in rs), "clean": clean, "chance": 1 / CLASSES[key]}


def ours(res, k: tuple) -> Accuracy | None:
  """Our value of a claim key (None when this run did not measure it)."""
  if k[0] == "clean":
    found = res._results(k[1], "contrast", k[2])
    if not found:
      return None
    name, rs = found
    n = int(rs[0]["test_images_full"])
    return Accuracy(tuple(int(round(r["clean_accuracy_full_test"] * n)) for r in rs), n,
                    item_set=f"{name} test", **_model(res, rs, k[1]))
  ds, prop, bar, defense, attack, eps = k
  found = res._results(ds, prop, bar)
  if not found:
    return None
  name, rs = found
  cells = [r.get("adversarial", {}).get(attack, {}).get(eps_label(eps), {}).get("judged", {}).get(RECORD_ROW[defense])
           for r in rs]
  if any(c is None for c in cells):
    return None
  n = int(rs[0]["eval_images"])
  counts = tuple(int(c["correct"]) if "correct" in c else int(round(c["accuracy"] * n)) for c in cells)
  items = tuple(unpack_items(c["items"], n) for c in cells) if all("items" in c for c in cells) else None
  return Accuracy(counts, n, items=items, item_set=f"{name} test[:{n}]", **_model(res, rs, ds))


def contrast_controlled(res, k: tuple) -> Accuracy | None:
  """A no-defense contrast cell at eps x the model's RMS-contrast ratio (1x: as measured); None elsewhere."""
  if not no_defense_contrast(k):
    return None
  ds, _, bar, _, attack, eps = k
  if bar == "1":
    return ours(res, k)
  found = res._results(ds, "contrast", bar)
  if not found:
    return None
  name, rs = found
  cells = [r.get("contrast_control", {}).get("accuracy", {}).get(attack, {}).get(eps_label(eps)) for r in rs]
  if any(c is None for c in cells):
    return None
  n = int(rs[0]["eval_images"])
  return Accuracy(tuple(int(round(c["accuracy"] * n)) for c in cells), n, item_set=f"{name} test[:{n}] (scaled eps)",
                  **_model(res, rs, ds))


def no_defense_contrast(k: tuple) -> bool:
  """A claim key of a no-defense contrast cell (the contrast control's like-for-like baseline)."""
  return k[0] != "clean" and k[1] == "contrast" and k[3] == "none"


def paper(k: tuple) -> Accuracy | None:
  """The paper's value of a claim key as k of PAPER_TEST_IMAGES (None where the paper shows none)."""
  n = PAPER_TEST_IMAGES
  if k[0] == "clean":
    s = datasets.setup(_name(k[1]))
    value = s.paper_clean.get({"1": str(s.original_size), "0.5": "c0.5", "2": "c2"}[k[2]])
    clean = value
  else:
    ds, prop, bar, defense, attack, eps = k
    try:
      value = published.figure(ds, prop)[defense][attack][eps_label(eps)][bar] / 100
    except KeyError:
      return None
    s = datasets.setup(_name(ds))
    clean = s.paper_clean.get(str(s.original_size))
  if value is None:
    return None
  return Accuracy((int(round(value * n)),), n, clean=clean, chance=1 / CLASSES[k[1] if k[0] == "clean" else k[0]])
