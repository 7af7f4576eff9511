"""Paper 004's robustness measures over one family's models: eq. 4 (intersection X and own-correct) and eq. 5.

Eq. 4 (§4.1): Robustness(M_i) = sum_{x in X} ||x - x'_i||_p / |X|, X = the pool images that ALL models
M_1..M_n of the family (every size and seed) classify correctly. The smallest-subset model shrinks X to
easy images, so the report also gives each model's mean over its OWN correctly classified images
(sensitivity check). Images where some model's attack failed (distance inf) are left out of X (counted).

Eq. 5 (Appendix): 1 - (wrong predictions + successful attacks within Delta) / |T|, T = the attack pool here.
Delta per (dataset, architecture, norm) is unstated; ours: the `quantile` (median by default) of the minimal
distortions of the family's largest-size models over their correct pool images, fixed across sizes.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from adv_tf.errors import AdvTfError
from adv_tf.metrics.accuracy import adversarial_accuracy_at


@dataclasses.dataclass(frozen=True)
class Eq4:
  """Eq. 4 scores of M models: over the intersection X (`scores`, |X| = `size_x`) and over own-correct images."""
  scores: np.ndarray
  size_x: int
  dropped_failed: int
  own_scores: np.ndarray
  own_counts: np.ndarray


def eq4(distances, correct) -> Eq4:
  """Args: distances float [M, N] (inf where the attack failed or was not run), correct bool [M, N]."""
  d = np.asarray(distances, np.float64)
  c = np.asarray(correct, bool)
  if d.ndim != 2 or d.shape != c.shape:
    raise AdvTfError(f"distances and correct must both have shape [models, images], got {d.shape}, {c.shape}")
  all_correct = c.all(axis=0)
  finite = np.isfinite(d).all(axis=0)
  x_mask = all_correct & finite
  scores = d[:, x_mask].mean(axis=1) if x_mask.any() else np.full(len(d), np.nan)
  own = c & np.isfinite(d)
  counts = own.sum(axis=1)
  with np.errstate(invalid="ignore"):
    own_scores = np.where(counts > 0, np.where(own, d, 0.0).sum(axis=1) / np.maximum(counts, 1), np.nan)
  return Eq4(scores, int(x_mask.sum()), int((all_correct & ~finite).sum()), own_scores, counts)


def delta_from(distance_rows, correct_rows, quantile: float = 0.5) -> float:
  """Eq. 5's Delta: the `quantile` of the finite minimal distortions on correct images of the given models."""
  values = [np.asarray(d, np.float64)[np.asarray(c, bool)] for d, c in zip(distance_rows, correct_rows)]
  values = np.concatenate(values) if values else np.zeros([0])
  values = values[np.isfinite(values)]
  return float(np.quantile(values, quantile)) if len(values) else float("nan")


def eq5(correct, distances, delta: float) -> float:
  """Adversarial accuracy of one model over the pool: an attack counts when it succeeded within Delta."""
  d = np.asarray(distances, np.float64)
  c = np.asarray(correct, bool)
  success = np.isfinite(d) & c
  return adversarial_accuracy_at(c, success, np.where(np.isfinite(d), d, np.inf), delta)
