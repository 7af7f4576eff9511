"""Checks of the path flags (--output_dir, --data_dir, --model_cache_dir and the TensorBoard folder) before a run
writes anything (issue 23): each bad path is one `AdvTfError` line saying what to do, raised before any data
loads and before anything is created, so a refused run leaves nothing that changes what a later run may do.

Remote paths (gs://...) are left to the code that opens them (`adv_tf.remote`).
"""
from __future__ import annotations

import os
import pathlib
from typing import Optional

from adv_tf.errors import AdvTfError
from adv_tf.remote import is_remote
from adv_tf.utils.model_cache_root import default_root

TENSORBOARD_SUBDIR = "tensorboard"


def _nearest_existing(path: pathlib.Path) -> pathlib.Path:
  """`path` or its nearest ancestor that exists (a relative path ends at the working directory)."""
  for candidate in (path, *path.parents):
    if candidate.exists():
      return candidate
  return pathlib.Path.cwd()


def check_creatable_folder(path: pathlib.Path, flag: str) -> None:
  """`path` is a writable folder, or can be created as one (its nearest existing ancestor is a writable folder).
  Creates nothing."""
  existing = _nearest_existing(path)
  if existing == path:
    if not path.is_dir():
      raise AdvTfError(f"{flag} {path} exists and is not a folder; choose a folder")
    if not os.access(path, os.W_OK | os.X_OK):
      raise AdvTfError(f"{flag} {path} is not writable; choose a writable folder")
    return
  if not existing.is_dir():
    raise AdvTfError(f"{flag} {path} cannot be created: {existing} is a file, not a folder; choose another path")
  if not os.access(existing, os.W_OK | os.X_OK):
    raise AdvTfError(f"{flag} {path} cannot be created: {existing} is not writable; choose a writable folder")


def check_output_dir(output_dir: pathlib.Path) -> None:
  """The output folder and its TensorBoard subfolder can be written (created later, by the run)."""
  check_creatable_folder(output_dir, "--output_dir")
  tensorboard = output_dir / TENSORBOARD_SUBDIR
  if tensorboard.exists() and not tensorboard.is_dir():
    raise AdvTfError(f"the TensorBoard folder {tensorboard} is a file; move it away or choose another --output_dir")


def check_data_dir(data_dir: Optional[str]) -> None:
  """--data_dir, when given, is an existing folder (TFDS never creates it for an offline import)."""
  if not data_dir or is_remote(data_dir):
    return
  path = pathlib.Path(data_dir).expanduser()
  if not path.exists():
    raise AdvTfError(f"--data_dir {path} does not exist; import the datasets there first (make data "
                     "DATA_DIR=... RAW_DIR=...) or drop the flag to use TFDS's default folder")
  if not path.is_dir():
    raise AdvTfError(f"--data_dir {path} is a file, not a folder; pass the TFDS data folder")


def model_cache_root(model_cache_dir: Optional[str]) -> Optional[str]:
  """The cache root `ModelCache` will use: the flag, else $ADV_TF_MODEL_CACHE, else its default."""
  return model_cache_dir or os.environ.get("ADV_TF_MODEL_CACHE") or str(default_root())


def check_model_cache_dir(model_cache_dir: Optional[str]) -> None:
  """The model cache root (the flag, $ADV_TF_MODEL_CACHE or the default) is a folder or can be created."""
  root = model_cache_root(model_cache_dir)
  if is_remote(root):
    return
  flag = "--model_cache_dir" if model_cache_dir else "the model cache ($ADV_TF_MODEL_CACHE or its default)"
  check_creatable_folder(pathlib.Path(root).expanduser(), flag)
