"""StudyReport writes report.md and, when the study names claims, claims.json beside it."""
from __future__ import annotations

import json
import types

from adv_tf.report.base import CLAIMS_FILE, ClaimVerdict, StudyReport
from adv_tf.report.markdown import Section


class _Report(StudyReport):
  title = "Tiny"

  def __init__(self, claims):
    self._claims = claims

  def sections(self, run):
    return [Section("Results", "body")]

  def claims(self, run):
    return self._claims


def test_claims_file_written_with_every_claim(tmp_path):
  claims = [ClaimVerdict("C1", "accuracy rises", "holds", "0.9 -> 0.95", "Verdicts"),
            ClaimVerdict("C2", "robustness peaks", "inconclusive")]
  _Report(claims).write(types.SimpleNamespace(output_dir=str(tmp_path)))
  data = json.loads((tmp_path / CLAIMS_FILE).read_text())
  assert data["title"] == "Tiny"
  assert [c["claim"] for c in data["claims"]] == ["C1", "C2"]
  assert data["claims"][0]["verdict"] == "holds" and data["claims"][0]["section"] == "Verdicts"
  assert (tmp_path / "report.md").read_text().startswith("# Tiny")


def test_no_claims_no_file(tmp_path):
  _Report([]).write(types.SimpleNamespace(output_dir=str(tmp_path)))
  assert (tmp_path / "report.md").exists() and not (tmp_path / CLAIMS_FILE).exists()
