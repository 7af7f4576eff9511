"""The quantities paper 003's claims compare (keys of `claims`), resolved from this run's cell results or from
the paper's published numbers, as `adv_tf.claims` observations. Measurement only: the engine judges.

Ours: k of n held-out images per quantity and seed (the run's --seeds), the per-image outcomes on the held-out
images (every cell sees the same ones, so the engine compares two quantities image by image: exact McNemar; records
made before the outcomes were kept give counts only, then the unpaired Newcombe interval, which the engine names),
and the model's clean accuracy averaged over the seeds, so that a model at or near chance (10 classes) is not
testable.
The paper's: the WRN-50-2 figure values (Tables 003-A/B) as k of 50 images; GoogLeNet's were never published.
"""
from __future__ import annotations

import numpy as np

from adv_tf.claims import Accuracy, Untestable, Values, unpack_items
from adv_tf.studies.imagenette_defenses import published
from adv_tf.studies.imagenette_defenses.claims import CHANCE, DGSM_RISE, DROP, RELATIVE_DROP, is_wrn
from adv_tf.studies.imagenette_defenses.config import DGSM_EPS, FGSM_EPS

HELD_OUT = "held-out images"
PAPER_IMAGES = 50


def point(curve: list[dict], eps: float) -> dict | None:
  """The curve's entry at eps, or None."""
  return next((p for p in curve if abs(p["eps"] - eps) < 1e-9), None)


def _entry(result: dict, defense: str, metric: str, eps: float) -> dict | None:
  if defense == "none":
    return result["clean"] if metric == "clean" else point(result[metric], eps)
  curves = result.get("averaging", {}).get(defense.removeprefix("averaging N="))
  if curves is None:
    return None
  return point(curves["fgsm"], 0.0) if metric == "clean" else point(curves[metric], eps)


def results_measure(results: dict):
  """measure(key) over {(model, variant, seed): cell result}: one count per seed of the (model, variant), with the
  per-image outcomes when every seed's record holds them (None: not measured in this run, or not on every seed).
  Metrics `DROP` and `RELATIVE_DROP`: the model's clean accuracy minus its FGSM accuracy at eps* (per image when the
  outcomes are recorded) and one minus their ratio (per seed): `_drop`; `DGSM_RISE`: the DGSM target outcome at eps*
  minus at eps* 0 under the same defense, per image (`_difference`)."""
  def measure(key):
    model, variant, defense, metric, eps = key
    per_seed = sorted((s, r) for (m, v, s), r in results.items() if (m, v) == (model, variant))
    if metric in (DROP, RELATIVE_DROP):
      return _drop(per_seed, defense, eps, relative=metric == RELATIVE_DROP)
    if metric == DGSM_RISE:
      return _difference(per_seed, defense, ("dgsm", eps), ("dgsm", 0.0), "a rise", per_image_only=True)
    entries = [_entry(r, defense, metric, eps) for _, r in per_seed]
    if not entries or any(e is None for e in entries):
      return None
    n = int(entries[0]["n"])
    items = tuple(unpack_items(e["items"], n) for e in entries) if all("items" in e for e in entries) else None
    return Accuracy(tuple(int(e["k"]) for e in entries), n, seeds=tuple(s for s, _ in per_seed), items=items,
                    item_set=HELD_OUT, clean=float(np.mean([r["clean"]["rate"] for _, r in per_seed])),
                    chance=CHANCE)
  return measure


def _drop(per_seed, defense: str, eps: float, relative: bool = False) -> Values | Untestable | None:
  """The accuracy drop clean minus FGSM at eps (`_difference`). `relative`: 1 - FGSM / clean accuracy, one value per
  seed (a ratio has no per-image form)."""
  if not relative:
    return _difference(per_seed, defense, ("clean", 0.0), ("fgsm", eps), "an accuracy drop")
  pairs = [(_entry(r, defense, "clean", 0.0), _entry(r, defense, "fgsm", eps)) for _, r in per_seed]
  if not pairs or any(c is None or f is None for c, f in pairs):
    return None
  seeds, clean = tuple(s for s, _ in per_seed), float(np.mean([c["k"] / c["n"] for c, _ in pairs]))
  if len(seeds) < 2 or any(c["k"] == 0 for c, _ in pairs):
    return Untestable("a relative drop needs >= 2 seeds (one value per seed) and a clean accuracy above 0")
  return Values(tuple((1.0 - (f["k"] / f["n"]) / (c["k"] / c["n"]),) for c, f in pairs), seeds=seeds, clean=clean,
                chance=CHANCE)


