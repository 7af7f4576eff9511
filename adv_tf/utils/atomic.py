"""Crash-safe file writes shared by the runner, the model cache, reports and figures (the suite's one writer).

Two rules keep every output either complete or absent, whatever kills the process:

* Whole files (`atomic_write_text`, `atomic_write_bytes`, `atomic_save_npz`) are written to a temporary
  file in the same folder, flushed and fsynced, then moved over the destination with `os.replace`, which
  is atomic on POSIX and Windows when source and destination share a file system. A reader sees the old
  file or the new one, never a mix; a crash leaves at most a `.tmp-*` file beside it, never a half file.
* Append-only logs (`append_line`) get each line in one `os.write` of the full line (newline included)
  on an `O_APPEND` descriptor, then `fsync`. A crash can leave at most one partial *trailing* line,
  which `read_complete_lines` ignores and `repair_trailing_line` removes before the next append, so a
  partial line never glues itself onto the next record and never touches earlier lines.
"""
from __future__ import annotations

import io
import os
import pathlib
import tempfile
from typing import Callable, Union

PathLike = Union[str, "os.PathLike[str]"]


def _fsync_path(path) -> None:
  """fsyncs a file or folder by path; a no-op where it cannot be opened (e.g. folders on some systems)."""
  try:
    fd = os.open(path, os.O_RDONLY)
  except OSError:
    return
  try:
    os.fsync(fd)
  except OSError:
    pass
  finally:
    os.close(fd)


def _fsync_dir(folder: pathlib.Path) -> None:
  """Makes a rename or a file creation in `folder` durable."""
  _fsync_path(folder)


def fsync_dir(folder: PathLike) -> None:
  """Makes a rename, creation or removal of a file in `folder` durable."""
  _fsync_dir(pathlib.Path(folder))


def atomic_write_bytes(path: PathLike, data: bytes) -> pathlib.Path:
  """Writes `data` to `path` atomically (temp file in the same folder, fsync, os.replace).

  Creates missing parent folders. Returns the path.
  """
  path = pathlib.Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  fd, tmp = tempfile.mkstemp(prefix=f".tmp-{path.name}.", dir=path.parent)
  try:
    with os.fdopen(fd, "wb") as f:
      f.write(data)
      f.flush()
      os.fsync(f.fileno())
    os.replace(tmp, path)
  except BaseException:
    try:
      os.unlink(tmp)
    except OSError:
      pass
    raise
  _fsync_dir(path.parent)
  return path


def create_exclusive_text(path: PathLike, text: str, encoding: str = "utf-8") -> bool:
  """Creates `path` with `text` only if it does not exist yet; returns whether this call created it.

  The complete file appears at once or not at all (written to a temporary file, fsynced, then hard-linked
  to `path`, which fails when `path` exists), so of two processes creating it at the same moment exactly
  one wins and the other reads the winner's complete text. Local filesystems only (hard links).
  """
  path = pathlib.Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  fd, tmp = tempfile.mkstemp(prefix=f".tmp-{path.name}.", dir=path.parent)
  try:
    with os.fdopen(fd, "wb") as f:
      f.write(text.encode(encoding))
      f.flush()
      os.fsync(f.fileno())
    try:
      os.link(tmp, path)
    except FileExistsError:
      return False
  finally:
    os.unlink(tmp)
  _fsync_dir(path.parent)
  return True


def atomic_write_with(path: PathLike, write: Callable[[str], None], *, suffix: str = "") -> pathlib.Path:
  """Atomically publishes a file that a library writes by name (e.g. `model.save(tmp)`).

  `write(tmp_path)` writes a temporary file in the destination folder (`suffix` keeps the extension some
  writers insist on, e.g. ".keras"); it is then fsynced and moved over `path`. Returns the path.
  """
  path = pathlib.Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  fd, tmp = tempfile.mkstemp(prefix=f".tmp-{path.name}.", suffix=suffix, dir=path.parent)
  os.close(fd)
  try:
    write(tmp)
    _fsync_path(tmp)
    os.replace(tmp, path)
  finally:
    if os.path.exists(tmp):
      os.unlink(tmp)
  _fsync_dir(path.parent)
  return path


def atomic_write_text(path: PathLike, text: str, encoding: str = "utf-8") -> pathlib.Path:
  """Writes `text` to `path` atomically; see `atomic_write_bytes`."""
  return atomic_write_bytes(path, text.encode(encoding))


def atomic_save_npz(path: PathLike, *, compressed: bool = True, **arrays) -> pathlib.Path:
  """Saves named arrays as an .npz file atomically (the name is used as given; no suffix is added).

  Args:
    path: destination, conventionally ending in ".npz".
    compressed: use `np.savez_compressed` (default) or plain `np.savez`.
    **arrays: name -> array-like.
  """
  import numpy as np  # Imported lazily: the runner itself does not need numpy.
  buffer = io.BytesIO()
  (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
  return atomic_write_bytes(path, buffer.getvalue())


def append_line(path: PathLike, line: str) -> None:
  """Appends one line (a newline is added) with a single write, then fsyncs.

  The caller must hold the only writer's role for `path` (the runner takes a per-shard lock) and
  should call `repair_trailing_line` first if an earlier writer may have crashed mid-line.
  """
  if "\n" in line or "\r" in line:
    raise ValueError("append_line takes a single line without line breaks")
  data = (line + "\n").encode("utf-8")
  path = pathlib.Path(path)
  created = not path.exists()
  fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
  try:
    view = memoryview(data)
    while view:  # Regular files take the whole buffer at once; loop only for exotic file systems.
      written = os.write(fd, view)
      view = view[written:]
    os.fsync(fd)
  finally:
    os.close(fd)
  if created:
    _fsync_dir(path.parent)


def repair_trailing_line(path: PathLike) -> bytes:
  """Truncates a partial trailing line (bytes after the last newline) left by a crash.

  Returns the removed bytes (empty when the file was intact or missing). Earlier lines are untouched.
  """
  path = pathlib.Path(path)
  try:
    size = path.stat().st_size
  except FileNotFoundError:
    return b""
  if size == 0:
    return b""
  with open(path, "rb+") as f:
    f.seek(size - 1)
    if f.read(1) == b"\n":
      return b""
    # Scan back in blocks for the last newline.
    block = 65536
    end = size
    keep = 0
    while end > 0:
      start = max(0, end - block)
      f.seek(start)
      chunk = f.read(end - start)
      pos = chunk.rfind(b"\n")
      if pos >= 0:
        keep = start + pos + 1
        break
      end = start
    f.seek(keep)
    removed = f.read()
    f.truncate(keep)
    f.flush()
    os.fsync(f.fileno())
  return removed


def read_complete_lines(path: PathLike) -> tuple[list[str], bytes]:
  """Reads a line-oriented file, returning (complete lines, partial trailing bytes).

  A trailing fragment without its newline is what a crash mid-append leaves; callers ignore it.
  Lines that are not valid UTF-8 are returned with replacement characters (callers then fail to parse
  and skip them).
  """
  data = pathlib.Path(path).read_bytes()
  cut = data.rfind(b"\n") + 1
  complete, partial = data[:cut], data[cut:]
  lines = complete.decode("utf-8", errors="replace").split("\n")[:-1] if complete else []
  return lines, partial


def fsync_tree(root: PathLike) -> None:
  """Fsyncs every regular file (and folder) under `root`, so a later rename publishes durable data."""
  for dirpath, _, filenames in os.walk(root):
    for name in filenames:
      _fsync_path(os.path.join(dirpath, name))
    _fsync_dir(pathlib.Path(dirpath))
