"""Training: `TrainConfig`, named paper presets, `train_model` under tf.distribute, and a checkpoint cache.

Dataset rule: `train_model` takes datasets of single examples (image float32 [H, W, C], label int64)
and batches them itself with `TrainConfig.batch_size`, the GLOBAL batch (split evenly across replicas),
so batch size is a real hyperparameter (paper 002 Appendix: 32..512). Batched datasets (images of rank
4) are unbatched first, and `(x, y)` numpy pairs are accepted too. Training batches drop the last
partial batch so every step has the full global batch; evaluation uses every example.

Losses take logits (models never end in a softmax); see `LOSSES` for how each is applied.
Weight decay is PyTorch's coupled L2 (`loss += wd / 2 * sum(w**2)` over all trainable weights), the
meaning of "weight decay" in paper 000 §IV-A (PyTorch SGD).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import pathlib
import tempfile
import time
from typing import Any, Callable, Optional, Sequence

import keras
import numpy as np
import tensorflow as tf

from adv_tf.errors import AdvTfError
from adv_tf.registry import Registry

# ---------------------------------------------------------------------------------------------- losses

LossFn = Callable[[tf.Tensor, tf.Tensor], tf.Tensor]
LOSSES: Registry[LossFn] = Registry("loss")


def _one_hot(labels: tf.Tensor, logits: tf.Tensor) -> tf.Tensor:
  return tf.one_hot(tf.cast(labels, tf.int32), tf.shape(logits)[-1], dtype=logits.dtype)


@LOSSES.register("cross_entropy")
def _cross_entropy(labels, logits):
  """Softmax cross entropy on the logits (paper 002 Table 1 control loss)."""
  return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.cast(labels, tf.int32), logits=logits)


@LOSSES.register("log_loss")
def _log_loss(labels, logits):
  """TensorFlow's `log_loss`: per-class binary log loss of the softmax probabilities vs one-hot labels,
  -(y log(p + 1e-7) + (1 - y) log(1 - p + 1e-7)), averaged over classes. Unlike cross entropy it
  also penalizes probability given to wrong classes, each class being a separate Bernoulli."""
  y = _one_hot(labels, logits)
  p = tf.nn.softmax(logits)
  eps = 1e-7
  return -tf.reduce_mean(y * tf.math.log(p + eps) + (1 - y) * tf.math.log(1 - p + eps), axis=-1)


@LOSSES.register("sigmoid_cross_entropy")
def _sigmoid_cross_entropy(labels, logits):
  """Sigmoid cross entropy of each logit vs the one-hot label (independent per-class sigmoids),
  averaged over classes, as `tf.losses.sigmoid_cross_entropy`."""
  return tf.reduce_mean(
      tf.nn.sigmoid_cross_entropy_with_logits(labels=_one_hot(labels, logits), logits=logits), axis=-1)


@LOSSES.register("hinge")
def _hinge(labels, logits):
  """Keras/TF hinge loss on the logits with one-hot labels mapped to {-1, +1}:
  mean over classes of max(0, 1 - t * logit)."""
  t = 2.0 * _one_hot(labels, logits) - 1.0
  return tf.reduce_mean(tf.nn.relu(1.0 - t * logits), axis=-1)


@LOSSES.register("mse")
def _mse(labels, logits):
  """Mean squared error between the softmax probabilities and the one-hot labels, mean over classes."""
  return tf.reduce_mean(tf.square(tf.nn.softmax(logits) - _one_hot(labels, logits)), axis=-1)


# ------------------------------------------------------------------------------------------ optimizers

OPTIMIZERS: Registry[Callable[["TrainConfig"], keras.optimizers.Optimizer]] = Registry("optimizer")


@OPTIMIZERS.register("sgd")
def _sgd(c: "TrainConfig"):
  return keras.optimizers.SGD(float(c.learning_rate), momentum=float(c.momentum), nesterov=bool(c.nesterov))


@OPTIMIZERS.register("adam")
def _adam(c: "TrainConfig"):
  return keras.optimizers.Adam(c.learning_rate, beta_1=c.beta_1, beta_2=c.beta_2)


@OPTIMIZERS.register("adamax")
def _adamax(c: "TrainConfig"):
  return keras.optimizers.Adamax(c.learning_rate, beta_1=c.beta_1, beta_2=c.beta_2)


@OPTIMIZERS.register("nadam")
def _nadam(c: "TrainConfig"):
  return keras.optimizers.Nadam(c.learning_rate, beta_1=c.beta_1, beta_2=c.beta_2)


@OPTIMIZERS.register("adadelta")
def _adadelta(c: "TrainConfig"):
  return keras.optimizers.Adadelta(c.learning_rate)


@OPTIMIZERS.register("adagrad")
def _adagrad(c: "TrainConfig"):
  return keras.optimizers.Adagrad(c.learning_rate)


@OPTIMIZERS.register("rmsprop")
def _rmsprop(c: "TrainConfig"):
  return keras.optimizers.RMSprop(float(c.learning_rate), momentum=float(c.momentum) if c.rmsprop_momentum else 0.0)


LR_SCHEDULES = ("constant", "step", "plateau")


# -------------------------------------------------------------------------------------------- config

@dataclasses.dataclass(frozen=True)
class TrainConfig:
  """How a model is trained. Presets for each paper's recipe: `preset(name, profile)`.

  Attributes:
    optimizer: 'sgd', 'adadelta', 'adagrad', 'adam', 'adamax', 'nadam' or 'rmsprop' (paper 002 Appendix).
    learning_rate: initial learning rate.
    momentum: SGD momentum (paper 002 Appendix 0.2..1.0; Table 1: 0.9); also RMSprop's when
      `rmsprop_momentum` is set.
    nesterov: Nesterov momentum for SGD.
    beta_1, beta_2: Adam/Adamax/Nadam moment decays (paper 000: 0.9, 0.999).
    rmsprop_momentum: use `momentum` in RMSprop too (default off: Keras' RMSprop default).
    lr_schedule: 'constant'; 'step' (x lr_decay_factor at each epoch in lr_decay_epochs, paper 000
      §IV-A-2/3); 'plateau' (PyTorch ReduceLROnPlateau on the epoch's training loss: x plateau_factor
      after plateau_patience epochs without a relative improvement of 1e-4, paper 000 §IV-A-1).
    lr_decay_epochs, lr_decay_factor: the step schedule (epochs counted from 0).
    plateau_patience, plateau_factor: the plateau schedule.
    weight_decay: coupled L2 factor (PyTorch `weight_decay`).
    loss: 'cross_entropy', 'log_loss', 'hinge', 'mse' or 'sigmoid_cross_entropy' (paper 002 Appendix).
    batch_size: global batch size (paper 002 Appendix 32..512).
    epochs: maximum number of epochs.
    target_accuracy: stop as soon as an evaluation on eval_ds reaches it (paper 002 §5.1 trains "until
      at least 98%"); None trains all epochs.
    eval_every_steps: also evaluate every this many steps (for the target check); None = per epoch.
    max_train_examples, max_eval_examples: take only the first N examples (quick profiles).
    shuffle_buffer: shuffle buffer size in examples (the default 60000 is a full shuffle of MNIST/CIFAR;
      mind memory for large images); 0 disables shuffling.
    seed: seeds weights, dropout and shuffling; same seed -> same weights.
    deterministic_ops: call tf.config.experimental.enable_op_determinism() (process-wide).
  """
  optimizer: str = "sgd"
  learning_rate: float = 0.01
  momentum: float = 0.9
  nesterov: bool = False
  beta_1: float = 0.9
  beta_2: float = 0.999
  rmsprop_momentum: bool = False
  lr_schedule: str = "constant"
  lr_decay_epochs: tuple[int, ...] = ()
  lr_decay_factor: float = 0.1
  plateau_patience: int = 5
  plateau_factor: float = 0.1
  weight_decay: float = 0.0
  loss: str = "cross_entropy"
  batch_size: int = 128
  epochs: int = 10
  target_accuracy: Optional[float] = None
  eval_every_steps: Optional[int] = None
  max_train_examples: Optional[int] = None
  max_eval_examples: Optional[int] = None
  shuffle_buffer: int = 60000
  seed: int = 0
  deterministic_ops: bool = False

  def __post_init__(self):
    OPTIMIZERS.get(self.optimizer)
    LOSSES.get(self.loss)
    if self.lr_schedule not in LR_SCHEDULES:
      raise AdvTfError(f"TrainConfig.lr_schedule={self.lr_schedule!r}; choose one of: {', '.join(LR_SCHEDULES)}")
    object.__setattr__(self, "lr_decay_epochs", tuple(int(e) for e in self.lr_decay_epochs))
    for name in ("batch_size", "epochs", "plateau_patience"):
      v = getattr(self, name)
      if isinstance(v, bool) or not isinstance(v, int) or v < (0 if name == "plateau_patience" else 1):
        raise AdvTfError(f"TrainConfig.{name} must be a positive integer, got {v!r}")
    for name in ("eval_every_steps", "max_train_examples", "max_eval_examples"):
      v = getattr(self, name)
      if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
        raise AdvTfError(f"TrainConfig.{name} must be None or a positive integer, got {v!r}")
    if not (isinstance(self.learning_rate, (int, float)) and self.learning_rate > 0):
      raise AdvTfError(f"TrainConfig.learning_rate must be > 0, got {self.learning_rate!r}")
    if not 0.0 <= self.momentum <= 1.0:
      raise AdvTfError(f"TrainConfig.momentum must be in [0, 1], got {self.momentum!r}")
    if self.weight_decay < 0:
      raise AdvTfError(f"TrainConfig.weight_decay must be >= 0, got {self.weight_decay!r}")
    if self.target_accuracy is not None and not 0.0 < self.target_accuracy <= 1.0:
      raise AdvTfError(f"TrainConfig.target_accuracy must be in (0, 1] or None, got {self.target_accuracy!r}")
    if self.shuffle_buffer < 0:
      raise AdvTfError(f"TrainConfig.shuffle_buffer must be >= 0, got {self.shuffle_buffer!r}")

  def to_dict(self) -> dict[str, Any]:
    d = dataclasses.asdict(self)
    d["lr_decay_epochs"] = list(self.lr_decay_epochs)
    return d

  def replace(self, **overrides: Any) -> "TrainConfig":
    """A copy with fields replaced; unknown fields raise AdvTfError."""
    known = {f.name for f in dataclasses.fields(self)}
    unknown = sorted(set(overrides) - known)
    if unknown:
      raise AdvTfError(f"TrainConfig has no field(s) {', '.join(unknown)}; fields: {', '.join(sorted(known))}")
    return dataclasses.replace(self, **overrides)


# ------------------------------------------------------------------------------------------- presets

PRESETS: Registry[dict[str, TrainConfig]] = Registry("training preset")
PROFILES = ("quick", "paper")


def _register_preset(name: str, paper: TrainConfig, quick: TrainConfig) -> None:
  PRESETS.register(name)({"paper": paper, "quick": quick})


def preset(name: str, profile: str = "quick", **overrides: Any) -> TrainConfig:
  """The TrainConfig of a named paper recipe.

  Args:
    name: see `PRESETS.names()`.
    profile: 'paper' (published settings) or 'quick' (epoch caps and data subsets for a 2-core CPU).
    **overrides: TrainConfig fields to change.
  """
  if profile not in PROFILES:
    raise AdvTfError(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
  return PRESETS.get(name)[profile].replace(**overrides)


# Paper 002 §5.1 / Table 1: LeNet, SGD with momentum 0.9, cross entropy, trained until >= 98% test
# accuracy. The paper gives no learning rate, batch size or epoch count; we use those of Carlini &
# Wagner's `train_models.py`, which paper 002 §5.3.2 says its code is adapted from: learning rate
# 0.01, batch 128, up to 50 epochs (C&W's Nesterov momentum and 1e-6 decay are not used: Table 1
# says plain momentum). Quick: the same, evaluated on the test set every 100 steps and stopped at 98%,
# at most 10 epochs.
_LENET = TrainConfig(optimizer="sgd", learning_rate=0.01, momentum=0.9, batch_size=128, epochs=50,
                     target_accuracy=0.98, loss="cross_entropy")
_register_preset("paper002_lenet", _LENET, _LENET.replace(epochs=10, eval_every_steps=100))

# Paper 000 §IV-A-1: Madry CNN, Adam lr 0.01, betas (0.9, 0.999), batch 64, 100 epochs, LR reduced
# when the loss has not improved for 5 epochs (PyTorch ReduceLROnPlateau: factor 0.1).
_MADRY = TrainConfig(optimizer="adam", learning_rate=0.01, beta_1=0.9, beta_2=0.999, batch_size=64,
                     epochs=100, lr_schedule="plateau", plateau_patience=5, plateau_factor=0.1)
_register_preset("paper000_madry_cnn", _MADRY, _MADRY.replace(epochs=2, max_train_examples=10000))

# Paper 000 §IV-A-2: CIFAR-10 ResNet-18, SGD 0.1, momentum 0.9, wd 5e-4, batch 128, 350 epochs,
# x0.1 at epochs 150 and 250.
_C10 = TrainConfig(optimizer="sgd", learning_rate=0.1, momentum=0.9, weight_decay=5e-4, batch_size=128,
                   epochs=350, lr_schedule="step", lr_decay_epochs=(150, 250), lr_decay_factor=0.1)
_register_preset("paper000_cifar10_resnet18", _C10,
                 _C10.replace(epochs=3, lr_decay_epochs=(2,), max_train_examples=5000, max_eval_examples=2000))

# Paper 000 §IV-A-2: CIFAR-100 ResNet-18, SGD 0.05, momentum 0.9, wd 1e-3, batch 128, 200 epochs,
# x0.2 at epochs 60, 120, 160.
_C100 = TrainConfig(optimizer="sgd", learning_rate=0.05, momentum=0.9, weight_decay=1e-3, batch_size=128,
                    epochs=200, lr_schedule="step", lr_decay_epochs=(60, 120, 160), lr_decay_factor=0.2)
_register_preset("paper000_cifar100_resnet18", _C100,
                 _C100.replace(epochs=3, lr_decay_epochs=(2,), max_train_examples=5000, max_eval_examples=2000))

# Paper 000 §IV-A-3: ImageNet ResNet-18, SGD 0.1, momentum 0.9, wd 1e-4, batch 256, 90 epochs,
# x0.1 at epochs 30 and 60.
_IMNET = TrainConfig(optimizer="sgd", learning_rate=0.1, momentum=0.9, weight_decay=1e-4, batch_size=256,
                     epochs=90, lr_schedule="step", lr_decay_epochs=(30, 60), lr_decay_factor=0.1,
                     shuffle_buffer=4096)  # 224x224 images: a bounded buffer (ours)
_register_preset("paper000_imagenet_resnet18", _IMNET,
                 _IMNET.replace(epochs=2, batch_size=64, lr_decay_epochs=(), max_train_examples=1000,
                                max_eval_examples=500))

# Paper 003 §4: fine-tuning Wide ResNet / GoogLeNet on Imagenette, SGD 0.01, momentum 0.9, 5 epochs
# (batch size not given: 32, our choice). Quick: 1 epoch on 500 images.
_P003 = TrainConfig(optimizer="sgd", learning_rate=0.01, momentum=0.9, batch_size=32, epochs=5,
                    shuffle_buffer=4096)
_register_preset("paper003_imagenette", _P003,
                 _P003.replace(epochs=1, max_train_examples=500, max_eval_examples=250))

# Papers 001 and 004 give no training recipe. Our choice, stated in their reports: Adam 1e-3,
# batch 128 (paper 001: 10 epochs on MNIST; paper 004: 50 epochs per training subset).
_P001 = TrainConfig(optimizer="adam", learning_rate=1e-3, batch_size=128, epochs=10)
_register_preset("paper001_mnist", _P001, _P001.replace(epochs=2))
_P004 = TrainConfig(optimizer="adam", learning_rate=1e-3, batch_size=128, epochs=50)
_register_preset("paper004_default", _P004, _P004.replace(epochs=3, max_eval_examples=2000))


# --------------------------------------------------------------------------------------------- train

@dataclasses.dataclass
class TrainResult:
  """What `train_model` did.

  Attributes:
    test_accuracy: accuracy on eval_ds at the end of training.
    epochs: epochs trained (fractional when stopped at the target inside an epoch).
    seconds: wall-clock seconds of training and evaluation.
    reached_target: whether test_accuracy >= target_accuracy (None when there was no target).
    history: one entry per evaluation: epoch, step, loss, train_accuracy, test_accuracy, test_loss,
      learning_rate, seconds (lists of equal length).
    steps: optimizer steps taken.
    num_replicas: replicas of the strategy used.
  """
  test_accuracy: float
  epochs: float
  seconds: float
  reached_target: Optional[bool]
  history: dict[str, list]
  steps: int = 0
  num_replicas: int = 1

  def to_dict(self) -> dict[str, Any]:
    return dataclasses.asdict(self)

  @classmethod
  def from_dict(cls, d: dict[str, Any]) -> "TrainResult":
    known = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in d.items() if k in known})


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


class _Plateau:
  """PyTorch ReduceLROnPlateau (mode 'min', relative threshold 1e-4, cooldown 0)."""

  def __init__(self, patience: int, factor: float):
    self.patience, self.factor = patience, factor
    self.best, self.bad = math.inf, 0

  def step(self, value: float, lr: float) -> float:
    if value < self.best * (1 - 1e-4):
      self.best, self.bad = value, 0
      return lr
    self.bad += 1
    if self.bad > self.patience:
      self.bad = 0
      return lr * self.factor
    return lr


def _step_lr(config: TrainConfig, epoch: int) -> float:
  drops = sum(1 for e in config.lr_decay_epochs if epoch >= e)
  return config.learning_rate * config.lr_decay_factor ** drops


def train_model(model_fn: Callable[[], keras.Model], train_ds: DatasetLike, eval_ds: DatasetLike,
                config: TrainConfig, *, strategy: Optional[tf.distribute.Strategy] = None,
                log_dir: Optional[str | os.PathLike] = None, verbose: int = 0,
                cache_data: bool = True) -> tuple[keras.Model, TrainResult]:
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
    cache_data: keep the (decoded, subset) training examples in memory after the first epoch; turn
      off for datasets larger than RAM (ImageNet).

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
  train = train.batch(config.batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
  # Evaluation batches do not change results (inference mode), so use big ones: faster for small batches.
  evaluation = evaluation.batch(max(config.batch_size, 512))
  if cache_data:
    evaluation = evaluation.cache()
  evaluation = evaluation.prefetch(tf.data.AUTOTUNE)
  dist_train = strategy.experimental_distribute_dataset(train)
  dist_eval = strategy.experimental_distribute_dataset(evaluation)
  loss_fn = LOSSES.get(config.loss)
  global_batch = config.batch_size
  wd = float(config.weight_decay)

  with strategy.scope():
    model = model_fn()
    optimizer = OPTIMIZERS.get(config.optimizer)(config)
    optimizer.build(model.trainable_variables)

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

  @tf.function(autograph=False)  # plain Python control flow only
  def train_step(x, y):
    loss_sum, correct = strategy.run(step_fn, args=(x, y))
    return (strategy.reduce(tf.distribute.ReduceOp.SUM, loss_sum, axis=None),
            strategy.reduce(tf.distribute.ReduceOp.SUM, correct, axis=None))

  def eval_fn(x, y):
    logits = tf.cast(model(x, training=False), tf.float32)
    correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, -1), y), tf.float32))
    return tf.reduce_sum(loss_fn(y, logits)), correct, tf.cast(tf.shape(y)[0], tf.float32)

  @tf.function(autograph=False)  # plain Python control flow only
  def eval_step(x, y):
    out = strategy.run(eval_fn, args=(x, y))
    return [strategy.reduce(tf.distribute.ReduceOp.SUM, v, axis=None) for v in out]

  def evaluate() -> tuple[float, float]:
    totals = np.zeros(3)
    for x, y in dist_eval:
      totals += np.array([float(v) for v in eval_step(x, y)])
    if totals[2] == 0:
      raise AdvTfError("eval_ds is empty")
    return totals[1] / totals[2], totals[0] / totals[2]

  writer = tf.summary.create_file_writer(str(log_dir)) if log_dir else None
  history: dict[str, list] = {k: [] for k in ("epoch", "step", "loss", "train_accuracy", "test_accuracy",
                                              "test_loss", "learning_rate", "seconds")}
  plateau = _Plateau(config.plateau_patience, config.plateau_factor)
  lr = config.learning_rate
  start = time.perf_counter()
  steps = 0
  accuracy, reached, epoch_done = 0.0, False, 0.0
  window = np.zeros(3)  # loss sum, correct, examples since the last evaluation
  epoch_totals = np.zeros(3)

  def record(epoch_value: float) -> float:
    acc, test_loss = evaluate()
    entries = dict(epoch=epoch_value, step=steps, loss=window[0] / max(window[2], 1),
                   train_accuracy=window[1] / max(window[2], 1), test_accuracy=acc, test_loss=test_loss,
                   learning_rate=lr, seconds=time.perf_counter() - start)
    for k, v in entries.items():
      history[k].append(float(v))
    if writer:
      with writer.as_default(step=steps):
        for k in ("loss", "train_accuracy", "test_accuracy", "test_loss", "learning_rate"):
          tf.summary.scalar(k, entries[k])
      writer.flush()
    window[:] = 0
    return acc

  for epoch in range(config.epochs):
    if config.lr_schedule == "step":
      lr = _step_lr(config, epoch)
    optimizer.learning_rate = lr
    bar = keras.utils.Progbar(steps_per_epoch, stateful_metrics=["loss", "accuracy"]) if verbose else None
    epoch_totals[:] = 0
    epoch_steps = 0
    stopped = False
    for x, y in dist_train:
      loss_sum, correct = (float(v) for v in train_step(x, y))
      steps += 1
      epoch_steps += 1
      batch = np.array([loss_sum, correct, global_batch])
      window += batch
      epoch_totals += batch
      if bar:
        bar.update(epoch_steps, [("loss", epoch_totals[0] / epoch_totals[2]),
                                 ("accuracy", epoch_totals[1] / epoch_totals[2])])
      if config.eval_every_steps and steps % config.eval_every_steps == 0:
        frac = epoch + epoch_steps / steps_per_epoch
        accuracy = record(frac)
        if config.target_accuracy is not None and accuracy >= config.target_accuracy:
          stopped, reached, epoch_done = True, True, frac
          break
    if stopped:
      break
    epoch_done = epoch + 1
    if window[2] > 0 or not history["epoch"]:
      accuracy = record(float(epoch + 1))
    if verbose:
      print(f"epoch {epoch + 1}: test accuracy {accuracy:.4f}, lr {lr:g}")
    if config.target_accuracy is not None and accuracy >= config.target_accuracy:
      reached = True
      break
    if config.lr_schedule == "plateau":
      lr = plateau.step(epoch_totals[0] / epoch_totals[2], lr)
  result = TrainResult(test_accuracy=float(accuracy), epochs=float(epoch_done),
                       seconds=time.perf_counter() - start,
                       reached_target=None if config.target_accuracy is None else bool(reached),
                       history=history, steps=steps, num_replicas=replicas)
  return model, result


# --------------------------------------------------------------------------------------------- cache

def _jsonable(value: Any) -> Any:
  if dataclasses.is_dataclass(value) and not isinstance(value, type):
    return {"__type__": type(value).__name__, **{k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}}
  if isinstance(value, dict):
    return {str(k): _jsonable(v) for k, v in value.items()}
  if isinstance(value, (list, tuple)):
    return [_jsonable(v) for v in value]
  if isinstance(value, (np.integer, np.floating, np.bool_)):
    return value.item()
  if value is None or isinstance(value, (str, int, float, bool)):
    return value
  raise AdvTfError(f"cache key values must be JSON-like or dataclasses, got {type(value).__name__}")


def cache_key_hash(key: dict[str, Any]) -> str:
  """Stable hash (same across processes) of a cache key: sha256 of sorted-key JSON, 20 hex digits.

  A key should name everything a trained model depends on: model name + config, TrainConfig,
  dataset + transforms, seed. Dataclasses are expanded field by field (with their type name).
  """
  text = json.dumps(_jsonable(key), sort_keys=True, separators=(",", ":"))
  return hashlib.sha256(text.encode()).hexdigest()[:20]


def _atomic_write(path: pathlib.Path, write: Callable[[str], None], suffix: str) -> None:
  fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".tmp{suffix}")
  os.close(fd)
  try:
    write(tmp)
    os.replace(tmp, path)
  finally:
    if os.path.exists(tmp):
      os.remove(tmp)


def cached_train(cache_dir: str | os.PathLike, key: dict[str, Any],
                 train_fn: Callable[[], tuple[keras.Model, TrainResult]], *,
                 retrain: bool = False) -> tuple[keras.Model, TrainResult, bool]:
  """Loads the model trained for `key` from `cache_dir`, or trains it with `train_fn` and saves it.

  Files: `<hash>.keras` (model), `<hash>.json` (TrainResult + the key), each written to a temporary
  file in the same folder then renamed, so a half-written file is never read; the model file is
  written last and only a complete pair counts as a hit.

  Returns:
    (model, TrainResult, cache_hit).
  """
  folder = pathlib.Path(cache_dir)
  folder.mkdir(parents=True, exist_ok=True)
  digest = cache_key_hash(key)
  model_path, meta_path = folder / f"{digest}.keras", folder / f"{digest}.json"
  if not retrain and model_path.exists() and meta_path.exists():
    try:
      with open(meta_path) as f:
        result = TrainResult.from_dict(json.load(f)["result"])
      return keras.saving.load_model(model_path, compile=False), result, True
    except (OSError, ValueError, KeyError, TypeError):
      pass  # unreadable entry (e.g. written by an older version): train again and overwrite it
  model, result = train_fn()
  meta = {"key": _jsonable(key), "hash": digest, "result": result.to_dict()}

  def write_meta(tmp: str) -> None:
    with open(tmp, "w") as f:
      json.dump(meta, f, indent=1, sort_keys=True)

  _atomic_write(meta_path, write_meta, ".json")
  _atomic_write(model_path, lambda tmp: model.save(tmp), ".keras")
  return model, result, False


def make_cache_key(model: str, model_config: Any, train_config: TrainConfig, data: dict[str, Any]) -> dict[str, Any]:
  """The cache key convention: model name + config, TrainConfig (it holds the seed), dataset + transforms.

  Args:
    model: registered model name.
    model_config: its config (a LeNetConfig, or a dict of builder keyword arguments).
    train_config: the TrainConfig.
    data: dataset identity, e.g. {"name": "mnist", "split": "train", "pixel_range": [-0.5, 0.5],
      "transforms": [spec dicts], "subset": ...}.
  """
  return {"model": model, "model_config": model_config, "train": train_config, "data": data,
          "seed": train_config.seed}


# ----------------------------------------------------------------------------------------------- CLI

def _parse_value(text: str) -> Any:
  try:
    return json.loads(text)
  except json.JSONDecodeError:
    return text


def main(argv: Optional[Sequence[str]] = None) -> int:
  """`python -m adv_tf.train --model lenet --dataset mnist --preset paper002_lenet --profile quick`.

  Trains (or loads from --cache_dir) one model on a registered dataset (adv_tf.data) and prints its
  TrainResult without the history. `--set field=value` overrides TrainConfig fields (JSON values),
  `--model_set field=value` the model's options.
  """
  import argparse

  parser = argparse.ArgumentParser(prog="python -m adv_tf.train", description=main.__doc__)
  parser.add_argument("--model", default="lenet")
  parser.add_argument("--dataset", default="mnist")
  parser.add_argument("--preset", default="paper002_lenet")
  parser.add_argument("--profile", default="quick", choices=PROFILES)
  parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE")
  parser.add_argument("--model_set", action="append", default=[], metavar="FIELD=VALUE")
  parser.add_argument("--pixel_range", default="-0.5,0.5", help="low,high of the input pixels")
  parser.add_argument("--data_dir", default=None)
  parser.add_argument("--strategy", default="auto")
  parser.add_argument("--cache_dir", default=None)
  parser.add_argument("--retrain", action="store_true")
  parser.add_argument("--log_dir", default=None)
  parser.add_argument("--verbose", type=int, default=1)
  args = parser.parse_args(argv)
  try:
    from adv_tf import data as adv_data
    from adv_tf import distribute
    from adv_tf.models import LeNetConfig, build

    def pairs(items: Sequence[str]) -> dict[str, Any]:
      out = {}
      for item in items:
        if "=" not in item:
          raise AdvTfError(f"expected FIELD=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        out[k] = _parse_value(v)
      return out

    config = preset(args.preset, args.profile, **pairs(args.set))
    model_kwargs = pairs(args.model_set)
    if args.model == "lenet":
      model_kwargs = {"config": LeNetConfig(**model_kwargs)}
    low, high = (float(v) for v in args.pixel_range.split(","))
    x, y, info = adv_data.load_arrays(args.dataset, "train", data_dir=args.data_dir, pixel_range=(low, high))
    xt, yt, _ = adv_data.load_arrays(args.dataset, "test", data_dir=args.data_dir, pixel_range=(low, high))
    strategy = distribute.strategy(args.strategy)

    def train_fn():
      return train_model(lambda: build(args.model, x.shape[1:], info.num_classes, **model_kwargs), (x, y),
                         (xt, yt), config, strategy=strategy, log_dir=args.log_dir, verbose=args.verbose)

    if args.cache_dir:
      key = make_cache_key(args.model, model_kwargs, config,
                           {"name": args.dataset, "pixel_range": [low, high], "transforms": list(info.transforms)})
      _, result, hit = cached_train(args.cache_dir, key, train_fn, retrain=args.retrain)
    else:
      (_, result), hit = train_fn(), False
  except AdvTfError as e:
    print(f"error: {e}")
    return 2
  summary = {k: v for k, v in result.to_dict().items() if k != "history"}
  print(json.dumps({**summary, "cache_hit": hit, "seconds_per_epoch": result.seconds / max(result.epochs, 1e-9)}))
  return 0


if __name__ == "__main__":
  raise SystemExit(main())