def _difference(per_seed, defense: str, first: tuple[str, float], second: tuple[str, float],
                what: str, per_image_only: bool = False) -> Values | Untestable | None:
  """Per seed, each held-out image's outcome under (metric, eps) `first` minus under `second`, same defense (+1, 0,
  -1; their mean is the difference of the two rates), so one seed is still compared image by image ("this model");
  records without per-image outcomes give one value per seed, which needs >= 2 seeds and a claim over seeds
  (`per_image_only`: a claim judged on images, for which they are not testable). No image at the target on either
  side leaves every difference 0: the item t has no spread and reads inconclusive, where the two rates themselves
  would read "at the floor"."""
  pairs = [(_entry(r, defense, *first), _entry(r, defense, *second)) for _, r in per_seed]
  if not pairs or any(x is None or y is None for x, y in pairs):
    return None
  seeds = tuple(s for s, _ in per_seed)
  clean = float(np.mean([r["clean"]["rate"] for _, r in per_seed]))
  if all("items" in x and "items" in y for x, y in pairs):
    per_image = tuple(tuple(float(p - q) for p, q in zip(unpack_items(x["items"], int(x["n"])),
                                                       unpack_items(y["items"], int(y["n"])))) for x, y in pairs)
    return Values(per_image, seeds=seeds, item_set=HELD_OUT, clean=clean, chance=CHANCE)
  if per_image_only:
    return Untestable(f"no per-image outcomes recorded: {what} is judged image by image")
  if len(seeds) < 2:
    return Untestable(f"one seed and no per-image outcomes recorded: {what} has no noise to judge it by")
  return Values(tuple((x["k"] / x["n"] - y["k"] / y["n"],) for x, y in pairs), seeds=seeds, clean=clean,
                chance=CHANCE)


def published_measure(key):
  """The paper's WRN-50-2 numbers for a key (base: Figs. 3/5; averaging: Fig. 6 / repo plot; FGSM adversarial
  training: Fig. 7 / repo plot), k of 50 images; None where the paper published none."""
  model, variant, defense, metric, eps = key
  if metric == RELATIVE_DROP:
    return None   # GoogLeNet's numbers were never published, so no cell of D4-ratio has a paper side
  if metric == DGSM_RISE:   # only the WRN base model's DGSM curves were published (with and without averaging)
    if not is_wrn(model) or variant != "base":
      return None
    return Untestable("the paper gives rates of 50 images drawn with replacement, not per-image outcomes: a rise "
                      "is compared image by image")
  if metric == DROP:
    clean, fgsm = published_measure((model, variant, defense, "clean", 0.0)), published_measure(
        (model, variant, defense, "fgsm", eps))
    if clean is None or fgsm is None:
      return None
    return Values(((clean.k[0] / clean.n - fgsm.k[0] / fgsm.n,),), clean=clean.clean, chance=CHANCE)
  kind = "fgsm" if variant == "fgsm" else "averaging" if defense != "none" else "base"
  if not is_wrn(model) or variant not in ("base", "fgsm") or (variant == "fgsm" and defense != "none"):
    return None
  grid, figures = (DGSM_EPS, published.DGSM_FIGURES) if metric == "dgsm" else (FGSM_EPS, published.FGSM_FIGURES)
  eps = 0.0 if metric == "clean" else eps
  index = next((i for i, e in enumerate(grid) if abs(e - eps) < 1e-9), None)
  if index is None:
    return None
  percent = figures[kind][index]
  return Accuracy((round(percent * PAPER_IMAGES / 100),), PAPER_IMAGES, item_set="the paper's 50 images",
                  clean=published.FGSM_FIGURES[kind][0] / 100, chance=CHANCE)
