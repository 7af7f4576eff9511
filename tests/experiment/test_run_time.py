"""run_time.json: every study invocation records its wall and CPU time and whether it resumed (issue 15)."""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import threading
import time

import pytest

from adv_tf import cpu_kernels
from adv_tf.experiment import cli, run_time
from adv_tf.experiment.bounds import Bounds
from adv_tf.experiment.run_time import RUN_TIME_FILE, run_time_path
from adv_tf.experiment.runner import Cell
from adv_tf.experiment.study import Stage, Study


@dataclasses.dataclass(frozen=True)
class TimedConfig:
  profile: str
  values: tuple[int, ...] = dataclasses.field(default=(1, 2, 3), metadata={"help": "Cells.", "bounds": Bounds()})

  def validate(self) -> None:
    pass


class TimedStudy(Study):
  name = "timed-test"
  paper = "test"
  Config = TimedConfig
  PROFILES = {"quick": TimedConfig("quick")}

  def stages(self, config):
    return [Stage("setup", lambda run: [Cell("setup", {"kind": "setup"})], lambda cell, ctx, run: {}, sharded=False),
            Stage("cells", lambda run: [Cell(f"v={v}", {"v": v}) for v in run.config.values],
                  lambda cell, ctx, run: {"y": cell.config["v"] ** 2}, subdir="")]

  def report(self, run):
    path = run.output_dir / "report.md"
    path.write_text(f"{len(run.records['cells'])} cells\n")
    return path


@pytest.fixture
def timed():
  return TimedStudy()


def _argv(out, *extra):
  return ["prog", f"--output_dir={out}", "--strategy=cpu", f"--model_cache_dir={out.parent / 'cache'}", *extra]


def test_a_fresh_run_then_a_resumed_one_are_recorded(timed, tmp_path):
  out = tmp_path / "out"
  assert cli.run_main(timed, _argv(out, "--values=1,2", "--max_cells=1")) == 0
  first = json.loads((out / RUN_TIME_FILE).read_text())
  assert first["study"] == "timed-test" and first["profile"] == "quick"
  assert first["records_before"] == 0 and first["records_after"] == 2 and first["resumed"] is False
  assert first["wall_seconds"] >= 0 and first["cpu_seconds"] >= 0
  assert first["started_utc"] <= first["ended_utc"] and first["started_utc"].endswith("+00:00")
  assert (first["shard_index"], first["num_shards"]) == (0, 1)
  # The same folder again: the old records are reused, the last cell computed, the file says so.
  assert cli.run_main(timed, _argv(out, "--values=1,2")) == 0
  again = json.loads((out / RUN_TIME_FILE).read_text())
  assert again["records_before"] == 2 and again["records_after"] == 3 and again["resumed"] is True
  # A rerun that computes nothing keeps the time of the run that computed the last cells.
  assert cli.run_main(timed, _argv(out, "--values=1,2")) == 0
  assert json.loads((out / RUN_TIME_FILE).read_text()) == again


def test_report_only_keeps_the_time_of_the_run_that_computed_the_cells(timed, tmp_path):
  out = tmp_path / "out"
  assert cli.run_main(timed, _argv(out)) == 0
  before = (out / RUN_TIME_FILE).read_text()
  assert cli.run_main(timed, _argv(out, "--report_only")) == 0
  assert (out / RUN_TIME_FILE).read_text() == before


def test_shards_write_one_file_each(timed, tmp_path):
  out = tmp_path / "out"
  for index in (0, 1):
    assert cli.run_main(timed, _argv(out, f"--shard_index={index}", "--num_shards=2")) == 0
  assert not (out / RUN_TIME_FILE).exists()
  second = json.loads(run_time_path(out, 1, 2).read_text())
  assert second["shard_index"] == 1 and second["num_shards"] == 2
  assert second["records_before"] == 1 + 2 and second["records_after"] == 1 + 2 + 1  # setup + shard 0's cells


def test_a_strategy_built_by_the_caller_is_the_one_the_study_runs_under(timed, tmp_path, monkeypatch):
  import tensorflow as tf
  seen = []
  monkeypatch.setattr(TimedStudy, "prepare", lambda self, run: seen.append((run.strategy, run.strategy_name)))
  mine = tf.distribute.OneDeviceStrategy("/cpu:0")
  assert cli.run_main(timed, _argv(tmp_path / "out"), strategy=mine) == 0
  assert seen == [(mine, "OneDeviceStrategy (built by the caller)")]  # what reports print as the strategy


def test_the_shard_comes_from_the_run_when_not_given(tmp_path):
  import types

  from adv_tf.experiment.run_time import RunTimer
  run = types.SimpleNamespace(report_only=True, shard=types.SimpleNamespace(index=3, count=4))
  timer = RunTimer(run)
  assert (timer.shard_index, timer.num_shards) == (3, 4)
  assert (RunTimer(run, shard_index=1, num_shards=2).shard_index, RunTimer(types.SimpleNamespace(
      report_only=True)).num_shards) == (1, 1)


