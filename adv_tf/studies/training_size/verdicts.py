"""Verdicts on paper 004's claims C1-C12 from the family summaries (rules stated here and in the report).

Outcomes: "holds", "does not hold", "inconclusive", "not testable at this scale", "not run in this profile";
a claim tested on only some of its families says "<outcome>, partial (tested against: ...)" (the shared
label of `adv_tf.report.statistics.partial_label`).
Turning-point claims use eq. 4 over the intersection X, both norms (turning.py's rule). A claimed turning
point whose curve peaks at our largest size is "not testable at this scale" (it may lie beyond).
"""
from __future__ import annotations

import dataclasses
from typing import Mapping, Sequence

import numpy as np

from adv_tf.report.statistics import partial_label
from adv_tf.studies.training_size import analysis, linear_regression, published, turning

HOLDS, FAILS, INCONCLUSIVE, NOT_TESTABLE, NOT_RUN = (
    "holds", "does not hold", "inconclusive", "not testable at this scale", "not run in this profile")
SATURATION_POINTS = 0.01  # C6: "saturates early" = by the middle size within 1 point of the largest size's accuracy
SPREAD_LIMIT = 0.25       # C6/C3: "changes little" = (max - min) / mean of the per-size means <= 25%


@dataclasses.dataclass(frozen=True)
class Verdict:
  claim: str
  outcome: str
  evidence: str


def _combine(parts: Sequence[str]) -> str:
  if not parts:
    return NOT_RUN
  if FAILS in parts:
    return FAILS
  if all(p == HOLDS for p in parts):
    return HOLDS
  if NOT_TESTABLE in parts and INCONCLUSIVE not in parts:
    return NOT_TESTABLE
  return INCONCLUSIVE


def _partial(outcome: str, tested: Sequence[str], wanted: Sequence[str]) -> str:
  note = partial_label(tested, wanted)
  if outcome == NOT_RUN or not note:
    return outcome
  return f"{outcome}, {note}"


def _turning_part(curve: turning.CurveVerdict, claimed: bool) -> str:
  if claimed:
    return {turning.TURNING: HOLDS, turning.PEAK_AT_END: NOT_TESTABLE, turning.NO_TURNING: FAILS}.get(
        curve.outcome, INCONCLUSIVE)
  return {turning.TURNING: FAILS, turning.PEAK_AT_END: HOLDS, turning.NO_TURNING: HOLDS}.get(
      curve.outcome, INCONCLUSIVE)


def turning_claim(claim: str, families: Mapping[str, analysis.FamilySummary], note: str = "") -> Verdict:
  wanted = published.TURNING_CLAIMS[claim]
  parts, evidence, tested = [], [], []
  for name, claimed in wanted.items():
    if name not in families:
      continue
    tested.append(name)
    for norm in analysis.NORMS:
      curve = families[name].curves[f"eq4_{norm}"]
      parts.append(_turning_part(curve, claimed))
      evidence.append(f"{name} {analysis.NORM_LABELS[norm]}: {curve.describe()}")
  outcome = _partial(_combine(parts), tested, list(wanted))
  return Verdict(claim, outcome, "; ".join(evidence) + note if evidence else "no family of this claim was run")


def c1(families) -> Verdict:
  evidence, parts = [], []
  for name, s in families.items():
    drops = analysis.accuracy_drops(s)
    parts.append(FAILS if drops else HOLDS)
    means = s.means("test_accuracy")
    evidence.append(f"{name}: {' -> '.join(f'{m:.3f}' for m in means)}"
                    + (f" (significant drops: {drops})" if drops else ""))
  return Verdict("C1", _combine(parts), "; ".join(evidence))


def c6(families) -> Verdict:
  mnist = {k: v for k, v in families.items() if v.dataset == "mnist"}
  parts, evidence = [], []
  for name, s in mnist.items():
    acc = s.means("test_accuracy")
    mid = len(acc) // 2
    saturated = acc[mid] >= acc[-1] - SATURATION_POINTS
    spreads = {norm: turning.relative_spread(s.values[f"eq4_{norm}"]) for norm in analysis.NORMS}
    little = all(v <= SPREAD_LIMIT for v in spreads.values())
    if not all(np.isfinite(v) for v in (*spreads.values(), acc[mid], acc[-1])):
      parts.append(INCONCLUSIVE)
    else:
      parts.append(HOLDS if saturated and little else FAILS)
    evidence.append(f"{name}: accuracy at n={s.sizes[mid]} {acc[mid]:.4f} vs n={s.sizes[-1]} {acc[-1]:.4f} "
                    f"(saturated: {saturated}); robustness spread " +
                    ", ".join(f"{analysis.NORM_LABELS[n]} {v:.2f}" for n, v in spreads.items()) +
                    f" (<= {SPREAD_LIMIT}: {little})")
  wanted = ["mnist/mlp", "mnist/simple_cnn", "mnist/resnet20", "mnist/resnet20+D"]
  return Verdict("C6", _partial(_combine(parts), list(mnist), wanted), "; ".join(evidence) or "MNIST not run")


