"""Class-distance matrices and best-estimate samples (paper 002 §4.4)."""
from __future__ import annotations

import numpy as np

from adv_tf.errors import AdvTfError


def class_distance_matrix(distances, sources, targets, num_classes: int) -> np.ndarray:
  """Source x target mean adversarial distance (e.g. targeted CW-L2), nan where no pair was measured.

  Args:
    distances: float [K] distances of K targeted attacks (np.inf/nan entries are skipped).
    sources, targets: int [K] the true class and the target class of each attack.
  Returns:
    float [C, C] with nan diagonal.
  """
  d = np.asarray(distances, np.float64).ravel()
  s = np.asarray(sources).ravel()
  t = np.asarray(targets).ravel()
  if not (len(d) == len(s) == len(t)):
    raise AdvTfError("distances, sources and targets must have one entry per attack each")
  if len(s) and (s.min() < 0 or s.max() >= num_classes or t.min() < 0 or t.max() >= num_classes):
    raise AdvTfError(f"source and target classes must lie in [0, {num_classes})")
  total = np.zeros([num_classes, num_classes])
  count = np.zeros([num_classes, num_classes])
  ok = np.isfinite(d)
  np.add.at(total, (s[ok], t[ok]), d[ok])
  np.add.at(count, (s[ok], t[ok]), 1)
  with np.errstate(invalid="ignore", divide="ignore"):
    out = np.where(count > 0, total / np.maximum(count, 1), np.nan)
  np.fill_diagonal(out, np.nan)
  return out


def distance_stats(matrix) -> dict[str, float]:
  """{"mean", "min", "max", "std"} over the off-diagonal finite entries of a [C, C] matrix.

  std is the population standard deviation (numpy's default, ddof=0). All nan when no entry is finite.
  """
  m = np.asarray(matrix, np.float64)
  if m.ndim != 2 or m.shape[0] != m.shape[1]:
    raise AdvTfError(f"distance_stats needs a square [C, C] matrix, got shape {m.shape}")
  vals = m[~np.eye(len(m), dtype=bool)]
  vals = vals[np.isfinite(vals)]
  if not vals.size:
    return {"mean": float("nan"), "min": float("nan"), "max": float("nan"), "std": float("nan")}
  return {"mean": float(vals.mean()), "min": float(vals.min()), "max": float(vals.max()),
          "std": float(vals.std())}


def best_estimate_samples(distances, labels, num_classes: int) -> tuple[np.ndarray, np.ndarray]:
  """Paper 002 §4.4: per class, the sample whose per-target distances are closest to the class average.

  For class c, the average vector a_c[t] is the mean over c's samples of their distance to target t
  (t != c; non-finite entries skipped). "Closest" (paper: "the sample with the smallest difference in
  adversarial distance to the average") is defined here as the smallest sum over targets t != c of
  |d_i[t] - a_c[t]| (L1 difference); samples with a non-finite distance to some target are skipped,
  ties go to the lowest index.

  Args:
    distances: float [N, C] distance of sample i to each target class, nan at the sample's own class.
    labels: int [N] the samples' classes.
    num_classes: C.
  Returns:
    (indices int64 [C] into the N samples, -1 for a class without a usable sample;
     average matrix float [C, C] with nan diagonal (nan rows for classes without samples)).
  """
  d = np.asarray(distances, np.float64)
  y = np.asarray(labels).ravel()
  if d.ndim != 2 or d.shape != (len(y), num_classes):
    raise AdvTfError(f"distances must have shape [N, {num_classes}] with N = len(labels) = {len(y)}, "
                     f"got {d.shape}")
  if len(y) and (y.min() < 0 or y.max() >= num_classes):
    raise AdvTfError(f"labels must lie in [0, {num_classes})")
  avg = np.full([num_classes, num_classes], np.nan)
  chosen = np.full([num_classes], -1, np.int64)
  for c in range(num_classes):
    rows = np.flatnonzero(y == c)
    if not rows.size:
      continue
    others = np.arange(num_classes) != c
    block = d[rows][:, others]
    finite = np.isfinite(block)
    counts = finite.sum(axis=0)
    sums = np.where(finite, block, 0.0).sum(axis=0)
    mean = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    avg[c, others] = mean
    usable = finite.all(axis=1)
    if not usable.any():
      continue
    diff = np.abs(block - mean[None, :]).sum(axis=1)
    diff = np.where(usable, diff, np.inf)
    chosen[c] = rows[int(np.argmin(diff))]
  return chosen, avg
