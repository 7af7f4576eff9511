"""`train_model` vs plain `model.fit` on the same LeNet (paper 002 Table 1) and the same MNIST examples.

Both sides train a fresh LeNet for one epoch of `num_train` examples (SGD 0.01, momentum 0.9, batch 128,
softmax cross entropy on logits, shuffled) and evaluate once on the same `num_eval` test images at the end
(`train_model`'s per-epoch evaluation; `validation_data` for fit). Each call builds, traces and trains from
scratch; the two sides alternate `repeats` times and each side's best time is kept (robust to load from other
processes). Goal: images/s ratio train_model / fit >= 1.0.
"""
from __future__ import annotations

import time

NUM_TRAIN = 12800
NUM_EVAL = 1000


def _time(fn, repeats: int) -> float:
  return min(_timed(fn) for _ in range(repeats))


def _timed(fn) -> float:
  start = time.perf_counter()
  fn()
  return time.perf_counter() - start


def run(ctx, repeats: int = 3) -> list[str]:
  import keras  # pylint: disable=import-outside-toplevel

  from adv_tf import models  # pylint: disable=import-outside-toplevel
  from adv_tf.training import TrainConfig, train_model  # pylint: disable=import-outside-toplevel
  x, y = ctx.x_train[:NUM_TRAIN], ctx.y_train[:NUM_TRAIN]
  xv, yv = ctx.x_test[:NUM_EVAL], ctx.y_test[:NUM_EVAL]
  config = TrainConfig(optimizer="sgd", learning_rate=0.01, momentum=0.9, batch_size=128, epochs=1,
                       shuffle_buffer=NUM_TRAIN, seed=0)

  def build():
    return models.build("lenet", (28, 28, 1), 10)

  def ours():
    train_model(build, (x, y), (xv, yv), config)

  def fit():
    keras.utils.set_random_seed(0)
    model = build()
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x, y, batch_size=128, epochs=1, shuffle=True, validation_data=(xv, yv), verbose=0)

  ours_s, fit_s = float("inf"), float("inf")
  for _ in range(repeats):
    ours_s = min(ours_s, _timed(ours))
    fit_s = min(fit_s, _timed(fit))
  images = (NUM_TRAIN // 128) * 128
  ratio = (images / ours_s) / (images / fit_s)
  return [f"[bench] train: LeNet, {images} MNIST images x 1 epoch + eval on {NUM_EVAL}, batch 128, best of {repeats}: "
          f"train_model {images / ours_s:.0f} images/s ({ours_s:.1f} s), model.fit {images / fit_s:.0f} images/s "
          f"({fit_s:.1f} s); ratio {ratio:.2f} (goal >= 1.0)"]
