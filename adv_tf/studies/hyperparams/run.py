"""Paper 002 study: LeNet hyperparameters vs targeted Carlini-Wagner L2 class distances on MNIST.

The study, as the paper runs it (section numbers of ../shared/papers/002_*.txt):
  1. Data: MNIST scaled to [-0.5, 0.5] (§5.3.1).
  2. Control model: the Table 1 LeNet trained with SGD + momentum until >= 98% test accuracy (§5.1).
  3. Best-estimate samples (§4.4): for `samples_per_class` test images per class, targeted CW-L2 to every
     other class; per class the sample whose per-target distances are closest to the class averages.
     These 10 samples are attacked on every later model (§5.2.1). A stage of its own ("selection").
  4. Ceteris paribus grid (§5.3, Appendix): one hyperparameter changed at a time; train, then targeted CW
     (kappa = 0) from each best-estimate sample to each other class -> a 10x10 class-distance matrix and its
     mean/min/max/std over the 90 pairs (§5.4.1).
  5. N baselines with different seeds give the std of each statistic (§5.5, Table 2) -> impact levels.
  6. The "secure" model (§6.4), transfer of baseline examples to it and distortion vs kappa (Figs. 8-11).

Everything runs as cells of `adv_tf.experiment` studies, so runs resume and shard; the runner writes every
number of a cell's result to TensorBoard.
"""
from __future__ import annotations

import dataclasses
import math
import pathlib
import time
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from adv_tf.errors import AdvTfError
from adv_tf.studies.hyperparams.cells import spec_from_config
from adv_tf.studies.hyperparams.config import (
  DISTORTION_THRESHOLDS,
  NUM_CLASSES,
  PIXEL_RANGE,
  CWSettings,
  HyperparamsConfig,
)
from adv_tf.studies.hyperparams.data import StudyData
from adv_tf.studies.hyperparams.models import LeNetTrainer, ModelSpec, train_summary

# Class-distance matrices (§4.4, §5.4.1).


def targeted_pairs(labels: Sequence[int], num_classes: int = NUM_CLASSES) -> tuple[np.ndarray, np.ndarray]:
  """(source index, target class) for every sample and every class other than its own."""
  src, tgt = [], []
  for i, label in enumerate(labels):
    for t in range(num_classes):
      if t != label:
        src.append(i)
        tgt.append(t)
  return np.asarray(src, np.int64), np.asarray(tgt, np.int64)


def cw_targeted_all(model, x: np.ndarray, labels: np.ndarray, cw: CWSettings, confidence: float = 0.0):
  """Targeted CW-L2 from every sample to every other class, in one batched call.

  Returns (distances [N, C] with nan on the own class and on failures, success [N, C] bool,
  x_adv [N, C, H, W, Ch] with the source image on the own class). Success is the search's verdict with
  Carlini's kappa margin; `agreement_rate` reports how often a fresh forward pass agrees (at kappa = 0 the
  answer sits on the decision boundary, where float rounding can flip it).
  """
  from adv_tf.attacks.carlini_wagner import carlini_wagner_l2
  src, tgt = targeted_pairs(labels)
  result = carlini_wagner_l2(
      model, x[src], target=tgt, confidence=confidence,
      binary_search_steps=cw.binary_search_steps, max_iterations=cw.max_iterations,
      learning_rate=cw.learning_rate, initial_const=cw.initial_const,
      clip_min=PIXEL_RANGE[0], clip_max=PIXEL_RANGE[1])
  n = len(x)
  distances = np.full((n, NUM_CLASSES), np.nan, np.float64)
  success = np.zeros((n, NUM_CLASSES), bool)
  x_adv = np.repeat(x[:, None], NUM_CLASSES, axis=1).astype(np.float32)
  distances[src, tgt] = np.where(result.success, result.l2, np.nan)
  success[src, tgt] = result.success
  x_adv[src, tgt] = result.x_adv
  return distances, success, x_adv


def agreement_rate(model, x_adv: np.ndarray, success: np.ndarray) -> float:
  """Share of successful targeted examples that a fresh forward pass also assigns to their target."""
  from adv_tf.attacks import predict_labels
  rows, targets = np.nonzero(success)
  if not len(rows):
    return float("nan")
  return float(np.mean(predict_labels(model, x_adv[rows, targets]) == targets))


