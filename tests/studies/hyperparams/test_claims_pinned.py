"""Pins the claim table of the tiny constructed run (tiny_records: no training) before the move to the claims
engine (issue 20); a verdict that changes with the move is asserted here with the reason."""
from __future__ import annotations

import hyperparams_tiny_records as tiny_records

from adv_tf.studies.hyperparams import report

PINNED = {
    "C1": "inconclusive, partial (tested against: 0.0, 0.4)",
    "C2": "inconclusive, partial (tested against: elu)",
    "C3": "holds, partial (tested against: 2)",
    "C4": "holds, partial (tested against: 6)",
    "C5": "inconclusive, partial (tested against: adadelta)",
    "C6": "holds",
    "S1": "holds",
    "S2": "holds",
    "S3": "does not hold",
    "K1": "holds, partial (tested against: kappa 3, kappa 5)",
}


def _verdicts(records) -> dict[str, str]:
  return {c.claim: c.verdict for c in report.claim_verdicts(report.summarize(records))}


def test_tiny_run_claim_table_is_pinned():
  assert _verdicts(tiny_records.records()) == PINNED


def test_an_excluded_variant_leaves_its_claim_not_testable():
  records = [r for r in tiny_records.records() if r["name"] != "activation=elu"]
  records.append(tiny_records.excluded("activation=elu", {"axis": "activation", "value": "elu", "seed": 0}))
  assert _verdicts(records) == dict(PINNED, C2="not testable")
