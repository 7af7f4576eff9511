"""Keras optimizers built from a TrainConfig, by the paper-002 Appendix names."""
from __future__ import annotations

from typing import Any, Callable

import keras

from adv_tf.registry import Registry

# The optimizer settings: a `adv_tf.training.config.TrainConfig` (its learning_rate, momentum, beta_1, ...). Not
# imported: config.py validates optimizer names against this module, so the import goes that way only.
TrainSettings = Any

OPTIMIZERS: Registry[Callable[[TrainSettings], keras.optimizers.Optimizer]] = Registry("optimizer")


@OPTIMIZERS.register("sgd")
def _sgd(c: TrainSettings):
  return keras.optimizers.SGD(float(c.learning_rate), momentum=float(c.momentum), nesterov=bool(c.nesterov))


@OPTIMIZERS.register("adam")
def _adam(c: TrainSettings):
  return keras.optimizers.Adam(c.learning_rate, beta_1=c.beta_1, beta_2=c.beta_2)


@OPTIMIZERS.register("adamax")
def _adamax(c: TrainSettings):
  return keras.optimizers.Adamax(c.learning_rate, beta_1=c.beta_1, beta_2=c.beta_2)


@OPTIMIZERS.register("nadam")
def _nadam(c: TrainSettings):
  return keras.optimizers.Nadam(c.learning_rate, beta_1=c.beta_1, beta_2=c.beta_2)


@OPTIMIZERS.register("adadelta")
def _adadelta(c: TrainSettings):
  return keras.optimizers.Adadelta(c.learning_rate)


@OPTIMIZERS.register("adagrad")
def _adagrad(c: TrainSettings):
  return keras.optimizers.Adagrad(c.learning_rate)


@OPTIMIZERS.register("rmsprop")
def _rmsprop(c: TrainSettings):
  return keras.optimizers.RMSprop(float(c.learning_rate), momentum=float(c.momentum) if c.rmsprop_momentum else 0.0)
