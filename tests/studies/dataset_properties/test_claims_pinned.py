"""Paper 000's verdicts on a tiny deterministic run (tiny_records: MNIST, one seed, 50 images), pinned before
the claims moved onto the shared engine (issue 20); every verdict that changed is listed with the rule fix
that changed it."""
from __future__ import annotations

import json

from adv_tf.studies.dataset_properties import claims as claims_lib
from adv_tf.studies.dataset_properties.report import VERDICTS_SECTION, DatasetPropertiesReport
from tests.studies.dataset_properties import tiny_records

NOT_RUN = "not run in this profile"
PARTIAL = ", partial (tested against: mnist)"
# The verdicts of adv_tf/studies/dataset_properties/claims.py before the move (commit "pin today's claim
# verdicts"): 28 claims.json rows, 31 rows in report.md.
BEFORE = {
  "A1": "holds" + PARTIAL, "A2": NOT_RUN, "B1": "inconclusive" + PARTIAL, "B2": "inconclusive" + PARTIAL,
  "B3": "holds", "B4": "inconclusive" + PARTIAL, "B5": "tie", "B6": NOT_RUN, "B7": NOT_RUN, "B8": NOT_RUN,
  "B9": NOT_RUN, "B10": NOT_RUN, "B11": NOT_RUN, "B12": NOT_RUN, "C1": "holds" + PARTIAL,
  "C2": "inconclusive" + PARTIAL, "C3": "inconclusive", "C4": "inconclusive", "C5": "inconclusive",
  "C6": "inconclusive", "C7": NOT_RUN, "C8": NOT_RUN, "C9": NOT_RUN, "C10": "does not hold" + PARTIAL,
  "C11": NOT_RUN, "D1": "holds" + PARTIAL, "D2": "inconclusive" + PARTIAL, "D3": "does not hold" + PARTIAL,
}
ONE_SEED = "one seed: a claim about a data property (models trained on different sizes/contrasts) needs seeds"
# Engine fix (2026-12-04, issue 20 review): a verdict resting on part of its measured cells (the others at a floor,
# ceiling or near chance) names how many were testable, e.g. "testable: 13 of 20 cells"; the verdict is the same.
TESTABLE = "; names the testable cells (engine fix: the rest at floor/ceiling)"
CHANGED = {
  # 1 pp non-inferiority cannot be resolved on 50 images (the old rule counted any cell within 1 pp as holding
  # whatever the noise), and the 28 px model is no longer counted twice (size 28 = contrast 1x).
  "A1": ("inconclusive, partial (tested against: mnist; testable: 13 of 20 cells)",
         "tie margin the sample cannot resolve; one model counted twice; " + TESTABLE),
  "B1": ("this model: inconclusive, partial (tested against: mnist; testable: 30 of 32 cells)", ONE_SEED + TESTABLE),
  "B2": ("this model: inconclusive, partial (tested against: mnist, 2/255, 4/255; testable: 24 of 32 cells)",
         ONE_SEED + TESTABLE),
  "B4": ("this model: inconclusive, partial (tested against: mnist, 16/255)", ONE_SEED),
  # 49/50 against 97% (Wald se collapses near 100%) and 48/50 vs 97% were ties at a 1 pp margin that 50 images
  # cannot resolve: the exact binomial test leaves them undecided.
  "B5": ("inconclusive", "Wald collapse at 100%; unresolvable tie margin"),
  "C1": ("this model: holds" + PARTIAL, ONE_SEED),
  "C2": ("this model: inconclusive, partial (tested against: mnist; testable: 29 of 32 cells)", ONE_SEED + TESTABLE),
  "C3": ("this model: inconclusive, partial (testable: 7 of 8 cells)", ONE_SEED + TESTABLE),
  "C4": ("this model: inconclusive", ONE_SEED),
  "C5": ("this model: inconclusive", ONE_SEED),
  "C6": ("this model: inconclusive", ONE_SEED),
  # C10 is A2's statement on the contrast figures, so on A2's datasets (CIFAR, ImageNet; review of 2026-12-07): not
  # run on MNIST; its MNIST cells are the control C10-mnist (below).
  "C10": (NOT_RUN, "judged on datasets the paper does not make it of"),
  "D1": ("holds, partial (tested against: mnist, 16/255)", "same verdict; the label names the eps the claim names"),
  "D2": ("this model: inconclusive, partial (tested against: mnist; testable: 30 of 32 cells)", ONE_SEED + TESTABLE),
  "D3": ("this model: inconclusive, partial (tested against: mnist; testable: 84 of 96 cells)",
         "inconclusive counted as against (1 cell against of 96); " + ONE_SEED + TESTABLE),
}
# The spec's sub-checks, printed in report.md but folded into their parent's evidence in claims.json before:
# now one id each in both (31 rows in both; 32 since C10-mnist, 2026-12-07).
NEW_IDS = {
  # the control: as expected. The "testable: k of n cells" notes: TESTABLE.
  "A2-mnist": "does not hold, partial (tested against: mnist, 16/255, 2/255; testable: 3 of 6 cells)",
  "B1-part2": "this model: inconclusive, partial (tested against: mnist; testable: 15 of 16 cells)",
  "C5-2/255": "this model: inconclusive, partial (testable: 4 of 8 cells)",
  # C10's former MNIST cells (2026-12-07), by A2's rule (every cell flat): 0 cells significantly against, so
  # inconclusive (C10's "most" rule before the engine counted inconclusive cells as against).
  "C10-mnist": "inconclusive, partial (tested against: mnist, 16/255, 2/255; testable: 5 of 6 cells)",
}


