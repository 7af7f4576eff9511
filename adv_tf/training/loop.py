"""`train_model`: a model trained with a TrainConfig under tf.distribute.

Dataset rule: `train_model` takes datasets of single examples (image float32 [H, W, C], label int64)
and batches them itself with `TrainConfig.batch_size`, the GLOBAL batch (split evenly across replicas),
so batch size is a real hyperparameter (paper 002 Appendix: 32..512). Batched datasets (images of rank
4) are unbatched first, and `(x, y)` numpy pairs are accepted too. Training batches drop the last
partial batch so every step has the full global batch; evaluation uses every example.

Losses take logits (models never end in a softmax); see `losses.LOSSES` for how each is applied.
Weight decay is PyTorch's coupled L2 (`loss += wd / 2 * sum(w**2)` over all trainable weights), the
meaning of "weight decay" in paper 000 §IV-A (PyTorch SGD).

The function is four small pieces: `prepare_datasets` (examples -> distributed batches), `make_steps`
(the compiled train/eval steps), `History` (evaluations, TensorBoard) and the epoch loop itself.
"""
from __future__ import annotations

import dataclasses
import os
import time
from typing import Any, Callable, Optional, Sequence

import keras
import numpy as np
import tensorflow as tf

from adv_tf.errors import AdvTfError
from adv_tf.training.config import TrainConfig, TrainResult
from adv_tf.training.losses import LOSSES
from adv_tf.training.optimizers import OPTIMIZERS
from adv_tf.training.schedules import Plateau, step_lr

DatasetLike = Any  # tf.data.Dataset of (image, label) or a (x, y) pair of arrays


def _examples(ds: DatasetLike, what: str) -> tf.data.Dataset:
  """Single-example dataset of (float32 image [H, W, C], int64 label)."""
  if isinstance(ds, (tuple, list)) and len(ds) == 2:
    ds = tf.data.Dataset.from_tensor_slices((np.asarray(ds[0], np.float32), np.asarray(ds[1], np.int64)))
  if not isinstance(ds, tf.data.Dataset):
    raise AdvTfError(f"{what} must be a tf.data.Dataset of (image, label) or an (x, y) pair of arrays")
  spec = ds.element_spec
  if not isinstance(spec, tuple) or len(spec) != 2:
    raise AdvTfError(f"{what} must yield (image, label) pairs, got element spec {spec}")
  rank = spec[0].shape.rank
  if rank == 4:
    ds = ds.unbatch()
  elif rank != 3:
    raise AdvTfError(f"{what} images must be [H, W, C] (or batched [B, H, W, C]), got shape {spec[0].shape}")
  return ds.map(_cast_example)


@tf.autograph.experimental.do_not_convert
def _cast_example(x, y):
  return tf.cast(x, tf.float32), tf.cast(y, tf.int64)


@dataclasses.dataclass
class PreparedData:
  """Distributed training and evaluation batches."""
  train: Any
  evaluation: Any
  steps_per_epoch: int


def prepare_datasets(train_ds: DatasetLike, eval_ds: DatasetLike, config: TrainConfig,
                     strategy: tf.distribute.Strategy, *, cache_data: bool = True,
                     train_transforms: Sequence = ()) -> PreparedData:
  """Subsets, caches, shuffles and batches the examples (global batch, last partial batch dropped).

  `train_transforms` (random augmentations, e.g. RandomResizedCrop + RandomFlip) run on the training batches
  AFTER the cache and the shuffle, through `adv_tf.data.pipeline.augment`, so every epoch draws fresh crops
  (reproducibly from `config.seed`); images must be in [0, 1].
  """
  train = _examples(train_ds, "train_ds")
  evaluation = _examples(eval_ds, "eval_ds")
  if config.max_train_examples:
    train = train.take(config.max_train_examples)
  if config.max_eval_examples:
    evaluation = evaluation.take(config.max_eval_examples)
  if cache_data:
    train = train.cache()
  num_train = int(train.cardinality())
  if num_train < 0:  # unknown after unbatch/filter: count once
    num_train = int(train.reduce(np.int64(0), lambda count, _: count + 1))
  steps_per_epoch = num_train // config.batch_size
  if steps_per_epoch == 0:
    raise AdvTfError(f"train_ds has {num_train} examples, fewer than one batch of {config.batch_size}")
  if config.shuffle_buffer:
    train = train.shuffle(config.shuffle_buffer, seed=config.seed, reshuffle_each_iteration=True)
  train = train.batch(config.batch_size, drop_remainder=True)
  if train_transforms:
    from adv_tf.data.pipeline import augment  # lazy: the data package imports TFDS
    train = augment(train, train_transforms, seed=config.seed)
  train = train.prefetch(tf.data.AUTOTUNE)
  # Evaluation batches do not change results (inference mode), so use big ones: faster for small batches.
  evaluation = evaluation.batch(max(config.batch_size, 512))
  if cache_data:
    evaluation = evaluation.cache()
  evaluation = evaluation.prefetch(tf.data.AUTOTUNE)
  return PreparedData(strategy.experimental_distribute_dataset(train),
                      strategy.experimental_distribute_dataset(evaluation), steps_per_epoch)


