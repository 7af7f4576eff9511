"""Candidate causes of the gaps to the paper, as data, and the report section that lists them (issue 22 item 5).

A study declares its causes (`Cause`) in its own `gaps.py`: each says which rows it could explain (`selects`: row
field -> the values it covers, every named field must match; `direction`: the sign of the gap it predicts), why (one
line) and where that comes from (the spec, the paper, a data caveat, the report's own list of choices), and the
control that tests it (`Control`: what it runs and which profile runs it). `assess` applies `gaps.GapRule` to the
rows and the causes to the rows beyond the noise; `gaps_section` writes "Gaps to the paper beyond the noise": how
many rows were compared, how many are beyond the noise in each direction, the largest, per cause the rows it could
explain and its control's status (with a pointer to the control's result when it ran in this run), and every row
beyond the noise that no cause fits, listed as unexplained.
"""
from __future__ import annotations

import dataclasses
from typing import Mapping, Sequence

from adv_tf.errors import AdvTfError
from adv_tf.report.gaps import DIRECTIONS, GapRow, GapRule
from adv_tf.report.markdown import Section
from adv_tf.report.tables import Table, markdown_table

SECTION_TITLE = "Gaps to the paper beyond the noise"
GAPS_FILE = "gaps_to_paper.csv"   # every compared row (`gaps_table`); the section shows the largest beyond the noise
GAPS_HEADER = ("row", "paper", "ours", "diff", "bound", "beyond_noise", "direction", "our_noise", "paper_noise",
               "candidate_causes")


@dataclasses.dataclass(frozen=True)
class Control:
  """The run that tests a cause.

  Attributes:
    test: what it runs (one line).
    profile: the profile that runs it (e.g. "cpu-full"); "": no profile runs it yet.
    note: how it runs there (a flag), or why no profile runs it yet.
    key: the name under which a report says that it ran in this run (`gaps_section(..., ran=...)`); "": never here.
  """
  test: str
  profile: str = ""
  note: str = ""
  key: str = ""


@dataclasses.dataclass(frozen=True)
class Cause:
  """A candidate cause of gaps to the paper.

  Attributes:
    name: short name (the report's row heading).
    why: one line: how it would move our numbers away from the paper's.
    source: where it comes from (spec section, paper section, data caveat, the report's choices).
    selects: row field -> the values the cause covers; a row is covered when every named field has one of them
      (empty: every row).
    direction: "above" / "below" (ours above / below the paper) when the cause predicts a sign, else None.
    control: the run that tests it (None: none declared).
  """
  name: str
  why: str
  source: str
  selects: Mapping[str, Sequence[str]] = dataclasses.field(default_factory=dict)
  direction: str | None = None
  control: Control | None = None

  def __post_init__(self):
    if self.direction is not None and self.direction not in DIRECTIONS:
      raise AdvTfError(f"cause {self.name!r}: direction must be one of {DIRECTIONS} or None, got {self.direction!r}")

  def covers(self, row: GapRow) -> bool:
    """True when the row lies in the cause's selection and its gap has the cause's sign."""
    return (all(row.fields.get(field) in values for field, values in self.selects.items())
            and (self.direction is None or row.direction == self.direction))


@dataclasses.dataclass(frozen=True)
class GapAssessment:
  """The rows compared, those beyond the noise (largest |diff| first), per cause those it could explain, and the
  rows beyond the noise that no cause fits."""
  rule: GapRule
  rows: tuple[GapRow, ...]
  beyond: tuple[GapRow, ...]
  by_cause: tuple[tuple[Cause, tuple[GapRow, ...]], ...]
  unexplained: tuple[GapRow, ...]

  def count(self, direction: str) -> int:
    return sum(r.direction == direction for r in self.beyond)

  def causes_of(self, row: GapRow) -> tuple[Cause, ...]:
    """The causes that could explain `row` (a row of `beyond`), read from `by_cause`."""
    return tuple(cause for cause, covered in self.by_cause if any(r is row for r in covered))


def assess(rows: Sequence[GapRow], causes: Sequence[Cause], rule: GapRule = GapRule()) -> GapAssessment:
  """Applies the rule to every row and every cause to the rows beyond the noise. A cause that selects on a field
  no row has is a declaration error (checked whenever there are rows)."""
  known = {field for row in rows for field in row.fields}
  for cause in causes:
    unknown = sorted(set(cause.selects) - known)
    if rows and unknown:
      raise AdvTfError(f"cause {cause.name!r} selects on {unknown}, which no row has; row fields: {sorted(known)}")
  beyond = tuple(sorted((r for r in rows if rule.beyond(r)), key=lambda r: -abs(r.diff)))
  by_cause = tuple((c, tuple(r for r in beyond if c.covers(r))) for c in causes)
  explained = {id(r) for _, covered in by_cause for r in covered}
  unexplained = tuple(r for r in beyond if id(r) not in explained)
  return GapAssessment(rule, tuple(rows), beyond, by_cause, unexplained)


