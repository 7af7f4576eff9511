"""notebooks/quickstart.ipynb executes end to end on CPU with tiny settings (issue 15: the notebook cannot rot).

The test does what papermill does: it inserts a cell after the one tagged `parameters` that overrides them
(no install, training-size's `smoke` profile on real MNIST, shard 0 of 2 of a tiny `paper` profile), executes
the notebook in a fresh kernel with nbclient and checks what the cells displayed and wrote. It needs MNIST
(ADV_TF_RAW_DIR, like the other real-data tests) and skips without it.
"""
from __future__ import annotations

import json
import os
import pathlib
import re

import pytest

from tests.evaluate.helpers import CENTERED, train_tiny_model

nbformat = pytest.importorskip("nbformat", reason="nbformat is in the dev extra")
nbclient = pytest.importorskip("nbclient", reason="nbclient is in the dev extra")
pytest.importorskip("ipykernel", reason="ipykernel is in the dev extra")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "quickstart.ipynb"

# training-size's smoke profile as flags (two MLPs on 40 and 80 MNIST images), for the shard of the paper profile.
TINY = ["--families=mnist/mlp", "--sizes_mnist=40,80", "--seeds=1", "--pool_size=6", "--epochs=1", "--min_steps=4",
        "--cw.binary_steps=3", "--cw.max_iterations=30", "--cw.initial_const=10", "--eval_examples=60"]
# Shard 0 of 2 of the paper profile on sizes 40, 80, 120 computes 40 and 120: the report needs two sizes.
SHARD = [flag for flag in TINY if not flag.startswith("--sizes_mnist")] + ["--sizes_mnist=40,80,120"]


def _with_parameters(notebook, **values):
  """Inserts papermill's "injected-parameters" cell after the cell tagged "parameters"."""
  tagged = [i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", [])]
  assert len(tagged) == 1, "the notebook needs exactly one cell tagged 'parameters'"
  source = "\n".join(f"{name} = {value!r}" for name, value in values.items())
  cell = nbformat.v4.new_code_cell(source)
  cell.metadata["tags"] = ["injected-parameters"]
  notebook.cells.insert(tagged[0] + 1, cell)
  return notebook


def _outputs(notebook, kind: str) -> list:
  return [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
          if kind in out.get("data", {})]


def test_the_notebook_declares_every_parameter_ci_overrides():
  notebook = nbformat.read(NOTEBOOK, as_version=4)
  (params,) = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
  names = {line.split("=")[0].strip() for line in params.source.splitlines() if "=" in line and line[0].isupper()}
  assert {"INSTALL", "STUDY", "PROFILE", "STUDY_FLAGS", "OUTPUT_ROOT", "DATA_DIR", "MODEL_CACHE_DIR", "STRATEGY",
          "TPU", "TF_EXTRA", "RUN_SHARD", "SHARD_PROFILE", "SHARD_INDEX", "NUM_SHARDS", "SHARD_FLAGS"} <= names
  install = next(c.source for c in notebook.cells if "pip_install(" in c.source)
  assert "-f" in install and "LIBTPU_INDEX" in install and "cpu" not in params.source.split("TF_EXTRA =")[1][:8]
  assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_the_quickstart_notebook_runs_on_cpu(imported_data_dir, tmp_path, monkeypatch):
  # The kernel runs in tmp_path: put this checkout first on its path, so that it imports the adv_tf under test and
  # not whichever checkout the environment has installed.
  repo = str(NOTEBOOK.parents[1])
  monkeypatch.setenv("PYTHONPATH", ":".join(p for p in (repo, os.environ.get("PYTHONPATH", "")) if p))
  # The "Your own model" cell: adv-tf-evaluate's smoke profile on a tiny MLP (no class-distance matrix: seconds).
  tiny_model = train_tiny_model(str(imported_data_dir), CENTERED, tmp_path / "tiny.keras")
  notebook = _with_parameters(
      nbformat.read(NOTEBOOK, as_version=4), INSTALL=False, STUDY="training-size", PROFILE="smoke",
      STUDY_FLAGS=[], OUTPUT_ROOT=str(tmp_path / "results"), DATA_DIR=str(imported_data_dir),
      MODEL_CACHE_DIR=str(tmp_path / "cache"), STRATEGY="auto", RUN_SHARD=True, SHARD_PROFILE="paper",
      SHARD_INDEX=0, NUM_SHARDS=2, SHARD_FLAGS=SHARD, RUN_EVALUATE=True, EVALUATE_MODEL=str(tiny_model),
      EVALUATE_DATASET="mnist:test[:200]", EVALUATE_PROFILE="smoke",
      EVALUATE_FLAGS={"input_range": CENTERED, "samples_per_class": 0, "minimal_images": 2, "adaptive_eps": ()})
  client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                   resources={"metadata": {"path": str(tmp_path)}})
  client.execute()  # raises CellExecutionError (with the cell's traceback) when a cell fails

  texts = "".join(out.get("text", "") for cell in notebook.cells for out in cell.get("outputs", []))
  assert "INSTALL is False" in texts and "pip install" not in texts
  assert re.search(r"strategy \w+ with \d+ replica\(s\)", texts)  # the default strategy on a CPU machine
  smoke = tmp_path / "results" / "training_size" / "smoke"
  assert (smoke / "report.md").read_text().startswith("**smoke profile: decides nothing.**")
  assert json.loads((smoke / "run_time.json").read_text())["records_after"] == 2
  # The report was displayed: Markdown, DataFrames (HTML tables), the PNG figures.
  markdown = "".join(out["data"]["text/markdown"] for out in _outputs(notebook, "text/markdown"))
  assert "# Paper 004" in markdown and "shown below" in markdown and "![" not in markdown
  assert any("<table" in out["data"]["text/html"] for out in _outputs(notebook, "text/html"))
  assert len(_outputs(notebook, "image/png")) >= 2
  # Shard 0 of 2 of the paper profile computed its two cells; the report was merged from what is there.
  paper = tmp_path / "results" / "training_size" / "paper"
  shard = paper / "records-shard0of2.jsonl"
  assert shard.is_file() and len(shard.read_text().splitlines()) == 2
  assert not (paper / "records-shard1of2.jsonl").exists() and (paper / "report.md").is_file()
  evaluated = tmp_path / "results" / "evaluate" / "smoke"
  assert (evaluated / "report.md").read_text().startswith("**smoke profile: decides nothing.**")
  assert "# Robustness evaluation" in markdown