def make_steps(model: keras.Model, optimizer, config: TrainConfig, strategy: tf.distribute.Strategy, *,
               jit_compile: bool = False) -> tuple[Callable, Callable]:
  """(train_step, eval_step): compiled functions over distributed batches returning summed statistics.

  train_step(x, y) -> (loss sum, correct); eval_step(x, y) -> [loss sum, correct, examples]. Each is one
  `tf.function` around `strategy.run` (the form TPUStrategy requires; training batches have one static
  shape, the last partial one is dropped). `jit_compile=True` compiles them with XLA, the path a TPU
  takes (tests run it on CPU to catch ops XLA cannot compile); off by default (no gain measured on CPU).
  """
  loss_fn = LOSSES.get(config.loss)
  global_batch = config.batch_size
  wd = float(config.weight_decay)

  def step_fn(x, y):
    with tf.GradientTape() as tape:
      logits = tf.cast(model(x, training=True), tf.float32)
      per_example = loss_fn(y, logits)
      loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch)
      extra = list(model.losses)
      if wd:
        extra.append(0.5 * wd * tf.add_n([tf.reduce_sum(tf.square(v)) for v in model.trainable_variables]))
      if extra:
        loss += tf.nn.scale_regularization_loss(tf.add_n(extra))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, -1), y), tf.float32))
    return tf.reduce_sum(per_example), correct

  @tf.function(autograph=False, jit_compile=jit_compile or None)  # plain Python control flow only
  def train_step(x, y):
    loss_sum, correct = strategy.run(step_fn, args=(x, y))
    return (strategy.reduce(tf.distribute.ReduceOp.SUM, loss_sum, axis=None),
            strategy.reduce(tf.distribute.ReduceOp.SUM, correct, axis=None))

  def eval_fn(x, y):
    logits = tf.cast(model(x, training=False), tf.float32)
    correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, -1), y), tf.float32))
    return tf.reduce_sum(loss_fn(y, logits)), correct, tf.cast(tf.shape(y)[0], tf.float32)

  @tf.function(autograph=False, jit_compile=jit_compile or None)  # plain Python control flow only
  def eval_step(x, y):
    out = strategy.run(eval_fn, args=(x, y))
    return [strategy.reduce(tf.distribute.ReduceOp.SUM, v, axis=None) for v in out]

  return train_step, eval_step


HISTORY_KEYS = ("epoch", "step", "loss", "train_accuracy", "test_accuracy", "test_loss", "learning_rate",
                "seconds")
SUMMARY_KEYS = ("loss", "train_accuracy", "test_accuracy", "test_loss", "learning_rate")


