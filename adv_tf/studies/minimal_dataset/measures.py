"""The quantities paper 001's claims compare, from our model records or Table 2, as `adv_tf.claims`
observations.

A key is (architecture, regime, metric, parameter): metric "clean" (10,000 test images), "distorted" (the
distorted test set), "fgsm" (parameter: eps), "pgd", "weak_cw", "cw_at" (full-strength CW, parameter: the L2
budget), "l0" / "l2" (per-image minimal distances of full-strength CW: 0 if misclassified clean, inf if the
attack failed; compared by their median). Our accuracies carry the per-image outcomes the records hold (records
before issue 20 have none: the engine then uses the unpaired test and says so), the model's clean accuracy
(near-chance check) and its training-set size (a confound of every modified-vs-raw comparison).
Table 2 (`paper`) gives one model per row: clean and FGSM on 10,000 images, CW on 100 (spec 001-1); its FGSM
row stands for our headline eps.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from adv_tf.claims import Accuracy, Values, unpack_items
from adv_tf.studies.minimal_dataset import published
from adv_tf.studies.minimal_dataset.evaluation import minimal_distances
from adv_tf.studies.minimal_dataset.models import REGIMES

Group = dict[tuple[str, str], list[dict]]
CHANCE = 0.1
# The paper's two architectures (Table 2), and which of ours stands for each.
PAPER_ARCHITECTURES = {"CNN": ("cnn",), "LeNet": ("lenet5_classic", "lenet5_relu")}
TABLE2_ATTACK = {"clean": "None", "fgsm": "FGSM", "weak_cw": "CW"}


def by_model(records: Sequence[dict]) -> Group:
  """{(architecture, regime): [result per seed, sorted by seed]}."""
  out: Group = {}
  for r in sorted(records, key=lambda r: r["result"]["seed"]):
    res = r["result"]
    out.setdefault((res["architecture"], res["regime"]), []).append(res)
  return out


def paper_architecture(arch: str) -> str:
  return next(paper for paper, ours in PAPER_ARCHITECTURES.items() if arch in ours)


def _cw_correct(r: dict, budget: float) -> np.ndarray:
  cw = r["cw"]
  distances = minimal_distances(np.asarray(cw["clean_correct"]), np.asarray(cw["success"]), np.asarray(cw["l2"], float))
  return distances > budget


def _train_images(r: dict, group: Group) -> int | None:
  """The images a model's weights were fitted on: a fine-tuned model's own 4,736 plus its parent's (the raw model of
  the same architecture and seed, `models.REGIMES`), whose weights it starts from and mostly keeps."""
  own = r.get("training", {}).get("train_images")
  parent = REGIMES.get(r.get("regime"), {}).get("parent")
  if own is None or parent is None:
    return own
  match = [p for p in group.get((r["architecture"], parent), []) if p["seed"] == r["seed"]]
  parent_images = match[0].get("training", {}).get("train_images") if match else None
  return None if parent_images is None else own + parent_images


def _accuracy(rs: list[dict], n: int, counts: list[int], items: list | None, item_set: str,
              group: Group) -> Accuracy:
  clean = float(np.mean([r["clean_accuracy"] for r in rs]))
  train = [_train_images(r, group) for r in rs]
  confounds = {"training images": float(np.mean(train))} if all(t is not None for t in train) else {}
  return Accuracy(tuple(counts), n, tuple(r["seed"] for r in rs), tuple(items) if items is not None else None,
                  item_set, clean, CHANCE, confounds)


def ours(group: Group) -> Callable[[tuple], Accuracy | Values | None]:
  """The measure function of our records."""
  def measure(key: tuple):
    arch, regime, metric, param = key
    rs = group.get((arch, regime))
    if not rs:
      return None
    if metric in ("l0", "l2"):
      if any("cw" not in r for r in rs):
        return None
      per_seed = tuple(tuple(float(v) for v in minimal_distances(np.asarray(r["cw"]["clean_correct"]), np.asarray(
        r["cw"]["success"]), np.asarray(r["cw"][metric], float))) for r in rs)
      return Values(per_seed, tuple(r["seed"] for r in rs), f"mnist test[:{len(per_seed[0])}]", "median",
                    float(np.mean([r["clean_accuracy"] for r in rs])), CHANCE)
    if metric == "clean":
      n = int(rs[0]["test_images"])
      items = [unpack_items(r["clean_items"], n) for r in rs] if all("clean_items" in r for r in rs) else None
      return _accuracy(rs, n, [int(round(r["clean_accuracy"] * n)) for r in rs], items, "mnist test", group)
    if metric == "distorted":
      n = int(rs[0]["test_images"])
      return _accuracy(rs, n, [int(round(r["distorted_test_accuracy"] * n)) for r in rs], None,
                       "mnist distorted test", group)
    if metric == "cw_at":
      if any("cw" not in r for r in rs):
        return None
      items = [tuple(int(v) for v in _cw_correct(r, param)) for r in rs]
      return _accuracy(rs, len(items[0]), [sum(i) for i in items], items, f"mnist test[:{len(items[0])}]", group)
    blocks = [r.get(metric) for r in rs]
    if any(b is None for b in blocks):
      return None
    n = int(blocks[0]["images"])
    if metric == "fgsm":
      label = f"{param:g}"
      if any(label not in b["accuracy"] for b in blocks):
        return None
      accs, packed = [b["accuracy"][label] for b in blocks], [b.get("items", {}).get(label) for b in blocks]
    else:
      accs, packed = [b["accuracy"] for b in blocks], [b.get("items") for b in blocks]
    items = [unpack_items(p, n) for p in packed] if all(p is not None for p in packed) else None
    return _accuracy(rs, n, [int(round(a * n)) for a in accs], items, f"mnist test[:{n}]", group)
  return measure


def paper(headline_eps: float) -> Callable[[tuple], Accuracy | None]:
  """Table 2 as one model per row (the paper ran one seed): clean and FGSM on 10,000 images, CW on 100."""
  def measure(key: tuple):
    arch, regime, metric, param = key
    training = {v: k for k, v in published.TABLE2_REGIMES.items()}.get(regime)
    if training is None or metric not in TABLE2_ATTACK or (metric == "fgsm" and param != headline_eps):
      return None
    n = published.CW_IMAGES if metric == "weak_cw" else 10000
    arch_name = paper_architecture(arch)
    value = published.table2_value(arch_name, training, TABLE2_ATTACK[metric]) / 100
    clean = published.table2_value(arch_name, training, "None") / 100
    return Accuracy((int(round(value * n)),), n, clean=clean, chance=CHANCE)
  return measure
