"""Adversarial training (paper 003 §II-C, §III-E: FGSM examples; Madry et al. 2018: PGD examples).

`AdversarialTrainer(model, config)` is a keras.Model wrapper whose `train_step` replaces a fraction
`ratio` of each batch by adversarial examples crafted against the current weights (FGSM and/or PGD,
through the same CleverHans steps as the attacks), then runs Keras' ordinary train step. It works with
plain `Model.fit`; the wrapped model's weights are the ones trained, so use `trainer.model` afterwards.
"""
from __future__ import annotations

import dataclasses

import keras
import numpy as np
import tensorflow as tf

from adv_tf.attacks.gradient import fgsm_graph, pgd_graph
from adv_tf.defenses.base import DEFENSES
from adv_tf.errors import AdvTfError


@DEFENSES.register("adversarial_training")
@dataclasses.dataclass(frozen=True)
class AdversarialTrainingConfig:
  """Settings for adversarial training.

  Attributes:
    eps: Linf budget in pixel units.
    ratio: fraction of each batch replaced by adversarial examples (0 = ordinary training).
    pgd_fraction: of the adversarial examples, the fraction made by PGD (rest: FGSM). 0 = paper 003's
      FGSM training; 1 = Madry's PGD training.
    pgd_steps, pgd_step_size: PGD settings (step default 2.5*eps/steps, Madry et al.).
    clip_min, clip_max: the dataset's pixel range.
    seed: seeds PGD's random start (combined with the optimizer step).
  """
  eps: float = 0.1
  ratio: float = 0.5
  pgd_fraction: float = 0.0
  pgd_steps: int = 7
  pgd_step_size: float | None = None
  clip_min: float = 0.0
  clip_max: float = 1.0
  seed: int = 0
  modes = ()

  def __post_init__(self):
    if not 0.0 <= self.ratio <= 1.0 or not 0.0 <= self.pgd_fraction <= 1.0:
      raise AdvTfError("adversarial training ratio and pgd_fraction must lie in [0, 1]")
    if not 0.0 <= self.eps <= self.clip_max - self.clip_min:
      raise AdvTfError(f"adversarial training eps must lie in [0, pixel range width], got {self.eps}")
    if int(self.pgd_steps) < 1:
      raise AdvTfError(f"pgd_steps must be >= 1, got {self.pgd_steps}")


class AdversarialTrainer(keras.Model):
  """Wraps a logits model; `fit` trains it on batches mixed with adversarial examples."""

  def __init__(self, model: keras.Model, config: AdversarialTrainingConfig, **kwargs):
    super().__init__(**kwargs)
    self.model = model
    self.config = config

  def call(self, x, training=False):
    return self.model(x, training=training)

  def adversarial_batch(self, x, y):
    """Returns x with its first round(ratio*B) examples replaced by FGSM/PGD examples."""
    c = self.config
    x = tf.convert_to_tensor(x, tf.float32)
    y = tf.cast(tf.reshape(y, [-1]), tf.int64)
    batch = tf.shape(x)[0]
    n_adv = tf.cast(tf.round(c.ratio * tf.cast(batch, tf.float32)), tf.int32)
    n_pgd = tf.cast(tf.round(c.pgd_fraction * tf.cast(n_adv, tf.float32)), tf.int32)
    xa, ya = x[:n_adv], y[:n_adv]
    parts = []
    if c.pgd_fraction > 0:
      step = c.pgd_step_size if c.pgd_step_size is not None else 2.5 * c.eps / c.pgd_steps
      it = tf.cast(self.optimizer.iterations, tf.int32) if self.optimizer is not None else 0
      seed = tf.stack([tf.constant(c.seed, tf.int32), it])
      parts.append(pgd_graph(self.model, xa[:n_pgd], ya[:n_pgd], c.eps, step, c.pgd_steps, seed,
                             clip_min=c.clip_min, clip_max=c.clip_max))
    if c.pgd_fraction < 1:
      parts.append(fgsm_graph(self.model, xa[n_pgd:], ya[n_pgd:], c.eps, clip_min=c.clip_min,
                              clip_max=c.clip_max))
    adv = tf.stop_gradient(tf.concat(parts, axis=0))
    return tf.concat([adv, x[n_adv:]], axis=0)

  def train_step(self, data):
    x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
    if self.config.ratio > 0:
      x = self.adversarial_batch(x, y)
    return super().train_step(keras.utils.pack_x_y_sample_weight(x, y, sample_weight))


def adversarial_trainer(model: keras.Model, config: AdversarialTrainingConfig | None = None,
                        **compile_kwargs) -> AdversarialTrainer:
  """Wraps `model`; compiles the wrapper with `compile_kwargs` when given (optimizer, loss, metrics)."""
  trainer = AdversarialTrainer(model, config or AdversarialTrainingConfig())
  if compile_kwargs:
    trainer.compile(**compile_kwargs)
  return trainer
