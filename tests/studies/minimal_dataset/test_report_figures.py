"""The report of a run re-judged from published records (records only, no cell artifacts) still writes."""
from __future__ import annotations

import types

from adv_tf.studies.minimal_dataset.report import _figures
from tests.studies.minimal_dataset import tiny_records


def test_missing_cell_example_images_are_named_not_fatal(tmp_path):
  # 2026-12-07: `--report_only` on docs/results/minimal_dataset/quick/run stopped at np.load of the selection cell's
  # examples.npz, which a publication does not carry, so the published run could not be re-judged.
  model = {"result": {"architecture": "LeNet", "regime": "modified", "seed": tiny_records.CONFIG.seeds[0]},
           "artifacts": "cells/abc123"}
  run = types.SimpleNamespace(config=tiny_records.CONFIG, output_dir=str(tmp_path),
                              records={"selection": [{"artifacts": "cells/def456"}], "models": [model]})
  lines = _figures(run, {}, tmp_path)
  assert lines and lines[-1].startswith("Not drawn: Figs. 1-2, Fig. 4 (LeNet)")
  assert "examples.npz" in lines[-1]


def test_a_figure_drawn_when_the_cells_ran_is_kept(tmp_path):
  (tmp_path / "fig1_fig2_distortion.png").write_bytes(b"png")
  run = types.SimpleNamespace(config=tiny_records.CONFIG, output_dir=str(tmp_path),
                              records={"selection": [{"artifacts": "cells/def456"}], "models": []})
  lines = _figures(run, {}, tmp_path)
  assert lines == ["![Figs. 1-2](fig1_fig2_distortion.png)\n\nFigs. 1-2: drawn when these cells ran (their example "
                   "images are not in this folder, so the figure is not redrawn)."]
