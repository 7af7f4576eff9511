"""`Table`: one object per table, written as CSV (every column, full precision) and as narrow Markdown;
`markdown_table`: the one Markdown table writer of the suite (Table, the studies' reports and the index use it).

CSV cells: None -> empty, floats with 6 significant digits. Markdown cells: None/NaN/inf -> "–", floats
with `digits` decimals; `markdown(columns=...)` shows only the named columns, so a wide CSV can stay readable
in report.md.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import math
from typing import Any, Callable, Optional, Sequence


def format_cell(value: Any, digits: int = 2) -> str:
  """A Markdown cell: "–" for missing/non-finite numbers, floats with `digits` decimals."""
  if value is None or (isinstance(value, float) and not math.isfinite(value)):
    return "–"
  if isinstance(value, float):
    return f"{value:.{digits}f}"
  return str(value).replace("|", "\\|").replace("\n", " ")  # a "|" or a line break would split the row


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]],
                   cell: Callable[[Any], str] = format_cell) -> str:
  """A Markdown table: the header, the separator, one line per row with every value written by `cell`."""
  for i, row in enumerate(rows):
    if len(row) != len(header):
      raise ValueError(f"table row {i} has {len(row)} cells for {len(header)} columns")
  lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
  lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
  return "\n".join(lines)


def csv_cell(value: Any) -> Any:
  return "" if value is None else (f"{value:.6g}" if isinstance(value, float) else value)


@dataclasses.dataclass
class Table:
  """A header and rows (lists of the same length as the header)."""
  header: Sequence[str]
  rows: Sequence[Sequence[Any]]

  def __post_init__(self):
    for i, row in enumerate(self.rows):
      if len(row) != len(self.header):
        raise ValueError(f"table row {i} has {len(row)} cells for {len(self.header)} columns")

  def csv(self) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(self.header)
    for row in self.rows:
      writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()

  def markdown(self, columns: Optional[Sequence[str]] = None, *, labels: Optional[Sequence[str]] = None,
               digits: int = 2) -> str:
    """A Markdown table of `columns` (default: all), headed by `labels` (default: the column names)."""
    columns = list(columns or self.header)
    missing = [c for c in columns if c not in self.header]
    if missing:
      raise ValueError(f"unknown table column(s) {missing}; columns: {list(self.header)}")
    index = [list(self.header).index(c) for c in columns]
    return markdown_table(list(labels or columns), [[row[i] for i in index] for row in self.rows],
                          cell=lambda value: format_cell(value, digits))

  def write_csv(self, path) -> None:
    from adv_tf.utils.atomic import atomic_write_text
    atomic_write_text(path, self.csv())
