"""A generic, resumable runner for studies: grids of cells, one record per finished cell.

A `CellGrid` is a list of `Cell`s (one cell = one configuration to evaluate, e.g. one LeNet variant of paper
002 Table 2) and a `run_cell(cell, ctx) -> dict` function. `run_study` runs the cells of one shard that
have no record yet and appends one record per finished cell to `<output_dir>/records-shard<k>of<n>.jsonl`.

A record (one JSON line, keys sorted; NaN/inf written as Python's json does) holds:
  id, name, stage, index (position in the grid), config, result (run_cell's return value), seconds (wall),
  cpu_seconds (the process's user + system CPU seconds during the cell, TensorFlow's threads and waited-for
  children included; since 2026-12-07), sitting (the process that computed it: when it imported
  `adv_tf.utils.process_time`, its host and pid; since 2026-12-07), started, finished (UTC ISO-8601), seed,
  study, shard ([k, n]), artifacts ("cells/<id>" or null),
  versions ({python, tensorflow, keras, numpy, tensorflow_datasets, adv_tf, onednn}), git ({commit, dirty} or
  null), host, format.
Console: "[3/14] pool_size=6 ... done in 42.1 s; ETA 6 min" per cell (ETA = mean seconds of the cells
done in this call x cells left in it); `<output_dir>/progress-shard<k>of<n>.json` says the same for
scripts (state running/finished/stopped/failed/interrupted, current cell, ETA).

Crash safety (Ctrl-C, kill -9, power loss):
  * A record is one JSON line written with a single `write` + `fsync` (see `atomic.append_line`); a line
    cut short by a crash is ignored on reading and truncated before the next append, so earlier records
    are never touched. A cell without a record is simply run again; a cell with one is never rerun.
  * Artifacts: `ctx.output_dir` is a temporary folder `<output_dir>/cells/.partial-<id>/`. After
    `run_cell` returns, its files are fsynced, it is renamed to `<output_dir>/cells/<id>/` and only then
    the record is appended. Rule: `cells/<id>/` is valid only if a record with that id exists; a folder
    left by a crash between the rename and the record is replaced when the cell runs again, and stale
    `.partial-*` folders are deleted before a cell (re)starts.
  * TensorBoard events of an interrupted attempt are deleted before the cell runs again, so curves never
    show two attempts.
  * Each shard's records file is guarded by an exclusive lock (`.lock-shard<k>of<n>`, released by the OS
    when its process dies): a second process running the same shard into the same folder waits for the
    first (up to `lock_timeout`) and then skips what it recorded, so no cell is computed twice.

Determinism: before each cell the runner reseeds Python's `random`, NumPy's global generator and, when
already imported, TensorFlow/Keras with the run's `seed`, so a cell gives the same result whether it
runs first, after others, or after a resume. Same seed -> identical "result" (given a deterministic
`run_cell`). Records from one folder must share a seed: rerunning with another seed is an error.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import hashlib
import json
import logging
import math
import os
import pathlib
import random
import re
import shutil
import signal
import sys
import threading
import time
from typing import Any, Callable, Mapping, Optional, Sequence

from adv_tf.errors import AdvTfError
from adv_tf.experiment import records as records_lib
from adv_tf.experiment import summaries
from adv_tf.experiment.cell_ids import cell_id
from adv_tf.experiment.record_schema import RecordCheck
from adv_tf.utils import atomic, process_time, provenance
from adv_tf.utils.jsonable import to_jsonable

logger = logging.getLogger(__name__)

@dataclasses.dataclass(frozen=True)
class Cell:
  """One point of a study's grid.

  Attributes:
    name: human label, e.g. "pool_size=6"; used in progress lines and TensorBoard run names.
    config: JSON-serialisable full configuration; it alone defines the cell's id.
    stage: optional grouping, e.g. "baseline", "variant", "secure".
  """
  name: str
  config: Mapping
  stage: str = "main"

  def __post_init__(self):
    if not isinstance(self.name, str) or not self.name:
      raise AdvTfError(f"cell name must be a non-empty string, got {self.name!r}")
    if not isinstance(self.config, Mapping):
      raise AdvTfError(f"cell {self.name!r}: config must be a mapping, got {type(self.config).__name__}")
    _ = self.id  # Validates the config (JSON-serialisable) early.

  @functools.cached_property
  def id(self) -> str:
    """`cell_id(self.config)`."""
    return cell_id(self.config)

  def __hash__(self):
    return hash((self.id, self.name, self.stage))


@dataclasses.dataclass
class CellGrid:
  """A named grid of cells and the function that computes one cell.

  Attributes:
    name: study name; stored in `<output_dir>/study.json` and in every record.
    output_dir: folder for records, artifacts, TensorBoard events and progress.
    cells: the grid, in run order. Ids must be unique.
    run_cell: `(cell, ctx) -> result`, a JSON-able dict (NumPy scalars/arrays, tuples and dataclasses are
      converted); it becomes the record's "result".
    check_record: record -> None, or why it is damaged (`record_schema.ResultSchema.problem`): a damaged record
      does not count as done; `run_study` drops it from its shard's file and runs its cell again.
  """
  name: str
  output_dir: Any
  cells: Sequence[Cell]
  run_cell: Callable[[Cell, "CellContext"], dict]
  check_record: Optional[RecordCheck] = None


@dataclasses.dataclass
class RunSummary:
  """What one `run_study` call did.

  Attributes:
    done: cells computed (and recorded) by this call.
    skipped: cells of this shard that already had a record.
    total: cells in this shard.
    seconds: wall time of this call.
    remaining: cells of this shard still without a record (left by max_cells / stop_after).
    study_total: cells in the whole grid.
    shard_index, num_shards: the shard that ran.
    ran_ids: ids computed by this call, in order.
  """
  done: int
  skipped: int
  total: int
  seconds: float
  remaining: int = 0
  study_total: int = 0
  shard_index: int = 0
  num_shards: int = 1
  ran_ids: list = dataclasses.field(default_factory=list)


class CellContext:
  """What `run_cell` gets besides its cell.

  Attributes:
    output_dir: this cell's artifact folder (a temporary folder published as `<output_dir>/cells/<id>/`
      when the record is committed; see the module docstring). Write big arrays/PNGs here, ideally with
      `adv_tf.utils.atomic`; refer to them in the result by path relative to `final_dir`.
    final_dir: where the artifacts will live once the cell is recorded.
    tensorboard_dir: `<study output_dir>/tensorboard/<cell name>_<id>`.
    seed: the run's seed (the --seed flag); the runner has already reseeded global generators with it.
    cell_seed: a seed derived from (seed, cell id), for cells that want independent streams per cell.
    cell, study_name, study_output_dir: for reference.
  """

  def __init__(self, *, cell: Cell, study_name: str, study_output_dir: pathlib.Path, output_dir: pathlib.Path,
               final_dir: pathlib.Path, tensorboard_dir: pathlib.Path, seed: int,
               log_fn: Callable[[str], None]):
    self.cell = cell
    self.study_name = study_name
    self.study_output_dir = study_output_dir
    self.output_dir = output_dir
    self.final_dir = final_dir
    self.tensorboard_dir = tensorboard_dir
    self.seed = seed
    self.cell_seed = derive_seed(seed, cell.id)
    self._log_fn = log_fn
    self._writer = None

  @property
  def summary_writer(self):
    """A `tf.summary` file writer for `tensorboard_dir` (created on first use; imports TensorFlow).

    Note: `tf.summary.scalar` needs the `tensorboard` package; `ctx.scalar` does not.
    """
    if self._writer is None:
      import tensorflow as tf  # Lazy: studies that never log summaries do not pay for the import.
      self.tensorboard_dir.mkdir(parents=True, exist_ok=True)
      self._writer = tf.summary.create_file_writer(str(self.tensorboard_dir))
    return self._writer

  def scalar(self, tag: str, value: float, step: int = 0) -> None:
    """Writes a scalar to this cell's TensorBoard run (works without the `tensorboard` package)."""
    summaries.write_scalar(tag, value, step, writer=self.summary_writer)

  def log(self, msg: str) -> None:
    """Prints one progress line prefixed with the cell's name."""
    self._log_fn(f"    [{self.cell.name}] {msg}")

  def throttled_log(self, min_seconds: float = 60.0) -> Callable[[str], None]:
    """This cell's `log`, `throttled` (e.g. for `train_model`'s `on_epoch`, one line per epoch)."""
    return throttled(self.log, min_seconds)

  def close(self) -> None:
    if self._writer is not None:
      self._writer.flush()
      self._writer.close()


