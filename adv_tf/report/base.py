"""`StudyReport`: the base of every study's report class, and the `REPORTS` registry (keyed by study name).

A study's report subclasses it in `adv_tf/studies/<study>/report.py`: `sections(run)` returns the Markdown
sections (study text lives there, never here); `write(run)` writes `<output_dir>/report.md` atomically plus
whatever tables/figures `write_artifacts(run)` adds.
"""
from __future__ import annotations

import pathlib
from typing import Any, Sequence

from adv_tf.registry import Registry
from adv_tf.report.markdown import Section, document
from adv_tf.utils.atomic import atomic_write_text


class StudyReport:
  """Writes report.md from sections; subclasses set `title` and implement `sections`."""
  title: str = "Report"
  intro: str = ""

  def write_artifacts(self, run: Any) -> None:
    """Writes CSV tables and figures under run.output_dir (default: none)."""

  def sections(self, run: Any) -> Sequence[Section]:
    raise NotImplementedError

  def write(self, run: Any) -> pathlib.Path:
    out = pathlib.Path(run.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    self.write_artifacts(run)
    return atomic_write_text(out / "report.md", document(self.title, self.sections(run), self.intro))


REPORTS: Registry[Any] = Registry("study report")
