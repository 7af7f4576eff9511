"""Small-N-aware verdict rules for paper 001's claims M1-M6, over plain numbers (no TensorFlow).

A claim is a set of orderings "A > B" between models under ONE fixed attack setting (never absolute
accuracies under an attack the paper does not state). Each ordering is tested so that a difference the
test images or the training seeds could produce by chance is not called a finding. The intervals and
critical values are the shared ones of `adv_tf.report.statistics` (no copies here):

* accuracies (proportions of n test images), `compare_accuracies`: with one seed, A > B is "A>B" when the
  95% Wilson intervals (`statistics.wilson_interval`) of A and B do not overlap; with k >= 2 seeds,
  additionally the paired per-seed difference must pass a one-sided t test at 5% (critical value
  `statistics.t_threshold(z of a one-sided 5% normal tail, k)`: the t(k - 1) quantile with that tail, 6.31
  for 2 seeds, 2.92 for 3). Both at 0% or both at 100% -> "not testable (saturated)".
* medians of per-image distances (median L2 / L0 of CW), `compare_medians`: a paired bootstrap over
  images (pooled over seeds, 2,000 resamples, fixed seed); A > B "A>B" when the 95% percentile
  interval of median(A) - median(B) lies above 0.

Outcomes: "A>B" or "A<B" (significant), "no clear difference", "not testable (...)".
A claim's verdict, one of `statistics.VERDICTS` and combined as `statistics.claim_verdict` combines its
comparisons: "holds" (every testable expected ordering significant), "does not hold" (some ordering
significant the other way), "inconclusive" (anything else), "not testable" (every ordering saturated).
`claim_counts` says how many orderings were significant each way (the report prints it beside the verdict).
"""
from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np
from scipy import stats as _stats

from adv_tf.errors import AdvTfError
from adv_tf.report import statistics

CONFIDENCE = 0.95
# A one-sided 5% tail of the normal, turned into a t(k - 1) critical value by `statistics.t_threshold`.
Z_ONE_SIDED = float(_stats.norm.isf(1.0 - CONFIDENCE))


@dataclasses.dataclass(frozen=True)
class Comparison:
  """One tested ordering: `outcome` and a short `detail` with the numbers behind it."""
  a: str
  b: str
  outcome: str
  detail: str

  @property
  def supports(self) -> bool:
    return self.outcome == "A>B"

  @property
  def opposes(self) -> bool:
    return self.outcome == "A<B"


def t_critical(seeds: int) -> float:
  """One-sided 5% critical value of the paired t test over `seeds` per-seed differences (t with seeds - 1 dof)."""
  return statistics.t_threshold(Z_ONE_SIDED, seeds)


def _check_pairs(a: Sequence, b: Sequence) -> tuple[np.ndarray, np.ndarray]:
  a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
  if a.ndim != 1 or a.shape != b.shape or not len(a):
    raise AdvTfError(f"an ordering needs one value per seed for both models, got {a.shape} and {b.shape}")
  return a, b


def compare_accuracies(a: Sequence[float], b: Sequence[float], n: int, *, names=("A", "B")) -> Comparison:
  """Is accuracy A > B? `a`, `b`: one accuracy (0..1) per seed, paired by seed; n: test images each."""
  a, b = _check_pairs(a, b)
  if n < 1:
    raise AdvTfError(f"n must be the number of test images (>= 1), got {n}")
  ma, mb = float(a.mean()), float(b.mean())
  detail = f"{names[0]} {100 * ma:.2f}% vs {names[1]} {100 * mb:.2f}% (n={n}, seeds={len(a)})"
  if (np.all(a == 0) and np.all(b == 0)) or (np.all(a == 1) and np.all(b == 1)):
    return Comparison(names[0], names[1], "not testable (saturated)", detail)
  lo_a, hi_a = statistics.wilson_interval(int(round(ma * n)), n)
  lo_b, hi_b = statistics.wilson_interval(int(round(mb * n)), n)
  images = "A>B" if lo_a > hi_b else "A<B" if hi_a < lo_b else "no clear difference"
  detail += f"; Wilson 95% [{100 * lo_a:.1f}, {100 * hi_a:.1f}] vs [{100 * lo_b:.1f}, {100 * hi_b:.1f}]"
  if len(a) == 1:
    return Comparison(names[0], names[1], images, detail + "; one seed: model-to-model variance not measured")
  d = a - b
  sd = float(d.std(ddof=1))
  crit = t_critical(len(d))
  if sd == 0:
    seeds = "A>B" if d.mean() > 0 else "A<B" if d.mean() < 0 else "no clear difference"
    detail += "; identical per-seed differences"
  else:
    t = float(d.mean() / (sd / np.sqrt(len(d))))
    seeds = "A>B" if t > crit else "A<B" if t < -crit else "no clear difference"
    detail += f"; paired t={t:.2f} (crit {crit:.2f})"
  return Comparison(names[0], names[1], images if images == seeds else "no clear difference", detail)


def compare_medians(a: Sequence[np.ndarray], b: Sequence[np.ndarray], *, names=("A", "B"),
                    resamples: int = 2000, seed: int = 0, unit: str = "") -> Comparison:
  """Is median(A) > median(B)? `a`, `b`: per-seed arrays of per-image values (same images, paired)."""
  if len(a) != len(b) or not len(a):
    raise AdvTfError("compare_medians needs one per-image array per seed for both models")
  xa = np.concatenate([np.asarray(v, np.float64) for v in a])
  xb = np.concatenate([np.asarray(v, np.float64) for v in b])
  if xa.shape != xb.shape or not len(xa):
    raise AdvTfError(f"per-image values must be paired, got {xa.shape} and {xb.shape}")
  ma, mb = float(np.median(xa)), float(np.median(xb))
  detail = f"median {names[0]} {ma:.3g}{unit} vs {names[1]} {mb:.3g}{unit} ({len(xa)} images, seeds={len(a)})"
  if not (np.isfinite(ma) or np.isfinite(mb)) or (ma == mb == 0 and np.all(xa == 0) and np.all(xb == 0)):
    return Comparison(names[0], names[1], "not testable (saturated)", detail)
  rng = np.random.default_rng(seed)
  idx = rng.integers(0, len(xa), size=(resamples, len(xa)))
  with np.errstate(invalid="ignore"):
    diff = np.median(xa[idx], axis=1) - np.median(xb[idx], axis=1)
  diff = np.where(np.isnan(diff), 0.0, diff)  # inf - inf: no difference in that resample
  lo, hi = np.quantile(diff, [(1 - CONFIDENCE) / 2, 1 - (1 - CONFIDENCE) / 2], method="inverted_cdf")
  outcome = "A>B" if lo > 0 else "A<B" if hi < 0 else "no clear difference"
  return Comparison(names[0], names[1], outcome, detail + f"; bootstrap 95% of the difference [{lo:.3g}, {hi:.3g}]")


def claim_counts(comparisons: Sequence[Comparison]) -> tuple[int, int, int]:
  """(orderings significant as claimed, significant the other way, testable) of one claim."""
  testable = [c for c in comparisons if not c.outcome.startswith("not testable")]
  return sum(c.supports for c in testable), sum(c.opposes for c in testable), len(testable)


def claim_verdict(comparisons: Sequence[Comparison]) -> str:
  """One of `statistics.VERDICTS` for a claim's expected orderings (see the module docstring)."""
  support, oppose, testable = claim_counts(comparisons)
  if not testable:
    return "not testable"
  if oppose:
    return "does not hold"
  return "holds" if support == testable else "inconclusive"
