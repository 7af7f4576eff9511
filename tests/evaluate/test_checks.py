"""Bad input gets one line `error: ...` saying what to do, before any attack and before the output folder is
written: a softmax model, a wrong input shape, a wrong value range, a missing/unknown dataset or split, a missing
model file, an output folder that cannot be created."""
from __future__ import annotations

import numpy as np
import pytest

from tests.evaluate.helpers import run_command


def _one_error_line(capsys) -> str:
  lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
  assert len(lines) == 1, lines
  return lines[0]


def _refused(capsys, tmp_path, *flags: str) -> str:
  out = tmp_path / "out"
  assert run_command("--profile=smoke", f"--output_dir={out}", *flags) == 2
  assert not (out / "config.json").exists()  # refused before the run wrote anything
  return _one_error_line(capsys)


@pytest.mark.parametrize("kind", ["softmax_layer", "softmax_activation"])
def test_softmax_model_is_refused_with_the_flag_that_strips_it(kind, models, mnist_dir, tmp_path, capsys):
  line = _refused(capsys, tmp_path, f"--model={models[kind]}", "--dataset=mnist:test[:50]", f"--data_dir={mnist_dir}")
  assert "logits" in line and "--strip_softmax" in line


@pytest.mark.parametrize("kind", ["softmax_layer", "softmax_activation"])
def test_strip_softmax_gives_the_logits_of_the_same_model(kind, models, mnist_dir):
  import keras

  from adv_tf.data import load_arrays
  from adv_tf.evaluate import checks
  model = keras.models.load_model(models[kind], compile=False)
  x, _, _ = load_arrays("mnist", "test[:20]", data_dir=mnist_dir)
  stripped = checks.strip_softmax(model)
  checks.check_logits(stripped, x)
  np.testing.assert_allclose(keras.ops.softmax(stripped(x)), model(x), rtol=1e-5, atol=1e-6)


def test_strip_softmax_refuses_a_logits_model(models):
  import keras

  from adv_tf.errors import AdvTfError
  from adv_tf.evaluate import checks
  with pytest.raises(AdvTfError, match="neither a Softmax layer"):
    checks.strip_softmax(keras.models.load_model(models["zero_one"], compile=False))


def test_wrong_input_shape(mnist_dir, tmp_path, capsys):
  import keras
  keras.utils.set_random_seed(0)
  path = tmp_path / "cifar_shaped.keras"
  keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)]).save(path)
  line = _refused(capsys, tmp_path, f"--model={path}", "--dataset=mnist:test[:50]", f"--data_dir={mnist_dir}")
  assert "(32, 32, 3)" in line and "(28, 28, 1)" in line


@pytest.mark.parametrize("model, given, expected", [("zero_one", "-0.5,0.5", "0,1"), ("centered", "0,1", "-0.5,0.5")])
def test_wrong_value_range_names_the_range_to_pass(model, given, expected, models, mnist_dir, tmp_path, capsys):
  line = _refused(capsys, tmp_path, f"--model={models[model]}", "--dataset=mnist:test[:300]",
                  f"--input_range={given}", f"--data_dir={mnist_dir}")
  assert f"pass --input_range={expected} " in line


def test_a_scaled_range_of_a_relu_network_is_accepted(models, mnist_dir):
  """The [0, 1] ReLU MLP classifies [0, 255] images about as well (its output scales): nothing to refuse."""
  import keras

  from adv_tf.data import load_arrays
  from adv_tf.evaluate import checks
  model = keras.models.load_model(models["zero_one"], compile=False)
  x, y, _ = load_arrays("mnist", "test[:300]", data_dir=mnist_dir, pixel_range=(0.0, 255.0))
  checks.check_input_range(model, x, y, (0.0, 255.0))


def test_matching_range_passes_the_range_check(models, mnist_dir):
  import keras

  from adv_tf.data import load_arrays
  from adv_tf.evaluate import checks
  model = keras.models.load_model(models["centered"], compile=False)
  x, y, _ = load_arrays("mnist", "test[:300]", data_dir=mnist_dir, pixel_range=(-0.5, 0.5))
  checks.check_input_range(model, x, y, (-0.5, 0.5))


def test_dataset_missing_offline(models, tmp_path, capsys, monkeypatch):
  monkeypatch.setenv("ADV_TF_OFFLINE", "1")
  empty = tmp_path / "tfds"
  empty.mkdir()
  line = _refused(capsys, tmp_path, f"--model={models['zero_one']}", "--dataset=mnist", f"--data_dir={empty}")
  assert "not prepared" in line and "make data" in line


@pytest.mark.parametrize("dataset, words", [("mnistt", "unknown --dataset"), ("mnist:validation", "no split")])
def test_unknown_dataset_or_split(dataset, words, models, mnist_dir, tmp_path, capsys):
  line = _refused(capsys, tmp_path, f"--model={models['zero_one']}", f"--dataset={dataset}",
                  f"--data_dir={mnist_dir}")
  assert words in line


def test_missing_model_file(tmp_path, capsys):
  line = _refused(capsys, tmp_path, f"--model={tmp_path / 'nothing.keras'}", "--dataset=mnist")
  assert "does not exist" in line


def test_output_dir_that_cannot_be_created(models, tmp_path, capsys):
  blocker = tmp_path / "a_file"
  blocker.write_text("")
  assert run_command(f"--model={models['zero_one']}", "--dataset=mnist", f"--output_dir={blocker / 'out'}") == 2
  assert "cannot be created" in _one_error_line(capsys)
