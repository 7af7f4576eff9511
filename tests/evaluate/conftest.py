"""Fixtures of the evaluate tests: MNIST through TFDS (ADV_TF_DATA_DIR), tiny seeded logits models saved as .keras
files, and one smoke run of the command per model, shared by the tests that read its records."""
from __future__ import annotations

import json
import os
import pathlib

import pytest

ZERO_ONE = (0.0, 1.0)
CENTERED = (-0.5, 0.5)


@pytest.fixture(scope="session")
def mnist_dir() -> str:
  """A TFDS data dir holding MNIST (`make data`'s, ADV_TF_DATA_DIR); skips the test otherwise."""
  data_dir = os.environ.get("ADV_TF_DATA_DIR", "").strip()
  if not data_dir or not (pathlib.Path(data_dir).expanduser() / "mnist").is_dir():
    pytest.skip("needs MNIST in ADV_TF_DATA_DIR: run `make data` and `make test`")
  return data_dir


def train_tiny_model(data_dir: str, pixel_range, path: pathlib.Path, softmax: str = ""):
  """A seeded Flatten-Dense(32)-Dense(10) MLP trained 2 epochs on 2,000 MNIST images in `pixel_range` (~85%
  accuracy), saved to `path`; `softmax`: "" (logits), "activation" or "layer" (a final softmax of that kind)."""
  import keras

  from adv_tf.data import load_arrays
  keras.utils.set_random_seed(0)
  x, y, _ = load_arrays("mnist", "train[:2000]", data_dir=data_dir, pixel_range=pixel_range)
  layers = [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10, activation="softmax" if softmax == "activation" else None)]
  if softmax == "layer":
    layers.append(keras.layers.Softmax())
  model = keras.Sequential(layers)
  model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=not softmax))
  model.fit(x, y, epochs=2, batch_size=64, verbose=0)
  model.save(path)
  return path


@pytest.fixture(scope="session")
def models(mnist_dir, tmp_path_factory) -> dict[str, pathlib.Path]:
  """.keras files: "zero_one" and "centered" logits models (trained on [0, 1] / [-0.5, 0.5]), and "softmax_layer",
  "softmax_activation" (trained on [0, 1], ending in a softmax)."""
  folder = tmp_path_factory.mktemp("models")
  return {"zero_one": train_tiny_model(mnist_dir, ZERO_ONE, folder / "zero_one.keras"),
          "centered": train_tiny_model(mnist_dir, CENTERED, folder / "centered.keras"),
          "softmax_layer": train_tiny_model(mnist_dir, ZERO_ONE, folder / "softmax_layer.keras", "layer"),
          "softmax_activation": train_tiny_model(mnist_dir, ZERO_ONE, folder / "softmax_activation.keras",
                                                 "activation")}


def run_command(*flags: str) -> int:
  """`adv-tf-evaluate` in process (adv_tf.experiment.cli.run_main); its exit status."""
  from adv_tf.evaluate.study import EvaluateStudy
  from adv_tf.experiment import cli
  return cli.run_main(EvaluateStudy(), ["evaluate", "--strategy=cpu", *flags])


def records(output_dir: pathlib.Path, kind: str) -> list[dict]:
  """The finished records of one cell kind in a run's folder (selection records live in selection/)."""
  folder = output_dir / "selection" if kind == "selection" else output_dir
  out = []
  for path in sorted(folder.glob("records*.jsonl")):
    out += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
  return [r for r in out if r["config"].get("kind") == kind]


def smoke_run(output_dir: pathlib.Path, model: pathlib.Path, data_dir: str, *flags: str) -> pathlib.Path:
  """The command's smoke profile on the first 200 test images, without the adaptive rows, minimal distances on 2."""
  assert run_command(f"--model={model}", "--dataset=mnist:test[:200]", "--profile=smoke", f"--data_dir={data_dir}",
                     f"--output_dir={output_dir}", "--minimal_images=2", "--adaptive_eps=", *flags) == 0
  return output_dir


# The sweep run's own flags (test_study.py reruns it).
SWEEP_FLAGS = ("--attacks=fgsm,pgd", "--eps=0.1,0.2", "--defenses=none,jpeg", "--samples_per_class=0",
               "--eval_images=64", "--seed=3")


@pytest.fixture(scope="session")
def sweep_run(models, mnist_dir, tmp_path_factory) -> pathlib.Path:
  """The command on the [0, 1] model: FGSM and PGD at two budgets, none/JPEG rows, no class-distance matrix."""
  return smoke_run(tmp_path_factory.mktemp("sweep"), models["zero_one"], mnist_dir, *SWEEP_FLAGS)


@pytest.fixture(scope="session")
def matrix_run(models, mnist_dir, tmp_path_factory) -> pathlib.Path:
  """The command on the [-0.5, 0.5] model: the class-distance matrix (2 candidates per class, full-strength CW)."""
  return smoke_run(tmp_path_factory.mktemp("matrix"), models["centered"], mnist_dir, "--input_range=-0.5,0.5",
                   "--attacks=fgsm", "--eps=0.1", "--defenses=none", "--samples_per_class=2")