def _routine_epoch_line(msg: str) -> bool:
  """A training's later epoch line (`train_model`'s and the Keras callbacks' "epoch k/N: ...", k > 1)."""
  return msg.startswith("epoch ") and not msg.startswith("epoch 1/")


def throttled(log: Callable[[str], None], min_seconds: float = 60.0, *,
              clock: Callable[[], float] = time.monotonic) -> Callable[[str], None]:
  """`log` for training progress (`train_model`'s `on_epoch`, one line per epoch): a later epoch's line ("epoch
  k/N", k > 1) is passed on only when at least `min_seconds` have passed since the last line passed; every other
  line always (each training's first epoch, so a second training in the same cell shows that it began; a
  divergence or other message), so that a long training shows progress and one of hundreds of tiny epochs does
  not flood the log. The caller logs the training's outcome (its last epoch line may be dropped)."""
  last = [-math.inf]

  def log_throttled(msg: str) -> None:
    now = clock()
    if _routine_epoch_line(msg) and now - last[0] < min_seconds:
      return
    last[0] = now
    log(msg)
  return log_throttled


def derive_seed(seed: int, cid: str) -> int:
  """A 31-bit seed from (seed, cell id), stable across processes."""
  digest = hashlib.sha256(f"{int(seed)}:{cid}".encode()).digest()
  return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def seed_everything(seed: int) -> None:
  """Seeds `random`, NumPy's global generator and (if already imported) TensorFlow and Keras."""
  random.seed(seed)
  if "numpy" in sys.modules:
    sys.modules["numpy"].random.seed(seed % (1 << 32))
  if "keras" in sys.modules:
    sys.modules["keras"].utils.set_random_seed(seed)
  elif "tensorflow" in sys.modules:
    sys.modules["tensorflow"].random.set_seed(seed)


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))


