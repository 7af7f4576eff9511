"""claims(run) of the training-size report: one ClaimVerdict per claim C1-C12 with the shared verdict labels."""
from __future__ import annotations

import types

from adv_tf.report.statistics import VERDICTS
from adv_tf.studies.training_size import config as config_lib
from adv_tf.studies.training_size import report as report_lib
from adv_tf.studies.training_size import verdicts as verdicts_lib


def test_study_labels_map_to_the_shared_labels():
  rows = report_lib.claim_verdicts([
      verdicts_lib.Verdict("C2", "not testable at this scale, partial (tested against: cifar10/mlp)", "peak at 20000"),
      verdicts_lib.Verdict("C4", verdicts_lib.NOT_RUN, "no family of this claim was run"),
      verdicts_lib.Verdict("C11", "holds", "MSE ...")])
  assert rows[0].verdict == "not testable, partial (tested against: cifar10/mlp)"
  assert "beyond our largest size" in rows[0].evidence and "peak at 20000" in rows[0].evidence
  assert rows[1].verdict == "not run in this profile" and "STL-10" in rows[1].evidence
  assert rows[2].section == "Section 2: linear regression" and rows[0].section == report_lib.VERDICTS_SECTION


def test_claims_of_a_run_without_cells_cover_every_claim():
  run = types.SimpleNamespace(config=config_lib.QUICK, records={}, resources={})
  claims = report_lib.TrainingSizeReport().claims(run)
  assert [c.claim for c in claims] == [f"C{i}" for i in range(1, 13)]
  by_id = {c.claim: c for c in claims}
  assert by_id["C11"].verdict == "holds"  # the §2 example needs no cells
  for c in claims:
    assert c.verdict in (*VERDICTS, "not run in this profile", "inconclusive"), c
