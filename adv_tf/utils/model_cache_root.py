"""Where the trained-model cache lives by default (no TensorFlow import, so the CLI can check the folder before
any work; `adv_tf.training.cache.ModelCache` uses the same root)."""
from __future__ import annotations

import os
import pathlib

DEFAULT_ROOT = "~/.cache/adv_tf/models"


def default_root() -> pathlib.Path:
  """$ADV_TF_MODEL_CACHE, else ~/.cache/adv_tf/models."""
  return pathlib.Path(os.environ.get("ADV_TF_MODEL_CACHE") or DEFAULT_ROOT).expanduser()
