"""A tiny run of the whole study through the CLI produces every artifact; bad flags are one-line errors."""
from __future__ import annotations

import json

import pytest

from adv_tf.experiment import cli
from adv_tf.studies.dataset_properties import run as run_lib
from adv_tf.studies.dataset_properties.study import DatasetPropertiesStudy
from tests.studies import progress_lines

# Two models (one per figure), one eps, two attacks (PGD is in test_attack_ordering): every artifact.
TINY = ["--eval_images=6", "--validation_size=100", "--train_examples=200", "--max_epochs=1", "--batch_size=50",
        "--eps=0.0313725490196", "--judge_batch=8", "--contrast_control=true", "--only_settings=14,c0.5",
        "--attacks=fgsm,bim", "--adaptive_attack=bim", "--adaptive_eot_samples=2",
        "--defenses=none,jpeg,tvm_quirk,tvm", "--eval_every_steps=2", "--seeds=0", "--defense_settings=",
        "--adaptive=true", "--recipe_control_settings=14", "--recipe_control_epochs=3"]


def test_tiny_run_writes_every_artifact(tmp_path, monkeypatch, generated_split, capsys):
  monkeypatch.setattr(run_lib, "load_split", generated_split)
  out = tmp_path / "out"
  argv = ["prog", f"--output_dir={out}", f"--model_cache_dir={tmp_path / 'cache'}"] + TINY
  status, printed = cli.run_main(DatasetPropertiesStudy(), argv), capsys.readouterr()
  assert status == 0, printed.err
  # Every cell trains a model (the recipe control too) and its training reports its epochs.
  assert progress_lines.cells_that_trained(printed.out) == progress_lines.cells_run(printed.out) != set()
  report = (out / "report.md").read_text()
  for heading in ("Verdicts (claims A1-D3", "Clean accuracies vs the paper", "Measured contrast per setting",
                  "Sanity check: acc(BIM) <= acc(PGD)", "mnist_input_size: paper | ours | diff",
                  "mnist_contrast: paper | ours | diff", "Not run in this profile", "contrast confound control",
                  "Choices the paper leaves open", "Beyond the paper: adaptive attacks on JPEG and TVM",
                  "Test protocol: we use `text`"):
    assert heading in report, heading
  for claim in ("A1", "A2", "B1", "B3", "B12", "C1", "C5", "C11", "D1", "D3"):
    assert f"| {claim} |" in report, claim
  assert "not run in this profile" in report  # e.g. the CIFAR/ImageNet claims
  claims_json = json.loads((out / "claims.json").read_text())["claims"]
  spec_ids = (["A1", "A2", "A2-mnist", "B1", "B1-part2"] + [f"B{i}" for i in range(2, 13)]
              + [f"C{i}" for i in range(1, 6)] + ["C5-2/255"] + [f"C{i}" for i in range(6, 11)] + ["C10-mnist", "C11"]
              + ["D1", "D2", "D3"])
  assert [c["claim"] for c in claims_json] == spec_ids   # the spec's claims and sub-checks, as in report.md
  by_id = {c["claim"]: c for c in claims_json}
  assert by_id["B6"]["verdict"] == "not run in this profile" and "no local copy" in by_id["B6"]["evidence"]
  # --only_settings=14,c0.5: B1 (14 vs 56, 28 vs 56) has no cell measured; B3 (14: none vs TVM at 2-8/255) rests
  # on MNIST at 8/255 only (F-MNIST and the other eps not run).
  assert by_id["B1"]["verdict"] == "not run in this profile" and "fashion_mnist" in by_id["B1"]["evidence"]
  assert by_id["B3"]["verdict"].endswith("partial (tested against: mnist, 8/255)")
  assert "text vs figure" in by_id["C5"]["evidence"]
  assert "16/255" in by_id["B4"]["evidence"] and by_id["B4"]["verdict"] == "not run in this profile"  # --eps 8/255
  assert all(c["section"] == "Verdicts (claims A1-D3 of the spec)" for c in claims_json)
  for name in ("mnist_input_size.png", "mnist_contrast.png", "mnist_input_size.csv", "config.json"):
    assert (out / name).is_file(), name
  lines = (out / "models" / "records-shard0of1.jsonl").read_text().splitlines()
  results = [json.loads(line)["result"] for line in lines]
  assert sorted(r["setting"] for r in results) == ["14", "c0.5"]
  r14 = next(r for r in results if r["setting"] == "14")
  assert r14["contrast_stats"]["setting"]["image_shape"] == [14, 14, 1]
  assert set(r14["adversarial"]) == {"fgsm", "bim"}
  assert set(r14["adversarial"]["bim"]["8/255"]["judged"]) == {"none", "jpeg", "tvm_quirk", "tvm"}
  assert r14["adversarial"]["bim"]["8/255"]["linf"] <= 8 / 255 + 1e-5
  assert r14["attack_preset"]["name"] == "foolbox3"
  assert "quality=10" in r14["defense_settings"]["jpeg"]
  assert "channels_first_quirk" in r14["defense_settings"]["tvm_quirk"]
  low = next(r for r in results if r["setting"] == "c0.5")
  assert low["contrast_stats"]["setting"]["rms_contrast"] < low["contrast_stats"]["same_size_1x"]["rms_contrast"]
  assert "contrast_control" in low
  adaptive = r14["adaptive"]["jpeg"]["8/255"]
  assert adaptive["mode"] == "bpda" and set(adaptive["adaptive"]) == set(adaptive["gray_box"]) == {"jpeg"}
  assert set(r14["adaptive"]["tvm_tf"]["8/255"]["adaptive"]) == {"tvm_tf", "tvm_quirk", "tvm"}
  # The training-recipe control: the 14 px model of seed 0 again, by the paper's recipe (no target stop, best
  # epoch restored), judged on the same images; its section compares it bar by bar, the gaps section points to it.
  control = [json.loads(line)["result"] for line in
             (out / "recipe_control" / "records-shard0of1.jsonl").read_text().splitlines()]
  assert [(r["setting"], r["seed"]) for r in control] == [("14", 0)]
  training = control[0]["training"]
  assert (training["epoch_cap"], training["epochs"], training["target_accuracy"], training["recipe"]) == (
      3, 3.0, None, "paper")  # --recipe_control_epochs=3 (the recipe's 100: test_config)
  assert training["best_epoch"] in (1.0, 2.0, 3.0) and training["reached_target"] is None
  assert training["learning_rate"] == 0.001 and training["lr_schedule"] == "plateau"
  assert set(control[0]["adversarial"]["bim"]["8/255"]["judged"]) == {"none", "jpeg", "tvm_quirk", "tvm"}
  assert "## Training-recipe control (the paper's recipe beside the stop rule)" in report
  assert "| mnist 14 seed 0 | no defense | fgsm | 8/255 |" in report
  assert "ran in this run: section 'Training-recipe control" in report
  # Not a models-stage record: the claims, figures and the Run section's model count never see it.
  assert "- models recorded: 2;" in report and "mnist 14 seed 0: " in report.split("training-recipe control models")[1]
  # The report rebuilds from the records alone.
  (out / "report.md").unlink()
  assert cli.run_main(DatasetPropertiesStudy(), argv + ["--report_only"]) == 0
  assert (out / "report.md").read_text() == report


