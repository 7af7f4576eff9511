"""A study's report inside a notebook (notebooks/quickstart.ipynb): the Markdown, the claims and CSV tables as
pandas DataFrames, the PNG figures.

Notebook front ends do not resolve the report's relative image links, so `report_markdown` replaces each image
with a pointer and `show_report` displays the figures themselves after the text. Needs IPython and pandas
(the `notebook` extra; Colab has both); the file-listing helpers need neither.
"""
from __future__ import annotations

import json
import pathlib
import re
from typing import Callable, Optional

from adv_tf.report.base import CLAIMS_FILE

_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_SKIPPED_FOLDERS = {"cells", "tensorboard"}  # per-cell artifacts and TensorBoard runs are not the report


def report_markdown(output_dir) -> str:
  """report.md with every image link replaced by "*(figure: path, shown below)*"."""
  text = (pathlib.Path(output_dir) / "report.md").read_text("utf-8")
  return _IMAGE.sub(lambda m: f"*(figure: {m.group(2)}, shown below)*", text)


def csv_tables(output_dir) -> list[pathlib.Path]:
  """The report's CSV tables: `*.csv` directly in the output folder, by name."""
  return sorted(pathlib.Path(output_dir).glob("*.csv"))


def figures(output_dir) -> list[pathlib.Path]:
  """PNG figures: those report.md links, in its order, then any other outside cells/ and tensorboard/."""
  folder = pathlib.Path(output_dir)
  report = folder / "report.md"
  linked = [folder / m.group(2) for m in _IMAGE.finditer(report.read_text("utf-8"))] if report.is_file() else []
  others = sorted(p for p in folder.rglob("*.png")
                  if not _SKIPPED_FOLDERS & set(p.relative_to(folder).parts[:-1]))
  ordered = [p for p in linked if p.suffix.lower() == ".png" and p.is_file()]
  return ordered + [p for p in others if p not in ordered]


def claims_rows(output_dir) -> list[dict]:
  """The rows of claims.json (empty when the study wrote none)."""
  path = pathlib.Path(output_dir) / CLAIMS_FILE
  return list(json.loads(path.read_text("utf-8")).get("claims", [])) if path.is_file() else []


def show_report(output_dir, display: Optional[Callable] = None) -> None:
  """Displays the report in a notebook: Markdown, claims and CSV tables as DataFrames, then the figures."""
  import pandas as pd  # pylint: disable=import-outside-toplevel
  from IPython import display as ipd  # pylint: disable=import-outside-toplevel
  show = display or ipd.display
  folder = pathlib.Path(output_dir)
  show(ipd.Markdown(report_markdown(folder)))
  rows = claims_rows(folder)
  if rows:
    show(ipd.Markdown(f"### Claims ({CLAIMS_FILE})"))
    show(pd.DataFrame(rows))
  for table in csv_tables(folder):
    show(ipd.Markdown(f"### {table.name}"))
    show(pd.read_csv(table))
  for figure in figures(folder):
    show(ipd.Markdown(f"### {figure.relative_to(folder).as_posix()}"))
    show(ipd.Image(filename=str(figure)))
