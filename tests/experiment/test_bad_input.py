"""Bad input to the five study binaries (issue 23): each case ends in one `error:` line and exit 2, before any data
loads and with nothing written to the output folder, so a refused run changes nothing a later run may do.

In-process through `cli.run_main` (the entry of tests and notebooks); the absl path of the binaries themselves
(`cli.main`, flag-parsing errors) runs in two subprocesses at the end. Numeric fields are swept separately, field
by field, in test_bounds.py.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib
import subprocess
import sys

import pytest

from adv_tf.experiment import cli
from adv_tf.studies import STUDIES as ALL_STUDIES

REPO = pathlib.Path(__file__).resolve().parents[2]
STUDIES = ("dataset-properties", "hyperparams", "imagenette-defenses", "minimal-dataset", "training-size")

# Cases every study refuses; "{tmp}" is the test's folder, holding a file "file" and a folder "data".
GENERIC = {
    "unknown profile": ["--profile=nope"],
    "unknown flag": ["--nosuchflag=1"],
    "flag without its value type": ["--seed=abc"],
    "model cache is a file": ["--model_cache_dir={tmp}/file"],
    "model cache under a file": ["--model_cache_dir={tmp}/file/models"],
    "output dir is a file": ["--output_dir={tmp}/file"],
    "output dir under a file": ["--output_dir={tmp}/file/out"],
    "data dir missing": ["--data_dir={tmp}/no-such-folder"],
    "data dir is a file": ["--data_dir={tmp}/file"],
    "zero shards": ["--num_shards=0"],
    "shard outside the shards": ["--shard_index=2", "--num_shards=2"],
    "negative max cells": ["--max_cells=-1"],
    "only cells not a regular expression": ["--only_cells=seed=(1"],
    "a word that is no flag (an unquoted value with a space)": ["--only_cells=c0.5", "seed=1"],
    "unknown stage": ["--stage=nope"],
    "unknown strategy": ["--strategy=quantum"],
    "report-only with a stage": ["--report_only", "--stage=unsharded"],
    "tpu with another strategy": ["--tpu=local", "--strategy=cpu"],
}
# Unknown names, shapes and the NaN/inf values of issue 23's list, per study.
SPECIFIC = {
    "dataset-properties": {"unknown dataset": ["--datasets=svhn"], "eps outside [0, 1]": ["--eps=0.5,1.5"],
                           "learning rate inf": ["--learning_rate=inf"], "repeated seeds": ["--seeds=0,0"],
                           "tvm weight nan": ["--adaptive_tvm_weight=nan"]},
    "hyperparams": {"unknown axis": ["--axes=nope"], "cw learning rate nan": ["--cw.learning_rate=nan"],
                    "cw initial const inf": ["--cw.initial_const=inf"], "bad figure pair": ["--figure_pairs=3-8"],
                    "figure pair of one class": ["--figure_pairs=3:3"], "cw kappa (--kappas sweeps it)":
                    ["--cw.confidence=5"]},
    "imagenette-defenses": {"unknown model": ["--models=nope"], "learning rate nan": ["--learning_rate=nan"],
                            "averaging radius inf": ["--averaging_eps_max=inf"], "unknown dataset": ["--dataset=nope"],
                            "eps list of words": ["--fgsm_eps=a,b"]},
    "minimal-dataset": {"unknown architecture": ["--architectures=vgg"], "learning rate inf": ["--learning_rate=inf"],
                        "contrast nan": ["--contrast_factor=nan"], "keep above the pool": ["--keep=6000"],
                        "finetuned without raw": ["--regimes=finetuned"], "cw steps zero": ["--cw.binary_steps=0"],
                        "cw learning rate negative": ["--cw.learning_rate=-1"]},
    "training-size": {"unknown family": ["--families=mnist/nope"], "cw confidence nan": ["--cw.confidence=nan"],
                      "cw learning rate inf": ["--cw.learning_rate=inf"], "sizes decrease": ["--sizes_mnist=80,40"],
                      "bad override": ["--min_steps_overrides=x"], "cw learning rate zero": ["--cw.learning_rate=0"],
                      "cw steps not a number": ["--cw.max_iterations=many"]},
}
# The CW settings are one nested CWConfig (`--cw.binary_steps`, ...) in every study that runs CW-L2: an unknown
# schedule and the flat names the studies used before (each its own) are refused by each of them.
CW_STUDIES = ("hyperparams", "minimal-dataset", "training-size")
OLD_CW_FLAGS = ("--cw_binary_search_steps=3", "--cw_binary_steps=3", "--cw_max_iterations=10", "--cw_learning_rate=0.1",
                "--cw_initial_const=1", "--cw_confidence=0", "--cw_schedule=fast")
for _study in CW_STUDIES:
  SPECIFIC[_study]["unknown cw schedule"] = ["--cw.schedule=slow"]
  SPECIFIC[_study].update({f"old flat flag {flag.split('=')[0]}": [flag] for flag in OLD_CW_FLAGS})
BY_NAME = {study.name: study for study in ALL_STUDIES}
CASES = [pytest.param(study, flags, id=f"{study}: {label}")
         for study in STUDIES for label, flags in {**GENERIC, **SPECIFIC[study]}.items()]


def test_the_cases_cover_every_study():
  assert len(CASES) == len(STUDIES) * len(GENERIC) + sum(len(v) for v in SPECIFIC.values()) >= 100
  assert set(STUDIES) == set(BY_NAME)


@pytest.fixture
def no_data(monkeypatch):
  """Fails the test if a study's data would load."""
  def refuse(run):
    raise AssertionError(f"{run.study.name} loaded its data for a bad input")
  for name in STUDIES:
    monkeypatch.setattr(BY_NAME[name], "prepare", refuse)


