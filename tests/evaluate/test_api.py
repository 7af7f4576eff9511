"""`evaluate(model, dataset, ...)` for notebooks: a Keras model object, the command's flags as keywords."""
from __future__ import annotations

import pytest


def test_evaluate_a_model_object(models, mnist_dir, tmp_path):
  import keras

  from adv_tf.evaluate import evaluate
  model = keras.models.load_model(models["zero_one"], compile=False)
  report = evaluate(model, "mnist:test[:100]", profile="smoke", output_dir=str(tmp_path), data_dir=mnist_dir,
                    attacks=("fgsm",), eps=(0.1,), defenses=("none",), samples_per_class=0, minimal_images=0,
                    adaptive_eps=())
  assert report == tmp_path / "report.md" and (tmp_path / "model.keras").is_file()
  assert "## Accuracy vs eps" in report.read_text()


def test_bad_input_raises_one_line(models, mnist_dir, tmp_path):
  from adv_tf.errors import AdvTfError
  from adv_tf.evaluate import evaluate
  with pytest.raises(AdvTfError, match="--input_range=0,1"):
    evaluate(str(models["zero_one"]), "mnist:test[:300]", profile="smoke", output_dir=str(tmp_path),
             data_dir=mnist_dir, input_range=(-0.5, 0.5))
