"""Loading the user's model and images: every check runs before anything else, and --nocheck_range skips one."""
from __future__ import annotations

import pytest


def test_nocheck_range_skips_the_range_check(models, mnist_dir):
  from adv_tf.errors import AdvTfError
  from adv_tf.evaluate.config import PROFILES
  from adv_tf.evaluate.inputs import load_inputs
  config = PROFILES["smoke"].replace(model=str(models["centered"]), dataset="mnist:test[:300]")
  with pytest.raises(AdvTfError, match="--nocheck_range"):
    load_inputs(config, mnist_dir)
  inputs = load_inputs(config.replace(check_range=False), mnist_dir)
  assert inputs.x.shape == (300, 28, 28, 1) and inputs.num_classes == 10
  assert inputs.x.min() >= 0.0 and inputs.x.max() <= 1.0


def test_strip_softmax_model_loads_as_logits(models, mnist_dir):
  from adv_tf.evaluate.config import PROFILES
  from adv_tf.evaluate.inputs import load_inputs
  config = PROFILES["smoke"].replace(model=str(models["softmax_layer"]), dataset="mnist:test[:300]",
                                     strip_softmax=True)
  inputs = load_inputs(config, mnist_dir)
  assert type(inputs.model.layers[-1]).__name__ == "Dense"
