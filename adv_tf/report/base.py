"""`StudyReport`: the base of every study's report class (a study names its class: `Study.Report`).

`StudyReport.write(run)` is the one writer of a study's outputs, for every study: the tidy CSV tables that
`tables(run)` returns, whatever figures `write_artifacts(run)` draws, `<output_dir>/report.md` (`markdown(run)`:
by default the title, intro and `sections(run)`) and `claims.json` with one `ClaimVerdict` per claim of the paper
when `claims(run)` returns any (the cross-study index, `adv_tf.report.index`, reads those files). A study's report
subclasses it in `adv_tf/studies/<study>/report.py` and supplies only these hooks (study text lives there, never
here); `prepare(run)` runs first, once, for what the hooks share (the records of this run's grid, judged claims).
"""
from __future__ import annotations

import dataclasses
import json
import pathlib
from typing import Any, Mapping, Sequence

from adv_tf.experiment.study import CLAIMS_FILE
from adv_tf.report.markdown import Section, document
from adv_tf.report.tables import Table
from adv_tf.utils import provenance
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
    sample: what the verdict rests on, in numbers (`adv_tf.claims.ClaimResult.sample`: the claim's cells, how many
      were measured and testable, sample sizes per side); the index states it where two profiles disagree. Empty
      for rows not judged by the claims engine and in claims.json files written before 2026-12-06.
    cell_verdicts: each cell's verdict (`adv_tf.claims.ClaimResult.cell_rows`: status, effect, p-values), so that
      a reader checks which cells decided a claim; empty for rows not judged by the engine and before 2026-12-07.
  """
  claim: str
  statement: str
  verdict: str
  evidence: str = ""
  section: str = ""
  sample: Mapping[str, Any] = dataclasses.field(default_factory=dict, hash=False)   # a dict: left out of the hash
  cell_verdicts: Sequence[Mapping[str, Any]] = dataclasses.field(default=(), hash=False)


class StudyReport:
  """Writes a study's report from its hooks; subclasses set `title` and implement `sections` (or `markdown`)
  and `claims`, and add `tables`, `write_artifacts` and `prepare` where they have them. Never override `write`."""
  title: str = "Report"
  intro: str = ""

  def prepare(self, run: Any) -> None:
    """Computes, once per `write` and before every other hook, what the hooks share (default: nothing)."""

  def tables(self, run: Any) -> Mapping[str, Table]:
    """The tidy CSV tables: file name under run.output_dir -> Table (default: none)."""
    del run
    return {}

  def write_artifacts(self, run: Any) -> None:
    """Writes figures and other files under run.output_dir (default: none)."""

  def sections(self, run: Any) -> Sequence[Section]:
    raise NotImplementedError

  def markdown(self, run: Any) -> str:
    """The text of report.md: the title, the intro and `sections(run)`."""
    return document(self.title, self.sections(run), self.intro)

  def claims(self, run: Any) -> Sequence[ClaimVerdict]:
    """Our verdict on each of the paper's claims (default: none)."""
    del run
    return ()

  def write(self, run: Any) -> pathlib.Path:
    """The tables, the figures, report.md and claims.json; returns report.md's path."""
    out = pathlib.Path(run.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    self.prepare(run)
    for name, table in self.tables(run).items():
      (out / name).parent.mkdir(parents=True, exist_ok=True)
      table.write_csv(out / name)
    self.write_artifacts(run)
    text = self.markdown(run)
    note = part_way_note(getattr(run, "judged_cells", None))
    if note:  # under the title
      title, _, rest = text.partition("\n")
      text = f"{title}\n\n{note}\n{rest}"
    path = atomic_write_text(out / "report.md", text)
    write_claims(out, self.title, self.claims(run), cells=getattr(run, "judged_cells", None))
    return path


def part_way_note(cells: Any) -> str:
  """A line for the top of a report whose grid is not all recorded yet (`cells`: per stage "recorded" and
  "expected", `adv_tf.experiment.cli.judged_cells`), else ""."""
  if not isinstance(cells, dict) or all(s.get("expected") is not None and s.get("recorded") == s["expected"]
                                        for s in cells.values()):
    return ""
  parts = ", ".join(f"{name} {s.get('recorded')} of {s['expected']}" if s.get("expected") is not None
                    else f"{name} {s.get('recorded')} (its grid not known yet)" for name, s in cells.items())
  return (f"> **Part-way run.** The verdicts below rest on the cells recorded so far (per stage: {parts}); the rest "
          "of the grid has not run. The same command resumes it.")


def write_claims(out: pathlib.Path, title: str, claims: Sequence[ClaimVerdict], cells: Any = None) -> None:
  """`<out>/claims.json`: the report's title, one row per claim, "code" (the checkout that judged them:
  `provenance.git_revision()`, {"commit", "dirty"} or None) and "cells" (per stage the cells the verdicts rest on,
  `adv_tf.experiment.cli.judged_cells`; None outside the CLI). `make publish-results` reads both: a report is
  published under the commit that judged it, and a part-way one with the cells it rests on. None written when there
  are no claims."""
  rows = [dataclasses.asdict(c) for c in claims]
  if rows:
    payload = {"title": title, "claims": rows, "code": provenance.git_revision(), "cells": cells}
    atomic_write_text(out / CLAIMS_FILE, json.dumps(payload, indent=1) + "\n")
