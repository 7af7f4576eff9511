"""The verdict table, the paper column and the claims.json rows come from the engine's results."""
from __future__ import annotations

import json

import pytest

from adv_tf.claims import Accuracy, Cell, Claim, claim_verdicts, judge_all, verdict_table
from adv_tf.claims.writers import HEADER
from adv_tf.report.base import CLAIMS_FILE, write_claims

CLAIMS = (Claim("C1", "a beats b", (Cell("a", "b", group="x"),), section="§2", names=("x", "y")),
          Claim("C2", "b | a tie", (Cell("b", "a"),)))


def test_table_has_one_row_per_claim_with_the_paper_column():
  ours = judge_all(CLAIMS, {"a": Accuracy((40,), 50), "b": Accuracy((20,), 50)}.get)
  paper = judge_all(CLAIMS, {"a": Accuracy((9000,), 10000), "b": Accuracy((5000,), 10000)}.get)
  text = verdict_table(ours, paper)
  lines = text.splitlines()
  assert lines[0] == "| " + " | ".join(HEADER) + " |"
  assert len(lines) == 2 + len(CLAIMS)
  assert "**holds, partial (tested against: x)**" in lines[2]
  assert "b \\| a tie" in lines[3]   # a "|" in a cell cannot split the row
  assert lines[3].count(" | ") == len(HEADER) - 1
  with pytest.raises(ValueError, match="out of order"):
    verdict_table(ours, paper[::-1])


def test_claims_json_rows_carry_label_evidence_and_section():
  ours = judge_all(CLAIMS, {"a": Accuracy((40,), 50), "b": Accuracy((20,), 50)}.get)
  rows = claim_verdicts(ours)
  assert [r.claim for r in rows] == ["C1", "C2"]
  assert rows[0].verdict == "holds, partial (tested against: x)" and rows[0].section == "§2"
  assert "for 1" in rows[0].evidence
  assert claim_verdicts(ours, "Verdicts")[1].section == "Verdicts"
  assert rows[0].cell_verdicts[0]["status"] == "for" and rows[0].cell_verdicts[0]["effect"] == 40.0


def test_claims_json_holds_each_cells_verdict(tmp_path):
  ours = judge_all(CLAIMS, {"a": Accuracy((40,), 50), "b": Accuracy((20,), 50)}.get)
  write_claims(tmp_path, "Toy", claim_verdicts(ours))
  rows = json.loads((tmp_path / CLAIMS_FILE).read_text())["claims"]
  assert [[c["cell"], c["status"]] for c in rows[1]["cell_verdicts"]] == [["b vs a", "against"]]
