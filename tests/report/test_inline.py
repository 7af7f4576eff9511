"""adv_tf.report.inline: a report shown in a notebook (Markdown without broken image links, DataFrames, figures)."""
from __future__ import annotations

import json

import pytest

from adv_tf.report import inline


@pytest.fixture
def report_dir(tmp_path):
  (tmp_path / "figures").mkdir()
  (tmp_path / "cells" / "abc").mkdir(parents=True)
  for name in ("figures/b.png", "figures/a.png", "top.png", "cells/abc/cell.png"):
    (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n")
  (tmp_path / "report.md").write_text("# Paper 004: x\n\n![Fig. 2](figures/b.png)\n\ntext ![](top.png)\n")
  (tmp_path / "verdicts.csv").write_text("claim,verdict\nC1,holds\n")
  (tmp_path / "cells" / "index.csv").write_text("id\n1\n")
  (tmp_path / "claims.json").write_text(json.dumps({"title": "t", "claims": [{"claim": "C1", "verdict": "holds"}]}))
  return tmp_path


def test_images_are_pointers_in_the_text_and_figures_keep_the_report_order(report_dir):
  text = inline.report_markdown(report_dir)
  assert "![" not in text and "*(figure: figures/b.png, shown below)*" in text and "# Paper 004: x" in text
  assert [p.relative_to(report_dir).as_posix() for p in inline.figures(report_dir)] == [
      "figures/b.png", "top.png", "figures/a.png"]  # linked ones first; cells/ is not the report
  assert [p.name for p in inline.csv_tables(report_dir)] == ["verdicts.csv"]
  assert inline.claims_rows(report_dir) == [{"claim": "C1", "verdict": "holds"}]


def test_show_report_displays_markdown_dataframes_and_images(report_dir):
  pd = pytest.importorskip("pandas")
  pytest.importorskip("IPython")
  shown = []
  inline.show_report(report_dir, display=shown.append)
  kinds = [type(obj).__name__ for obj in shown]
  assert kinds[0] == "Markdown" and kinds.count("DataFrame") == 2 and kinds.count("Image") == 3
  frames = [obj for obj in shown if isinstance(obj, pd.DataFrame)]
  assert frames[1].to_dict("records") == [{"claim": "C1", "verdict": "holds"}]
