"""Every study's `smoke` profile end to end on real data (issue 23): every stage runs and records every cell, the
report says it decides nothing and every claim comes out not decided, and a rerun loads no data.

`make reproduce-<study> PROFILE=smoke` runs the same configuration; its CPU time is in the README. Needs the raw
datasets (ADV_TF_RAW_DIR, imported by the `imported_data_dir` fixture) and skips without them.
"""
from __future__ import annotations

import json

import pytest

from adv_tf.experiment import cli, smoke
from adv_tf.experiment.records import load_records
from adv_tf.experiment.study import StudyRun
from adv_tf.studies import STUDIES
from tests.studies import progress_lines

# Study -> the TFDS dataset folder its smoke profile reads.
DATASETS = {"dataset-properties": "mnist", "hyperparams": "mnist", "imagenette-defenses": "imagenette",
            "minimal-dataset": "mnist", "training-size": "mnist"}
BY_NAME = {study.name: study for study in STUDIES}


def test_every_study_is_listed_here():
  assert sorted(DATASETS) == sorted(BY_NAME)


@pytest.mark.parametrize("study_name", sorted(DATASETS))
def test_the_smoke_profile_runs_every_stage_on_real_data_and_decides_nothing(study_name, imported_data_dir, tmp_path,
                                                                            monkeypatch, capsys):
  if not (imported_data_dir / DATASETS[study_name]).is_dir():
    pytest.skip(f"needs {DATASETS[study_name]} imported from ADV_TF_RAW_DIR")
  out = tmp_path / "out"
  argv = ["prog", "--profile=smoke", f"--output_dir={out}", f"--data_dir={imported_data_dir}",
          f"--model_cache_dir={tmp_path / 'cache'}", "--strategy=cpu"]
  study = BY_NAME[study_name]
  status, first = cli.run_main(study, argv), capsys.readouterr()
  assert status == 0, first.err
  # Every study's training reports its epochs to the cell's log (a long training is not silent).
  assert progress_lines.cells_that_trained(first.out), "no per-epoch training progress in the run's output"
  config = study.PROFILES["smoke"]
  for stage in study.stages(config):
    recorded = load_records(stage.output_dir(StudyRun(study, config, out)), check=stage.check_record)
    assert recorded, f"stage {stage.name} recorded nothing"
  assert (out / "report.md").read_text().startswith(smoke.NOTE)
  claims = json.loads((out / "claims.json").read_text())["claims"]
  assert claims and {c["verdict"] for c in claims} == {smoke.UNDECIDED}

  def no_data(run):
    raise AssertionError("a rerun with every cell recorded loaded the data")
  monkeypatch.setattr(study, "prepare", no_data)
  capsys.readouterr()
  assert cli.run_main(study, argv) == 0
  assert "every cell is recorded" in capsys.readouterr().out
