"""report.md and its tidy CSV tables and figures, from the smoke runs' records."""
from __future__ import annotations

import csv


def _rows(path):
  with open(path, newline="") as f:
    return list(csv.DictReader(f))


def test_sweep_report(sweep_run):
  text = (sweep_run / "report.md").read_text()
  for heading in ("## Settings", "## Clean accuracy", "## Accuracy vs eps", "## Minimal distances",
                  "## Class-distance matrix", "## Defenses: gray-box vs adaptive"):
    assert heading in text
  assert "foolbox3" in text and "Jpeg(quality=10)" in text and "gray-box" in text
  rows = _rows(sweep_run / "accuracy.csv")
  assert len(rows) == (1 + 2 * 2) * 2  # (clean + 2 attacks x 2 eps) x (none, jpeg)
  assert {r["defense"] for r in rows} == {"none", "jpeg"}
  for r in rows:
    assert float(r["low"]) <= float(r["accuracy"]) <= float(r["high"])
  assert len(_rows(sweep_run / "minimal_distances.csv")) == 2 * 2  # DeepFool and CW on 2 images
  for name in ("accuracy_fgsm.png", "accuracy_pgd.png", "minimal_distances.png"):
    assert (sweep_run / "figures" / name).stat().st_size > 1000


def test_matrix_report(matrix_run):
  rows = _rows(matrix_run / "class_distance.csv")
  assert len(rows) == 90 and {int(r["source"]) != int(r["target"]) for r in rows} == {True}
  assert (matrix_run / "figures" / "class_distance.png").stat().st_size > 1000
  assert "best-estimate samples" in (matrix_run / "report.md").read_text()
