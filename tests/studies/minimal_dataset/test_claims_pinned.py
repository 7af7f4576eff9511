"""Paper 001's verdicts on a tiny deterministic run (tiny_records.CONFIG: the quick config before issue 22, one
seed, Table 2's numbers), pinned before the claims moved onto the shared engine (issue 20); every verdict that
changed is listed with the rule fix that changed it."""
from __future__ import annotations

from adv_tf.studies.minimal_dataset.report import MinimalDatasetReport
from tests.studies.minimal_dataset import tiny_records

PARTIAL_CW = ", partial (tested against: CNN on the first 6 of 100 CW images, LeNet on the first 6 of 100 CW images)"
# The verdicts of adv_tf/studies/minimal_dataset/{claims,verdicts}.py before the move (commit "pin today's claim
# verdicts").
BEFORE = {"M1": "holds", "M2": "holds", "M3": "inconclusive", "M4": "holds" + PARTIAL_CW, "M5": "holds",
          "M6": "holds"}
ONE_SEED = ("one seed: a claim about a training method was judged by Wilson intervals over test images although "
            "model-to-model variance was not measured; now 'this model', not decided")
CHANGED = {
  "M1": ("this model: holds", ONE_SEED),
  "M3": ("this model: inconclusive", ONE_SEED),
  # The CW-image count moved into the statement ("on the first 6 of the paper's 100 CW images"); both
  # architectures were tested, the 100 images were not.
  "M4": ("this model: holds, partial (tested against: CNN, LeNet)", ONE_SEED),
  "M5": ("this model: holds", ONE_SEED),
  "M6": ("this model: holds", ONE_SEED),
}
# M2 merged two opposite results (modified data vs last-layer retraining) under one id: now two claims.
SPLIT = {"M2": {"M2a": "this model: holds", "M2b": "this model: holds"}}
# Declared 2026-12-07 (review against spec 001-3, "test at each eps of the sweep"): M2a/M2b at every FGSM eps.
# One of its 12 cells is not testable on these records (both accuracies at the ceiling at the smallest eps).
ADDED = {"M2a-sweep": "this model: holds, partial (testable: 11 of 12 cells)",
         "M2b-sweep": "this model: holds, partial (testable: 11 of 12 cells)"}


def test_tiny_run_verdicts_are_pinned_and_every_change_is_a_rule_fix():
  after = {c.claim: c.verdict for c in MinimalDatasetReport().claims(tiny_records.run())}
  expected = {k: CHANGED[k][0] if k in CHANGED else v for k, v in BEFORE.items() if k not in SPLIT}
  for parts in SPLIT.values():
    expected.update(parts)
  assert after == {**expected, **ADDED}
  assert not [k for k in BEFORE if k not in CHANGED and k not in SPLIT]   # every claim changed, each for a reason


def test_undecided_claims_print_what_would_decide_them():
  for row in MinimalDatasetReport().claims(tiny_records.run()):
    assert "needs >= 2 seeds" in row.evidence, row
  m3 = next(r for r in MinimalDatasetReport().claims(tiny_records.run()) if r.claim == "M3")
  # Engine fix (2026-12-04): more images decide a one-seed claim for this model alone; seeds are what it needs.
  assert "would read 'holds' (as 'this model') at about" in m3.evidence and "images per side" in m3.evidence
  assert "a model with one seed stays 'this model' whatever the number of images" in m3.evidence