class History:
  """Evaluations during training: one entry per evaluation, optionally written to TensorBoard.

  Accumulates the training loss/accuracy of the steps since the last evaluation (`window`).
  """

  def __init__(self, evaluate: Callable[[], tuple[float, float]], log_dir=None,
               on_record: Optional[Callable[[float, float], None]] = None):
    self.evaluate = evaluate
    self.entries: dict[str, list] = {k: [] for k in HISTORY_KEYS}
    self.window = np.zeros(3)  # loss sum, correct, examples since the last evaluation
    self.writer = tf.summary.create_file_writer(str(log_dir)) if log_dir else None
    self.start = time.perf_counter()
    self.on_record = on_record  # called with (epoch value, test accuracy) after each evaluation

  def record(self, epoch_value: float, steps: int, lr: float) -> float:
    """Evaluates, appends an entry, writes the summaries; returns the test accuracy."""
    acc, test_loss = self.evaluate()
    window = self.window
    entry = dict(epoch=epoch_value, step=steps, loss=window[0] / max(window[2], 1),
                 train_accuracy=window[1] / max(window[2], 1), test_accuracy=acc, test_loss=test_loss,
                 learning_rate=lr, seconds=time.perf_counter() - self.start)
    for k, v in entry.items():
      self.entries[k].append(float(v))
    if self.writer:
      with self.writer.as_default(step=steps):
        for k in SUMMARY_KEYS:
          tf.summary.scalar(k, entry[k])
      self.writer.flush()
    window[:] = 0
    if self.on_record is not None:
      self.on_record(epoch_value, acc)
    return acc


class BestWeights:
  """The weights of the evaluation with the highest accuracy so far (`TrainConfig.restore_best`); the first of
  equal accuracies is kept (an earlier, shorter-trained model, as a best-on-test checkpoint that saves only
  on improvement)."""

  def __init__(self, model: keras.Model):
    self.model = model
    self.accuracy = -np.inf
    self.epoch: Optional[float] = None
    self.weights: Optional[list] = None

  def __call__(self, epoch_value: float, accuracy: float) -> None:
    if accuracy > self.accuracy:
      self.accuracy, self.epoch, self.weights = float(accuracy), float(epoch_value), self.model.get_weights()

  def restore(self) -> None:
    if self.weights is not None:
      self.model.set_weights(self.weights)


def _evaluator(eval_step: Callable, dist_eval) -> Callable[[], tuple[float, float]]:
  def evaluate() -> tuple[float, float]:
    totals = np.zeros(3)
    for x, y in dist_eval:
      totals += np.array([float(v) for v in eval_step(x, y)])
    if totals[2] == 0:
      raise AdvTfError("eval_ds is empty")
    return totals[1] / totals[2], totals[0] / totals[2]
  return evaluate


def train_model(model_fn: Callable[[], keras.Model], train_ds: DatasetLike, eval_ds: DatasetLike,
                config: TrainConfig, *, strategy: Optional[tf.distribute.Strategy] = None,
                log_dir: Optional[str | os.PathLike] = None, verbose: int = 0,
                cache_data: bool = True, train_transforms: Sequence = (),
                on_epoch: Optional[Callable[[str], None]] = None) -> tuple[keras.Model, TrainResult]:
  """Builds a model with `model_fn` under `strategy` and trains it with `config`.

  Args:
    model_fn: returns a fresh Keras model that outputs logits; called after the seed is set and
      inside `strategy.scope()`.
    train_ds, eval_ds: datasets of (image, label) examples, unbatched (see module docstring), or
      (x, y) array pairs. eval_ds is evaluated after each epoch (and every eval_every_steps).
    config: the TrainConfig.
    strategy: a tf.distribute strategy (default: the current one); the global batch is split evenly.
    log_dir: write tf.summary scalars (TensorBoard) here.
    verbose: 0 silent; 1 a Keras progress bar per epoch.
    on_epoch: called with one progress line after each epoch (epoch k/N, training loss, test accuracy, lr,
      seconds so far), e.g. a study cell's log, so that a long training shows progress in a run's output.
    cache_data: keep the (decoded, subset) training examples in memory after the first epoch; turn
      off for datasets larger than RAM (ImageNet).
    train_transforms: random augmentations applied to the training batches after the cache, re-drawn
      every epoch (see `prepare_datasets`).

  Under a multi-replica strategy each replica gets batch_size / replicas examples of the same global
  batch and the gradients are summed, so training equals the single-device run up to round-off,
  except that dropout masks are drawn per replica and BatchNorm statistics are per-replica batches.

  Returns:
    (trained model, TrainResult).
  """
  if config.deterministic_ops:
    tf.config.experimental.enable_op_determinism()
  strategy = strategy or tf.distribute.get_strategy()
  replicas = strategy.num_replicas_in_sync
  if config.batch_size % replicas:
    raise AdvTfError(f"batch_size {config.batch_size} must be divisible by the {replicas} replicas")
  keras.utils.set_random_seed(config.seed)
  data = prepare_datasets(train_ds, eval_ds, config, strategy, cache_data=cache_data,
                          train_transforms=train_transforms)
  with strategy.scope():
    model = model_fn()
    optimizer = OPTIMIZERS.get(config.optimizer)(config)
    optimizer.build(model.trainable_variables)
  train_step, eval_step = make_steps(model, optimizer, config, strategy)
  best = BestWeights(model) if config.restore_best else None
  history = History(_evaluator(eval_step, data.evaluation), log_dir, on_record=best)
  steps, accuracy, reached, epoch_done = _run_epochs(config, data, train_step, optimizer, history, verbose,
                                                     on_epoch)
  if best is not None and best.weights is not None:
    best.restore()
    accuracy = best.accuracy
    reached = config.target_accuracy is not None and accuracy >= config.target_accuracy
  result = TrainResult(test_accuracy=float(accuracy), epochs=float(epoch_done),
                       seconds=time.perf_counter() - history.start,
                       reached_target=None if config.target_accuracy is None else bool(reached),
                       history=history.entries, steps=steps, num_replicas=replicas,
                       best_epoch=None if best is None else best.epoch)
  return model, result


