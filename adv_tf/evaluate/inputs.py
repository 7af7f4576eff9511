"""The user's model and images, loaded and checked once per process (`checks.py`) before any cell runs."""
from __future__ import annotations

import dataclasses
import hashlib
import pathlib
from typing import Any

import numpy as np

from adv_tf.evaluate import checks


@dataclasses.dataclass
class Inputs:
  """What every cell attacks.

  Attributes:
    model: the logits model (its softmax stripped with --strip_softmax).
    x: float32 [N, H, W, C] the split's images in --input_range, in split order.
    y: int64 [N] labels.
    num_classes: the dataset's classes.
    info: the `adv_tf.data.DatasetInfo` of the split (identity, provenance).
  """
  model: Any
  x: np.ndarray
  y: np.ndarray
  num_classes: int
  info: Any


def model_sha256(path: str) -> str:
  """The .keras file's sha256 (first 16 hex digits): cell ids name the model, so a changed file recomputes."""
  return hashlib.sha256(pathlib.Path(path).expanduser().read_bytes()).hexdigest()[:16]


def load_inputs(config, data_dir) -> Inputs:
  """Dataset first (a missing or unknown one fails before the model loads), then the model and its checks."""
  from adv_tf.data import load_arrays
  from adv_tf.data.datasets import DATASETS
  checks.check_model_path(config.model)
  low, high = config.input_range
  x, y, info = load_arrays(config.dataset_name, config.split, data_dir=data_dir, pixel_range=(low, high))
  num_classes = DATASETS.get(config.dataset_name).num_classes
  model = checks.load_model(config.model)
  checks.check_shapes(model, x.shape[1:], num_classes, config.dataset)
  if config.strip_softmax:
    model = checks.strip_softmax(model)
  checks.check_logits(model, x)
  if config.check_range:
    checks.check_input_range(model, x, y, (low, high))
  return Inputs(model=model, x=x, y=y, num_classes=num_classes, info=info)
