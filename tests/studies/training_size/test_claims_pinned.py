"""Paper 004's claim verdicts on hand-made records (tiny_records: four families, 3 sizes, 3 seeds or 1),
pinned before the claims moved onto the shared engine (issue 20)."""
from __future__ import annotations

import pytest

from adv_tf.studies.training_size import analysis, report
from adv_tf.studies.training_size import verdicts as verdicts_lib
from tests.studies.training_size import tiny_records

NOT_RUN = "not run in this profile"
C2_PARTIAL = ", partial (tested against: cifar10/mlp, cifar10/resnet32+D)"
# The claims.json verdicts of verdicts.all_verdicts + report.claim_verdicts before the move.
BEFORE = {
  "results": {"C1": "holds", "C2": "holds" + C2_PARTIAL, "C3": "holds, partial (tested against: cifar10/resnet32)",
              "C4": NOT_RUN, "C5": NOT_RUN, "C6": "holds, partial (tested against: mnist/mlp)", "C7": "holds",
              "C8": "holds", "C9": "holds", "C10": "does not hold", "C11": "holds", "C12": "holds"},
}
BEFORE["one_seed_results"] = {**BEFORE["results"], "C2": "inconclusive" + C2_PARTIAL, "C8": "inconclusive",
                              "C10": "inconclusive", "C12": "inconclusive"}


@pytest.mark.parametrize("name", list(BEFORE))
def test_claim_verdicts_are_pinned(name):
  families = analysis.summarize(getattr(tiny_records, name)())
  rows = report.claim_verdicts(verdicts_lib.all_verdicts(families))
  assert {r.claim: r.verdict for r in rows} == BEFORE[name]