@pytest.mark.parametrize("study_name,flags", CASES)
def test_bad_input_is_one_error_line_and_exit_2_with_nothing_written(study_name, flags, tmp_path, capsys, no_data):
  (tmp_path / "file").write_text("not a folder\n")
  (tmp_path / "data").mkdir()
  out = tmp_path / "out"
  argv = ["prog", f"--output_dir={out}", f"--data_dir={tmp_path / 'data'}", f"--model_cache_dir={tmp_path / 'cache'}"]
  status = cli.run_main(BY_NAME[study_name], argv + [flag.format(tmp=tmp_path) for flag in flags])
  err = capsys.readouterr().err.strip()
  assert status == 2, err
  assert err.startswith("error: ") and "\n" not in err, err
  assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "file"]  # no output, no cache folder
  assert (tmp_path / "file").read_text() == "not a folder\n"


@pytest.mark.parametrize("study_name", CW_STUDIES)
def test_the_nested_cw_flags_reach_the_studys_config(study_name):
  from absl import flags
  fv = flags.FlagValues()
  cli.define_flags(BY_NAME[study_name], fv)
  fv(["prog", "--cw.binary_steps=3", "--cw.max_iterations=7", "--cw.schedule=fast", "--nocw.abort_early"])
  config = cli.resolve_config(BY_NAME[study_name], fv)
  profile = BY_NAME[study_name].PROFILES[fv["profile"].value]
  assert config.cw == profile.cw.replace(binary_steps=3, max_iterations=7, schedule="fast", abort_early=False)
  assert config == dataclasses.replace(profile, cw=config.cw)  # nothing else moved


@pytest.mark.parametrize("study_name", CW_STUDIES)
def test_an_old_flat_cw_flag_is_one_error_line_naming_it(study_name, tmp_path, capsys):
  status = cli.run_main(BY_NAME[study_name], ["prog", f"--output_dir={tmp_path / 'out'}", "--cw_binary_search_steps=3"])
  err = capsys.readouterr().err.strip()
  assert status == 2 and "\n" not in err, err
  assert err.startswith("error: Unknown command line flag 'cw_binary_search_steps'"), err
  assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("flag", ["--profile=nope", "--nosuchflag=1", "seed=1"])
def test_the_binary_reports_absl_flag_errors_as_one_error_line_and_exit_2(flag, tmp_path):
  """Issue 23, 4: flag-parsing errors went through absl's usage path (exit 1, "Pass --helpshort ..."); a word that
  is no flag was ignored (the second half of an unquoted `--only_cells=c0.5 seed=1`)."""
  env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
  proc = subprocess.run([sys.executable, "-m", "experiments.minimal_dataset", f"--output_dir={tmp_path / 'out'}",
                         flag], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
  lines = [line for line in proc.stderr.splitlines() if line.strip()]
  assert proc.returncode == 2, proc.stderr
  assert lines[-1].startswith("error: ") and flag.split("=")[0].lstrip("-") in lines[-1], proc.stderr
  assert not any("helpshort" in line or "Traceback" in line for line in lines), proc.stderr
  assert not (tmp_path / "out").exists()
