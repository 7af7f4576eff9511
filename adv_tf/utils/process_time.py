"""The process a study runs in: its CPU time so far and the sitting it is (issue 22 item 2).

A long profile is computed over several sittings (processes, resumed on later days or other machines). Each
cell's record names its sitting and the CPU seconds it took (`adv_tf.experiment.runner`), so that a published run
says how many sittings and CPU-hours its recorded cells took (`adv_tf.report.publish`), across every sitting
(`run_time.json` describes the last invocation only), also when a process was killed (SIGKILL, out of memory,
SIGTERM outside the stages) and wrote no `run_time.json`.
"""
from __future__ import annotations

import datetime
import os

from adv_tf.utils import provenance


def cpu_seconds() -> float:
  """User + system CPU seconds of this process (all its threads: TensorFlow's too) and of its waited-for
  children."""
  times = os.times()
  return times.user + times.system + times.children_user + times.children_system


def _sitting() -> str:
  started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
  return f"{started} {provenance.host()} pid {os.getpid()}"


# This process: when it first imported this module (before its first cell), on which host, its pid. Two runs in
# one process (a notebook kernel resumed after Ctrl-C) are one sitting.
SITTING = _sitting()
