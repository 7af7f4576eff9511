"""From cell results to per-family curves (paper 004 Figs. 1-8): accuracy, eq. 4 and eq. 5 per size and seed,
where each curve peaks, and the attacks' success counts. Measurement only (the claims engine judges).

Pure numpy on the result dicts of `run.run_cell`, so it is testable on hand-made numbers.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Mapping, Sequence

import numpy as np

from adv_tf.errors import AdvTfError
from adv_tf.studies.training_size import robustness, turning

NORMS = ("l2", "linf")
NORM_LABELS = {"l2": "CW-L2", "linf": "I-FGSM Linf"}
# A model below this accuracy on its own training images (run.py measures it on up to 10,000 of them) is flagged
# as under-fit: the paper states no training recipe (§4.1), and its own reading of the missing turning points (ResNet
# without augmentation: 'training accuracy has not improved sufficiently', §4.2) makes under-fitting a confound.
UNDERFIT_TRAIN_ACCURACY = 0.9


@dataclasses.dataclass
class FamilySummary:
  """One family's curves. `values[metric][k]` lists the seeds' values at sizes[k] (in `seeds` order);
  `curves[metric]`: where the curve peaks; `attacks[norm]`: (successes, attacked images) with each pool image
  that some model of the family attacked counted once, at its success averaged over the models that attacked it
  (the claims engine's rule: an item counts once, never once per model or seed), so the successes may be
  fractional."""
  family: str
  dataset: str
  architecture: str
  augment: bool
  sizes: list[int]
  seeds: list[int]
  values: dict[str, list[list[float]]]
  size_x: dict[str, int]
  dropped_failed: dict[str, int]
  delta: dict[str, float]
  test_examples: int
  curves: dict[str, turning.Peak]
  attacks: dict[str, tuple[float, int]]

  def means(self, metric: str) -> np.ndarray:
    return np.array([np.nanmean(v) if np.isfinite(v).any() else np.nan for v in map(np.asarray, self.values[metric])])

  def ses(self, metric: str) -> np.ndarray:
    return np.array([turning.standard_error(v) for v in self.values[metric]])


@dataclasses.dataclass(frozen=True)
class Underfit:
  """A (family, size) with a seed below `UNDERFIT_TRAIN_ACCURACY` on its own training images."""
  family: str
  size: int
  lowest: float       # the lowest seed's train accuracy
  mean: float         # the mean over seeds
  test: float         # mean test accuracy

  def describe(self) -> str:
    return (f"{self.family} at n={self.size}: train accuracy {self.lowest:.3f} at its lowest seed (mean "
            f"{self.mean:.3f}, test {self.test:.3f}), below our {UNDERFIT_TRAIN_ACCURACY:.0%} threshold on its own "
            "training images")


def underfit(families: Mapping[str, FamilySummary]) -> list[Underfit]:
  """Every (family, size) where some seed's train accuracy is below `UNDERFIT_TRAIN_ACCURACY` (our threshold; the
  paper states none): a confound of every claim that compares this family's robustness (a model still learning,
  not the training-set size, may shape its curve there)."""
  out = []
  for name, s in families.items():
    mean, test = s.means("train_accuracy"), s.means("test_accuracy")
    for k, size in enumerate(s.sizes):
      seeds = np.asarray(s.values["train_accuracy"][k], np.float64)
      seeds = seeds[np.isfinite(seeds)]
      if len(seeds) and seeds.min() < UNDERFIT_TRAIN_ACCURACY:
        out.append(Underfit(name, int(size), float(seeds.min()), float(mean[k]), float(test[k])))
  return out


def _array(values, n: int) -> np.ndarray:
  a = np.asarray([np.nan if v is None else v for v in values], np.float64)
  if a.shape != (n,):
    raise AdvTfError(f"a cell result has {a.shape} pool entries, expected {n}: all cells of a family must "
                     "share the attack pool")
  return a


def image_successes(succeeded: np.ndarray, attacked: np.ndarray) -> tuple[float, int]:
  """(successes, images) over a family's models (rows) and pool images (columns): every image attacked by some
  model counts once, at the share of those models on which the attack succeeded (paper 004 §4.1's success rate;
  the same image attacked on several models is one item, not several)."""
  hit = attacked.any(axis=0)
  share = succeeded[:, hit].sum(axis=0) / attacked[:, hit].sum(axis=0)
  return float(np.round(share.sum(), 9)), int(hit.sum())


def summarize_family(results: Sequence[Mapping], *, delta_quantile: float = 0.5) -> FamilySummary:
  """Curves of one family from its cell results (every size x seed)."""
  if not results:
    raise AdvTfError("summarize_family needs at least one cell result")
  first = results[0]
  sizes = sorted({int(r["size"]) for r in results})
  seeds = sorted({int(r["seed"]) for r in results})
  ordered = sorted(results, key=lambda r: (int(r["size"]), int(r["seed"])))
  n = len(first["correct"])
  correct = np.array([np.asarray(r["correct"], bool) for r in ordered])
  if correct.shape[1:] != (n,):
    raise AdvTfError("all cells of a family must share the attack pool")
  dist = {norm: np.array([_array(r[norm], n) for r in ordered]) for norm in NORMS}
  # Not attacked (nan: misclassified) never enters X; failed attacks are inf.
  per_model: dict[str, list[float]] = {}
  size_x, dropped, delta, attacks = {}, {}, {}, {}
  largest = np.array([int(r["size"]) == sizes[-1] for r in ordered])
  for norm in NORMS:
    d = np.where(np.isnan(dist[norm]), np.inf, dist[norm])
    attacks[norm] = image_successes(np.isfinite(dist[norm]) & correct, correct)
    scores = robustness.eq4(d, correct)
    size_x[norm], dropped[norm] = scores.size_x, scores.dropped_failed
    per_model[f"eq4_{norm}"] = list(scores.scores)
    per_model[f"own_{norm}"] = list(scores.own_scores)
    delta[norm] = robustness.delta_from(d[largest], correct[largest], delta_quantile)
    per_model[f"eq5_{norm}"] = [robustness.eq5(c, dd, delta[norm]) if math.isfinite(delta[norm]) else math.nan
                                for c, dd in zip(correct, d)]
  for key, field in (("test_accuracy", "test_accuracy"), ("train_accuracy", "train_accuracy"), ("steps", "steps"),
                     ("epochs", "epochs"), ("cw_success", "cw_success_rate"), ("ifgsm_success", "ifgsm_success_rate"),
                     ("pool_accuracy", None)):
    per_model[key] = [float(np.mean(r["correct"])) if field is None else float(r[field]) for r in ordered]
  values = {metric: [[v for r, v in zip(ordered, vals) if int(r["size"]) == s] for s in sizes]
            for metric, vals in per_model.items()}
  curves = {}
  for metric in ("eq4_l2", "eq4_linf", "own_l2", "own_linf", "eq5_l2", "eq5_linf"):
    curves[metric] = turning.peak(sizes, values[metric])
  return FamilySummary(first["family"], first["dataset"], first["architecture"], bool(first["augment"]), sizes,
                       seeds, values, size_x, dropped, delta, int(first.get("test_examples", 0)), curves, attacks)


def _groups(results: Sequence[Mapping]) -> dict[str, list]:
  groups: dict[str, list] = {}
  for r in results:
    groups.setdefault(r["family"], []).append(r)
  return groups


def _complete(results: Sequence[Mapping]) -> tuple[list, str | None]:
  """One family's results of the seeds recorded at every recorded size (a curve compares sizes seed by seed), and
  what was left out (None: nothing); no results when fewer than 2 sizes are recorded (no curve yet)."""
  sizes = sorted({int(r["size"]) for r in results})
  seeds = sorted(set.intersection(*({int(r["seed"]) for r in results if int(r["size"]) == n} for n in sizes)))
  if len(sizes) < 2:
    return [], (f"{results[0]['family']}: {len(results)} model(s) recorded at one size so far: no curve yet "
                "(part-way run)")
  if not seeds:
    return [], (f"{results[0]['family']}: {len(results)} model(s) recorded at {len(sizes)} sizes but no seed at "
                "every size yet: no curve (part-way run)")
  kept = [r for r in results if int(r["seed"]) in seeds]
  if len(kept) == len(results):
    return kept, None
  return kept, (f"{results[0]['family']}: {len(results) - len(kept)} model(s) of seeds not yet recorded at every size "
                f"left out; curves over seeds {', '.join(map(str, seeds))} (part-way run)")


def left_out(results: Sequence[Mapping]) -> list[str]:
  """What `summarize` leaves out of a part-way run's records, one line per family ([] when every family is whole)."""
  return [note for rs in _groups(results).values() if (note := _complete(rs)[1])]


def summarize(results: Sequence[Mapping], *, delta_quantile: float = 0.5) -> dict[str, FamilySummary]:
  """Family name -> FamilySummary, in the order families first appear, over each family's seeds recorded at every
  recorded size (`left_out` says what a part-way run's summaries leave out); a family with fewer than 2 sizes
  recorded has no summary yet."""
  out = {}
  for name, rs in _groups(results).items():
    kept, _ = _complete(rs)
    if kept:
      out[name] = summarize_family(kept, delta_quantile=delta_quantile)
  return out
