"""`StudyReport`: the base of every study's report class (a study names its class: `Study.Report`).

A study's report subclasses it in `adv_tf/studies/<study>/report.py`: `sections(run)` returns the Markdown
sections (study text lives there, never here); `write(run)` writes `<output_dir>/report.md` atomically plus
whatever tables/figures `write_artifacts(run)` adds, and `claims.json` with one `ClaimVerdict` per claim of
the paper when `claims(run)` returns any (the cross-study index, `adv_tf.report.index`, reads those files).
"""
from __future__ import annotations

import dataclasses
import json
import pathlib
from typing import Any, Sequence

from adv_tf.experiment.study import CLAIMS_FILE
from adv_tf.report.markdown import Section, document
from adv_tf.utils.atomic import atomic_write_text


@dataclasses.dataclass(frozen=True)
class ClaimVerdict:
  """One claim of a paper and our verdict on it, as the cross-study index shows it.

  Attributes:
    claim: the claim's id in the study's spec (e.g. "M1", "C7", "§8 input dropout").
    statement: the paper's claim in one line.
    verdict: holds / does not hold / inconclusive / not testable / tie (`adv_tf.report.statistics.VERDICTS`),
      optionally with ", partial (tested against: ...)", or "not run in this profile" (reason in `evidence`).
    evidence: one line with the numbers behind the verdict.
    section: the report.md heading where the evidence is (the index links to it).
  """
  claim: str
  statement: str
  verdict: str
  evidence: str = ""
  section: str = ""


class StudyReport:
  """Writes report.md from sections; subclasses set `title` and implement `sections` (and `claims`)."""
  title: str = "Report"
  intro: str = ""

  def write_artifacts(self, run: Any) -> None:
    """Writes CSV tables and figures under run.output_dir (default: none)."""

  def sections(self, run: Any) -> Sequence[Section]:
    raise NotImplementedError

  def claims(self, run: Any) -> Sequence[ClaimVerdict]:
    """Our verdict on each of the paper's claims (default: none)."""
    del run
    return ()

  def write(self, run: Any) -> pathlib.Path:
    out = pathlib.Path(run.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    self.write_artifacts(run)
    path = atomic_write_text(out / "report.md", document(self.title, self.sections(run), self.intro))
    claims = [dataclasses.asdict(c) for c in self.claims(run)]
    if claims:
      atomic_write_text(out / CLAIMS_FILE, json.dumps({"title": self.title, "claims": claims}, indent=1) + "\n")
    return path
