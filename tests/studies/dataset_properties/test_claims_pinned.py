"""Paper 000's verdicts on a tiny deterministic run (tiny_records: MNIST, one seed, 50 images), pinned before
the claims moved onto the shared engine (issue 20)."""
from __future__ import annotations

from adv_tf.studies.dataset_properties.report import DatasetPropertiesReport
from tests.studies.dataset_properties import tiny_records

NOT_RUN = "not run in this profile"
PARTIAL = ", partial (tested against: mnist)"
# Today's verdicts (adv_tf/studies/dataset_properties/claims.py before the move).
BEFORE = {
  "A1": "holds" + PARTIAL, "A2": NOT_RUN, "B1": "inconclusive" + PARTIAL, "B2": "inconclusive" + PARTIAL,
  "B3": "holds", "B4": "inconclusive" + PARTIAL, "B5": "tie", "B6": NOT_RUN, "B7": NOT_RUN, "B8": NOT_RUN,
  "B9": NOT_RUN, "B10": NOT_RUN, "B11": NOT_RUN, "B12": NOT_RUN, "C1": "holds" + PARTIAL,
  "C2": "inconclusive" + PARTIAL, "C3": "inconclusive", "C4": "inconclusive", "C5": "inconclusive",
  "C6": "inconclusive", "C7": NOT_RUN, "C8": NOT_RUN, "C9": NOT_RUN, "C10": "does not hold" + PARTIAL,
  "C11": NOT_RUN, "D1": "holds" + PARTIAL, "D2": "inconclusive" + PARTIAL, "D3": "does not hold" + PARTIAL,
}


def test_tiny_run_verdicts_are_pinned():
  report = DatasetPropertiesReport()
  run = tiny_records.run()
  assert {c.claim: c.verdict for c in report.claims(run)} == BEFORE
  table = report._verdicts(report._res(run)).body
  assert sum(line.startswith("| ") for line in table.splitlines()) - 1 == 31   # 28 claims + 3 sub-checks
