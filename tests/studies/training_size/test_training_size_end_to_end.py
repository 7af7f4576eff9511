"""A tiny end-to-end run through the framework CLI (synthetic digits, no data needed) and bad-input errors."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.experiment import cli
from adv_tf.report.statistics import VERDICTS
from adv_tf.studies.training_size import config as config_lib
from adv_tf.studies.training_size import report as report_lib
from adv_tf.studies.training_size import splits
from adv_tf.studies.training_size.study import TrainingSizeStudy
from tests.studies import progress_lines


def _synthetic_digits(config, data_dir):
  rng = np.random.default_rng(0)

  def make(n):
    y = np.tile(np.arange(10), n // 10)
    x = rng.uniform(0.0, 0.3, (len(y), 28, 28, 1)).astype(np.float32)
    for c in range(10):
      x[y == c, 2 + 2 * c: 5 + 2 * c, 4:24, 0] = 0.9
    return x, y.astype(np.int64)
  x, y = make(200)
  xt, yt = make(60)
  return splits.SplitData(x, y, xt, yt, 10, "synthetic digits (test)", {"dataset": "synthetic"})


TINY = ["prog", "--profile=quick", "--families=mnist/mlp", "--sizes_mnist=40,80", "--seeds=2",
        "--pool_size=6", "--epochs=1", "--min_steps=4", "--cw.binary_steps=3", "--cw.max_iterations=30",
        "--cw.initial_const=10", "--eval_examples=60"]


def test_tiny_run_writes_every_artifact(tmp_path, monkeypatch, capsys):
  monkeypatch.setitem(splits.LOADERS, "mnist", _synthetic_digits)
  monkeypatch.setattr(report_lib, "our_counts", lambda: {("mnist", "mlp"): 814_090})
  out = tmp_path / "out"
  status = cli.run_main(TrainingSizeStudy(), TINY + [f"--output_dir={out}", f"--model_cache_dir={tmp_path / 'cache'}"])
  printed = capsys.readouterr()
  assert status == 0, printed.err
  # Every cell trains its model, and the training reports its epochs.
  assert progress_lines.cells_that_trained(printed.out) == progress_lines.cells_run(printed.out) != set()
  for name in ("report.md", "curves.csv", "verdicts.csv", "table1.csv", "regression.csv", "config.json",
               "figures/mnist_eq4.png", "figures/mnist_eq5.png"):
    assert (out / name).is_file(), name
  report = (out / "report.md").read_text()
  ids = [f"C{i}" for i in range(1, 8)] + ["C7-range"] + [f"C{i}" for i in range(8, 13)]
  for claim in ids:
    assert f"| {claim} |" in report
  assert "size of X" in report and "## Section 2: linear regression" in report and "## Table 1" in report
  verdicts = (out / "verdicts.csv").read_text().splitlines()
  assert len(verdicts) == 1 + len(ids)
  claims = json.loads((out / "claims.json").read_text())["claims"]
  assert [c["claim"] for c in claims] == ids
  for c in claims:  # the shared labels ("this model: " on one seed), or "not run in this profile" with its reason
    assert c["verdict"].removeprefix("this model: ").split(",")[0] in (*VERDICTS, "not run in this profile"), c
    assert c["statement"] and c["evidence"] and c["section"]
    assert f"## {c['section']}" in report
  by_id = {c["claim"]: c for c in claims}
  assert by_id["C11"]["verdict"] == "holds" and by_id["C11"]["section"] == "Section 2: linear regression"
  assert by_id["C4"]["verdict"] == "not run in this profile" and "STL-10" in by_id["C4"]["evidence"]
  # its saturation cell is not testable: the engine names the testable cells
  assert by_id["C6"]["verdict"].endswith("partial (tested against: mnist/mlp; testable: 1 of 2 cells)")
  # claims.json, verdicts.csv and report.md carry the same verdicts (one engine run).
  with open(out / "verdicts.csv") as f:
    assert [row["ours"].strip("*") for row in csv.DictReader(f)] == [c["verdict"] for c in claims]
  assert all(f"**{c['verdict']}**" in report for c in claims)
  records = [json.loads(line) for line in (out / "records-shard0of1.jsonl").read_text().splitlines()]
  assert len(records) == 4
  result = records[0]["result"]
  assert len(result["correct"]) == 6 and result["train_accuracy"] >= 0 and result["steps"] >= 4
  assert result["linf_resolution"] <= 1e-4
  # Rerunning resumes: nothing new is computed, the report is rebuilt from the records.
  assert cli.run_main(TrainingSizeStudy(), TINY + [f"--output_dir={out}", "--report_only"]) == 0
  assert "MNIST data: " in (out / "report.md").read_text()   # the split, from data-notes.json
  notes = (out / "data-notes.json").read_bytes()
  # records published before `publish --with_records` kept data-notes.json: the report says it lacks them
  (out / "data-notes.json").unlink()
  assert cli.run_main(TrainingSizeStudy(), TINY + [f"--output_dir={out}", "--report_only"]) == 0
  assert "MNIST data: " not in (out / "report.md").read_text()
  assert "Data splits: not known to this report" in (out / "report.md").read_text()
  (out / "data-notes.json").write_bytes(notes)
  # Issue 23: a record whose result is damaged ("result": {}) made the report fail with KeyError: 'family'. Now
  # it is not done: dropped from the file and its cell computed again, and the report is complete.
  path = out / "records-shard0of1.jsonl"
  records[1]["result"] = {}
  path.write_text("".join(json.dumps(r) + "\n" for r in records))
  argv = TINY + [f"--output_dir={out}", f"--model_cache_dir={tmp_path / 'cache'}"]
  assert cli.run_main(TrainingSizeStudy(), argv) == 0
  after = [json.loads(line) for line in path.read_text().splitlines()]
  assert [r["id"] for r in after] == [r["id"] for r in records[:1] + records[2:] + records[1:2]]
  assert after[-1]["result"]["family"] == "mnist/mlp"
  assert "| C11 |" in (out / "report.md").read_text()


@pytest.mark.parametrize("flag, message", [
    ("--families=mnist/lenet", "unknown architecture"),
    ("--families=svhn/mlp", "unknown dataset"),
    ("--families=mnist/mlp+D", "+D"),
    ("--sizes_mnist=15,1000", "multiples"),
    ("--sizes_mnist=2000,1000", "increasing"),
    ("--pool_size=0", "pool_size"),
    ("--recipe=sgd", "recipe"),
    ("--min_steps_overrides=cifar=10", "min_steps_overrides"),
    ("--seeds_overrides=cifar10=0", "seeds_overrides"),
])
def test_bad_input_is_one_line_error_before_data_loads(flag, message, tmp_path, capsys, monkeypatch):
  def no_data(*args):
    raise AssertionError("data must not load before validation")
  monkeypatch.setitem(splits.LOADERS, "mnist", no_data)
  status = cli.run_main(TrainingSizeStudy(), ["prog", flag, f"--output_dir={tmp_path}"])
  err = capsys.readouterr().err.strip().splitlines()
  assert status == 2
  assert len(err) == 1 and err[0].startswith("error:") and message in err[0]


def test_profiles_validate():
  for profile in config_lib.PROFILES.values():
    profile.validate()
  with pytest.raises(AdvTfError, match="unknown profile"):
    TrainingSizeStudy.profile("huge")
