"""MNIST in [-0.5, 0.5] (paper 002 §5.3.1) as arrays, with the DatasetInfo of each split."""
from __future__ import annotations

import dataclasses
from typing import Any

from adv_tf.data.arrays import TrainTestArrays
from adv_tf.studies.hyperparams.config import PIXEL_RANGE


@dataclasses.dataclass
class StudyData(TrainTestArrays):
  """MNIST in [-0.5, 0.5] (§5.3.1) as arrays, read through TFDS (adv_tf.data)."""
  info: Any
  test_info: Any


def load_study_data(data_dir: str | None, *, train_take: int | None = None,
                    test_take: int | None = None) -> StudyData:
  """Loads MNIST train and test splits in the Carlini pixel range."""
  from adv_tf import data
  x_train, y_train, info = data.load_arrays("mnist", "train", data_dir=data_dir, pixel_range=PIXEL_RANGE,
                                            take=train_take)
  x_test, y_test, test_info = data.load_arrays("mnist", "test", data_dir=data_dir, pixel_range=PIXEL_RANGE,
                                               take=test_take)
  return StudyData(x_train, y_train, x_test, y_test, info, test_info)
