"""Two shards as two processes of the real binary (issue 15): selection once, the cells as a 2-task array
(scheduler variables, started together into one folder), then the report, equal a one-process run's records
and report (timing, host and shard fields excluded)."""
from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import toy_cluster_study as toy_lib

from adv_tf.experiment import cli
from adv_tf.experiment.records import load_records

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(__file__).with_name("toy_cluster_study.py")
VOLATILE = {"seconds", "cpu_seconds", "sitting", "started", "finished", "host", "shard", "versions", "git"}
SCHEDULER_VARS = ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT", "JOB_COMPLETION_INDEX",
                  "BATCH_TASK_INDEX", "BATCH_TASK_COUNT", "AWS_BATCH_JOB_ARRAY_INDEX", "ADV_TF_NUM_SHARDS")


def _env(**extra) -> dict:
  env = {k: v for k, v in os.environ.items() if k not in SCHEDULER_VARS}
  env.update(PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", **extra)
  return env


def _start(out: pathlib.Path, *flags: str, **env) -> subprocess.Popen:
  return subprocess.Popen([sys.executable, str(BINARY), f"--output_dir={out}", "--strategy=cpu", "--seed=4",
                           "--values=1,2,3,4,5", *flags], cwd=ROOT, env=_env(**env), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)


def _finish(process: subprocess.Popen) -> str:
  output, _ = process.communicate(timeout=300)
  assert process.returncode == 0, output
  return output


def _stable(records: list[dict]) -> list[dict]:
  return [{k: v for k, v in r.items() if k not in VOLATILE} for r in records]


def _one_process_run(out: pathlib.Path, monkeypatch) -> None:
  for name in SCHEDULER_VARS:
    monkeypatch.delenv(name, raising=False)
  assert cli.run_main(toy_lib.ToyClusterStudy(),
                     ["prog", f"--output_dir={out}", "--strategy=cpu", "--seed=4",
                                     "--values=1,2,3,4,5"]) == 0


def test_two_shard_processes_then_the_report_equal_one_process(tmp_path, monkeypatch):
  one, two = tmp_path / "one", tmp_path / "two"
  _finish(_start(two, "--stage=selection"))
  # a Kubernetes Indexed Job of 2 completions: both tasks start at once on a folder without a grid manifest
  shards = [_start(two, "--stage=cells", JOB_COMPLETION_INDEX=str(k), ADV_TF_NUM_SHARDS="2") for k in (0, 1)]
  outputs = [_finish(p) for p in shards]
  assert all("stage cells done" in o for o in outputs)
  assert not (two / "report.md").exists()
  _finish(_start(two, "--stage=report"))  # loads no data and no TensorFlow strategy
  _one_process_run(one, monkeypatch)
  assert sorted(p.name for p in two.glob("records-*.jsonl")) == ["records-shard0of2.jsonl",
                                                                 "records-shard1of2.jsonl"]
  for sub, name in (("", "toy-cluster"), ("selection", "toy-cluster-selection")):
    assert _stable(load_records(two / sub, study_name=name)) == _stable(load_records(one / sub, study_name=name))
  assert len(load_records(two)) == 5
  for name in ("report.md", "claims.json", "grid-manifest.json"):
    assert (two / name).read_text() == (one / name).read_text()
  assert sorted(p.name for p in (two / "cells").iterdir()) == sorted(p.name for p in (one / "cells").iterdir())


def test_sigterm_stops_the_binary_keeping_its_cells_and_time(tmp_path):
  """`kill <pid>` on a running study binary: the cells recorded before stay, run_time.json says "interrupted", and
  the process exits 143 (128 + SIGTERM), as a scheduler expects of a terminated job."""
  out = tmp_path / "out"
  process = _start(out, TOY_WAIT_AT="3")
  try:
    deadline = time.monotonic() + 240
    while not (out / "waiting").exists():
      assert process.poll() is None, process.communicate()[0]
      assert time.monotonic() < deadline, "the binary did not reach its waiting cell in 240 s"
      time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=120)
  finally:
    if process.poll() is None:   # never leave the binary running
      process.kill()
      process.communicate()
  assert process.returncode == cli.TERMINATED_EXIT, output
  assert "stopped by SIGTERM" in output
  assert sorted(r["name"] for r in load_records(out)) == ["v=1", "v=2"]
  run_time = json.loads((out / "run_time.json").read_text())
  assert run_time["outcome"] == "interrupted" and run_time["records_computed"] == 3   # selection, v=1, v=2
