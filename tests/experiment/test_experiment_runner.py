"""Tests of the generic experiment runner: resume after kill -9, shards, crash-safe records, ids, seeds."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import pathlib
import random
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.experiment import (
  Cell,
  CellGrid,
  atomic_save_npz,
  atomic_write_text,
  cell_id,
  load_records,
  pending_cells,
  records_path,
  run_study,
)
from adv_tf.utils import atomic, process_time

REPO = pathlib.Path(__file__).resolve().parents[2]
# Record fields that depend only on the cell and the seed (not on time, host or process).
DETERMINISTIC = ("id", "name", "stage", "index", "config", "result", "seed", "study")


def _quiet(_line: str) -> None:
  pass


def _random_cell(cell: Cell, ctx) -> dict:
  """A fake cell: numbers from the globally seeded generators plus the config."""
  return {"k": cell.config["k"], "py": random.random(), "np": float(np.random.rand()),
          "own": float(np.random.default_rng(ctx.cell_seed).normal()), "vec": np.arange(3) * cell.config["k"]}


def _grid(n: int, extra: str = "x") -> list[Cell]:
  return [Cell(f"k={k}", {"k": k, "extra": extra}, stage="baseline" if k == 0 else "variant")
          for k in range(n)]


def _deterministic(records: list[dict]) -> list[dict]:
  return [{key: r[key] for key in DETERMINISTIC} for r in records]


def _env() -> dict:
  env = dict(os.environ)
  env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
  env["TF_CPP_MIN_LOG_LEVEL"] = "2"
  return env


# ----------------------------------------------------------------------------------------------- ids

def test_cell_id_is_sha256_prefix_of_sorted_json_and_ignores_key_order():
  config = {"model": {"pool_size": 6, "filters": [32, 64]}, "lr": 0.01, "name": "lenet"}
  expected = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:12]
  assert cell_id(config) == expected
  reordered = {"name": "lenet", "lr": 0.01, "model": {"filters": (32, 64), "pool_size": 6}}
  assert cell_id(reordered) == expected
  assert Cell("a", config).id == expected
  assert cell_id({**config, "lr": 0.02}) != expected
  assert re.fullmatch(r"[0-9a-f]{12}", expected)


def test_cell_ids_are_stable_across_processes():
  configs = [{"k": k, "nested": {"b": [1, 2.5, None], "a": "x"}, "flag": k % 2 == 0} for k in range(5)]
  code = ("import json, sys; from adv_tf.experiment import cell_id; "
          "print(json.dumps([cell_id(c) for c in json.loads(sys.argv[1])]))")
  outputs = []
  for hash_seed in ("1", "12345"):
    env = dict(_env(), PYTHONHASHSEED=hash_seed)
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(configs)], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=60, check=True)
    outputs.append(json.loads(proc.stdout))
  assert outputs[0] == outputs[1] == [cell_id(c) for c in configs]
  assert len(set(outputs[0])) == len(configs)


def test_bad_cell_configs_are_one_line_errors():
  with pytest.raises(AdvTfError, match="JSON-serialisable"):
    Cell("bad", {"x": object()})
  with pytest.raises(AdvTfError, match="JSON-serialisable"):
    Cell("nan", {"x": float("nan")})
  with pytest.raises(AdvTfError, match="mapping"):
    Cell("list", [1, 2])


def test_duplicate_configs_in_a_study_are_rejected(tmp_path):
  study = CellGrid("dup", tmp_path, [Cell("a", {"k": 1}), Cell("b", {"k": 1})], _random_cell)
  with pytest.raises(AdvTfError, match="same config"):
    run_study(study, tensorboard=False, log=_quiet)


# ------------------------------------------------------------------------------------- kill -9 resume

_KILL_SCRIPT = textwrap.dedent("""
    import os, pathlib, random, signal, sys, time
    from adv_tf.experiment import Cell, CellGrid, atomic_write_text, run_study

    # Ctrl-C raises KeyboardInterrupt even where SIGINT was ignored when this process started (a shell starts
    # background jobs, e.g. `make test &` or nohup, with SIGINT ignored, and Python then keeps that).
    signal.signal(signal.SIGINT, signal.default_int_handler)

    out, calls, block = sys.argv[1], sys.argv[2], sys.argv[3]

    def note(text):
      fd = os.open(calls, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
      os.write(fd, (text + "\\n").encode())
      os.fsync(fd)
      os.close(fd)

    def run_cell(cell, ctx):
      note("start " + cell.id)
      atomic_write_text(ctx.output_dir / "value.txt", str(cell.config["k"]))
      if cell.name == block:
        note("blocking " + cell.id)
        time.sleep(300)  # Killed here by the test.
      time.sleep(0.05)
      value = random.random() + cell.config["k"]
      note("end " + cell.id)
      return {"value": value}

    cells = [Cell("k=%d" % k, {"k": k, "study": "kill"}) for k in range(6)]
    run_study(CellGrid("killtest", out, cells, run_cell), seed=7, tensorboard=False)
    """)


def _wait_for(path: pathlib.Path, text: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
  deadline = time.monotonic() + timeout
  while time.monotonic() < deadline:
    if path.exists() and text in path.read_text():
      return
    if proc.poll() is not None:
      raise AssertionError(f"subprocess ended early:\n{proc.communicate()}")
    time.sleep(0.05)
  raise AssertionError(f"timed out waiting for {text!r} in {path}")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_killed_midway_then_rerun_finishes_without_recomputing(tmp_path, sig):
  script = tmp_path / "kill_study.py"
  script.write_text(_KILL_SCRIPT)
  out, calls = tmp_path / "out", tmp_path / "calls.log"
  ids = [cell_id({"k": k, "study": "kill"}) for k in range(6)]

  proc = subprocess.Popen([sys.executable, str(script), str(out), str(calls), "k=3"], env=_env(), cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
  try:
    _wait_for(calls, "blocking " + ids[3], proc)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
  finally:
    if proc.poll() is None:
      proc.kill()
  # Stopped while cell k=3 ran: k=0..2 recorded, k=3 not; its artifacts are never published.
  assert [r["id"] for r in load_records(out)] == ids[:3]
  assert not (out / "cells" / ids[3]).exists()
  progress = json.loads((out / "progress-shard0of1.json").read_text())
  if sig == signal.SIGKILL:
    assert proc.returncode == -signal.SIGKILL
    assert (out / "cells" / f".partial-{ids[3]}" / "value.txt").exists()  # Deleted by the rerun.
    assert (progress["state"], progress["current"]["id"]) == ("running", ids[3])
  else:
    assert proc.returncode != 0 and b"KeyboardInterrupt" in stderr
    assert not (out / "cells" / f".partial-{ids[3]}").exists()
    assert progress["state"] == "interrupted"

  proc = subprocess.run([sys.executable, str(script), str(out), str(calls), "none"], env=_env(), cwd=REPO,
                        capture_output=True, text=True, timeout=120)
  assert proc.returncode == 0, proc.stderr
  assert "6 cells, 3 already recorded, 3 to run now" in proc.stdout

  records = load_records(out, study_name="killtest")
  assert [r["id"] for r in records] == ids
  lines = records_path(out, 0, 1).read_text().splitlines()
  assert len(lines) == 6 and all(json.loads(line)["id"] in ids for line in lines)
  events = calls.read_text().split()
  log = list(zip(events[::2], events[1::2]))
  for k, cid in enumerate(ids):
    assert log.count(("end", cid)) == 1, f"cell k={k} finished {log.count(('end', cid))} times"
    assert log.count(("start", cid)) == (2 if k == 3 else 1)  # Only the killed cell restarted.
  # Reseeding per cell: a resumed cell gives what it gives in an uninterrupted run.
  random.seed(7)
  first_draw = random.random()
  assert [r["result"]["value"] for r in records] == pytest.approx([first_draw + k for k in range(6)])
  for cid, k in zip(ids, range(6)):
    assert (out / "cells" / cid / "value.txt").read_text() == str(k)
  assert not list((out / "cells").glob(".partial-*"))


def test_same_shard_running_twice_at_once_waits_or_is_refused(tmp_path):
  started, release = threading.Event(), threading.Event()
  computed = []

  def run_cell(cell, ctx):
    computed.append(cell.name)
    started.set()
    assert release.wait(30)
    return {"n": 1}

  study = CellGrid("lock", tmp_path, _grid(2), run_cell)
  first_summary, second_lines, second_summary = [], [], []
  first = threading.Thread(target=lambda: first_summary.append(
      run_study(study, tensorboard=False, reseed=False, log=_quiet)))
  first.start()
  assert started.wait(30)
  with pytest.raises(AdvTfError, match="already running") as info:
    run_study(study, tensorboard=False, lock_timeout=0, log=_quiet)
  assert f"pid {os.getpid()}" in str(info.value)
  second = threading.Thread(target=lambda: second_summary.append(
      run_study(study, tensorboard=False, reseed=False, log=second_lines.append)))
  second.start()
  deadline = time.monotonic() + 30
  while not any("waiting" in line for line in second_lines) and time.monotonic() < deadline:
    time.sleep(0.02)
  assert any("waiting" in line for line in second_lines)
  release.set()
  first.join(30)
  second.join(30)
  assert first_summary[0].done == 2
  assert (second_summary[0].done, second_summary[0].skipped) == (0, 2)
  assert computed == ["k=0", "k=1"]


# -------------------------------------------------------------------------------------------- shards

def test_shards_partition_the_grid_and_merge_back(tmp_path):
  cells = _grid(8)
  whole = run_study(CellGrid("shards", tmp_path / "whole", cells, _random_cell), seed=1, tensorboard=False,
                    log=_quiet)
  assert (whole.done, whole.total) == (8, 8)

  ran = []
  for k in range(3):
    summary = run_study(CellGrid("shards", tmp_path / "split", cells, _random_cell), shard_index=k, num_shards=3,
                        seed=1, tensorboard=False, log=_quiet)
    assert summary.total == len(range(k, 8, 3))
    ran.append(set(summary.ran_ids))
  assert set.union(*ran) == {c.id for c in cells}
  assert sum(len(r) for r in ran) == len(cells)
  assert sorted(p.name for p in (tmp_path / "split").glob("records-*.jsonl")) == [
      "records-shard0of3.jsonl", "records-shard1of3.jsonl", "records-shard2of3.jsonl"]
  merged = load_records(tmp_path / "split")
  assert [r["id"] for r in merged] == [c.id for c in cells]  # Grid order, whatever the shard.
  assert [r["shard"] for r in merged] == [[i % 3, 3] for i in range(8)]
  assert _deterministic(merged) == _deterministic(load_records(tmp_path / "whole"))
  # A different sharding of the same folder finds everything done.
  again = run_study(CellGrid("shards", tmp_path / "split", cells, _random_cell), shard_index=1, num_shards=2,
                    seed=1, tensorboard=False, log=_quiet)
  assert (again.done, again.skipped) == (0, 4)


def test_duplicate_records_across_shards_keep_the_first_with_a_warning(tmp_path, caplog):
  cells = _grid(2)
  run_study(CellGrid("dup", tmp_path, cells, _random_cell), seed=0, tensorboard=False, log=_quiet)
  original = records_path(tmp_path, 0, 1).read_text().splitlines()
  later = json.loads(original[0])
  later["result"] = {"k": -1}
  (tmp_path / "records-shard1of2.jsonl").write_text(json.dumps(later) + "\n")
  with caplog.at_level(logging.WARNING):
    records = load_records(tmp_path)
  assert [r["id"] for r in records] == [c.id for c in cells]
  assert records[0]["result"] == json.loads(original[0])["result"]  # shard0of1 comes first.
  assert "recorded twice" in caplog.text


@pytest.mark.parametrize("shard_index,num_shards,match", [(2, 2, "shard_index"), (-1, 2, "shard_index"),
                                                          (0, 0, "num_shards")])
def test_bad_shard_arguments_are_one_line_errors(tmp_path, shard_index, num_shards, match):
  study = CellGrid("s", tmp_path, _grid(3), _random_cell)
  with pytest.raises(AdvTfError, match=match) as info:
    run_study(study, shard_index=shard_index, num_shards=num_shards, log=_quiet)
  assert "\n" not in str(info.value)


# ---------------------------------------------------------------------------- corrupt / partial lines

def test_partial_trailing_line_is_ignored_and_never_corrupts_earlier_records(tmp_path, caplog):
  study = CellGrid("crash", tmp_path, _grid(5), _random_cell)
  run_study(study, max_cells=3, seed=2, tensorboard=False, log=_quiet)
  path = records_path(tmp_path, 0, 1)
  before = path.read_bytes()
  full = json.loads(before.splitlines()[0])
  full.update(id=study.cells[3].id, name="k=3")
  with open(path, "ab") as f:  # What a crash in the middle of a write leaves.
    f.write(json.dumps(full).encode()[:57])
  with caplog.at_level(logging.WARNING):
    assert [r["id"] for r in load_records(tmp_path)] == [c.id for c in study.cells[:3]]
  assert "partial trailing line" in caplog.text

  summary = run_study(study, seed=2, tensorboard=False, log=_quiet)
  assert (summary.done, summary.skipped) == (2, 3)
  after = path.read_bytes()
  assert after.startswith(before)  # Earlier records byte for byte; the fragment is gone.
  assert [json.loads(line)["id"] for line in after.splitlines()] == [c.id for c in study.cells]
  reference = run_study(CellGrid("crash", tmp_path / "ref", _grid(5), _random_cell), seed=2, tensorboard=False,
                        log=_quiet)
  assert reference.done == 5
  assert _deterministic(load_records(tmp_path)) == _deterministic(load_records(tmp_path / "ref"))


def test_unparsable_line_in_the_middle_is_skipped_and_that_cell_rerun(tmp_path, caplog):
  study = CellGrid("garbage", tmp_path, _grid(3), _random_cell)
  run_study(study, max_cells=1, tensorboard=False, log=_quiet)
  with open(records_path(tmp_path, 0, 1), "ab") as f:
    f.write(b'{"id": "not json\n')
  run_study(study, max_cells=1, tensorboard=False, log=_quiet)
  with caplog.at_level(logging.WARNING):
    ids = [r["id"] for r in load_records(tmp_path)]
  assert ids == [c.id for c in study.cells[:2]]
  assert "not valid JSON" in caplog.text


def test_a_record_names_its_sitting_and_the_cpu_seconds_its_cell_took(tmp_path):
  """A long profile is computed over several sittings; each record says which one and what its cell cost, so a
  publication can total them even when the last process was stopped (adv_tf.report.publish)."""
  def busy(cell, ctx):  # burns at least 0.05 s of this process's CPU time
    start = process_time.cpu_seconds()
    while process_time.cpu_seconds() - start < 0.05:
      sum(i * i for i in range(10_000))
    return {"k": cell.config["k"]}

  run_study(CellGrid("busy", tmp_path, _grid(2), busy), tensorboard=False, log=_quiet)
  records = load_records(tmp_path)
  assert [r["sitting"] for r in records] == [process_time.SITTING] * 2
  assert all(r["cpu_seconds"] >= 0.05 for r in records)
  assert process_time.SITTING.split(" ")[1:3] == [records[0]["host"], "pid"]


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_kill"),
                    reason="Python runs signal handlers in the main thread only; pthread_kill is POSIX")
def test_a_stop_between_a_cells_return_and_its_record_takes_effect_after_the_record(tmp_path, monkeypatch):
  """Ctrl-C (or SIGTERM) arriving while the runner commits a computed cell (its artifacts renamed, its record
  appended) waits for the record: the cell is kept, and the run stops right after it. The signal is delivered to
  another thread, as a process-directed signal often is in a TensorFlow process (Python runs the handler in the
  main thread all the same); the main thread then sleeps, during which an undeferred handler would raise."""
  real_append = atomic.append_line
  idle = threading.Event()
  other = threading.Thread(target=idle.wait, args=(30,), daemon=True)
  other.start()

  def append_during_a_stop(path, line):
    signal.pthread_kill(other.ident, signal.SIGINT)   # Ctrl-C in the window
    for _ in range(10):
      time.sleep(0.05)   # the handler runs in the main thread by now: it must only note the stop
    real_append(path, line)
  monkeypatch.setattr(atomic, "append_line", append_during_a_stop)
  previous = signal.signal(signal.SIGINT, signal.default_int_handler)
  try:
    with pytest.raises(KeyboardInterrupt):
      run_study(CellGrid("stop", tmp_path, _grid(3), _random_cell), tensorboard=False, log=_quiet)
  finally:
    signal.signal(signal.SIGINT, previous)
    idle.set()
  assert [r["id"] for r in load_records(tmp_path)] == [_grid(3)[0].id]   # the first cell's record, then the stop
  assert signal.getsignal(signal.SIGINT) is previous


# --------------------------------------------------------------------------------------------- seeds

def test_identical_seeds_give_identical_records_and_other_seeds_differ(tmp_path):
  runs = {}
  for name, seed in (("a", 5), ("b", 5), ("c", 6)):
    run_study(CellGrid("seeds", tmp_path / name, _grid(4), _random_cell), seed=seed, tensorboard=False,
              log=_quiet)
    runs[name] = load_records(tmp_path / name)
  assert _deterministic(runs["a"]) == _deterministic(runs["b"])
  assert runs["a"][2]["result"]["vec"] == [0, 2, 4]
  for a, c in zip(runs["a"], runs["c"]):
    assert a["id"] == c["id"] and c["seed"] == 6
    assert a["result"]["py"] != c["result"]["py"] and a["result"]["own"] != c["result"]["own"]
  record = runs["a"][0]
  assert set(record) >= {"id", "name", "stage", "config", "result", "seconds", "started", "finished", "seed",
                         "versions", "host"}
  assert set(record["versions"]) >= {"python", "tensorflow", "keras", "numpy"}
  assert record["stage"] == "baseline" and runs["a"][1]["stage"] == "variant"


def test_rerun_with_another_seed_or_study_name_is_refused(tmp_path):
  run_study(CellGrid("first", tmp_path, _grid(2), _random_cell), seed=0, max_cells=1, tensorboard=False,
            log=_quiet)
  with pytest.raises(AdvTfError, match="--seed 0"):
    run_study(CellGrid("first", tmp_path, _grid(2), _random_cell), seed=1, tensorboard=False, log=_quiet)
  with pytest.raises(AdvTfError, match="study 'first'"):
    run_study(CellGrid("second", tmp_path, _grid(2), _random_cell), seed=0, tensorboard=False, log=_quiet)
  with pytest.raises(AdvTfError, match="study 'first'"):
    load_records(tmp_path, study_name="second")
  with pytest.raises(AdvTfError, match="no study output folder"):
    load_records(tmp_path / "missing")


# ------------------------------------------------------------------------------------------ artifacts

def test_failed_cell_leaves_no_record_and_no_artifacts(tmp_path):
  calls = []

  def run_cell(cell, ctx):
    atomic_save_npz(ctx.output_dir / "x.npz", x=np.arange(4))
    calls.append(cell.name)
    if cell.name == "k=1" and calls.count("k=1") == 1:
      raise RuntimeError("boom")
    return {"n": len(calls)}

  study = CellGrid("fail", tmp_path, _grid(3), run_cell)
  with pytest.raises(RuntimeError, match="boom"):
    run_study(study, tensorboard=False, log=_quiet)
  assert [r["name"] for r in load_records(tmp_path)] == ["k=0"]
  assert sorted(p.name for p in (tmp_path / "cells").iterdir()) == [study.cells[0].id]
  assert json.loads((tmp_path / "progress-shard0of1.json").read_text())["state"] == "failed"
  # A folder left by a crash between publishing artifacts and writing the record is replaced.
  stale = tmp_path / "cells" / study.cells[2].id
  stale.mkdir()
  (stale / "stale.txt").write_text("from a crashed attempt")
  summary = run_study(study, tensorboard=False, log=_quiet)
  assert (summary.done, summary.skipped) == (2, 1)
  assert sorted(p.name for p in stale.iterdir()) == ["x.npz"]
  records = load_records(tmp_path)
  assert [r["artifacts"] for r in records] == [f"cells/{c.id}" for c in study.cells]
  with np.load(tmp_path / records[1]["artifacts"] / "x.npz") as data:
    np.testing.assert_array_equal(data["x"], np.arange(4))


def test_atomic_writes_leave_old_content_on_failure(tmp_path, monkeypatch):
  target = tmp_path / "sub" / "report.txt"
  atomic_write_text(target, "v1")
  assert target.read_text() == "v1"

  def fail(*_):
    raise OSError("disk full")

  monkeypatch.setattr(os, "replace", fail)
  with pytest.raises(OSError):
    atomic_write_text(target, "v2")
  monkeypatch.undo()
  assert target.read_text() == "v1"
  assert sorted(p.name for p in target.parent.iterdir()) == ["report.txt"]


# ------------------------------------------------------------------------------- progress, limits, tb

def test_progress_lines_max_cells_and_pending(tmp_path):
  lines = []
  study = CellGrid("progress", tmp_path, _grid(4), _random_cell)
  summary = run_study(study, max_cells=3, tensorboard=False, log=lines.append)
  assert (summary.done, summary.remaining, summary.total) == (3, 1, 4)
  done_lines = [line for line in lines if "done in" in line]
  assert len(done_lines) == 3
  assert re.fullmatch(r"\[1/4\] k=0 \.\.\. done in \d+\.\d s; ETA \d+\.\d s", done_lines[0])
  assert re.fullmatch(r"\[3/4\] k=2 \.\.\. done in \d+\.\d s", done_lines[2])
  progress = json.loads((tmp_path / "progress-shard0of1.json").read_text())
  assert (progress["state"], progress["done_now"], progress["total"]) == ("stopped", 3, 4)
  assert [c.name for c in pending_cells(study)] == ["k=3"]
  summary = run_study(study, stop_after=0.0, tensorboard=False, log=lines.append)
  assert (summary.done, summary.remaining) == (0, 1)


def test_throttled_log_passes_each_trainings_first_epoch_then_one_line_per_interval(tmp_path):
  from adv_tf.experiment import runner
  clock = iter([100.0, 100.5, 159.9, 160.0, 160.1, 170.0, 171.0, 172.0, 400.0])
  lines = []
  ctx = runner.CellContext(cell=Cell("k=0", {"k": 0}), study_name="s", study_output_dir=tmp_path,
                           output_dir=tmp_path, final_dir=tmp_path, tensorboard_dir=tmp_path, seed=0,
                           log_fn=lines.append)
  log = runner.throttled(ctx.log, 60.0, clock=lambda: next(clock))
  for msg in ["epoch 1/9", "epoch 2/9", "epoch 3/9", "epoch 4/9", "epoch 5/9",
              "stopped after epoch 5: the training loss is not finite",   # not an epoch line: always
              "epoch 1/3",                                                 # a second training begins: always
              "epoch 2/3", "epoch 3/3"]:
    log(msg)
  assert lines == ["    [k=0] epoch 1/9", "    [k=0] epoch 4/9", "    [k=0] stopped after epoch 5: the training "
                   "loss is not finite", "    [k=0] epoch 1/3", "    [k=0] epoch 3/3"]
  # The context's own throttle: a later epoch line right after the first is dropped.
  lines.clear()
  own = ctx.throttled_log(60.0)
  own("epoch 1/2")
  own("epoch 2/2")
  assert lines == ["    [k=0] epoch 1/2"]


def test_tensorboard_summaries_per_cell(tmp_path):
  tf = pytest.importorskip("tensorflow")

  def run_cell(cell, ctx):
    for step in range(3):
      ctx.scalar("train/loss", 1.0 / (step + 1), step=step)
    return {"accuracy": 0.5 + cell.config["k"] / 10, "nested": {"eps": 0.3}, "label": "text"}

  cells = [Cell("pool size=6/x", {"k": 1}), Cell("k=2", {"k": 2})]
  run_study(CellGrid("tb", tmp_path, cells, run_cell), log=_quiet)
  runs = sorted(p.name for p in (tmp_path / "tensorboard").iterdir())
  assert runs == sorted([f"pool_size=6_x_{cells[0].id}", f"k=2_{cells[1].id}"])
  tags = {}
  for event_file in (tmp_path / "tensorboard" / f"k=2_{cells[1].id}").glob("events.out.tfevents.*"):
    for event in tf.compat.v1.train.summary_iterator(str(event_file)):
      for value in event.summary.value:
        assert value.metadata.plugin_data.plugin_name == "scalars"
        tags.setdefault(value.tag, []).append(float(tf.make_ndarray(value.tensor)))
  assert tags["result/accuracy"] == [pytest.approx(0.7)]
  assert tags["result/nested/eps"] == [pytest.approx(0.3)]
  assert tags["train/loss"] == pytest.approx([1.0, 0.5, 1 / 3])
  assert "cell/seconds" in tags and "result/label" not in tags


def test_a_failing_summary_never_loses_a_computed_cell(tmp_path, monkeypatch, caplog):
  from adv_tf.experiment import runner

  def broken(*_):
    raise RuntimeError("no event writer")

  monkeypatch.setattr(runner, "_write_result_summaries", broken)
  with caplog.at_level(logging.WARNING):
    summary = run_study(CellGrid("tbfail", tmp_path, _grid(2), _random_cell), log=_quiet)
  assert summary.done == 2 and len(load_records(tmp_path)) == 2
  assert "could not write TensorBoard summaries" in caplog.text