def _run_epochs(config: TrainConfig, data: PreparedData, train_step: Callable, optimizer, history: History,
                verbose: int, on_epoch: Optional[Callable[[str], None]] = None) -> tuple[int, float, bool, float]:
  """The epoch loop: schedules, steps, evaluations, early stop at the target, stop after an epoch whose training
  loss is not finite (diverged). Returns (steps, last test accuracy, reached the target, epochs done)."""
  plateau = Plateau(config.plateau_patience, config.plateau_factor)
  lr = config.learning_rate
  steps = 0
  accuracy, reached, epoch_done = 0.0, False, 0.0
  epoch_totals = np.zeros(3)
  global_batch = config.batch_size
  for epoch in range(config.epochs):
    if config.lr_schedule == "step":
      lr = step_lr(config, epoch)
    optimizer.learning_rate = lr
    bar = (keras.utils.Progbar(data.steps_per_epoch, stateful_metrics=["loss", "accuracy"])
           if verbose else None)
    epoch_totals[:] = 0
    epoch_steps = 0
    stopped = False
    for x, y in data.train:
      loss_sum, correct = (float(v) for v in train_step(x, y))
      steps += 1
      epoch_steps += 1
      batch = np.array([loss_sum, correct, global_batch])
      history.window += batch
      epoch_totals += batch
      if bar:
        bar.update(epoch_steps, [("loss", epoch_totals[0] / epoch_totals[2]),
                                 ("accuracy", epoch_totals[1] / epoch_totals[2])])
      if config.eval_every_steps and steps % config.eval_every_steps == 0:
        frac = epoch + epoch_steps / data.steps_per_epoch
        accuracy = history.record(frac, steps, lr)
        if config.target_accuracy is not None and accuracy >= config.target_accuracy:
          stopped, reached, epoch_done = True, True, frac
          break
    if stopped:
      break
    epoch_done = epoch + 1
    if history.window[2] > 0 or not history.entries["epoch"]:
      accuracy = history.record(float(epoch + 1), steps, lr)
    if verbose:
      print(f"epoch {epoch + 1}: test accuracy {accuracy:.4f}, lr {lr:g}")
    if on_epoch is not None:
      on_epoch(f"epoch {epoch + 1}/{config.epochs}: loss {epoch_totals[0] / max(epoch_totals[2], 1):.4f}, "
               f"test accuracy {accuracy:.4f}, lr {lr:g}, {time.perf_counter() - history.start:.0f} s")
    if config.target_accuracy is not None and accuracy >= config.target_accuracy:
      reached = True
      break
    if not np.isfinite(epoch_totals[0]):  # diverged (an inf/NaN loss): no later epoch recovers
      if on_epoch is not None:
        on_epoch(f"stopped after epoch {epoch + 1}: the training loss is not finite (the model diverged)")
      break
    if config.lr_schedule == "plateau":
      lr = plateau.step(epoch_totals[0] / epoch_totals[2], lr)
  return steps, accuracy, reached, epoch_done