@contextlib.contextmanager
def defer_stop_signals():
  """Ctrl-C (SIGINT) and SIGTERM that arrive during the block take effect when it ends: their Python handlers are
  swapped for one that notes the signal, then restored, and the first noted signal's handler is called (raising
  KeyboardInterrupt, or `cli.Terminated`). Done at the handler level, not with a thread's signal mask: a process-
  directed signal reaches whichever thread does not block it (TensorFlow's threads), and Python runs its handler in
  the main thread anyway. When the block raises, its error propagates and a noted stop is only logged. Handlers
  that are not Python callables (ignored, default, set from C) are left alone; only in the main thread."""
  if threading.current_thread() is not threading.main_thread():
    yield
    return
  noted: list = []
  previous = {}
  for signum in STOP_SIGNALS:
    handler = signal.getsignal(signum)
    if callable(handler):
      previous[signum] = handler
      signal.signal(signum, lambda s, frame: noted.append((s, frame)))

  def restore():
    for signum, handler in previous.items():
      signal.signal(signum, handler)
  try:
    yield
  except BaseException:
    restore()
    if noted:
      logger.warning("a stop (signal %d) arrived while a cell was being recorded and failed; the error is raised",
                     noted[0][0])
    raise
  restore()
  if noted:
    signum, frame = noted[0]
    previous[signum](signum, frame)


def _utc_now() -> str:
  return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def format_duration(seconds: float) -> str:
  """42.1 s / 6 min / 1.5 h."""
  if not math.isfinite(seconds):
    return "?"
  if seconds < 90:
    return f"{seconds:.1f} s"
  if seconds < 90 * 60:
    return f"{seconds / 60:.0f} min"
  return f"{seconds / 3600:.1f} h"