def control_status(control: Control | None, ran: Mapping[str, str]) -> str:
  """"ran in this run: <pointer>", "not run here; runs in <profile> (<note>)", "no profile runs it yet: <note>" or
  "no control declared"."""
  if control is None:
    return "no control declared"
  if control.key and control.key in ran:
    return f"ran in this run: {ran[control.key]}"
  note = f" ({control.note})" if control.note else ""
  return f"not run here; runs in {control.profile}{note}" if control.profile else f"no profile runs it yet{note}"


def gaps_table(rows: Sequence[GapRow], causes: Sequence[Cause], rule: GapRule = GapRule()) -> Table:
  """`GAPS_FILE`: every compared row in the order the study gives them (the section sorts those beyond the noise by
  |diff| and prints the largest), with the rule's bound (from both sides' noise), whether the gap is beyond it and,
  for those, the causes that could explain it."""
  a = assess(rows, causes, rule)
  beyond = {id(r) for r in a.beyond}
  return Table(list(GAPS_HEADER), [
      [r.label, r.paper, r.ours, r.diff, rule.bound(r), id(r) in beyond, r.direction if id(r) in beyond else "",
       r.noise.source, r.paper_noise.source if r.paper_noise is not None else "taken as exact",
       _causes(a, r) if id(r) in beyond else ""] for r in a.rows])


def _causes(a: GapAssessment, row: GapRow) -> str:
  return "; ".join(c.name for c in a.causes_of(row)) or "unexplained"


def _labels(rows: Sequence[GapRow], limit: int, rule: GapRule) -> str:
  shown = "; ".join(f"{r.label} ({rule.format(r.diff, signed=True)})" for r in rows[:limit])
  return shown + (f"; ... and {len(rows) - limit} more" if len(rows) > limit else "") if rows else "none"


def gaps_section(rows: Sequence[GapRow], causes: Sequence[Cause], rule: GapRule = GapRule(), *,
                 ran: Mapping[str, str] | None = None, largest: int = 10, intro: str = "") -> Section:
  """The "Gaps to the paper beyond the noise" section; `ran`: control key -> where its result is in this run."""
  a, ran, unit = assess(rows, causes, rule), ran or {}, rule.unit
  head = (f"Rule: {rule.describe()}. A cause lists the rows beyond the noise it could explain; it is a candidate, "
          "not a finding, until its control has run. Rows beyond the noise that no declared cause fits are listed "
          "as unexplained.")
  counts = (f"Compared: {len(a.rows)} rows with both a paper value and ours. Beyond the noise: {len(a.beyond)} "
            f"(ours above the paper: {a.count('above')}, below: {a.count('below')}); within the noise: "
            f"{len(a.rows) - len(a.beyond)}. Every compared row, with its bound and candidate causes: `{GAPS_FILE}`.")
  parts = [p for p in (intro, head, counts) if p]
  if a.beyond:
    parts.append(f"Largest gaps beyond the noise ({min(largest, len(a.beyond))} of {len(a.beyond)}):")
    parts.append(markdown_table(
        ["row", "paper", "ours", f"diff {unit}", f"bound {unit}", "our noise", "candidate causes"],
        [[r.label, rule.format(r.paper), rule.format(r.ours), rule.format(r.diff, signed=True),
          rule.format(rule.bound(r)), r.noise.source,
          ", ".join(c.name for c in a.causes_of(r)) or "unexplained"] for r in a.beyond[:largest]]))
  if causes:
    parts.append("Candidate causes (rows beyond the noise each could explain, largest first):")
    parts.append(markdown_table(
        ["cause", "why", "source", "rows it could explain", "control", "control status"],
        [[c.name, c.why, c.source, f"{len(covered)}: {_labels(covered, 6, rule)}",
          c.control.test if c.control else "-", control_status(c.control, ran)] for c, covered in a.by_cause]))
  parts.append(f"Unexplained (beyond the noise, no declared cause fits): {len(a.unexplained)}"
               + "".join(f"\n- {r.label}: paper {rule.format(r.paper)}, ours {rule.format(r.ours)}, diff "
                         f"{rule.format(r.diff, signed=True)} {unit}"
                         for r in a.unexplained))
  return Section(SECTION_TITLE, "\n\n".join(parts))
