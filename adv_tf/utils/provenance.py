"""What produced a record: library versions, host, code revision.

Versions are read from installed package metadata (or from an already imported module), so recording
them never imports TensorFlow into a process that did not need it.
"""
from __future__ import annotations

import functools
import importlib.metadata
import os
import pathlib
import platform
import socket
import subprocess
import sys

from adv_tf import cpu_kernels

# Distribution names to try per module, in order (TensorFlow ships as several wheels).
_DISTRIBUTIONS = {
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tf-nightly"),
    "keras": ("keras",),
    "numpy": ("numpy",),
    "tensorflow_datasets": ("tensorflow-datasets",),
    "adv_tf": ("adv_tf", "adv-tf"),
}


def _version(module: str) -> str | None:
  loaded = sys.modules.get(module)
  version = getattr(loaded, "__version__", None) if loaded is not None else None
  if isinstance(version, str):
    return version
  for dist in _DISTRIBUTIONS.get(module, (module,)):
    try:
      return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
      continue
  return None


@functools.lru_cache(maxsize=1)
def _package_versions() -> dict:
  out = {"python": platform.python_version()}
  for module in _DISTRIBUTIONS:
    out[module] = _version(module)
  return out


def versions() -> dict:
  """{"python", "tensorflow", "keras", "numpy", "tensorflow_datasets", "adv_tf"} -> version or None, and
  "onednn": whether TensorFlow runs its oneDNN CPU kernels (None before TensorFlow is imported; see
  `adv_tf.cpu_kernels`)."""
  return {**_package_versions(), "onednn": cpu_kernels.onednn_enabled()}


def host() -> str:
  """The machine's host name."""
  return socket.gethostname()


def repository_root() -> pathlib.Path:
  """The checkout holding adv_tf/ (where docs/results lives)."""
  return pathlib.Path(__file__).resolve().parents[2]


@functools.lru_cache(maxsize=1)
def git_revision() -> dict | None:
  """{"commit", "dirty"} of the adv_tf checkout, or None outside a git checkout / without git."""
  root = repository_root()
  if not (root / ".git").exists():
    return None
  env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")  # Never take the index lock of a shared checkout.
  try:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                            timeout=10, env=env, check=True).stdout.strip()
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                            capture_output=True, text=True, timeout=10, env=env, check=True).stdout
  except (OSError, subprocess.SubprocessError):
    return None
  return {"commit": commit, "dirty": bool(status.strip())}
