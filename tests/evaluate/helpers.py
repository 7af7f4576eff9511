"""Helpers of the evaluate tests: tiny seeded logits models, the command in process, its records."""
from __future__ import annotations

import json
import pathlib

ZERO_ONE = (0.0, 1.0)
CENTERED = (-0.5, 0.5)


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