def c7(families) -> Verdict:
  """At each dataset's largest size, every pair of architectures (no +D): the more accurate has the lower
  robustness (own-correct eq. 4, since X differs between architectures)."""
  parts, evidence, tested = [], [], []
  by_dataset: dict[str, list] = {}
  for s in families.values():
    if not s.augment:
      by_dataset.setdefault(s.dataset, []).append(s)
  for dataset, group in by_dataset.items():
    if len(group) < 2:
      continue
    tested.append(dataset)
    for i in range(len(group)):
      for j in range(i + 1, len(group)):
        a, b = group[i], group[j]
        da = a.means("test_accuracy")[-1] - b.means("test_accuracy")[-1]
        for norm in analysis.NORMS:
          dr = a.means(f"own_{norm}")[-1] - b.means(f"own_{norm}")[-1]
          parts.append(INCONCLUSIVE if not np.isfinite(da * dr) else HOLDS if da * dr < 0 else FAILS)
          evidence.append(f"{a.family} vs {b.family}: accuracy diff {da:+.3f}, {analysis.NORM_LABELS[norm]} "
                          f"robustness diff {dr:+.3g}")
  for name, lo, hi in (("cifar10/simple_cnn", 0.30, 0.55), ("cifar10/densenet40", 0.0, 0.25)):
    if name in families:
      m = families[name].means("eq4_l2")
      evidence.append(f"{name} CW-L2 eq. 4 range {np.nanmin(m):.3f}-{np.nanmax(m):.3f} (paper {lo}-{hi})")
  outcome = _combine(parts)
  if outcome != NOT_RUN and "cifar10" not in tested:
    outcome = f"{outcome}, {partial_label(tested, [*tested, 'cifar10'])}"
    evidence.append("the claim is about CIFAR-10, which has one architecture in this profile")
  return Verdict("C7", outcome, "; ".join(evidence) or "no dataset with two architectures was run")


def c8(families) -> Verdict:
  parts, evidence = [], []
  for name, s in families.items():
    if not s.augment:
      continue
    plain = families.get(name[:-2])
    if plain is None:
      continue
    for norm in analysis.NORMS:
      aug, base = s.curves[f"eq4_{norm}"].outcome, plain.curves[f"eq4_{norm}"].outcome
      if turning.is_inconclusive(aug) or turning.is_inconclusive(base):
        parts.append(INCONCLUSIVE)
      elif aug == turning.TURNING and base != turning.TURNING:
        parts.append(HOLDS)
      elif aug == turning.PEAK_AT_END:
        parts.append(NOT_TESTABLE)
      else:
        parts.append(FAILS)
      evidence.append(f"{name} vs {plain.family} {analysis.NORM_LABELS[norm]}: {aug} vs {base}")
  return Verdict("C8", _combine(parts), "; ".join(evidence) or "no family was run both with and without +D")


def c9(families) -> Verdict:
  rates = {name: (min(min(v) for v in s.values["cw_success"]), min(min(v) for v in s.values["ifgsm_success"]))
           for name, s in families.items()}
  if not rates:
    return Verdict("C9", NOT_RUN, "no model")
  ok = all(a >= 1.0 and b >= 1.0 for a, b in rates.values())
  return Verdict("C9", HOLDS if ok else FAILS,
                 "; ".join(f"{k}: lowest CW {a:.1%}, I-FGSM {b:.1%}" for k, (a, b) in rates.items()))


def c10(families) -> Verdict:
  parts, evidence = [], []
  for name, s in families.items():
    for norm in analysis.NORMS:
      e4, e5 = s.curves[f"eq4_{norm}"].outcome, s.curves[f"eq5_{norm}"].outcome
      if turning.is_inconclusive(e4) or turning.is_inconclusive(e5):
        parts.append(INCONCLUSIVE)
      else:
        parts.append(HOLDS if (e4 == turning.TURNING) == (e5 == turning.TURNING) else FAILS)
      evidence.append(f"{name} {analysis.NORM_LABELS[norm]} (Delta {s.delta[norm]:.4g}): eq. 4 {e4} / eq. 5 {e5}")
  return Verdict("C10", _combine(parts), "; ".join(evidence) or "no model")


def c11() -> Verdict:
  m1, m2 = linear_regression.run_example()
  reading = linear_regression.VERDICT_READING
  ok = m2.mse < m1.mse and m2.mean_delta[reading] < m1.mean_delta[reading]
  return Verdict("C11", HOLDS if ok else FAILS,
                 f"MSE M1 {m1.mse:.4f} / M2 {m2.mse:.4f}; mean delta ('{reading}' reading) M1 "
                 f"{m1.mean_delta[reading]:.4f} / M2 {m2.mean_delta[reading]:.4f} (paper 0.2194 / 0.2125)")


def c12(families) -> Verdict:
  outcomes = {name: s.curves["eq4_l2"].outcome for name, s in families.items()}
  conclusive = {k: v for k, v in outcomes.items() if not turning.is_inconclusive(v)}
  has_tp = any(v == turning.TURNING for v in conclusive.values())
  has_none = any(v != turning.TURNING for v in conclusive.values())
  outcome = HOLDS if has_tp and has_none else (INCONCLUSIVE if outcomes else NOT_RUN)
  return Verdict("C12", outcome, "CW-L2 eq. 4 outcomes: " + "; ".join(f"{k}: {v}" for k, v in outcomes.items()))


def all_verdicts(families: Mapping[str, analysis.FamilySummary]) -> list[Verdict]:
  """C1-C12 in order."""
  cifar_note = " (local CIFAR-10 holds 20k training images: a turning point beyond 20k is not testable here)"
  return [c1(families), turning_claim("C2", families, cifar_note), turning_claim("C3", families),
          turning_claim("C4", families), turning_claim("C5", families), c6(families), c7(families), c8(families),
          c9(families), c10(families), c11(), c12(families)]
