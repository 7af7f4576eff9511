"""`run_time.json`: how long one invocation of a study took, for the cross-study index (issue 15).

`cli.execute` starts a `RunTimer` once the flags are validated. An invocation that computed cells writes it after
its stages and again after the report (a report that fails leaves the time of the cells; `--stage=<stage>` writes
it once, with no report): wall seconds, process CPU seconds (user + system, TensorFlow's threads included: wall
time means little while several jobs share the cores, CPU time does), UTC start and end, the load average, how
many stage records existed before and after (every shard's: "resumed" means records existed in the folder when it
started) and how many this invocation computed ("records_computed", counted by the records' "sitting": other shard
processes append to the same folders; invocations running at once in one process would count each other's),
the commit the run started from (`code`: {"commit", "dirty"}, which `make publish-results` requires clean), the
machine and the "outcome": a run stopped by Ctrl-C, SIGTERM (`cli.sigterm_as_interrupt`) or an error
while its stages ran writes it too ("interrupted" / "failed") when it computed cells, so a long profile stopped
between sittings keeps the time of the cells it computed. An invocation that computed nothing writes nothing:
`--report_only`, a rerun with every cell recorded (both would overwrite the time of the run that computed the
cells). A sharded process writes `run_time-shard<k>of<n>.json` instead, so shards sharing a folder do not
overwrite each other.
"""
from __future__ import annotations

import datetime
import json
import logging
import os
import pathlib
import platform
import time
from typing import Any, Optional

from adv_tf import cpu_kernels
from adv_tf.experiment.records import read_record_file, record_files
from adv_tf.utils import process_time, provenance
from adv_tf.utils.atomic import atomic_write_text

RUN_TIME_FILE = "run_time.json"
# How an invocation ended ("outcome"; files written before 2026-12-07 have none: they all finished).
FINISHED, INTERRUPTED, FAILED = "finished", "interrupted", "failed"
logger = logging.getLogger(__name__)


def run_time_path(output_dir, shard_index: int = 0, num_shards: int = 1) -> pathlib.Path:
  """`<output_dir>/run_time.json`, or `run_time-shard<k>of<n>.json` for one shard of several."""
  name = RUN_TIME_FILE if num_shards == 1 else f"run_time-shard{shard_index}of{num_shards}.json"
  return pathlib.Path(output_dir) / name


def count_records(run: Any, sitting: Optional[str] = None) -> int:
  """Records present in the folders of every stage of `run` (cells already computed); with `sitting`, only those
  that sitting computed (a record's "sitting", `adv_tf.utils.process_time.SITTING` of the process that wrote it)."""
  total = 0
  for stage in run.study.stages(run.config):
    for path in record_files(stage.output_dir(run)):
      total += sum(sitting is None or record.get("sitting") == sitting for record in read_record_file(path))
  return total


def _load_average() -> Optional[float]:
  try:
    return round(os.getloadavg()[0], 2)
  except (AttributeError, OSError):  # not available on this platform
    return None


def _utc(timestamp: float) -> str:
  return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).isoformat(timespec="seconds")


def cpu_model() -> Optional[str]:
  """The CPU's model name ("model name" in /proc/cpuinfo on Linux, else `platform.processor()`), or None.

  Timings depend on it beyond the core count: TensorFlow picks its CPU kernels by the CPU's instructions
  (`adv_tf.cpu_kernels`)."""
  try:
    with open("/proc/cpuinfo", encoding="utf-8") as f:
      for line in f:
        if line.startswith("model name"):
          return line.split(":", 1)[1].strip() or None
  except OSError:
    pass
  return platform.processor() or None


def machine() -> dict:
  """The machine a run ran on, for published reference results: host, platform, processor, CPU model and count,
  and whether TensorFlow ran its oneDNN kernels (None when the process never imported TensorFlow)."""
  return {"host": provenance.host(), "platform": platform.platform(), "processor": platform.machine(),
          "cpu_model": cpu_model(), "cpu_count": os.cpu_count(), "onednn": cpu_kernels.onednn_enabled()}