_UNSAFE = re.compile(r"[^A-Za-z0-9._=+,-]+")


def tensorboard_run_name(cell: Cell) -> str:
  """`<cell name>_<id>` with characters unsafe in paths replaced by "_"."""
  return f"{_UNSAFE.sub('_', cell.name).strip('._')[:80] or 'cell'}_{cell.id}"


def validate_shard(shard_index: int, num_shards: int) -> None:
  """Raises AdvTfError for num_shards < 1 or shard_index outside [0, num_shards)."""
  if not isinstance(num_shards, int) or isinstance(num_shards, bool) or num_shards < 1:
    raise AdvTfError(f"--num_shards must be an integer >= 1, got {num_shards!r}")
  if (not isinstance(shard_index, int) or isinstance(shard_index, bool)
      or not 0 <= shard_index < num_shards):
    raise AdvTfError(f"--shard_index must be in [0, {num_shards - 1}] for --num_shards={num_shards}, "
                     f"got {shard_index!r}")


def shard_cells(cells: Sequence[Cell], shard_index: int, num_shards: int) -> list[tuple[int, Cell]]:
  """(grid index, cell) pairs of one shard: cells whose grid index % num_shards == shard_index."""
  validate_shard(shard_index, num_shards)
  return [(i, c) for i, c in enumerate(cells) if i % num_shards == shard_index]


def _check_unique(cells: Sequence[Cell]) -> None:
  seen: dict[str, str] = {}
  for cell in cells:
    if not isinstance(cell, Cell):
      raise AdvTfError(f"study cells must be adv_tf.experiment.Cell objects, got {type(cell).__name__}")
    if cell.id in seen:
      raise AdvTfError(f"cells {seen[cell.id]!r} and {cell.name!r} have the same config (id {cell.id}); "
                       "every cell of a study needs a distinct config")
    seen[cell.id] = cell.name


def pending_cells(study: CellGrid, *, shard_index: int = 0, num_shards: int = 1) -> list[Cell]:
  """Cells of a shard that have no record yet in the study's output folder."""
  folder = pathlib.Path(study.output_dir).expanduser()
  done = ({r["id"] for r in records_lib.load_records(folder, check=study.check_record)} if folder.is_dir()
          else set())
  return [c for _, c in shard_cells(study.cells, shard_index, num_shards) if c.id not in done]


@contextlib.contextmanager
def _shard_lock(path: pathlib.Path, shard_index: int, num_shards: int, timeout: Optional[float],
                log_fn: Callable[[str], None]):
  """Exclusive lock on the shard's lock file (released by the OS if the process dies).

  Waits up to `timeout` seconds (None: for as long as it takes, 0: not at all) while another process
  runs the same shard into the same folder, then raises AdvTfError.
  """
  try:
    import fcntl
  except ImportError:  # Windows: no advisory locks; running a shard twice at once is then the user's job.
    yield
    return
  fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
  try:
    t0 = time.monotonic()
    announced = False
    while True:
      try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        break
      except OSError:
        pass
      holder = ""
      with contextlib.suppress(OSError):
        holder = pathlib.Path(path).read_text().strip()
      waited = time.monotonic() - t0
      if timeout is not None and waited >= timeout:
        raise AdvTfError(f"shard {shard_index} of {num_shards} is already running into this --output_dir "
                         f"({holder or 'lock ' + str(path)}); wait for it or run another shard") from None
      if not announced:
        log_fn(f"shard {shard_index} of {num_shards} is being run by another process ({holder or '?'}); "
               "waiting for it, then cells it recorded are skipped")
        announced = True
      time.sleep(0.2)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()} on {provenance.host()}\n".encode(), 0)
    try:
      yield
    finally:
      with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
      fcntl.flock(fd, fcntl.LOCK_UN)
  finally:
    os.close(fd)


def _flatten_scalars(value: Any, prefix: str) -> list[tuple[str, float]]:
  out = []
  if isinstance(value, Mapping):
    for key in sorted(value):
      out.extend(_flatten_scalars(value[key], f"{prefix}/{key}"))
  elif isinstance(value, (bool, int, float)):
    number = float(value)
    if math.isfinite(number):
      out.append((prefix, number))
  return out


