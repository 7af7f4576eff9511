"""Statistics every study report shares: verdicts that know small samples.

Rules (each study's report states which it used; the numbers below are the defaults):

* Small-N thresholds. A z computed with a std estimated from N samples is Student-t distributed with N - 1
  degrees of freedom, not normal: with N = 3 baselines, |z| >= 3 happens about 12% of the time under no
  real effect (issue 10), not 0.27%. `t_threshold(z, n)` is the t(N - 1) quantile with the same two-sided
  tail probability as the normal at z, so "|t| >= t_threshold(3, N)" keeps the 0.27% false-alarm rate of
  "3 sigma" at every N (tested by simulation at N = 3). (Paper 002's impact levels, calibrated this way, live in
  its study: adv_tf/studies/hyperparams/impact.py.)
* `std_interval(std, n)`: the chi-square 95% interval for sigma from a sample std of N values.
* `claim_verdict(...)`: one of VERDICTS for a claim "A is larger (smaller) than each of B_1..B_k" (or
  "A equals them"), from the differences and their standard errors:
    - "not testable": every compared value is saturated (the caller's rule, e.g. `outside(0.01, 0.99)` for
      accuracies: a cell at 0% or 100% cannot show a difference), or nothing was measured;
    - per comparison, t = d / se with d = A - B_i signed so that the claim says d > 0; significant when
      |t| >= t_threshold(bound, n) (bound 3 by default, n = the samples behind se's std, None = known/normal);
    - "does not hold": some comparison is significant against the claim;
    - "holds": every comparison is significant for the claim;
    - "tie": no comparison is significant and every |d| <= `tie_margin` (a margin the caller states, e.g.
      2x the seed-to-seed std or 1 percentage point; the point difference is compared, this is not an
      equivalence test);
    - "inconclusive": anything else.
  For an "equal" claim: "does not hold" if some comparison is significant, "holds" if none is and every
  |d| <= tie_margin, else "inconclusive".
  When only some of the values the claim names were measured, the verdict is labelled
  "partial (tested against: ...)" (`Verdict.label`).
* Two proportions (accuracies): `newcombe_interval` (Newcombe 1998, method 10: from the two Wilson
  intervals) for the difference, and `proportion_verdict` on it (holds when the interval excludes 0 in the
  claimed direction).
"""
from __future__ import annotations

import dataclasses
import math
from typing import Callable, Iterable, Sequence

from scipy import stats as _stats

from adv_tf.errors import AdvTfError
from adv_tf.metrics.accuracy import Z_95, wilson_interval

VERDICTS = ("holds", "does not hold", "inconclusive", "tie", "not testable")
DECIDED = ("holds", "does not hold", "tie")   # the verdicts that answer a claim (the rest: "we could not tell")
CLAIMS = ("greater", "less", "equal")

__all__ = ["VERDICTS", "DECIDED", "CLAIMS", "wilson_interval", "t_threshold", "std_interval",
           "difference_standard_error", "outside", "Comparison", "Verdict", "claim_verdict", "partial_label",
           "newcombe_interval", "proportion_verdict"]


def _check_n(n, minimum: int = 2) -> int:
  if isinstance(n, bool) or not isinstance(n, int) or n < minimum:
    raise AdvTfError(f"need a sample count n >= {minimum}, got {n!r}")
  return n


def t_threshold(z_normal: float, n: int | None) -> float:
  """The Student-t quantile (df = n - 1) with the normal's two-sided tail probability at `z_normal`.

  P(|T_{n-1}| >= t_threshold(z, n)) = P(|Z| >= z). n = None (std known, or N large) gives z itself.
  E.g. t_threshold(3, 3) = 19.2, t_threshold(3, 10) = 4.1, t_threshold(3, 30) = 3.3.
  """
  if not z_normal > 0:
    raise AdvTfError(f"z_normal must be > 0, got {z_normal}")
  if n is None:
    return float(z_normal)
  n = _check_n(n)
  tail = _stats.norm.sf(z_normal)  # one side; log-space isf keeps z = 7 (tail 1.3e-12) accurate
  return float(_stats.t.isf(tail, n - 1))


