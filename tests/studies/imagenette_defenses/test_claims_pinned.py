"""Paper 003's claim verdicts on hand-made records (tiny_results: 500 images, one seed, two from-scratch
models), pinned before the claims moved onto the shared engine (issue 20)."""
from __future__ import annotations

import pytest

from adv_tf.studies.imagenette_defenses import claims, report
from tests.studies.imagenette_defenses import tiny_results

NOT_RUN = "not run in this profile"
BOTH = ", partial (tested against: googlenet, wrn10_2)"
# The verdicts of claims.claim_verdicts before the move (one claims.json row per claim).
BEFORE = {
  "D1": "not testable", "D2": "holds" + BOTH, "D3": "not testable", "D4": "holds" + BOTH,
  "D5": "does not hold" + BOTH, "D6": "holds" + BOTH, "D7": "inconclusive" + BOTH, "D8": "inconclusive" + BOTH,
  "D9": "holds" + BOTH, "D10": "holds" + BOTH, "D11": "holds" + BOTH, "D12": "holds" + BOTH, "D13": "not testable",
}
EXPECTED = {
  "results": BEFORE,
  "weak_results": {**BEFORE, "D4": "not testable"},
  "base_only_results": {**BEFORE, **{c: NOT_RUN for c in ("D9", "D10", "D11", "D12")}},
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_claim_verdicts_are_pinned(name):
  results = getattr(tiny_results, name)()
  rows = claims.claim_verdicts(tiny_results.CONFIG, results, report.verdicts(tiny_results.CONFIG, results),
                               absolute=False)
  assert {r.claim: r.verdict for r in rows} == EXPECTED[name]