def _write_result_summaries(ctx: CellContext, result: dict, seconds: float) -> None:
  ctx.scalar("cell/seconds", seconds)
  for tag, number in _flatten_scalars(result, "result"):
    ctx.scalar(tag, number)
  ctx.summary_writer.flush()


def _rmtree(path: pathlib.Path) -> None:
  if path.exists():
    shutil.rmtree(path)


class _Progress:
  """Console lines and `progress-shard<k>of<n>.json`."""

  def __init__(self, study: CellGrid, folder: pathlib.Path, shard_index: int, num_shards: int, total: int,
               skipped: int, todo: int, log_fn: Callable[[str], None]):
    self.study = study
    self.path = records_lib.progress_path(folder, shard_index, num_shards)
    self.shard = [shard_index, num_shards]
    self.total = total
    self.skipped = skipped
    self.todo = todo
    self.log_fn = log_fn
    self.durations: list[float] = []
    self.started = _utc_now()

  def eta(self) -> float:
    if not self.durations:
      return float("nan")
    return sum(self.durations) / len(self.durations) * (self.todo - len(self.durations))

  def position(self) -> int:
    return self.skipped + len(self.durations) + 1

  def write(self, state: str, current: Optional[Cell] = None) -> None:
    eta = self.eta()
    status = {
        "study": self.study.name, "shard": self.shard, "state": state, "total": self.total,
        "skipped": self.skipped, "done_now": len(self.durations), "to_do_now": self.todo,
        "current": None if current is None else {"name": current.name, "id": current.id, "since": _utc_now()},
        "eta_seconds": eta if math.isfinite(eta) else None, "started": self.started, "updated": _utc_now(),
        "pid": os.getpid(), "host": provenance.host(),
    }
    try:
      atomic.atomic_write_text(self.path, json.dumps(status, sort_keys=True, indent=1) + "\n")
    except OSError as e:  # Progress is a convenience; never fail a run for it.
      logger.warning("could not write %s: %s", self.path, e)