def test_the_run_records_its_commit_and_machine_for_publication(timed, tmp_path):
  from adv_tf.utils import provenance  # pylint: disable=import-outside-toplevel
  out = tmp_path / "out"
  assert cli.run_main(timed, _argv(out, "--values=1")) == 0
  payload = json.loads((out / RUN_TIME_FILE).read_text())
  assert payload["code"] == provenance.git_revision()
  assert payload["machine"]["cpu_count"] >= 1 and payload["machine"]["host"] == provenance.host()
  # Timings depend on the CPU and on TensorFlow's kernels beyond the core count (adv_tf.cpu_kernels).
  assert payload["machine"]["cpu_model"] == run_time.cpu_model()
  assert payload["machine"]["onednn"] in (None, cpu_kernels.onednn_enabled())  # None: TF not imported by then


class StoppedStudy(TimedStudy):
  """TimedStudy whose cell v=3 stops the run with `stop` (Ctrl-C's KeyboardInterrupt, or an error)."""
  stop: BaseException = KeyboardInterrupt()

  def stages(self, config):
    setup, cells = super().stages(config)

    def cell(c, ctx, run):
      if c.config["v"] == 3:
        raise self.stop
      return {"y": c.config["v"]}
    return [setup, dataclasses.replace(cells, run_cell=getattr(self, "cell", cell))]


@pytest.mark.parametrize("stop, outcome", [(KeyboardInterrupt(), run_time.INTERRUPTED),
                                           (ValueError("boom"), run_time.FAILED)])
def test_a_run_stopped_after_recording_cells_keeps_their_time(tmp_path, stop, outcome):
  """A long profile stopped between sittings (Ctrl-C after a cell) still says what its recorded cells took."""
  study = StoppedStudy()
  study.stop = stop
  out = tmp_path / "out"
  with pytest.raises(type(stop)):
    cli.run_main(study, _argv(out, "--values=1,2,3"))
  payload = json.loads((out / RUN_TIME_FILE).read_text())
  assert payload["outcome"] == outcome and payload["records_after"] == 3  # setup, v=1, v=2
  assert payload["cpu_seconds"] >= 0 and not (out / "report.md").exists()


def test_a_run_stopped_before_its_first_record_writes_no_time(tmp_path):
  study = StoppedStudy()
  out = tmp_path / "out"
  assert cli.run_main(study, _argv(out, "--values=1,3", "--max_cells=1")) == 0  # setup and v=1 recorded
  finished = (out / RUN_TIME_FILE).read_text()
  assert json.loads(finished)["outcome"] == run_time.FINISHED and json.loads(finished)["records_computed"] == 2
  with pytest.raises(KeyboardInterrupt):
    cli.run_main(study, _argv(out, "--values=1,3"))  # stops at its only new cell, v=3
  assert (out / RUN_TIME_FILE).read_text() == finished   # the time of the run that computed the cells stays
  (out / RUN_TIME_FILE).unlink()
  with pytest.raises(KeyboardInterrupt):
    cli.run_main(study, _argv(out, "--values=1,3"))
  assert not (out / RUN_TIME_FILE).exists()


def test_an_invocation_that_computes_nothing_writes_no_time(timed, tmp_path):
  """--max_cells=0, or every cell recorded (e.g. records resumed from a publication on a fresh machine): the report
  is rebuilt and no run_time.json claims the run's time."""
  out = tmp_path / "out"
  assert cli.run_main(timed, _argv(out, "--values=1,2", "--max_cells=1")) == 0
  computed = (out / RUN_TIME_FILE).read_text()
  assert cli.run_main(timed, _argv(out, "--values=1,2", "--max_cells=0")) == 0
  assert (out / RUN_TIME_FILE).read_text() == computed
  assert cli.run_main(timed, _argv(out, "--values=1,2")) == 0   # computes v=2
  (out / RUN_TIME_FILE).unlink()
  assert cli.run_main(timed, _argv(out, "--values=1,2")) == 0   # every cell recorded: the report only
  assert (out / "report.md").exists() and not (out / RUN_TIME_FILE).exists()


def test_a_report_that_fails_leaves_the_time_of_the_cells(timed, tmp_path, monkeypatch):
  out = tmp_path / "out"
  monkeypatch.setattr(TimedStudy, "report", lambda self, run: (_ for _ in ()).throw(RuntimeError("report broke")))
  with pytest.raises(RuntimeError, match="report broke"):
    cli.run_main(timed, _argv(out, "--values=1,2"))
  payload = json.loads((out / RUN_TIME_FILE).read_text())
  assert payload["outcome"] == run_time.FINISHED and payload["records_after"] == 3


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"),
                    reason="signal handlers are installed from the main thread only")
def test_sigterm_stops_the_run_as_ctrl_c_does(tmp_path):
  """`kill <pid>` on a background run (started with SIGINT ignored) keeps its finished cells and their time."""
  study = StoppedStudy()
  study.stop = None

  def cell(c, ctx, run):
    if c.config["v"] == 3:
      # Never signal the test process without the handler: SIGTERM's default would end the test worker.
      assert signal.getsignal(signal.SIGTERM) not in (before, signal.SIG_DFL, signal.SIG_IGN, None)
      os.kill(os.getpid(), signal.SIGTERM)
      time.sleep(5)   # the handler raises before this returns
    return {"y": c.config["v"]}
  study.cell = cell
  out = tmp_path / "out"
  before = signal.getsignal(signal.SIGTERM)
  with pytest.raises(cli.Terminated, match="SIGTERM"):
    cli.run_main(study, _argv(out, "--values=1,2,3"))
  assert json.loads((out / RUN_TIME_FILE).read_text())["outcome"] == run_time.INTERRUPTED
  assert signal.getsignal(signal.SIGTERM) == before   # restored after the stages
