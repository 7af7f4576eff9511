"""Accuracy-type metrics: clean/adversarial accuracy with 95% Wilson intervals, attack success rate, paper 004
eq. 4 and eq. 5."""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from adv_tf.errors import AdvTfError


def _vec(a, name: str) -> np.ndarray:
  arr = np.asarray(a)
  if arr.ndim != 1:
    raise AdvTfError(f"{name} must be a 1-D array with one entry per example, got shape {arr.shape}")
  return arr


def _same_len(**arrays) -> None:
  lengths = {k: len(v) for k, v in arrays.items()}
  if len(set(lengths.values())) > 1:
    raise AdvTfError(f"arrays must have one entry per example each, got lengths {lengths}")


def accuracy(predictions, labels) -> float:
  """Fraction of predictions equal to labels (clean accuracy on x, adversarial accuracy on x_adv)."""
  pred, lab = _vec(predictions, "predictions"), _vec(labels, "labels")
  _same_len(predictions=pred, labels=lab)
  return float(np.mean(pred == lab)) if len(lab) else float("nan")


Z_95 = 1.959963984540054  # two-sided 95% normal quantile, scipy.stats.norm.ppf(0.975)


def _count(value, name: str) -> int:
  if isinstance(value, bool) or not isinstance(value, (int, np.integer)) and not (
      isinstance(value, (float, np.floating)) and float(value).is_integer()):
    raise AdvTfError(f"{name} must be a whole number, got {value!r}")
  return int(value)


def wilson_interval(k, n, z: float = Z_95) -> tuple[float, float]:
  """Wilson score interval (Wilson 1927) for a proportion k/n, without continuity correction.

  center = (k + z^2/2) / (n + z^2), half width = z / (n + z^2) * sqrt(k (n - k) / n + z^2 / 4); the same
  as statsmodels' proportion_confint(method="wilson") and scipy's binomtest(k, n).proportion_ci(
  method="wilson"). Unlike the normal (Wald) interval it stays inside [0, 1] and is not empty at k = 0 or
  k = n (lower bound exactly 0, resp. upper bound exactly 1). z = 1.96 (the default, more precisely
  1.95996) gives a 95% interval.
  """
  k, n = _count(k, "k (successes)"), _count(n, "n (trials)")
  if n <= 0 or not 0 <= k <= n:
    raise AdvTfError(f"a proportion needs 0 <= k <= n and n > 0, got k={k}, n={n}")
  if not z > 0:
    raise AdvTfError(f"z must be > 0, got {z}")
  z2 = z * z
  center = (k + z2 / 2.0) / (n + z2)
  half = z / (n + z2) * math.sqrt(k * (n - k) / n + z2 / 4.0)
  low = 0.0 if k == 0 else max(0.0, center - half)
  high = 1.0 if k == n else min(1.0, center + half)
  return low, high


@dataclasses.dataclass(frozen=True)
class AccuracyEstimate:
  """k correct out of n, the accuracy k/n and its Wilson interval at `z` (95% by default)."""
  correct: int
  total: int
  low: float
  high: float
  z: float = Z_95

  @property
  def accuracy(self) -> float:
    return self.correct / self.total if self.total else float("nan")

  def to_dict(self) -> dict:
    return {"accuracy": self.accuracy, "correct": self.correct, "total": self.total, "ci_low": self.low,
            "ci_high": self.high, "ci_z": self.z}


def accuracy_interval(correct, z: float = Z_95) -> AccuracyEstimate:
  """Accuracy of a per-example correctness vector (bool [N]) with its Wilson interval."""
  c = _vec(correct, "correct").astype(bool)
  k, n = int(c.sum()), int(c.size)
  low, high = wilson_interval(k, n, z) if n else (float("nan"), float("nan"))
  return AccuracyEstimate(correct=k, total=n, low=low, high=high, z=float(z))


def attack_success_rate(success, clean_correct=None) -> float:
  """Fraction (0..1) of successful attacks, over the clean-correct examples when given.

  Paper 004 §4.1 attacks only correctly classified images; pass `clean_correct` to do the same.
  """
  succ = _vec(success, "success").astype(bool)
  if clean_correct is not None:
    cc = _vec(clean_correct, "clean_correct").astype(bool)
    _same_len(success=succ, clean_correct=cc)
    succ = succ[cc]
  return float(np.mean(succ)) if len(succ) else float("nan")


def adversarial_accuracy_at(clean_correct, success, distances, delta: float) -> float:
  """Paper 004 eq. 5: 1 - (wrong predictions + successful attacks within distortion delta) / |T|.

  An attack on a correctly classified x counts as successful when it succeeded and
  ||x - x'||_p <= delta (paper 004 Appendix, "adversarial accuracy").

  Args:
    clean_correct: bool [N], the model classifies the clean image correctly.
    success: bool [N], the attack changed the prediction.
    distances: float [N], ||x - x'||_p of the adversarial image.
    delta: the distortion threshold.
  """
  cc = _vec(clean_correct, "clean_correct").astype(bool)
  succ = _vec(success, "success").astype(bool)
  dist = _vec(distances, "distances").astype(np.float64)
  _same_len(clean_correct=cc, success=succ, distances=dist)
  if delta < 0:
    raise AdvTfError(f"the distortion threshold delta must be >= 0, got {delta}")
  if not len(cc):
    return float("nan")
  wrong = np.sum(~cc)
  attacked = np.sum(cc & succ & (dist <= delta))
  return float(1.0 - (wrong + attacked) / len(cc))


def robustness_score(distances, correct) -> np.ndarray:
  """Paper 004 eq. 4: per model, the mean distortion over the images that ALL models classify correctly.

  Args:
    distances: float [M, N]: the minimal adversarial distortion found on each of N images for each of
      M models (e.g. `MinimalDistortion.linf` or `.l2`).
    correct: bool [M, N]: model m classifies image n correctly.
  Returns:
    float [M] scores (nan when no image is classified correctly by all models). Images where some
    model's attack found no adversarial (distance inf/nan) are left out for every model, so all models
    are averaged over the same images and a failed search never turns a score into inf.
  """
  d = np.asarray(distances, np.float64)
  c = np.asarray(correct, bool)
  if d.ndim != 2 or d.shape != c.shape:
    raise AdvTfError(f"distances and correct must both have shape [models, images], got {d.shape}, {c.shape}")
  common = c.all(axis=0) & np.isfinite(d).all(axis=0)
  if not common.any():
    return np.full([d.shape[0]], np.nan)
  return d[:, common].mean(axis=1)
