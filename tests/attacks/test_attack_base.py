"""attacks.base.validate_inputs: labels and target labels are checked alike, each error one line naming which."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf.attacks.base import validate_inputs
from adv_tf.errors import AdvTfError

X = np.zeros((3, 2, 2, 1), np.float32)


def _validate(**kwargs) -> None:
  args = dict(y=np.zeros(3, np.int64), num_classes=10, eps=None, clip_min=0.0, clip_max=1.0, targeted=False,
              target=None)
  validate_inputs(X, **{**args, **kwargs})


@pytest.mark.parametrize("kwargs, message", [
    (dict(y=np.zeros(2, np.int64)), "labels must have shape [3], got (2,)"),
    (dict(y=np.array([0, 10, 1])), "labels must lie in [0, 10), got range [0, 10]"),
    (dict(y=np.array([-1, 0, 1])), "labels must lie in [0, 10), got range [-1, 1]"),
    (dict(target=np.zeros(4, np.int64)), "target labels must have shape [3], got (4,)"),
    (dict(target=np.array([2, 3, 12])), "target labels must lie in [0, 10), got range [2, 12]"),
    (dict(targeted=True), "a targeted attack needs target labels (target=...)"),
])
def test_bad_labels_and_targets_are_one_line_errors_naming_which(kwargs, message):
  with pytest.raises(AdvTfError) as error:
    _validate(**kwargs)
  assert str(error.value) == message


def test_valid_labels_and_targets_pass_and_num_classes_none_skips_the_range():
  _validate(y=np.array([0, 9, 5]), targeted=True, target=np.array([1, 2, 3]))
  _validate(y=np.array([0, 99, 5]), num_classes=None, target=np.array([50, 2, 3]))
  _validate(y=None)