def run_study(study: CellGrid, *, shard_index: int = 0, num_shards: int = 1, seed: int = 0,
              max_cells: Optional[int] = None, only_cells: Optional[Callable[[str], bool]] = None,
              stop_after: Optional[float] = None, tensorboard: bool = True, reseed: bool = True,
              lock_timeout: Optional[float] = None, log: Optional[Callable[[str], None]] = None) -> RunSummary:
  """Runs the cells of one shard that have no record yet, appending one record per finished cell.

  Args:
    study: the grid and its `run_cell`.
    shard_index, num_shards: run cells whose grid index % num_shards == shard_index.
    seed: the run's seed (--seed): passed as `ctx.seed`, stored in records, used to reseed global RNGs
      before each cell. A folder's records must all share one seed.
    max_cells: compute at most this many cells in this call (None: all); skipped cells do not count.
    only_cells: compute only the pending cells whose name it accepts (--only_cells; None: every one); the others
      stay pending, as with max_cells, which then counts among the accepted ones.
    stop_after: wall-clock budget in seconds: no new cell starts once it is used up (a running cell
      finishes). None: no budget.
    tensorboard: also write "cell/seconds" and every finite numeric leaf of the result as scalars to
      the cell's TensorBoard run (imports TensorFlow). `ctx.summary_writer` works either way.
    reseed: reseed global generators with `seed` before each cell.
    lock_timeout: when another process is running the same shard into the same folder, wait this many
      seconds for it (None: until it ends, 0: fail at once); cells it recorded are then skipped. This lets
      several shards run the same unsharded prerequisite study: the first computes, the others reuse.
    log: callable for console lines (default: print to stdout, flushed).

  Returns:
    RunSummary.

  Raises:
    AdvTfError: bad shard arguments, duplicate cell configs, an output folder of another study or with
      records of another seed, a shard already running, a result that is not JSON-able.
    Whatever `run_cell` raises (the cell is then not recorded and its partial artifacts are deleted).
  """
  t_start = time.monotonic()
  log_fn = log or (lambda line: print(line, flush=True))
  validate_shard(shard_index, num_shards)
  if max_cells is not None and (not isinstance(max_cells, int) or max_cells < 0):
    raise AdvTfError(f"--max_cells must be a non-negative integer, got {max_cells!r}")
  if not isinstance(seed, int) or isinstance(seed, bool):
    raise AdvTfError(f"--seed must be an integer, got {seed!r}")
  if not study.name or not isinstance(study.name, str):
    raise AdvTfError("a study needs a non-empty name")
  _check_unique(study.cells)
  folder = pathlib.Path(study.output_dir).expanduser()
  records_lib.claim_output_dir(folder, study.name)
  cells_dir = folder / "cells"
  tb_root = folder / "tensorboard"
  path = records_lib.records_path(folder, shard_index, num_shards)
  mine = shard_cells(study.cells, shard_index, num_shards)

  lock_path = folder / f".lock-shard{shard_index}of{num_shards}"
  with _shard_lock(lock_path, shard_index, num_shards, lock_timeout, log_fn):
    removed = atomic.repair_trailing_line(path)
    if removed:
      logger.warning("%s: removed a partial trailing line (%d bytes) left by an interrupted run",
                     path, len(removed))
    records_lib.drop_damaged_lines(path, study.check_record)
    existing = records_lib.load_records(folder, study_name=study.name, check=study.check_record)
    other_seeds = sorted({r.get("seed") for r in existing if r.get("seed") != seed}, key=repr)
    if other_seeds:
      raise AdvTfError(f"--output_dir {os.fspath(folder)} holds records made with --seed "
                       f"{', '.join(map(repr, other_seeds))}; rerun with that seed or choose another "
                       "--output_dir")
    done_ids = {r["id"] for r in existing}
    todo = [(i, c) for i, c in mine if c.id not in done_ids]
    skipped = len(mine) - len(todo)
    picked = todo if only_cells is None else [(i, c) for i, c in todo if only_cells(c.name)]
    todo_now = picked if max_cells is None else picked[:max_cells]
    progress = _Progress(study, folder, shard_index, num_shards, len(mine), skipped, len(todo_now), log_fn)
    shard_note = f" shard {shard_index}/{num_shards}:" if num_shards > 1 else ""
    chosen_note = "" if only_cells is None else f" (--only_cells: {len(picked)} of {len(todo)} pending cells match)"
    log_fn(f"study {study.name}:{shard_note} {len(mine)} cells, {skipped} already recorded, "
           f"{len(todo_now)} to run now{chosen_note} -> {folder}")
    ran_ids: list[str] = []
    state = "finished"
    try:
      for index, cell in todo_now:
        if stop_after is not None and time.monotonic() - t_start >= stop_after:
          log_fn(f"stop_after={stop_after} s used up; {len(todo) - len(ran_ids)} cells left for a rerun")
          state = "stopped"
          break
        position = progress.position()
        log_fn(f"[{position}/{len(mine)}] {cell.name} ({cell.stage}, id {cell.id}) ...")
        progress.write("running", cell)
        with contextlib.ExitStack() as commit:  # from the cell's return to its record: Ctrl-C / SIGTERM wait
          record = _run_one(study, index, cell, folder, cells_dir, tb_root, seed, shard_index, num_shards,
                            tensorboard, reseed, log_fn, commit)
          atomic.repair_trailing_line(path)
          atomic.append_line(path, json.dumps(record, sort_keys=True, allow_nan=True))
          ran_ids.append(cell.id)
          progress.durations.append(record["seconds"])
          eta = progress.eta()
          eta_text = f"; ETA {format_duration(eta)}" if len(ran_ids) < len(todo_now) else ""
          log_fn(f"[{position}/{len(mine)}] {cell.name} ... done in {record['seconds']:.1f} s{eta_text}")
      else:
        if len(todo_now) < len(todo):
          state = "stopped"
    except KeyboardInterrupt:
      state = "interrupted"
      raise
    except BaseException:
      state = "failed"
      raise
    finally:
      progress.write(state)

  seconds = time.monotonic() - t_start
  summary = RunSummary(done=len(ran_ids), skipped=skipped, total=len(mine), seconds=seconds,
                       remaining=len(todo) - len(ran_ids), study_total=len(study.cells),
                       shard_index=shard_index, num_shards=num_shards, ran_ids=ran_ids)
  log_fn(f"study {study.name}:{shard_note} ran {summary.done}, skipped {summary.skipped}, "
         f"{summary.remaining} left, in {format_duration(seconds)}")
  return summary


