"""Paper 001 models and training regimes: build, train to convergence on held-out training data, fine-tune.

Step-budget policy (ours; the paper states no training recipe): every model trains with Adam (lr 1e-3,
batch 128) until the cross-entropy on the held-out validation slice (the last
training images, in the regime's own input distribution) has not improved for `patience` epochs, up to an
epoch cap; the best epoch's weights are restored (Keras EarlyStopping). So the 4,736-image regimes are
not starved of steps (10 epochs would give them 13x fewer steps than raw MNIST) and no model sees the
test set while training. Records say whether a model stopped by convergence or at the cap.

"MNIST + Modified MNIST" (paper §4 "freezing all but the last layers", §5 "retrain the final layer"):
ours is the raw model with every layer frozen except the final dense layer `logits`, retrained on the
modified set with the same optimizer and stopping rule (`adv_tf.training.finetune_from`, which copies the
raw model and freezes it; frozen weights stay bit-identical).
"""
from __future__ import annotations

import dataclasses
import time
from typing import Any

import numpy as np

from adv_tf.errors import AdvTfError


@dataclasses.dataclass(frozen=True)
class Architecture:
  """A registered adv_tf model and its options, plus the name the report prints."""
  model: str
  options: dict
  label: str


ARCHITECTURES: dict[str, Architecture] = {
    "cnn": Architecture("madry_cnn", {}, "CNN (Table 1 = madry_cnn: conv32-pool-conv64-pool-fc1024, ReLU)"),
    "lenet5_classic": Architecture("lenet5", {"activation": "tanh", "pooling": "avg"},
                                   "LeNet-5 classic (tanh, average pooling, input padded to 32)"),
    "lenet5_relu": Architecture("lenet5", {"activation": "relu", "pooling": "max"},
                                "LeNet-5 ReLU/max-pool (common PyTorch variant)"),
}

# Regime -> (training images: "full" | "selected" | "random", distorted inputs?, starts from the raw model?)
REGIMES: dict[str, dict[str, Any]] = {
    "raw": {"images": "full", "distorted": False, "parent": None, "label": "MNIST"},
    "modified": {"images": "selected", "distorted": True, "parent": None, "label": "Modified MNIST"},
    "finetuned": {"images": "selected", "distorted": True, "parent": "raw", "label": "MNIST + Modified MNIST"},
    "random_undistorted": {"images": "random", "distorted": False, "parent": None,
                           "label": "control: random 4,736 undistorted"},
    "random_distorted": {"images": "random", "distorted": True, "parent": None,
                         "label": "control: random 4,736 distorted"},
}

TRAINABLE_IN_FINETUNING = ("logits",)


def build_model(architecture: str, input_shape=(28, 28, 1), num_classes: int = 10, *, seed: int):
  """The architecture's Keras model (logits), weights drawn from `seed`."""
  import keras

  from adv_tf.models import build
  if architecture not in ARCHITECTURES:
    raise AdvTfError(f"unknown architecture {architecture!r}; choose one of {', '.join(ARCHITECTURES)}")
  arch = ARCHITECTURES[architecture]
  keras.utils.set_random_seed(seed)
  return build(arch.model, input_shape, num_classes, **arch.options)


def fit(model, x, y, x_val, y_val, *, learning_rate: float, batch_size: int, max_epochs: int, patience: int,
        seed: int, verbose: int = 0, on_epoch=None) -> dict[str, Any]:
  """Trains `model` in place (Adam, softmax cross entropy on logits) with early stopping on (x_val, y_val);
  `on_epoch`, when given, gets one progress line per epoch (the run's cell log).

  Returns a JSON-able summary: epochs run, best epoch, stopped_by ('convergence' or 'epoch cap'),
  steps, held-out accuracy/loss of the restored weights, per-epoch history, seconds.
  """
  import keras
  if len(x) < batch_size:
    raise AdvTfError(f"{len(x)} training images are fewer than one batch of {batch_size}")
  keras.utils.set_random_seed(seed)
  model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
  stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
  callbacks = [stop]
  t0 = time.perf_counter()
  if on_epoch is not None:
    callbacks.append(keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: on_epoch(
        f"epoch {epoch + 1}/{max_epochs}: loss {logs['loss']:.4f}, held-out accuracy {logs['val_accuracy']:.4f}, "
        f"{time.perf_counter() - t0:.0f} s")))
  history = model.fit(x, y, batch_size=batch_size, epochs=max_epochs, validation_data=(x_val, y_val),
                      shuffle=True, callbacks=callbacks, verbose=verbose).history
  val_loss, val_acc = model.evaluate(x_val, y_val, batch_size=1024, verbose=0)[:2]
  epochs = len(history["loss"])
  # EarlyStopping sets stopped_epoch (0-based, > 0) only when patience ran out, also on the last allowed epoch.
  converged = stop.stopped_epoch > 0
  steps_per_epoch = -(-len(x) // batch_size)
  return {"epochs": epochs, "best_epoch": int(np.argmin(history["val_loss"])) + 1,
          "stopped_by": "convergence" if converged else "epoch cap", "max_epochs": max_epochs,
          "steps": epochs * steps_per_epoch, "train_images": int(len(x)),
          "validation_accuracy": float(val_acc), "validation_loss": float(val_loss),
          "history": {k: [float(v) for v in vals] for k, vals in history.items()},
          "seconds": time.perf_counter() - t0}


def to_train_result(summary: dict[str, Any]):
  """The library's TrainResult (for the model cache) from a `fit` summary."""
  from adv_tf.training.config import TrainResult
  return TrainResult(test_accuracy=summary["validation_accuracy"], epochs=float(summary["epochs"]),
                     seconds=summary["seconds"], reached_target=None,
                     history={k: v for k, v in summary.items() if k != "seconds"}, steps=summary["steps"])


def from_train_result(result) -> dict[str, Any]:
  """Inverse of `to_train_result` (the summary a cached model was trained with)."""
  return {**result.history, "seconds": result.seconds}
