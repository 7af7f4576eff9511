"""Paths that may be URLs (`gs://bucket/x`): told apart from local paths and joined without `pathlib`, which
would turn `gs://b/x` into `gs:/b/x`. The remote filesystem itself is used in `adv_tf.remote` (TensorFlow's
`tf.io.gfile`; this bottom layer does not import TensorFlow)."""
from __future__ import annotations

import os
import pathlib


def is_remote(path: object) -> bool:
  """Whether `path` is a URL of a remote filesystem (`gs://...`, `s3://...`); `file://` and plain paths are local."""
  text = os.fspath(path) if isinstance(path, os.PathLike) else str(path)
  scheme, sep, _ = text.partition("://")
  return bool(sep) and scheme.isidentifier() and scheme != "file"


def join(base: str, *parts: str) -> str:
  """`base/part/...` for URLs and local paths alike (no `pathlib`, which would collapse `gs://`)."""
  return "/".join([base.rstrip("/"), *(p.strip("/") for p in parts)])


def default_staging_root() -> pathlib.Path:
  return pathlib.Path(os.environ.get("ADV_TF_STAGING_DIR") or "~/.cache/adv_tf/staging").expanduser()
