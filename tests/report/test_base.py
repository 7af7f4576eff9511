"""StudyReport is the one writer of a study's outputs: its tables, report.md and, when the study names claims,
claims.json beside it."""
from __future__ import annotations

import json
import types

from adv_tf.report.base import CLAIMS_FILE, ClaimVerdict, StudyReport
from adv_tf.report.markdown import Section
from adv_tf.report.tables import Table


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


def test_a_claim_verdict_with_a_sample_is_hashable_and_compared_by_value():
  a = ClaimVerdict("C1", "x", "holds", sample={"cells": 2, "measured": 2, "testable": 1, "ranges": {}})
  b = ClaimVerdict("C1", "x", "holds", sample={"cells": 2, "measured": 2, "testable": 1, "ranges": {}})
  assert hash(a) == hash(b) and a == b and len({a, b}) == 1
  assert a != ClaimVerdict("C1", "x", "holds")   # the sample still counts in equality


def test_claims_file_names_the_checkout_and_the_cells_it_rests_on(tmp_path):
  from adv_tf.utils import provenance
  cells = {"models": {"folder": "models", "recorded": 1, "expected": 15}}
  _Report([ClaimVerdict("C1", "s", "holds")]).write(types.SimpleNamespace(output_dir=str(tmp_path), judged_cells=cells))
  data = json.loads((tmp_path / CLAIMS_FILE).read_text())
  assert data["cells"] == cells and data["code"] == provenance.git_revision()
  assert data["code"] is None or set(data["code"]) == {"commit", "dirty"}


def test_a_part_way_report_says_so_under_its_title(tmp_path):
  part = {"models": {"recorded": 1, "expected": 15}, "recipe_control": {"recorded": 0, "expected": 1}}
  _Report([]).write(types.SimpleNamespace(output_dir=str(tmp_path), judged_cells=part))
  lines = (tmp_path / "report.md").read_text().splitlines()
  assert lines[0] == "# Tiny" and lines[2].startswith("> **Part-way run.**")
  assert "per stage: models 1 of 15, recipe_control 0 of 1" in lines[2]
  done = {"models": {"recorded": 15, "expected": 15}, "recipe_control": {"recorded": 0, "expected": 0}}
  _Report([]).write(types.SimpleNamespace(output_dir=str(tmp_path), judged_cells=done))
  assert "Part-way" not in (tmp_path / "report.md").read_text()


def test_no_claims_no_file(tmp_path):
  _Report([]).write(types.SimpleNamespace(output_dir=str(tmp_path)))
  assert (tmp_path / "report.md").exists() and not (tmp_path / CLAIMS_FILE).exists()


class _Hooks(StudyReport):
  """Records the order of the hooks `write` calls."""
  title = "Hooks"

  def __init__(self):
    self.calls = []

  def prepare(self, run):
    self.calls.append("prepare")
    self.rows = [[1, 0.5], [2, 0.25]]

  def tables(self, run):
    self.calls.append("tables")
    return {"curve.csv": Table(["n", "rate"], self.rows), "cells/index.csv": Table(["id"], [["abc"]])}

  def write_artifacts(self, run):
    self.calls.append("artifacts")

  def sections(self, run):
    self.calls.append("sections")
    return [Section("Results", f"{len(self.rows)} rows")]

  def claims(self, run):
    self.calls.append("claims")
    return [ClaimVerdict("C1", "rate falls", "holds")]


def test_write_runs_prepare_once_first_then_writes_every_table_the_report_and_the_claims(tmp_path):
  report = _Hooks()
  path = report.write(types.SimpleNamespace(output_dir=str(tmp_path)))
  assert report.calls == ["prepare", "tables", "artifacts", "sections", "claims"]
  assert (tmp_path / "curve.csv").read_text() == Table(["n", "rate"], report.rows).csv()
  assert (tmp_path / "cells" / "index.csv").read_text().splitlines() == ["id", "abc"]
  assert path == tmp_path / "report.md" and "2 rows" in path.read_text()
  assert json.loads((tmp_path / CLAIMS_FILE).read_text())["claims"][0]["claim"] == "C1"


def test_no_study_report_overrides_write():
  """Every study supplies hooks; the base is the one writer of report.md, claims.json and the tables (issue 20)."""
  from adv_tf.studies import STUDIES
  assert STUDIES
  for study in STUDIES:
    assert all("write" not in vars(cls) for cls in study.Report.__mro__ if cls is not StudyReport), study.name