def _run_one(study: CellGrid, index: int, cell: Cell, folder: pathlib.Path, cells_dir: pathlib.Path,
             tb_root: pathlib.Path, seed: int, shard_index: int, num_shards: int, tensorboard: bool,
             reseed: bool, log_fn: Callable[[str], None], commit: Optional[contextlib.ExitStack] = None) -> dict:
  """Runs one cell, publishes its artifacts and returns its record (not yet appended). `commit`: once the cell has
  returned, Ctrl-C and SIGTERM are deferred (`defer_stop_signals`) until that stack closes, after the caller has
  appended the record, so that a stop in between does not throw a computed cell away; a stop then waits for the
  cell's TensorBoard summaries, the fsync of its artifacts and its record (seconds, not the cell)."""
  partial_dir = cells_dir / f".partial-{cell.id}"
  final_dir = cells_dir / cell.id
  tb_dir = tb_root / tensorboard_run_name(cell)
  _rmtree(partial_dir)  # Leftovers of an interrupted attempt.
  _rmtree(tb_dir)
  partial_dir.mkdir(parents=True)
  ctx = CellContext(cell=cell, study_name=study.name, study_output_dir=folder, output_dir=partial_dir,
                    final_dir=final_dir, tensorboard_dir=tb_dir, seed=seed, log_fn=log_fn)
  if reseed:
    seed_everything(seed)
  started = _utc_now()
  t0 = time.monotonic()
  cpu0 = process_time.cpu_seconds()
  try:
    try:
      result = study.run_cell(cell, ctx)
    except BaseException as e:
      if not isinstance(e, KeyboardInterrupt):
        log_fn(f"    [{cell.name}] failed: {type(e).__name__}: {e}")
      raise
    if commit is not None:
      commit.enter_context(defer_stop_signals())
    seconds = time.monotonic() - t0
    cpu_seconds = process_time.cpu_seconds() - cpu0
    if result is None:
      result = {}
    result = to_jsonable(result, f"result of cell {cell.name!r}")
    if not isinstance(result, dict):
      raise AdvTfError(f"run_cell must return a dict for cell {cell.name!r}, got {type(result).__name__}")
    if tensorboard:
      try:
        _write_result_summaries(ctx, result, seconds)
      except Exception as e:  # pylint: disable=broad-except  # Never lose a computed cell to a summary.
        logger.warning("cell %s: could not write TensorBoard summaries: %s", cell.name, e)
  except BaseException:
    ctx.close()
    _rmtree(partial_dir)
    raise
  ctx.close()
  finished = _utc_now()
  has_artifacts = any(partial_dir.iterdir())
  if has_artifacts:
    atomic.fsync_tree(partial_dir)
    _rmtree(final_dir)  # Unrecorded leftovers of a crash between rename and record.
    os.replace(partial_dir, final_dir)
    atomic._fsync_dir(cells_dir)  # pylint: disable=protected-access
  else:
    partial_dir.rmdir()
  return {
      "id": cell.id, "name": cell.name, "stage": cell.stage, "index": index,
      "config": to_jsonable(cell.config, "config"), "result": result, "seconds": round(seconds, 3),
      "cpu_seconds": round(cpu_seconds, 3), "sitting": process_time.SITTING,
      "started": started, "finished": finished, "seed": seed, "study": study.name,
      "shard": [shard_index, num_shards],
      "artifacts": f"cells/{cell.id}" if has_artifacts else None,
      "versions": provenance.versions(), "git": provenance.git_revision(), "host": provenance.host(),
      "format": records_lib.FORMAT_VERSION,
  }
