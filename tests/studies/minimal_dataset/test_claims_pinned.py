"""Paper 001's verdicts on a tiny deterministic run (tiny_records: quick config, one seed, Table 2's numbers),
pinned before the claims moved onto the shared engine (issue 20)."""
from __future__ import annotations

from adv_tf.studies.minimal_dataset.report import MinimalDatasetReport
from tests.studies.minimal_dataset import tiny_records

PARTIAL_CW = ", partial (tested against: CNN on the first 6 of 100 CW images, LeNet on the first 6 of 100 CW images)"
# The verdicts of adv_tf/studies/minimal_dataset/{claims,verdicts}.py before the move.
BEFORE = {"M1": "holds", "M2": "holds", "M3": "inconclusive", "M4": "holds" + PARTIAL_CW, "M5": "holds",
          "M6": "holds"}


def test_tiny_run_verdicts_are_pinned():
  assert {c.claim: c.verdict for c in MinimalDatasetReport().claims(tiny_records.run())} == BEFORE
