"""Spec claim A1 on a small trained MNIST model: with the foolbox3 preset, acc(BIM) <= acc(PGD) (no defense)."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf.errors import AdvTfError


@pytest.fixture(scope="module")
def mnist_model():
  from adv_tf.data.pipeline import load_arrays
  try:
    x, y, _ = load_arrays("mnist", "train", take=2000)
    xt, yt, _ = load_arrays("mnist", "test", take=100)
  except (AdvTfError, OSError) as err:  # no local MNIST: the test needs real digits
    pytest.skip(f"MNIST not available: {err}")
  from adv_tf.models import build
  from adv_tf.studies.dataset_properties.recipes import recipe
  from adv_tf.training.loop import train_model
  config = recipe("paper000_madry_cnn").replace(epochs=1, learning_rate=0.001, seed=0)
  model, _ = train_model(lambda: build("madry_cnn", (28, 28, 1), 10, pooled_size=7), (x, y), (xt, yt), config)
  return model, xt, yt


@pytest.mark.parametrize("eps", [4 / 255, 16 / 255])
def test_bim_is_at_least_as_strong_as_pgd(mnist_model, eps):
  from adv_tf.attacks.presets import PRESETS
  from adv_tf.studies.dataset_properties.run import craft, predict
  model, x, y = mnist_model
  clean = np.mean(predict(model, x) == y)
  assert clean > 0.8
  preset = PRESETS.get("foolbox3")
  acc = {a: float(np.mean(predict(model, craft(preset, a, model, x, y, eps, 0)) == y)) for a in ("bim", "pgd")}
  assert acc["bim"] <= acc["pgd"] + 0.02, acc  # 2 of 100 images of slack
  assert acc["pgd"] < clean


def test_adaptive_pgd_is_at_least_as_strong_as_gray_box(mnist_model):
  """Beyond the paper: PGD through JPEG (BPDA) and the TF TVM (BPDA + EOT) leaves at most the gray-box accuracy
  of the same defense (2 of 100 images of slack); every record field the report reads is there."""
  from adv_tf.attacks.presets import PRESETS
  from adv_tf.studies.dataset_properties.adaptive import run_adaptive
  from adv_tf.studies.dataset_properties.run import craft, judge
  from adv_tf.studies.dataset_properties.study import DatasetPropertiesStudy
  model, x, y = mnist_model
  config = DatasetPropertiesStudy.profile("quick", eps=(16 / 255,), adaptive_eot_samples=2)
  preset = PRESETS.get("foolbox3")
  gray = {"16/255": np.clip(craft(preset, "pgd", model, x, y, 16 / 255, 0), 0, 1)}
  out = run_adaptive(model, x, y, gray, {}, preset, config, 10, {}, 0,
                     lambda images, ds: judge(model, images, y, ds, config, 1))
  assert set(out) == {"jpeg", "tvm_tf"}
  for name, per in out.items():
    cell = per["16/255"]
    assert cell["linf"] <= 16 / 255 + 1e-5
    assert cell["adaptive"][name] <= cell["gray_box"][name] + 0.02, (name, cell)
