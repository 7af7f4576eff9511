"""Distortion metrics: per-example L0/L2/Linf norms and paper 002 §5.4.1's pixel-distortion measures."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from adv_tf.errors import AdvTfError

DEFAULT_THRESHOLDS = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40)  # paper 002 Fig. 8


def _pair(x, x_adv) -> tuple[np.ndarray, np.ndarray]:
  x = np.asarray(x, np.float64)
  x_adv = np.asarray(x_adv, np.float64)
  if x.shape != x_adv.shape or x.ndim < 2:
    raise AdvTfError(f"x and x_adv must be batches of the same shape, got {x.shape} and {x_adv.shape}")
  return x, x_adv


def _width(pixel_range) -> float:
  lo, hi = (float(v) for v in pixel_range)
  if hi <= lo:
    raise AdvTfError(f"pixel_range ({lo}, {hi}) is empty")
  return hi - lo


def lp_norms(x, x_adv, *, tol: float = 0.0) -> dict[str, np.ndarray]:
  """Per-example perturbation norms {"l0", "l2", "linf"} (l0 counts entries changed by more than tol)."""
  x, x_adv = _pair(x, x_adv)
  d = (x_adv - x).reshape(len(x), -1)
  return {"l0": np.sum(np.abs(d) > tol, axis=1).astype(np.int64),
          "l2": np.linalg.norm(d, axis=1),
          "linf": np.abs(d).max(axis=1) if d.shape[1] else np.zeros(len(x))}


def pixel_distortion_percent(x, x_adv, thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
                             pixel_range=(0.0, 1.0)) -> np.ndarray:
  """Paper 002 §5.4.1 / Fig. 8: percent of pixel values changed by more than threshold * range width.

  Pooled over every value (pixels and channels) of the batch. Returns float [len(thresholds)].
  """
  x, x_adv = _pair(x, x_adv)
  width = _width(pixel_range)
  thr = np.asarray(thresholds, np.float64)
  if thr.ndim != 1 or np.any(thr < 0):
    raise AdvTfError("thresholds must be a list of fractions of the pixel range, each >= 0")
  change = np.abs(x_adv - x).ravel() / width
  if not change.size:
    return np.full(len(thr), np.nan)
  return np.array([100.0 * np.mean(change > t) for t in thr])


def pixels_changed_counts(x, x_adv, thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
                          pixel_range=(0.0, 1.0)) -> np.ndarray:
  """Per example, how many pixel values changed by more than threshold * range width (§5.4.1's count before it is
  pooled into `pixel_distortion_percent`): int [n, len(thresholds)]."""
  x, x_adv = _pair(x, x_adv)
  width = _width(pixel_range)
  thr = np.asarray(thresholds, np.float64)
  if thr.ndim != 1 or np.any(thr < 0):
    raise AdvTfError("thresholds must be a list of fractions of the pixel range, each >= 0")
  change = np.abs(x_adv - x).reshape(len(x), -1) / width
  return (change[:, :, None] > thr[None, None, :]).sum(axis=1).astype(np.int64)


def mean_percent_distortion(x, x_adv, pixel_range=(0.0, 1.0)) -> float:
  """Paper 002 §5.4.1: the average percent change per pixel value, as a percent of the range width."""
  x, x_adv = _pair(x, x_adv)
  width = _width(pixel_range)
  if not x.size:
    return float("nan")
  return float(100.0 * np.mean(np.abs(x_adv - x)) / width)