def pair_success_rate(success: np.ndarray, labels: np.ndarray) -> float:
  mask = np.ones_like(success, bool)
  mask[np.arange(len(labels)), labels] = False
  return float(success[mask].mean())


def pick_candidates(model, x: np.ndarray, y: np.ndarray, per_class: int) -> np.ndarray:
  """The first `per_class` test images of each class that the model classifies correctly (§4.4)."""
  from adv_tf.attacks import predict_labels
  correct = predict_labels(model, x) == y
  chosen = []
  for c in range(NUM_CLASSES):
    idx = np.flatnonzero((y == c) & correct)[:per_class]
    if len(idx) < per_class:
      raise AdvTfError(f"only {len(idx)} correctly classified test images of class {c}; "
                       f"lower --samples_per_class (asked {per_class})")
    chosen.append(idx)
  return np.concatenate(chosen)


def run_selection(ctx, *, trainer: LeNetTrainer, data: StudyData, profile: HyperparamsConfig, cw: CWSettings,
                  seed: int) -> dict:
  """§4.4: best-estimate samples from `samples_per_class` images per class on the control model."""
  from adv_tf import metrics
  model, train_record, _ = trainer.get(ModelSpec({}, {}, seed))
  candidates = pick_candidates(model, data.x_test, data.y_test, profile.samples_per_class)
  x, y = data.x_test[candidates], data.y_test[candidates]
  ctx.log(f"selection: targeted CW on {len(x)} samples x 9 targets")
  distances, success, _ = cw_targeted_all(model, x, y, cw)
  chosen, average = metrics.best_estimate_samples(distances, y, NUM_CLASSES)
  chosen = np.asarray(chosen)
  missing = np.flatnonzero(chosen < 0)
  if missing.size:
    raise AdvTfError(f"best-estimate selection: targeted CW failed on every sample of class {missing[0]}; "
                     "raise --cw_max_iterations or --cw_binary_search_steps")
  best_matrix = distances[chosen]
  best_indices = candidates[chosen]
  save_arrays(ctx, "selection.npz", candidate_indices=candidates, distances=distances,
              chosen=chosen, best_indices=best_indices, x_best=data.x_test[best_indices],
              y_best=data.y_test[best_indices], average_matrix=average, best_matrix=best_matrix)
  return {"train": train_summary(train_record),
          "best_test_indices": best_indices.tolist(),
          "average_matrix": _matrix_json(average),
          "best_estimate_matrix": _matrix_json(best_matrix),
          "average_stats": metrics.distance_stats(average),
          "best_estimate_stats": metrics.distance_stats(best_matrix),
          "cw_success_rate": pair_success_rate(success, y),
          "num_samples": int(len(x)),
          "data_provenance": dict(getattr(data.info, "provenance", None) or {})}


def run_model_cell(ctx, cell_config: Mapping[str, Any], *, trainer: LeNetTrainer, best: "BestSamples",
                   cw: CWSettings) -> dict:
  """Steps 4-6: train one LeNet variant, then its 10x10 targeted CW class-distance matrix (kappa 0)."""
  from adv_tf import metrics
  spec = spec_from_config(cell_config)
  model, train_record, hit = trainer.get(spec)
  summary = train_summary(train_record)
  ctx.log(f"model {'from cache' if hit else 'trained'}: accuracy {summary['test_accuracy']:.4f}")
  result = {"train": summary, "model_cache_hit": hit}
  if not summary["reached_target"]:
    # §6.1: a model under 98% "is considered unusable for comparison"; recorded, not attacked.
    result["excluded"] = f"test accuracy {summary['test_accuracy']:.4f} < {summary['target_accuracy']}"
    return result
  distances, success, x_adv = cw_targeted_all(model, best.x, best.y, cw)
  matrix = reorder_by_class(distances, best.y)
  result.update({"matrix": _matrix_json(matrix), "stats": metrics.distance_stats(matrix),
                 "cw_success_rate": pair_success_rate(success, best.y),
                 "cw_prediction_agreement": agreement_rate(model, x_adv, success)})
  save_arrays(ctx, "adversarial.npz", x_adv=x_adv, distances=distances)
  return result