def test_tiny_run_verdicts_are_pinned_and_every_change_is_a_rule_fix():
  report = DatasetPropertiesReport()
  run = tiny_records.run()
  after = {c.claim: c.verdict for c in report.claims(run)}
  expected = {**BEFORE, **{k: v for k, (v, _) in CHANGED.items()}, **NEW_IDS}
  assert after == expected
  assert [k for k in BEFORE if BEFORE[k] == after[k]] == [k for k in BEFORE if k not in CHANGED]


def test_report_table_and_claims_json_have_the_same_rows(tmp_path):
  report = DatasetPropertiesReport()
  run = tiny_records.run()
  run.output_dir = tmp_path
  table = report._verdicts(run).body
  rows = [line for line in table.splitlines() if line.startswith("| ")][1:]
  ids = [c.id for c in claims_lib.claims()]
  assert [r.split(" | ")[0].removeprefix("| ") for r in rows] == ids
  assert len(ids) == 32  # 31 and, since 2026-12-07, the control C10-mnist
  rows_json = [c.claim for c in report.claims(run)]
  assert rows_json == ids


def test_undecided_claims_print_the_sample_size_that_would_decide_them():
  report = DatasetPropertiesReport()
  for row in report.claims(tiny_records.run()):
    decided = row.verdict.split(",")[0] in ("holds", "does not hold", "tie")
    if not decided and not row.verdict.startswith(NOT_RUN):
      # the sample size of images that would decide it, or (one seed) the seeds it needs
      assert "would read" in row.evidence or "no sample" in row.evidence or "needs >= 2 seeds" in row.evidence, row
    assert row.section == VERDICTS_SECTION
  json.dumps([r.evidence for r in report.claims(tiny_records.run())])


def test_another_eps_changes_the_claims_inputs_and_names_what_it_lacks():
  """--eps=8/255: "every eps" claims are judged at 8/255; a claim that names 16/255 is not run and says why."""
  run = tiny_records.run(tiny_records.CONFIG.replace(eps=(8 / 255,)))
  rows = {r.claim: r for r in DatasetPropertiesReport().claims(run)}
  assert rows["B4"].verdict == NOT_RUN
  assert "eps the claim names but --eps did not run: 16/255" in rows["B4"].evidence
  assert rows["C5"].verdict.startswith("this model: ") and "partial (tested against: mnist, 8/255)" in \
      rows["C5"].verdict
  assert "16/255" in rows["C5"].evidence
  assert not rows["A1"].verdict.startswith(NOT_RUN)   # BIM vs PGD at 8/255 on the five models


def test_sanity_table_is_claim_a1s_cells():
  report = DatasetPropertiesReport()
  run = tiny_records.run()
  body = report._sanity(report._res(run), run.config).body
  assert "Violations (significant): 0 of 20." in body
  assert "| mnist | 56 | 8/255 | 0.0 | 0.0 | not testable (floor/ceiling) |" in body
  assert "| mnist | c0.5 | 4/255 | 32.0 | 44.0 | ok |" in body
