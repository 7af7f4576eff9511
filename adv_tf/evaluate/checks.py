"""Checks of the user's model against the dataset, before any attack runs: each failure is one `AdvTfError` line
saying what to do (issue 24).

  * the model file exists and Keras can load it;
  * the model outputs logits: a final softmax (a Softmax layer, a Dense layer with activation="softmax", or rows
    that are non-negative and sum to 1) is refused, with how to strip it (`--strip_softmax` does it for the first
    two kinds);
  * its input shape is the dataset's image shape and it has at least the dataset's classes;
  * its value range matches `--input_range`: the model's errors on the first images scaled to the given range are
    compared with the usual other ranges; one that is far better names the flag to pass (`--nocheck_range` skips
    this). A range the model classifies as well as its own (a scaled copy, for a ReLU network with small biases)
    cannot be told apart this way and is accepted.
"""
from __future__ import annotations

import pathlib

import numpy as np

from adv_tf.attacks.logits_check import require_logits
from adv_tf.errors import AdvTfError

# Ranges models are commonly trained on; the range check compares the given one against these (in this order of
# preference when two classify about equally well).
COMMON_RANGES = ((0.0, 1.0), (-0.5, 0.5), (-1.0, 1.0), (0.0, 255.0))
PROBE_IMAGES = 256
# Another range is "far better" when it misclassifies at least this many fewer probe images (and this share of them):
# more than a model trained on the given range ever gains from a shifted one, while a network whose output barely
# changes under scaling (a ReLU network with small biases on [0, 255] vs [0, 1]) is never refused. Measured on paper
# 002's baseline LeNet: 14 errors of 256 on [0, 1] against 1 on its own [-0.5, 0.5].
RANGE_MIN_FEWER_ERRORS = 8
RANGE_MIN_FEWER_SHARE = 0.03
# Ranges within this many errors of the best are as good: the first of them in COMMON_RANGES is suggested.
RANGE_TIE_ERRORS = 5


def check_model_path(path: str) -> pathlib.Path:
  """The .keras file exists (no TensorFlow needed)."""
  model_path = pathlib.Path(path).expanduser()
  if not model_path.is_file():
    raise AdvTfError(f"--model {model_path} does not exist; pass the path of a model saved with "
                     "model.save('model.keras')")
  if model_path.suffix != ".keras":
    raise AdvTfError(f"--model {model_path} is not a .keras file; save the model with model.save('model.keras')")
  return model_path


def load_model(path: str):
  """The Keras model at `path`; one line when Keras cannot read it."""
  import keras
  model_path = check_model_path(path)
  try:
    return keras.models.load_model(model_path, compile=False)
  except Exception as e:  # noqa: BLE001  any Keras/h5/zip failure -> one actionable line
    detail = " ".join(str(e).split())[:160]
    raise AdvTfError(f"Keras cannot load --model {model_path} ({type(e).__name__}: {detail}); save it with "
                     "Keras 3 (model.save('model.keras')) and register its custom layers") from None


def _final_softmax(model) -> str | None:
  """'layer' (a Softmax layer), 'activation' (the last layer's activation is softmax) or None."""
  last = model.layers[-1] if getattr(model, "layers", None) else None
  if last is None:
    return None
  if type(last).__name__ == "Softmax":
    return "layer"
  return "activation" if getattr(getattr(last, "activation", None), "__name__", None) == "softmax" else None


def strip_softmax(model):
  """The same model on its logits: without a final Softmax layer, or with the last layer's activation linear."""
  import keras
  kind = _final_softmax(model)
  if kind == "layer":
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # a list would warn on every call
    return keras.Model(inputs, model.layers[-1].input)
  if kind == "activation":
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    clone.layers[-1].activation = keras.activations.linear
    return clone
  raise AdvTfError("--strip_softmax: the model's last layer is neither a Softmax layer nor has activation='softmax'; "
                   "drop the flag, or rebuild the model so that it outputs logits")


def check_logits(model, x: np.ndarray) -> None:
  """The model outputs logits (`adv_tf.attacks.logits_check`), with how to strip a softmax otherwise."""
  try:
    require_logits(model, x, "adv-tf-evaluate")
  except AdvTfError as e:
    fix = ("pass --strip_softmax to evaluate its logits" if _final_softmax(model) else
           "save the model without its final softmax, e.g. keras.Model(model.inputs, <the logits tensor>)")
    raise AdvTfError(f"{e}; {fix}") from None


def check_shapes(model, image_shape: tuple, num_classes: int, dataset: str) -> None:
  """The model takes the dataset's images and has an output per class."""
  expected = tuple(model.input_shape[1:])
  if any(m is not None and m != d for m, d in zip(expected, image_shape)) or len(expected) != len(image_shape):
    raise AdvTfError(f"the model takes inputs of shape {expected} but {dataset} images are {tuple(image_shape)}; "
                     "evaluate it on a dataset of its input shape (this command does not resize)")
  outputs = int(model.output_shape[-1])
  if outputs < num_classes:
    raise AdvTfError(f"the model has {outputs} outputs but {dataset} has {num_classes} classes; evaluate it on "
                     "the dataset it was trained for")


def _probe_errors(model, x01: np.ndarray, y: np.ndarray, value_range: tuple[float, float]) -> int:
  from adv_tf.attacks.base import predict_labels
  low, high = value_range
  return int(np.sum(predict_labels(model, (x01 * (high - low) + low).astype(np.float32)) != y))


def check_input_range(model, x: np.ndarray, y: np.ndarray, input_range: tuple[float, float]) -> None:
  """Refuses an `input_range` under which the model misclassifies far more of the first images than under another
  common range (e.g. a model trained on [-0.5, 0.5] fed [0, 1] images). `x` is in `input_range`."""
  import math
  low, high = (float(v) for v in input_range)
  probe_x, probe_y = x[:PROBE_IMAGES], y[:PROBE_IMAGES]
  n = len(probe_y)
  if not n:
    return
  x01 = (probe_x - low) / (high - low)
  given = _probe_errors(model, x01, probe_y, (low, high))
  others = {r: _probe_errors(model, x01, probe_y, r) for r in COMMON_RANGES if r != (low, high)}
  fewest = min(others.values())
  if given - fewest < max(RANGE_MIN_FEWER_ERRORS, math.ceil(RANGE_MIN_FEWER_SHARE * n)):
    return
  best = next(r for r in others if others[r] <= fewest + RANGE_TIE_ERRORS)
  raise AdvTfError(f"the model misclassifies {given} of the first {n} images in --input_range={low:g},{high:g} but "
                   f"{others[best]} in {best[0]:g},{best[1]:g}; pass --input_range={best[0]:g},{best[1]:g} (the "
                   "range it was trained on), or --nocheck_range if the given range is right")
