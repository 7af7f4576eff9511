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
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np

from adv_tf.attacks.cw_config import CWConfig
from adv_tf.errors import AdvTfError
from adv_tf.experiment.record_schema import ResultSchema
from adv_tf.studies.hyperparams.cells import spec_from_config
from adv_tf.studies.hyperparams.config import (
  DISTORTION_THRESHOLDS,
  NUM_CLASSES,
  PIXEL_RANGE,
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


@dataclasses.dataclass
class TargetedMatrix:
  """Targeted CW-L2 from every sample to every other class ([N, C] arrays; the own class is nan / False).

  Attributes:
    distances: the L2 distance of each pair the search solved; nan on the own class and on failures.
    success: the search's verdict (Carlini's `compare`, kappa margin included): the pair counts as solved.
    recheck: the model's fresh prediction of the returned image is the target (the attack's `success`).
    x_adv: [N, C, H, W, Ch] examples, the source image on the own class and where the search failed.
  """
  distances: np.ndarray
  success: np.ndarray
  recheck: np.ndarray
  x_adv: np.ndarray

  @property
  def disagreements(self) -> int:
    """Pairs where the search's verdict and the fresh re-check differ (kappa = 0 examples sit on the
    decision boundary, where another batch's float round-off can flip the arg-max)."""
    return int(np.sum(self.success != self.recheck))


def cw_targeted_all(model, x: np.ndarray, labels: np.ndarray, cw: CWConfig,
                    confidence: Optional[float] = None) -> TargetedMatrix:
  """Targeted CW-L2 from every sample to every other class, in one batched call.

  A pair counts as solved when the search says so (its verdict, with Carlini's kappa margin), and keeps the
  search's distance even where the model's fresh re-check of the returned image disagrees: at kappa = 0 the
  example lies on the decision boundary, within float round-off of either side, and its distance is still
  the minimal distance found. Such pairs are counted (`TargetedMatrix.disagreements`, per model in the report),
  never dropped and never counted as CW failures.
  """
  from adv_tf.attacks.carlini_wagner import carlini_wagner_l2
  src, tgt = targeted_pairs(labels)
  result = carlini_wagner_l2(
      model, x[src], target=tgt,
      **{**cw.attack_kwargs(), "confidence": cw.confidence if confidence is None else confidence},
      clip_min=PIXEL_RANGE[0], clip_max=PIXEL_RANGE[1])
  search = np.asarray(result.info.get("search_success", result.success), bool)
  n = len(x)
  distances = np.full((n, NUM_CLASSES), np.nan, np.float64)
  success = np.zeros((n, NUM_CLASSES), bool)
  recheck = np.zeros((n, NUM_CLASSES), bool)
  x_adv = np.repeat(x[:, None], NUM_CLASSES, axis=1).astype(np.float32)
  distances[src, tgt] = np.where(search, result.l2, np.nan)
  success[src, tgt] = search
  recheck[src, tgt] = np.asarray(result.success, bool)
  x_adv[src, tgt] = result.x_adv
  return TargetedMatrix(distances, success, recheck, x_adv)


def misclassified_sources(model, best: "BestSamples") -> list[int]:
  """Classes whose best-estimate sample this model misclassifies: their targeted distances are ~0 (the
  source already is some other class), so their pairs are excluded from the model's matrix (issue 10)."""
  from adv_tf.attacks import predict_labels
  return sorted(int(c) for c in best.y[predict_labels(model, best.x) != best.y])


def exclude_sources(distances: np.ndarray, success: np.ndarray, labels: np.ndarray,
                    classes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
  """Rows of sources in `classes` set to nan (distances) / False (success)."""
  rows = np.isin(np.asarray(labels), list(classes))
  distances, success = distances.copy(), success.copy()
  distances[rows] = np.nan
  success[rows] = False
  return distances, success


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


def pick_candidates(model, x: np.ndarray, y: np.ndarray, per_class: int,
                    classes: Sequence[int] = tuple(range(NUM_CLASSES))) -> np.ndarray:
  """The first `per_class` test images of each of `classes` that the model classifies correctly (§4.4)."""
  from adv_tf.attacks import predict_labels
  correct = predict_labels(model, x) == y
  chosen = []
  for c in classes:
    idx = np.flatnonzero((y == c) & correct)[:per_class]
    if len(idx) < per_class:
      raise AdvTfError(f"only {len(idx)} correctly classified test images of class {c}; "
                       f"lower --samples_per_class (asked {per_class})")
    chosen.append(idx)
  return np.concatenate(chosen)


def run_selection_class(ctx, cell_config: Mapping[str, Any], *, trainer: LeNetTrainer, data: StudyData,
                        cw: CWConfig) -> dict:
  """§4.4 for one class: its `samples_per_class` candidates on the control model, targeted CW to the 9
  other classes, and the candidate whose distances are closest (L1) to the class's average distances."""
  from adv_tf import metrics
  c = int(cell_config["class"])
  model, train_record, hit = trainer.get(ModelSpec({}, {}, int(cell_config["seed"])), ctx.throttled_log())
  ctx.log(f"control model {'from cache' if hit else 'trained'}: "
          f"accuracy {train_summary(train_record)['test_accuracy']:.4f}")
  candidates = pick_candidates(model, data.x_test, data.y_test, int(cell_config["samples_per_class"]), (c,))
  if len(candidates) == 1:
    return _single_candidate(c, candidates, train_record, data)
  x, y = data.x_test[candidates], data.y_test[candidates]
  ctx.log(f"selection class {c}: targeted CW on {len(x)} samples x 9 targets")
  attacked = cw_targeted_all(model, x, y, cw)
  distances, success = attacked.distances, attacked.success
  chosen, average = metrics.best_estimate_samples(distances, y, NUM_CLASSES)
  if chosen[c] < 0:
    raise AdvTfError(f"best-estimate selection: targeted CW failed on every sample of class {c}; "
                     "raise --cw.max_iterations or --cw.binary_steps")
  save_arrays(ctx, "selection.npz", candidate_indices=candidates, distances=distances)
  return {"class": c, "train": train_summary(train_record),
          "best_test_index": int(candidates[chosen[c]]),
          "candidate_indices": candidates.tolist(),
          "average_row": _matrix_json(average[c:c + 1])[0],
          "best_row": _matrix_json(distances[chosen[c]:chosen[c] + 1])[0],
          "cw_success_rate": pair_success_rate(success, y),
          "cw_recheck_disagreements": attacked.disagreements,
          "num_samples": int(len(x)),
          "data_provenance": dict(getattr(data.info, "provenance", None) or {})}


def _single_candidate(c: int, candidates: np.ndarray, train_record, data: StudyData) -> dict:
  """§4.4 with one candidate per class (quick, smoke): there is nothing to choose, so no attack runs. Its 9
  distances would be the first baseline's row for this class (the control model is that baseline: the same
  model, image and CW), which that baseline cell measures; Fig. 6 and Fig. 7 are that matrix (the report says so)."""
  return {"class": c, "train": train_summary(train_record), "best_test_index": int(candidates[0]),
          "candidate_indices": candidates.tolist(), "average_row": None, "best_row": None,
          "cw_success_rate": None, "cw_recheck_disagreements": 0, "num_samples": 1,
          "data_provenance": dict(getattr(data.info, "provenance", None) or {})}


def combine_selection(class_records: Sequence[Mapping[str, Any]]) -> dict:
  """The selection's result from its 10 per-class records (class order): best-estimate test indices, the
  average (Fig. 6) and best-estimate (Fig. 7) matrices and their statistics."""
  from adv_tf import metrics
  results = [r["result"] for r in class_records]
  num = sum(res["num_samples"] for res in results)
  combined = {"train": results[0]["train"], "best_test_indices": [res["best_test_index"] for res in results],
              "num_samples": int(num), "data_provenance": results[0].get("data_provenance", {}),
              "average_matrix": None, "best_estimate_matrix": None, "average_stats": None,
              "best_estimate_stats": None, "cw_success_rate": None}
  if any(res.get("average_row") is None for res in results):  # one candidate per class: no attack ran
    return combined
  average = matrix_from_json([res["average_row"] for res in results])
  best = matrix_from_json([res["best_row"] for res in results])
  return {**combined, "average_matrix": _matrix_json(average), "best_estimate_matrix": _matrix_json(best),
          "average_stats": metrics.distance_stats(average), "best_estimate_stats": metrics.distance_stats(best),
          "cw_success_rate": float(sum(res["cw_success_rate"] * res["num_samples"] for res in results) / num)}


def run_model_cell(ctx, cell_config: Mapping[str, Any], *, trainer: LeNetTrainer, best: "BestSamples",
                   cw: CWConfig) -> dict:
  """Steps 4-6: train one LeNet variant, then its 10x10 targeted CW class-distance matrix (kappa 0)."""
  from adv_tf import metrics
  spec = spec_from_config(cell_config)
  model, train_record, hit = trainer.get(spec, ctx.throttled_log())
  summary = train_summary(train_record)
  ctx.log(f"model {'from cache' if hit else 'trained'}: accuracy {summary['test_accuracy']:.4f}")
  result = {"train": summary, "model_cache_hit": hit, "best_test_indices": best.test_indices.tolist()}
  if not summary["reached_target"]:
    # §6.1: a model under 98% "is considered unusable for comparison"; recorded, not attacked.
    result["excluded"] = f"test accuracy {summary['test_accuracy']:.4f} < {summary['target_accuracy']}"
    return result
  attacked = cw_targeted_all(model, best.x, best.y, cw)
  x_adv = attacked.x_adv
  misclassified = misclassified_sources(model, best)
  distances, success = attacked.distances, attacked.success
  distances, success = exclude_sources(distances, success, best.y, misclassified)
  matrix = reorder_by_class(distances, best.y)
  kept = ~np.isin(best.y, misclassified)
  result.update({"matrix": _matrix_json(matrix), "stats": metrics.distance_stats(matrix),
                 "cw_success_rate": pair_success_rate(success[kept], best.y[kept]) if kept.any() else math.nan,
                 "cw_failures": int(kept.sum() * (NUM_CLASSES - 1) - success[kept].sum()),
                 "misclassified_sources": misclassified,
                 "cw_recheck_disagreements": attacked.disagreements,
                 "cw_prediction_agreement": agreement_rate(model, x_adv, success)})
  # distances: the matrix's (misclassified sources excluded); the raw attack for the kappa = 0 cell's reuse.
  save_arrays(ctx, "adversarial.npz", x_adv=x_adv, distances=distances, raw_distances=attacked.distances,
              raw_success=attacked.success, raw_recheck=attacked.recheck)
  return result


def run_kappa_cell(ctx, cell_config: Mapping[str, Any], *, trainer: LeNetTrainer, best: "BestSamples",
                   cw: CWConfig) -> dict:
  """§6.4, Figs. 8-11: examples at confidence kappa on the baseline and the secure model; transfer of
  the baseline's examples to the secure model; distortion metrics of both.

  At kappa = 0 the cell names the baseline and secure model cells of its grid (`reuse`): when their
  finished artifacts are in this output folder (same selection, same CW settings: the ids say so), their
  attacks are reused instead of recomputed; otherwise (another shard has not run them yet, or a grid
  without them) the cell attacks both models itself, with the same result up to float round-off.
  """
  from adv_tf.attacks import predict_labels
  kappa = float(cell_config["kappa"])
  specs = {name: spec_from_config(cell_config[name]) for name in ("baseline", "secure")}
  src, tgt = targeted_pairs(best.y)
  out: dict[str, Any] = {"kappa": kappa, "best_test_indices": best.test_indices.tolist(), "reused_from": {},
                         "pair_sources": src.tolist()}   # the per-pair lists' order: source index of each pair
  arrays = {}
  trained = {}
  for name, spec in specs.items():
    trained[name], train_record, hit = trainer.get(spec, ctx.throttled_log())
    ctx.log(f"{name} model {'from cache' if hit else 'trained'}: "
            f"accuracy {train_summary(train_record)['test_accuracy']:.4f}")
  reuse = dict(cell_config.get("reuse") or {})
  for name, model in trained.items():
    attacked = reused_attack(ctx, reuse.get(name)) if kappa == 0.0 else None
    if attacked is not None:
      out["reused_from"][name] = reuse[name]
      ctx.log(f"kappa 0, {name}: reusing the attack of model cell {reuse[name]}")
    else:
      attacked = cw_targeted_all(model, best.x, best.y, cw, confidence=kappa)
    out[name] = kappa_side(best, attacked)
    # Sources this model misclassifies (indices into the pair lists' sources): a pair from one starts on another
    # class, so its change says nothing of the model's robustness; the per-image claims (K1, S3) leave them out.
    out[name]["misclassified_source_indices"] = [
        int(i) for i in np.flatnonzero(predict_labels(model, best.x) != best.y)]
    arrays[f"{name}_x_adv"] = attacked.x_adv
    arrays[f"{name}_success"] = attacked.success
    if name == "baseline":
      ok = attacked.success[src, tgt]
      on_secure = predict_labels(trained["secure"], attacked.x_adv[src, tgt])
      # Fig. 10: examples crafted on the baseline, classified by the secure model as their target.
      out["transfer_target_rate"] = float((on_secure[ok] == tgt[ok]).mean()) if ok.any() else math.nan
      out["transfer_misclassified_rate"] = (float((on_secure[ok] != best.y[src][ok]).mean())
                                            if ok.any() else math.nan)
      # Per pair (None: the baseline's attack failed), so K1 can count source images, not pairs, as its items.
      out["transfer_on_target_per_pair"] = [bool(on_secure[i] == tgt[i]) if ok[i] else None for i in range(len(ok))]
  save_arrays(ctx, "kappa.npz", **arrays)
  return out


def kappa_side(best: "BestSamples", attacked: TargetedMatrix) -> dict:
  """One model's row of the kappa table: matrix, success, mean L2 and the Fig. 8/9 distortion metrics, pooled
  (the figures) and per pair in `targeted_pairs` order (None where the attack failed: claim S3 compares the two
  models per source image)."""
  from adv_tf import metrics
  src, tgt = targeted_pairs(best.y)
  ok = attacked.success[src, tgt]
  pairs_src, pairs_adv = best.x[src][ok], attacked.x_adv[src, tgt][ok]
  counts = metrics.pixels_changed_counts(best.x[src], attacked.x_adv[src, tgt], DISTORTION_THRESHOLDS, PIXEL_RANGE)
  return {
      "pixels_changed_per_pair": {f"{t:.2f}": [int(c) if good else None for c, good in zip(counts[:, j], ok)]
                                  for j, t in enumerate(DISTORTION_THRESHOLDS)},
      "pixel_values_per_example": int(np.prod(best.x.shape[1:])),
      "matrix": _matrix_json(reorder_by_class(attacked.distances, best.y)),
      "cw_success_rate": float(ok.mean()),
      "cw_recheck_disagreements": attacked.disagreements,
      "mean_l2": float(np.nanmean(attacked.distances[src, tgt])) if ok.any() else math.nan,
      "pixels_changed_percent": dict(zip(
          [f"{t:.2f}" for t in DISTORTION_THRESHOLDS],
          np.asarray(metrics.pixel_distortion_percent(pairs_src, pairs_adv, DISTORTION_THRESHOLDS,
                                                      PIXEL_RANGE)).tolist())),
      "mean_percent_distortion": float(metrics.mean_percent_distortion(pairs_src, pairs_adv, PIXEL_RANGE)),
  }


def reused_attack(ctx, cell_id: str | None) -> TargetedMatrix | None:
  """The kappa = 0 attack a finished model cell saved (`cells/<id>/adversarial.npz`), or None when that cell
  has not finished in this output folder (its folder appears only once its artifacts are complete)."""
  if not cell_id:
    return None
  path = pathlib.Path(ctx.study_output_dir) / "cells" / cell_id / "adversarial.npz"
  if not path.exists():
    return None
  with np.load(path) as saved:
    if "raw_success" not in saved:
      return None
    return TargetedMatrix(saved["raw_distances"], saved["raw_success"].astype(bool),
                          saved["raw_recheck"].astype(bool), saved["x_adv"])


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


# What the stages' cells return (run_selection_class; make_cell_runner by cell kind): a record without these keys is
# damaged and its cell runs again (adv_tf/experiment/record_schema.py).
SELECTION_SCHEMA = ResultSchema(required=("class", "train", "best_test_index", "candidate_indices", "num_samples"))
GRID_SCHEMA = ResultSchema(required=("best_test_indices", "cell_seconds"),
                           by_kind={"model": ("train", "model_cache_hit"),
                                    "kappa": ("kappa", "reused_from", "baseline", "secure")})


def make_cell_runner(*, trainer: LeNetTrainer, best: BestSamples, cw: CWConfig) -> Callable:
  """run_cell for the main study, dispatching on the cell's kind through a table."""
  runners = {"model": run_model_cell, "kappa": run_kappa_cell}

  def run_cell(cell, ctx):
    started = time.time()
    result = runners[cell.config["kind"]](ctx, cell.config, trainer=trainer, best=best, cw=cw)
    result["cell_seconds"] = time.time() - started
    return result
  return run_cell