def run_kappa_cell(ctx, cell_config: Mapping[str, Any], *, trainer: LeNetTrainer, best: "BestSamples",
                   cw: CWSettings) -> dict:
  """§6.4, Figs. 8-11: examples at confidence kappa on the baseline and the secure model; transfer of
  the baseline's examples to the secure model; distortion metrics of both."""
  from adv_tf import metrics
  from adv_tf.attacks import predict_labels
  kappa = float(cell_config["kappa"])
  specs = {name: spec_from_config(cell_config[name]) for name in ("baseline", "secure")}
  src, tgt = targeted_pairs(best.y)
  out: dict[str, Any] = {"kappa": kappa}
  arrays = {}
  trained = {name: trainer.get(spec)[0] for name, spec in specs.items()}
  for name, model in trained.items():
    distances, success, x_adv = cw_targeted_all(model, best.x, best.y, cw, confidence=kappa)
    pairs_adv = x_adv[src, tgt]
    pairs_src = best.x[src]
    ok = success[src, tgt]
    out[name] = {
        "cw_success_rate": float(ok.mean()),
        "mean_l2": float(np.nanmean(distances[src, tgt])) if ok.any() else math.nan,
        "pixels_changed_percent": dict(zip(
            [f"{t:.2f}" for t in DISTORTION_THRESHOLDS],
            np.asarray(metrics.pixel_distortion_percent(
                pairs_src[ok], pairs_adv[ok], DISTORTION_THRESHOLDS, PIXEL_RANGE)).tolist())),
        "mean_percent_distortion": float(metrics.mean_percent_distortion(
            pairs_src[ok], pairs_adv[ok], PIXEL_RANGE)),
    }
    arrays[f"{name}_x_adv"] = x_adv
    arrays[f"{name}_success"] = success
    if name == "baseline":
      on_secure = predict_labels(trained["secure"], pairs_adv)
      # Fig. 10: examples crafted on the baseline, classified by the secure model as their target.
      out["transfer_target_rate"] = float((on_secure[ok] == tgt[ok]).mean()) if ok.any() else math.nan
      out["transfer_misclassified_rate"] = (float((on_secure[ok] != best.y[src][ok]).mean())
                                            if ok.any() else math.nan)
  save_arrays(ctx, "kappa.npz", **arrays)
  return out


# Helpers.


@dataclasses.dataclass
class BestSamples:
  """The 10 best-estimate samples (one per class, ordered by class) used for every model (§5.2.1)."""
  x: np.ndarray
  y: np.ndarray
  test_indices: np.ndarray


def best_samples_from_selection(data: StudyData, selection_result: Mapping[str, Any]) -> BestSamples:
  idx = np.asarray(selection_result["best_test_indices"], np.int64)
  order = np.argsort(data.y_test[idx], kind="stable")
  idx = idx[order]
  return BestSamples(data.x_test[idx], data.y_test[idx], idx)


def reorder_by_class(distances: np.ndarray, labels: np.ndarray) -> np.ndarray:
  """Rows of per-sample distances -> a [C, C] source-class x target-class matrix."""
  matrix = np.full((NUM_CLASSES, NUM_CLASSES), np.nan)
  matrix[np.asarray(labels)] = distances
  return matrix


def _matrix_json(matrix: np.ndarray) -> list:
  return [[None if not math.isfinite(v) else round(float(v), 6) for v in row] for row in np.asarray(matrix)]


def matrix_from_json(rows) -> np.ndarray:
  return np.asarray([[math.nan if v is None else v for v in row] for row in rows], np.float64)


def save_arrays(ctx, filename: str, **arrays) -> None:
  from adv_tf.utils.atomic import atomic_save_npz
  atomic_save_npz(pathlib.Path(ctx.output_dir) / filename, **arrays)


def make_cell_runner(*, trainer: LeNetTrainer, best: BestSamples, cw: CWSettings) -> Callable:
  """run_cell for the main study, dispatching on the cell's kind through a table."""
  runners = {"model": run_model_cell, "kappa": run_kappa_cell}

  def run_cell(cell, ctx):
    started = time.time()
    result = runners[cell.config["kind"]](ctx, cell.config, trainer=trainer, best=best, cw=cw)
    result["cell_seconds"] = time.time() - started
    return result
  return run_cell
