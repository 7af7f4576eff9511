"""`TrainTestArrays`: a training and a test split as NumPy arrays, the base of every study's data class."""
from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class TrainTestArrays:
  """Images (NHWC) and integer labels of a training and a test split; studies subclass it to add what they
  load with them (identities, provenance, distorted copies, ...)."""
  x_train: np.ndarray
  y_train: np.ndarray
  x_test: np.ndarray
  y_test: np.ndarray