@pytest.mark.parametrize("flag, message", [
    ("--datasets=svhn", "unknown"),
    ("--properties=brightness", "unknown"),
    ("--eps=0.5,1.5", "(0, 1]"),
    ("--eps=0", "(0, 1]"),
    ("--seeds=0,0", "distinct"),
    ("--eval_images=0", "an integer >= 1"),
    ("--protocol=code", "not implemented"),
    ("--profile=huge", "profile"),
])
def test_bad_flags_are_one_line_errors(tmp_path, flag, message, capsys):
  assert cli.run_main(DatasetPropertiesStudy(), ["prog", f"--output_dir={tmp_path}", flag]) == 2
  err = capsys.readouterr().err.strip()
  assert err.startswith("error:") and message in err and len(err.splitlines()) == 1, err
  assert not (tmp_path / "config.json").exists()


def test_dataset_without_local_copy_offline_is_one_line_error(tmp_path, monkeypatch, capsys):
  monkeypatch.setenv("ADV_TF_OFFLINE", "1")
  monkeypatch.setenv("ADV_TF_DATA_DIR", str(tmp_path / "empty"))
  (tmp_path / "empty").mkdir()  # a missing --data_dir is refused before the dataset is looked up (issue 23)
  argv = ["prog", f"--output_dir={tmp_path / 'out'}", f"--data_dir={tmp_path / 'empty'}", "--datasets=cifar100",
          "--only_settings="]   # quick's settings are MNIST's
  assert cli.run_main(DatasetPropertiesStudy(), argv) == 2
  err = capsys.readouterr().err.strip()
  assert err.startswith("error:") and len(err.splitlines()) == 1 and "cifar100" in err, err