class RunTimer:
  """Measures one invocation of a study (`cli.execute`) and writes its `run_time.json`."""

  def __init__(self, run: Any, *, shard_index: Optional[int] = None, num_shards: Optional[int] = None):
    """Starts the clock. The shard: the arguments, else `run.shard` (index, count) when the run has one, else 0/1."""
    shard = getattr(run, "shard", None)
    self.shard_index = shard_index if shard_index is not None else getattr(shard, "index", 0)
    self.num_shards = num_shards if num_shards is not None else getattr(shard, "count", 1)
    self.started = time.time()
    self._monotonic = time.monotonic()
    self._cpu = process_time.cpu_seconds()
    self._load = _load_average()
    self.records_before = 0 if run.report_only else count_records(run)
    # records of this process before this invocation: what it computes is counted from them, not from the folder
    # (other shard processes append to it too)
    self._own_before = 0 if run.report_only else count_records(run, process_time.SITTING)
    self.code = provenance.git_revision()  # at the start: the code the cells are computed with
    self._wrote = False  # this invocation wrote its file (once after the stages, again after the report)

  def computed(self, run: Any) -> int:
    """Records this invocation appended (its own process's, since it started)."""
    return count_records(run, process_time.SITTING) - self._own_before

  def payload(self, run: Any, outcome: str = FINISHED) -> dict:
    """What `write` stores: times, load and record counts of this invocation and how it ended (FINISHED,
    INTERRUPTED or FAILED)."""
    records_after = count_records(run)
    return {
        "outcome": outcome,
        "study": run.study.name,
        "profile": getattr(run.config, "profile", None),
        "started_utc": _utc(self.started),
        "ended_utc": _utc(time.time()),
        "wall_seconds": round(time.monotonic() - self._monotonic, 3),
        "cpu_seconds": round(process_time.cpu_seconds() - self._cpu, 3),
        "load_average_1min": {"start": self._load, "end": _load_average()},
        "shard_index": self.shard_index,
        "num_shards": self.num_shards,
        "records_before": self.records_before,
        "records_after": records_after,
        "records_computed": self.computed(run),
        "only_cells": getattr(run, "only_cells", None),  # --only_cells: this invocation computed only those cells
        "resumed": self.records_before > 0,
        "code": self.code,
        "machine": machine(),
    }

  def write(self, run: Any, outcome: str = FINISHED) -> Optional[pathlib.Path]:
    """Writes the file into `run.output_dir`; nothing for --report_only, and nothing when this invocation computed
    no record (a rerun of a finished study, or a shard process with nothing left while other shards append, keeps
    the time of the run that computed the cells, which the results index shows; a rerun on a fresh machine of
    published records writes none). Its own file is rewritten, so a file written after the stages takes the
    report's time too. Returns its path (or None)."""
    if run.report_only:
      return None
    path = run_time_path(run.output_dir, self.shard_index, self.num_shards)
    if not self._wrote and self.computed(run) <= 0:
      return None
    self._wrote = True
    return atomic_write_text(path, json.dumps(self.payload(run, outcome), indent=1, sort_keys=True) + "\n")

  def write_stopped(self, run: Any, stop: BaseException) -> None:
    """`write` for an invocation ended by Ctrl-C or SIGTERM ("interrupted") or an error ("failed") while its stages
    ran, when it computed records: a long run stopped between sittings keeps the time of the cells it computed.
    Never raises (the exception that stopped the run is the one to see)."""
    try:
      if self.computed(run) > 0:
        self.write(run, INTERRUPTED if isinstance(stop, KeyboardInterrupt) else FAILED)
    except Exception as e:  # noqa: BLE001  pylint: disable=broad-except
      logger.warning("could not write %s of the stopped run: %s", RUN_TIME_FILE, e)
