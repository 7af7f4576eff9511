"""Paper 002's class-distance matrix on the user's model: best-estimate samples (§4.4), then targeted CW-L2 (kappa
0) from each to every other class (§5.4.1), with the library's `adv_tf.metrics` functions.

Selection (one cell per class): the first `samples_per_class` correctly classified images of the class, targeted CW
to every other class, and the sample whose distances are closest (L1) to the class's average distances
(`metrics.best_estimate_samples`). Matrix (one cell): the best-estimate samples attacked again in one batch; a
source the model misclassifies is excluded (its distances are ~0), as the hyperparams study does.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from adv_tf.errors import AdvTfError


@dataclasses.dataclass
class TargetedDistances:
  """[N, C] targeted CW-L2 distances (nan on the own class and where the search failed) and the search's verdicts."""
  distances: np.ndarray
  success: np.ndarray


def targeted_cw(model, x: np.ndarray, labels: np.ndarray, num_classes: int, cw_params: dict,
                clip: tuple[float, float], verbose: bool = False) -> TargetedDistances:
  """Targeted CW-L2 from every sample to every other class in one batched call (pairs in sample, then target
  order). A pair counts as solved by the search's verdict (Carlini's `compare`, kappa included)."""
  from adv_tf.attacks.carlini_wagner import carlini_wagner_l2
  labels = np.asarray(labels, np.int64)
  grid = np.arange(num_classes)[None, :] != labels[:, None]
  src, tgt = np.nonzero(grid)
  result = carlini_wagner_l2(model, x[src], target=tgt, clip_min=clip[0], clip_max=clip[1], verbose=verbose,
                             **cw_params)
  search = np.asarray(result.info.get("search_success", result.success), bool)
  distances = np.full(grid.shape, np.nan, np.float64)
  success = np.zeros(grid.shape, bool)
  distances[src, tgt] = np.where(search, result.l2, np.nan)
  success[src, tgt] = search
  return TargetedDistances(distances, success)


def class_candidates(model, x: np.ndarray, y: np.ndarray, label: int, per_class: int) -> np.ndarray:
  """Indices of the first `per_class` images of class `label` that the model classifies correctly (§4.4)."""
  from adv_tf.attacks import predict_labels
  of_class = np.flatnonzero(y == label)
  correct = of_class[predict_labels(model, x[of_class]) == label]
  if len(correct) < per_class:
    raise AdvTfError(f"only {len(correct)} correctly classified images of class {label} in the split; lower "
                     f"--samples_per_class (asked {per_class}) or use a larger split")
  return correct[:per_class]


def select_class(inputs, label: int, per_class: int, cw_params: dict, clip) -> dict:
  """One class of the selection: its best-estimate sample's index into the split and its distances."""
  from adv_tf import metrics
  candidates = class_candidates(inputs.model, inputs.x, inputs.y, label, per_class)
  attacked = targeted_cw(inputs.model, inputs.x[candidates], inputs.y[candidates], inputs.num_classes, cw_params,
                         clip, verbose=True)
  chosen, _ = metrics.best_estimate_samples(attacked.distances, inputs.y[candidates], inputs.num_classes)
  if chosen[label] < 0:
    raise AdvTfError(f"best-estimate selection: targeted CW failed on every sample of class {label}; raise "
                     "--cw.max_iterations or --cw.binary_steps")
  return {"class": int(label), "best_index": int(candidates[chosen[label]]),
          "candidate_indices": candidates.tolist(), "distances": to_json(attacked.distances)}


def best_indices(selection_results) -> np.ndarray:
  """The best-estimate samples' split indices, in class order."""
  ordered = sorted(selection_results, key=lambda result: result["class"])
  return np.asarray([result["best_index"] for result in ordered], np.int64)


def class_distance_matrix(inputs, indices: np.ndarray, cw_params: dict, clip) -> dict:
  """The source x target matrix of the best-estimate samples, with misclassified sources excluded."""
  from adv_tf import metrics
  from adv_tf.attacks import predict_labels
  x, y = inputs.x[indices], inputs.y[indices]
  attacked = targeted_cw(inputs.model, x, y, inputs.num_classes, cw_params, clip, verbose=True)
  misclassified = y[predict_labels(inputs.model, x) != y]
  distances = attacked.distances.copy()
  distances[np.isin(y, misclassified)] = np.nan
  sources = np.repeat(y, inputs.num_classes)
  targets = np.tile(np.arange(inputs.num_classes), len(y))
  matrix = metrics.class_distance_matrix(distances.ravel(), sources, targets, inputs.num_classes)
  kept = ~np.isin(y, misclassified)
  pairs = int(kept.sum()) * (inputs.num_classes - 1)
  return {"matrix": to_json(matrix), "stats": metrics.distance_stats(matrix), "best_indices": indices.tolist(),
          "misclassified_sources": sorted(int(c) for c in misclassified),
          "cw_success_rate": float(attacked.success[kept].sum() / pairs) if pairs else math.nan}


def to_json(matrix) -> list:
  return [[None if not math.isfinite(v) else float(v) for v in row] for row in np.asarray(matrix, np.float64)]


def from_json(rows) -> np.ndarray:
  return np.asarray([[math.nan if v is None else v for v in row] for row in rows], np.float64)
