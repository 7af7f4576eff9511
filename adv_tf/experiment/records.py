"""Record files of a study's output directory: naming, crash-tolerant reading, merging shards.

Layout of `<output_dir>`:

    study.json                       {"study": name, "format": 1}: which study owns the folder
    records-shard<k>of<n>.jsonl      one JSON object per line = one finished cell, appended atomically
    progress-shard<k>of<n>.json      live status of the run of shard k (atomically rewritten)
    cells/<id>/                      artifacts of a finished cell (valid only if a record has that id)
    tensorboard/<name>_<id>/         tf.summary event files per cell

Every shard appends only to its own records file, under an exclusive lock, so shards running at the same
time (same folder) or on different machines (copy their files into one folder afterwards) never write
the same file. `load_records` merges all shard files of a folder, whatever `num_shards` produced them.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import pathlib
import re
from typing import Iterable, Optional

from adv_tf.errors import AdvTfError
from adv_tf.experiment.record_schema import RecordCheck
from adv_tf.utils.atomic import atomic_write_text, read_complete_lines

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
STUDY_FILE = "study.json"
_RECORDS_RE = re.compile(r"^records-shard(\d+)of(\d+)\.jsonl$")


def records_path(output_dir, shard_index: int, num_shards: int) -> pathlib.Path:
  """`<output_dir>/records-shard<k>of<n>.jsonl`."""
  return pathlib.Path(output_dir) / f"records-shard{shard_index}of{num_shards}.jsonl"


def progress_path(output_dir, shard_index: int, num_shards: int) -> pathlib.Path:
  """`<output_dir>/progress-shard<k>of<n>.json`."""
  return pathlib.Path(output_dir) / f"progress-shard{shard_index}of{num_shards}.json"


def record_files(output_dir) -> list[pathlib.Path]:
  """All shard record files of a folder, in a deterministic order (by num_shards, then shard index)."""
  folder = pathlib.Path(output_dir)
  found = []
  for path in folder.iterdir() if folder.is_dir() else ():
    match = _RECORDS_RE.match(path.name)
    if match and path.is_file():
      found.append((int(match.group(2)), int(match.group(1)), path))
  return [path for _, _, path in sorted(found)]


# (path, line) pairs already warned about in this process: a damaged line is reported once, not by every reader.
_WARNED: set[tuple[str, str]] = set()


def _warn_once(path, line: str, message: str, *args) -> None:
  key = (os.fspath(path), line)
  if key not in _WARNED:
    _WARNED.add(key)
    logger.warning(message, *args)


def _line_problem(line: str, check: Optional[RecordCheck]) -> tuple[Optional[dict], Optional[str]]:
  """(the record of one line, None) or (None, why the line is not a usable record)."""
  try:
    record = json.loads(line)
  except ValueError:
    return None, "not valid JSON"
  if not isinstance(record, dict) or not isinstance(record.get("id"), str):
    return None, "not a record (no string 'id')"
  reason = check(record) if check is not None else None
  return (None, f"a damaged record: {reason}") if reason else (record, None)


def read_record_file(path, check: Optional[RecordCheck] = None) -> list[dict]:
  """Reads one records file; skips (with one warning per line and process) a partial trailing line, unparsable
  lines and, with `check` (record -> reason or None; see record_schema.py), damaged records."""
  lines, partial = read_complete_lines(path)
  if partial.strip():
    logger.warning("%s: ignoring a partial trailing line (%d bytes) left by an interrupted run",
                   path, len(partial))
  records = []
  for number, line in enumerate(lines, start=1):
    if not line.strip():
      continue
    record, reason = _line_problem(line, check)
    if reason:
      _warn_once(path, line, "%s:%d: skipping a line that is %s; its cell counts as not done", path, number, reason)
      continue
    records.append(record)
  return records


def drop_damaged_lines(path, check: Optional[RecordCheck] = None) -> int:
  """Rewrites a records file (atomically) without its lines that are not usable records, so that later runs
  neither skip nor warn about them again; returns how many lines were dropped. The caller holds the file's
  shard lock (adv_tf.experiment.runner) and has repaired a partial trailing line."""
  path = pathlib.Path(path)
  if not path.is_file():
    return 0
  lines, partial = read_complete_lines(path)
  kept, dropped = [], 0
  for number, line in enumerate(lines, start=1):
    if not line.strip():
      continue
    _, reason = _line_problem(line, check)
    if reason:
      dropped += 1
      _warn_once(path, line, "%s:%d: skipping a line that is %s; its cell counts as not done", path, number, reason)
      logger.warning("%s:%d: dropped that line from the file; its cell runs again", path, number)
    else:
      kept.append(line)
  if dropped:
    atomic_write_text(path, "".join(f"{line}\n" for line in kept) + partial.decode("utf-8", errors="replace"))
  return dropped


def read_study_name(output_dir) -> str | None:
  """The study name stored in `<output_dir>/study.json`, or None when there is none yet."""
  path = pathlib.Path(output_dir) / STUDY_FILE
  try:
    meta = json.loads(path.read_text("utf-8"))
  except FileNotFoundError:
    return None
  except ValueError:
    raise AdvTfError(f"{path} is not valid JSON; delete it or choose another --output_dir") from None
  return meta.get("study")


def check_study_name(output_dir, study_name: str, records: Iterable[dict] = ()) -> None:
  """Raises AdvTfError when the folder (study.json or a record) belongs to another study."""
  owner = read_study_name(output_dir)
  if owner is None:
    owner = next((r.get("study") for r in records if r.get("study")), None)
  if owner is not None and owner != study_name:
    raise AdvTfError(f"--output_dir {os.fspath(output_dir)} holds records of study {owner!r}, not "
                     f"{study_name!r}; choose another --output_dir")


def claim_output_dir(output_dir, study_name: str) -> None:
  """Creates the folder and its study.json (atomically), or checks that it belongs to `study_name`."""
  folder = pathlib.Path(output_dir)
  if folder.exists() and not folder.is_dir():
    raise AdvTfError(f"--output_dir {os.fspath(folder)} exists and is not a folder; choose another one")
  folder.mkdir(parents=True, exist_ok=True)
  check_study_name(folder, study_name, _all_records(folder))
  if read_study_name(folder) is None:
    atomic_write_text(folder / STUDY_FILE,
                      json.dumps({"study": study_name, "format": FORMAT_VERSION}, sort_keys=True) + "\n")


def records_digest(records: Iterable[dict]) -> str:
  """sha256 over the records' canonical JSON lines (sorted keys, sorted lines: the order they were read in does not
  matter): what a report rests on, checked again by `make publish-results` against the records it copies
  (adv_tf.report.publish)."""
  lines = sorted(json.dumps(r, sort_keys=True, separators=(",", ":")) for r in records)
  return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _all_records(folder: pathlib.Path) -> list[dict]:
  out = []
  for path in record_files(folder):
    out.extend(read_record_file(path))
  return out


def load_records(output_dir, *, study_name: str | None = None, check: Optional[RecordCheck] = None) -> list[dict]:
  """All records of a study folder, merged over its shard files, one per cell id.

  Args:
    output_dir: the study's output folder.
    study_name: when given, raise AdvTfError if the folder belongs to another study.
    check: record -> None or why it is damaged (record_schema.py); damaged records are skipped (not done).

  Returns:
    Records sorted by their cell's position in the study grid ("index"), then id. When two files hold
    the same id (e.g. the grid was re-sharded while a shard was running), the first one in file order
    (`record_files`) and line order is kept, with a warning.
  """
  folder = pathlib.Path(output_dir).expanduser()
  if not folder.is_dir():
    raise AdvTfError(f"no study output folder at {os.fspath(folder)}; check --output_dir or run the study "
                     "first")
  by_id: dict[str, dict] = {}
  for path in record_files(folder):
    for record in read_record_file(path, check):
      if record["id"] in by_id:
        logger.warning("cell %s (%s) is recorded twice; keeping the first record, ignoring the one in %s",
                       record["id"], record.get("name"), path.name)
        continue
      by_id[record["id"]] = record
  records = list(by_id.values())
  if study_name is not None:
    check_study_name(folder, study_name, records)
  records.sort(key=lambda r: (r.get("index") if isinstance(r.get("index"), int) else 1 << 62, r["id"]))
  return records
