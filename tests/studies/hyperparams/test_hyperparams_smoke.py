"""In-process smoke run of the whole hyperparams study on generated digits (no TFDS, no subprocess)."""
from __future__ import annotations

import json

import numpy as np

from adv_tf.data.info import DatasetInfo
from adv_tf.experiment import cli
from adv_tf.experiment.records import load_records
from adv_tf.studies.hyperparams import data as study_data
from adv_tf.studies.hyperparams import study as study_module
from adv_tf.studies.hyperparams.study import HyperparamsStudy
from tests.studies import progress_lines

from conftest import _generated_digits


def _fake_loader(data_dir, *, train_take=None, test_take=None):
  def split(name, n, seed):
    x, y = _generated_digits(n, seed)
    info = DatasetInfo("generated-digits", name, 10, tuple(str(c) for c in range(10)), (28, 28, 1), (-0.5, 0.5),
                       (), n, {"source": "tests/conftest.py _generated_digits"})
    return x - 0.5, y, info
  x_train, y_train, info = split("train", train_take or 1024, 0)
  x_test, y_test, test_info = split("test", test_take or 200, 1)
  return study_data.StudyData(x_train, y_train, x_test, y_test, info, test_info)


def test_hyperparams_study_runs_end_to_end_on_generated_digits(tmp_path, monkeypatch, capsys):
  monkeypatch.setattr(study_module.data, "load_study_data", _fake_loader)
  out = tmp_path / "run"
  argv = ["prog", f"--output_dir={out}", f"--model_cache_dir={tmp_path / 'cache'}", "--strategy=cpu",
          "--axes=stride", "--num_baseline_models=1", "--samples_per_class=1", "--kappas=0",
          "--cw.binary_steps=3", "--cw.max_iterations=100", "--cw.initial_const=10", "--max_epochs=3",
          "--target_accuracy=0.5", "--train_take=4096", "--test_take=200", "--figure_pairs=3:8",
          "--noise_reference="]  # its own baselines: quick's published reference is of quick's full settings
  status, printed = cli.run_main(HyperparamsStudy(), argv), capsys.readouterr()
  assert status == 0, printed.err
  # Every training reports its epochs: the control LeNet (seed 0) is trained by the first selection class and
  # loaded from the model cache by the other classes, baseline/seed=0 and kappa=0.
  assert progress_lines.cells_that_trained(printed.out) == {"selection/class=0", "stride=2", "secure"}
  records = load_records(out, study_name="hyperparams")
  assert [r["name"] for r in records] == ["baseline/seed=0", "stride=2", "secure", "kappa=0"]
  selection = load_records(out / "selection", study_name="hyperparams-selection")
  assert sorted(r["name"] for r in selection) == sorted(f"selection/class={c}" for c in range(10))
  assert all(r["result"]["best_test_indices"] == records[0]["result"]["best_test_indices"] for r in records)
  config = json.loads((out / "config.json").read_text())["config"]
  assert config["axes"] == ["stride"] and config["figure_pairs"] == [[3, 8]]
  text = (out / "report.md").read_text()
  assert "SMOKE RUN" in text and "## Run" in text and "Table 5" in text and "INCOMPLETE" not in text
  assert list((out / "tensorboard" / "training").rglob("events.out.tfevents*"))  # training curves (issue 10)
  assert (out / "cells" / "index.csv").exists() and (out / "results.csv").exists()
  capsys.readouterr()
  assert cli.run_main(HyperparamsStudy(), argv + ["--report_only"]) == 0
  assert "cells of stage cells: expected 4, present 4, missing 0, extra 0" in capsys.readouterr().out
  # Another grid into the same folder is refused before any cell runs.
  assert cli.run_main(HyperparamsStudy(), [a for a in argv if not a.startswith("--axes")] + ["--axes=pool_size"]) == 2
  assert "another grid of stage cells" in capsys.readouterr().err
  baseline = records[0]["result"]
  assert baseline["model_cache_hit"] is True  # the selection stage trained the seed-0 control model
  assert records[1]["result"]["model_cache_hit"] is False
  assert np.asarray(baseline["matrix"], dtype=object).shape == (10, 10)
  assert records[3]["result"]["kappa"] == 0.0
  # The kappa = 0 cell reused the attacks of the baseline and secure cells of this run (issue 10 follow-up).
  assert records[3]["result"]["reused_from"] == {"baseline": records[0]["id"], "secure": records[2]["id"]}
  claims = json.loads((out / "claims.json").read_text())["claims"]
  assert [c["claim"] for c in claims] == ["C1", "C2", "C2-6.3", "C3", "C4", "C5", "C5-6.3", "C6", "C4-same",
                                          "C6-same", "S1", "S2", "S3", "S4", "K1"]
  assert all(c["verdict"] and c["statement"] for c in claims)
  assert "Search verdict vs re-check" in text
  # Every model is in the shared cache: a second output folder trains nothing.
  assert cli.run_main(HyperparamsStudy(), argv[:1] + [f"--output_dir={tmp_path / 'again'}"] + argv[2:]) == 0
  again = load_records(tmp_path / "again", study_name="hyperparams")
  assert all(r["result"]["model_cache_hit"] for r in again if "model_cache_hit" in r["result"])
