"""Fixtures of the evaluate tests: MNIST through TFDS (ADV_TF_DATA_DIR), tiny seeded logits models saved as .keras
files, and one smoke run of the command per model, shared by the tests that read its records."""
from __future__ import annotations

import os
import pathlib

import pytest

from tests.evaluate.helpers import CENTERED, SWEEP_FLAGS, ZERO_ONE, smoke_run, train_tiny_model


@pytest.fixture(scope="session")
def mnist_dir() -> str:
  """A TFDS data dir holding MNIST (`make data`'s, ADV_TF_DATA_DIR); skips the test otherwise."""
  data_dir = os.environ.get("ADV_TF_DATA_DIR", "").strip()
  if not data_dir or not (pathlib.Path(data_dir).expanduser() / "mnist").is_dir():
    pytest.skip("needs MNIST in ADV_TF_DATA_DIR: run `make data` and `make test`")
  return data_dir


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


@pytest.fixture(scope="session")
def sweep_run(models, mnist_dir, tmp_path_factory) -> pathlib.Path:
  """The command on the [0, 1] model: FGSM and PGD at two budgets, none/JPEG rows, no class-distance matrix."""
  return smoke_run(tmp_path_factory.mktemp("sweep"), models["zero_one"], mnist_dir, *SWEEP_FLAGS)


@pytest.fixture(scope="session")
def matrix_run(models, mnist_dir, tmp_path_factory) -> pathlib.Path:
  """The command on the [-0.5, 0.5] model: the class-distance matrix (2 candidates per class, full-strength CW)."""
  return smoke_run(tmp_path_factory.mktemp("matrix"), models["centered"], mnist_dir, "--input_range=-0.5,0.5",
                   "--attacks=fgsm", "--eps=0.1", "--defenses=none", "--samples_per_class=2")
