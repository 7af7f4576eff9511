"""Remote folders (`gs://bucket/x`, any filesystem `tf.io.gfile` knows) as output folders and model caches.

The runner's crash safety rests on local-filesystem guarantees (a `write`+`fsync` append, `flock`, `os.replace`,
hard links) that object stores do not give. So a remote folder is used through a local working copy, a
`StagedFolder`: its files are downloaded at the start, the run works on the local copy with every local
guarantee, and the files this process created or changed are uploaded (each object written whole, which object
stores make atomic) after each stage and when the process ends, also on failure. Before a report is written,
the files other machines wrote or changed remotely since the download are fetched (`refresh`), so the report
judges every shard's records, not only those present when this process started. What is skipped for remote
folders: the locks and fsyncs are local only, so two machines running the SAME shard into one remote folder at
once may both compute its cells (different shards never write the same file: each has its own records file).
`config.json` and the grid manifest are last-writer-wins remotely (the manifest check still runs on each
machine's copy). Cells finished after the last upload of a killed process are computed again on a rerun.

Paths are kept as strings: `pathlib` would turn `gs://b/x` into `gs:/b/x` (see `adv_tf.utils.paths`).
"""
from __future__ import annotations

import hashlib
import logging
import os
import pathlib
from typing import Optional

from adv_tf.utils.paths import default_staging_root, is_remote, join

logger = logging.getLogger(__name__)

__all__ = ["StagedFolder", "default_staging_root", "is_remote", "join", "put"]

# Local-only files and folders of the runner that are never uploaded (locks, temporary and partial outputs).
_SKIPPED_PREFIXES = (".lock-", ".tmp-", ".partial-")


def _gfile():
  import tensorflow as tf  # pylint: disable=import-outside-toplevel  (only remote folders need it)
  return tf.io.gfile


def _digest(path: pathlib.Path) -> str:
  return hashlib.sha256(path.read_bytes()).hexdigest()


def _skipped(relative: str) -> bool:
  return any(part.startswith(_SKIPPED_PREFIXES) for part in relative.split("/"))


def put(local: pathlib.Path, target: str) -> None:
  """Publishes a local file at the URL `target`: uploaded under a temporary name, then renamed over `target`
  (readers never see a half-uploaded file; some filesystems, e.g. `ram://`, also append on overwrite)."""
  gfile = _gfile()
  folder, name = target.rsplit("/", 1)
  gfile.makedirs(folder)
  temporary = f"{folder}/.tmp-upload-{name}"
  if gfile.exists(temporary):
    gfile.remove(temporary)
  gfile.copy(str(local), temporary)
  gfile.rename(temporary, target, overwrite=True)


class StagedFolder:
  """A local working copy of a remote folder.

  Attributes:
    remote: the folder's URL, kept intact.
    local: the working copy (default: `$ADV_TF_STAGING_DIR` or ~/.cache/adv_tf/staging, then a hash of the URL).
  """

  def __init__(self, remote: str, local: Optional[os.PathLike] = None):
    self.remote = remote.rstrip("/")
    digest = hashlib.sha256(self.remote.encode()).hexdigest()[:16]
    self.local = pathlib.Path(local) if local else default_staging_root() / digest
    self._known: dict[str, str] = {}  # relative path -> digest of the content last synced either way
    self._remote_stat: dict[str, tuple[int, int]] = {}  # relative path -> (length, mtime_nsec) when last fetched
    self._uploaded: set[str] = set()  # files this process wrote: its local copy is the newer one

  def _remote_files(self):
    """The relative paths of the remote folder's files, runner-local ones skipped (none if it does not exist)."""
    gfile = _gfile()
    if not gfile.exists(self.remote):
      return
    for folder, _, files in gfile.walk(self.remote):
      relative_folder = folder[len(self.remote):].strip("/")
      for name in files:
        relative = f"{relative_folder}/{name}" if relative_folder else name
        if not _skipped(relative):
          yield relative

  def _fetch(self, relative: str) -> bool:
    """Copies one remote file over its local copy when its content differs from the last sync; returns whether
    it did. Skipped without reading when the remote length and modification time match the last fetch (for
    filesystems that report a modification time)."""
    gfile = _gfile()
    url = join(self.remote, relative)
    stat = gfile.stat(url)
    seen = (stat.length, stat.mtime_nsec)
    if stat.mtime_nsec and self._remote_stat.get(relative) == seen:
      return False
    target = self.local / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".tmp-fetch-{target.name}")
    try:
      gfile.copy(url, str(temporary), overwrite=True)
      digest = _digest(temporary)
    except BaseException:
      temporary.unlink(missing_ok=True)
      raise
    self._remote_stat[relative] = seen
    if target.exists() and self._known.get(relative) == digest:
      temporary.unlink()
      return False
    os.replace(temporary, target)
    self._known[relative] = digest
    return True

  def download(self) -> pathlib.Path:
    """Copies every remote file into the working copy (a missing remote folder is an empty one)."""
    self.local.mkdir(parents=True, exist_ok=True)
    for relative in self._remote_files():
      self._fetch(relative)
    return self.local

  def refresh(self) -> list[str]:
    """Fetches the remote files that other processes wrote or changed since this copy last synced (another
    shard's records, say) and returns their relative paths. Files this process uploaded, local files changed
    since the last sync and not uploaded yet, and synced files this process deleted keep their local state."""
    fetched = []
    for relative in self._remote_files():
      if relative in self._uploaded:
        continue
      local = self.local / relative
      if local.exists() and self._known.get(relative) != _digest(local):
        continue
      if not local.exists() and relative in self._known:
        continue
      if self._fetch(relative):
        fetched.append(relative)
    if fetched:
      logger.info("fetched %d files that other processes wrote to %s", len(fetched), self.remote)
    return fetched

  def upload(self) -> list[str]:
    """Uploads the files of the working copy that are new or changed since the download or the last upload;
    returns their relative paths. Records files go first (a report is never uploaded without its records)."""
    changed = []
    for path in sorted(p for p in self.local.rglob("*") if p.is_file()):
      relative = path.relative_to(self.local).as_posix()
      if _skipped(relative):
        continue
      digest = _digest(path)
      if self._known.get(relative) != digest:
        changed.append((relative, digest))
    changed.sort(key=lambda item: (not item[0].split("/")[-1].startswith("records-"), item[0]))
    for relative, digest in changed:
      put(self.local / relative, join(self.remote, relative))
      self._known[relative] = digest
      self._uploaded.add(relative)
    if changed:
      logger.info("uploaded %d files to %s", len(changed), self.remote)
    return [relative for relative, _ in changed]