def std_interval(std: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
  """Chi-square interval for sigma from a sample std (ddof = 1) of n normal values:
  (std sqrt((n-1) / chi2_{1-a/2}), std sqrt((n-1) / chi2_{a/2})). With n = 3 the 95% interval is
  (0.52 std, 6.3 std): a std from 3 baselines is known to within a factor of about 12."""
  n = _check_n(n)
  if not (std >= 0 and math.isfinite(std)):
    raise AdvTfError(f"std must be a finite number >= 0, got {std}")
  if not 0 < confidence < 1:
    raise AdvTfError(f"confidence must lie in (0, 1), got {confidence}")
  alpha = 1.0 - confidence
  df = n - 1
  return (std * math.sqrt(df / _stats.chi2.isf(alpha / 2, df)), std * math.sqrt(df / _stats.chi2.ppf(alpha / 2, df)))


def difference_standard_error(sigma: float, n_a: int = 1, n_b: int = 1) -> float:
  """Std of mean(A) - mean(B) when side A averages n_a and side B n_b independent models of std sigma
  (sqrt(2) sigma for two single models, sqrt(1 + 1/N) sigma for one model against the mean of N)."""
  return float(sigma) * math.sqrt(1.0 / n_a + 1.0 / n_b)


def outside(low: float = 0.01, high: float = 0.99) -> Callable[[float], bool]:
  """A saturation rule: True for values < low or > high (default: accuracies below 1% or above 99%)."""
  return lambda value: value < low or value > high


@dataclasses.dataclass(frozen=True)
class Comparison:
  """The claimed-better (or -equal) value A against one alternative B.

  Attributes:
    name: the alternative's name (for "tested against" and the evidence text).
    claimed: A's value; other: B's value (None or nan: not measured).
    standard_error: std of A - B (e.g. `difference_standard_error`).
    n: how many samples the std behind `standard_error` came from (t with n - 1 dof); None: normal.
  """
  name: str
  claimed: float | None
  other: float | None
  standard_error: float
  n: int | None = None

  @property
  def measured(self) -> bool:
    return all(v is not None and math.isfinite(v) for v in (self.claimed, self.other))


@dataclasses.dataclass(frozen=True)
class Verdict:
  """A claim's verdict (one of VERDICTS), one line of evidence, and what it was tested against."""
  verdict: str
  evidence: str
  tested_against: tuple[str, ...] = ()
  expected: tuple[str, ...] = ()
  t_values: tuple[float, ...] = ()

  @property
  def partial(self) -> bool:
    """True when some value the claim names was not measured (or not compared)."""
    return bool(self.expected) and set(self.tested_against) != set(self.expected)

  @property
  def label(self) -> str:
    """The verdict, with "partial (tested against: ...)" appended when only some values were compared."""
    note = partial_label(self.tested_against, self.expected)
    return f"{self.verdict}, {note}" if note else self.verdict


def partial_label(tested: Iterable[str], expected: Iterable[str]) -> str | None:
  """"partial (tested against: a, b)" when `tested` is a strict part of `expected`, else None."""
  tested, expected = list(tested), list(expected)
  if not expected or set(expected) <= set(tested):
    return None
  return f"partial (tested against: {', '.join(tested) if tested else 'nothing'})"


def claim_verdict(comparisons: Sequence[Comparison], *, claim: str = "greater", bound: float = 3.0,
                  tie_margin: float | None = None, saturated: Callable[[float], bool] | None = None,
                  expected: Sequence[str] | None = None) -> Verdict:
  """Verdict on "claimed is `claim` than each alternative" under the rules of this module's docstring.

  Args:
    comparisons: one per alternative; unmeasured ones are skipped (and make the verdict partial).
    claim: "greater", "less" or "equal".
    bound: significance in normal standard deviations (3: paper 002 §5.5), turned into t(n - 1) per
      comparison with `t_threshold`.
    tie_margin: largest |difference| called a tie (same units as the values); None: no ties.
    saturated: a rule that says a value cannot show a difference (e.g. `outside(0.01, 0.99)`).
    expected: the names of every alternative the claim names (defaults to those of `comparisons`).
  """
  if claim not in CLAIMS:
    raise AdvTfError(f"unknown claim {claim!r}; choose one of {CLAIMS}")
  if tie_margin is not None and not tie_margin >= 0:
    raise AdvTfError(f"tie_margin must be >= 0, got {tie_margin}")
  expected = tuple(expected) if expected is not None else tuple(c.name for c in comparisons)
  used = [c for c in comparisons if c.measured]
  names = tuple(c.name for c in used)
  if not used:
    return Verdict("not testable", "no compared value was measured", names, expected)
  values = [used[0].claimed] + [c.other for c in used]
  if saturated is not None and all(saturated(v) for v in values):
    return Verdict("not testable", "every compared value is saturated: "
                   + ", ".join(f"{v:.4g}" for v in values), names, expected)
  for c in used:
    if not (c.standard_error > 0 and math.isfinite(c.standard_error)):
      raise AdvTfError(f"comparison with {c.name!r}: standard_error must be a finite number > 0, "
                       f"got {c.standard_error}")
  sign = -1.0 if claim == "less" else 1.0
  diffs = [sign * (c.claimed - c.other) for c in used]
  ts = [d / c.standard_error for d, c in zip(diffs, used)]
  limits = [t_threshold(bound, c.n) for c in used]
  significant_for = [t >= lim for t, lim in zip(ts, limits)]
  significant_against = [t <= -lim for t, lim in zip(ts, limits)]
  within = tie_margin is not None and all(abs(d) <= tie_margin for d in diffs)
  evidence = "; ".join(f"{c.name}: d = {d:+.4g}, t = {t:+.2f} (|t| >= {lim:.3g} significant"
                       + (f", n = {c.n}" if c.n is not None else "") + ")"
                       for c, d, t, lim in zip(used, diffs, ts, limits))
  if tie_margin is not None:
    evidence += f"; tie margin {tie_margin:.4g}"
  if claim == "equal":
    if any(significant_for) or any(significant_against):
      verdict = "does not hold"
    else:
      verdict = "holds" if within else "inconclusive"
  elif any(significant_against):
    verdict = "does not hold"
  elif all(significant_for):
    verdict = "holds"
  elif within and not any(significant_for):
    verdict = "tie"
  else:
    verdict = "inconclusive"
  return Verdict(verdict, evidence, names, expected, tuple(ts))


def newcombe_interval(k1: int, n1: int, k2: int, n2: int, z: float = Z_95) -> tuple[float, float, float]:
  """(p1 - p2, low, high): Newcombe's (1998) hybrid score interval (his method 10) for a difference of
  two independent proportions, built from the two Wilson intervals:
  low = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)."""
  l1, u1 = wilson_interval(k1, n1, z)
  l2, u2 = wilson_interval(k2, n2, z)
  p1, p2 = k1 / n1, k2 / n2
  d = p1 - p2
  return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def proportion_verdict(k1: int, n1: int, k2: int, n2: int, *, claim: str = "greater", z: float = Z_95,
                       tie_margin: float | None = 0.01,
                       saturated: Callable[[float], bool] | None = outside(0.01, 0.99)) -> Verdict:
  """Verdict on "accuracy 1 (k1/n1) is `claim` than accuracy 2 (k2/n2)" from the Newcombe interval of
  p1 - p2 at `z` (95% by default).

  "not testable" when both accuracies are saturated; for "greater"/"less": "holds" when the interval
  excludes 0 in the claimed direction, "does not hold" when it excludes 0 the other way, "tie" when it
  holds 0 and |p1 - p2| <= tie_margin (1 percentage point by default), else "inconclusive". For "equal":
  "does not hold" when the interval excludes 0, "holds" when |p1 - p2| <= tie_margin, else
  "inconclusive".
  """
  if claim not in CLAIMS:
    raise AdvTfError(f"unknown claim {claim!r}; choose one of {CLAIMS}")
  d, low, high = newcombe_interval(k1, n1, k2, n2, z)
  p1, p2 = k1 / n1, k2 / n2
  evidence = f"{k1}/{n1} = {p1:.4g} vs {k2}/{n2} = {p2:.4g}: difference {d:+.4g}, interval [{low:+.4g}, {high:+.4g}]"
  if saturated is not None and saturated(p1) and saturated(p2):
    return Verdict("not testable", "both accuracies are saturated: " + evidence)
  if claim == "less":
    d, low, high = -d, -high, -low
  excludes_zero_up, excludes_zero_down = low > 0, high < 0
  within = tie_margin is not None and abs(d) <= tie_margin
  if claim == "equal":
    verdict = "does not hold" if (excludes_zero_up or excludes_zero_down) else ("holds" if within else "inconclusive")
  elif excludes_zero_up:
    verdict = "holds"
  elif excludes_zero_down:
    verdict = "does not hold"
  else:
    verdict = "tie" if within else "inconclusive"
  return Verdict(verdict, evidence)
