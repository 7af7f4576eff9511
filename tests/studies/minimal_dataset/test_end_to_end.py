"""A tiny run of the whole study through the CLI produces every artifact; bad flags are one-line errors."""
from __future__ import annotations

import json

import pytest

from adv_tf.experiment import cli
from adv_tf.report import statistics
from adv_tf.studies.minimal_dataset import data as data_lib
from adv_tf.studies.minimal_dataset.study import MinimalDatasetStudy
from tests.studies import progress_lines

# One seed (quick now runs several): the tiny run checks the CLI and the artifacts, not seed statistics.
TINY = ["--seeds=0", "--architectures=lenet5_relu", "--regimes=raw,modified,finetuned",
        "--pool_size=200", "--keep=150", "--validation_size=100", "--batch_size=50", "--labeller_epochs=1",
        "--max_epochs_full=1", "--max_epochs_small=2", "--fgsm_images=100", "--pgd_images=10", "--pgd_steps=3",
        "--cw_images=6", "--full_cw_images=4", "--cw.binary_steps=1", "--cw.max_iterations=10",
        "--weak_cw_consts=0.1,1", "--weak_cw_iterations=5", "--figure_images=3"]


def test_tiny_run_writes_every_artifact(tmp_path, monkeypatch, generated_loader, capsys):
  monkeypatch.setattr(data_lib, "load_mnist", generated_loader)
  out = tmp_path / "out"
  argv = ["prog", f"--output_dir={out}", f"--model_cache_dir={tmp_path / 'cache'}"] + TINY
  status, printed = cli.run_main(MinimalDatasetStudy(), argv), capsys.readouterr()
  assert status == 0, printed.err
  # Every training reports its epochs: each cell's but the raw model's, which the calibration cell trained
  # before it (loaded from the model cache).
  assert progress_lines.cells_that_trained(printed.out) == progress_lines.cells_run(printed.out) - {
      "lenet5_relu raw seed=0"} != set()
  report = (out / "report.md").read_text()
  for heading in ("Table 2: paper | ours | diff", "Verdicts", "All models", "Relabelling proxy",
                  "Weak-CW calibration", "Choices the paper leaves open"):
    assert heading in report
  for claim in ("M1", "M2a", "M2b", "M3", "M4", "M5", "M6"):
    assert f"| {claim} |" in report
  assert "likely copy error" in report
  # No CNN ran: the weak CW was calibrated on the raw LeNet-5 (toward the CNN's 52%), and the report says so.
  assert "calibrated on our raw lenet5_relu toward the paper's raw-CNN 52%" in report
  assert "calibrated once on the raw lenet5_relu toward" in report
  assert "calibration model: the weak-CW constant was chosen on it toward the CNN row's 52%" in report
  for name in ("table2.csv", "config.json", "fig1_fig2_distortion.png", "fgsm_sweep_lenet5_relu.png",
               "fig3_l0_lenet5_relu.png", "cw_budget_lenet5_relu.png"):
    assert (out / name).is_file(), name
  selection = [json.loads(line) for line in (out / "selection" / "records-shard0of1.jsonl").read_text().splitlines()]
  sel = selection[0]["result"]["selection"]
  assert len(sel["indices"]) == 150 and sel["indices"] == sorted(sel["indices"])
  assert len(selection[0]["result"]["dropped_indices"]) == 50
  lines = (out / "models" / "records-shard0of1.jsonl").read_text().splitlines()
  models = [json.loads(line)["result"] for line in lines]
  assert sorted(r["regime"] for r in models) == ["finetuned", "modified", "raw"]
  finetuned = next(r for r in models if r["regime"] == "finetuned")
  assert finetuned["trainable_layers"] == ["logits"]
  assert set(finetuned["fgsm"]["accuracy"]) == {"0.05", "0.1", "0.15", "0.2", "0.25", "0.3"}
  assert len(finetuned["cw"]["l0_curve"]) == 785
  # The full-strength CW runs on its own (smaller) prefix of the weak-CW images.
  assert finetuned["cw"]["images"] == 4 and len(finetuned["cw"]["l2"]) == 4
  assert finetuned["weak_cw"]["images"] == 6
  # Per-phase CPU seconds for sizing the profiles.
  assert set(finetuned["cpu_seconds"]) == {"train", "clean", "fgsm", "pgd", "cw", "weak_cw"}
  assert all(v >= 0 for v in finetuned["cpu_seconds"].values()) and sum(finetuned["cpu_seconds"].values()) > 0
  assert "total" in selection[0]["result"]["cpu_seconds"]
  claims = json.loads((out / "claims.json").read_text())["claims"]
  assert [c["claim"] for c in claims] == ["M1", "M2a", "M2b", "M2a-sweep", "M2b-sweep", "M3", "M4", "M5", "M6"]
  for c in claims:
    verdict = c["verdict"].removeprefix("this model: ").split(",")[0]
    assert verdict in statistics.VERDICTS + ("not run in this profile",) and c["statement"], c
    assert c["section"] in report
  # Only a LeNet-5 ran: every verdict says what it was tested against; M6 (LeNet vs CNN) has no CNN to compare.
  for c in claims[:8]:
    assert "partial (tested against: LeNet" in c["verdict"], c   # "; testable: k of n cells)" may follow
  assert claims[8]["claim"] == "M6" and claims[8]["verdict"] == "not run in this profile"
  m4 = next(c for c in claims if c["claim"] == "M4")
  assert "first 4 of the paper's 100 CW images" in m4["statement"]
  # The report rebuilds from the records alone.
  (out / "report.md").unlink()
  assert cli.run_main(MinimalDatasetStudy(), argv + ["--report_only"]) == 0
  assert (out / "report.md").read_text() == report


@pytest.mark.parametrize("flag, message", [
    ("--regimes=finetuned", "needs raw"),
    ("--architectures=vgg", "unknown"),
    ("--keep=6000", "exceeds"),
    ("--seeds=0,0", "distinct"),
    ("--cw_images=0", "an integer >= 1"),
    ("--full_cw_images=0", "an integer >= 1"),
    ("--headline_eps=0.7", "must be one of --fgsm_eps"),
    ("--fgsm_eps=0.1,2", "(0, 1]"),
    ("--profile=huge", "profile"),
])
def test_bad_flags_are_one_line_errors(tmp_path, flag, message, capsys):
  assert cli.run_main(MinimalDatasetStudy(), ["prog", f"--output_dir={tmp_path}", flag]) == 2
  err = capsys.readouterr().err.strip()
  assert err.startswith("error:") and message in err and len(err.splitlines()) == 1, err
  assert not (tmp_path / "config.json").exists()
