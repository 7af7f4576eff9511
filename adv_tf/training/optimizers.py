"""Keras optimizers built from a TrainConfig, by the paper-002 Appendix names."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import keras

from adv_tf.registry import Registry

if TYPE_CHECKING:
  from adv_tf.training.config import TrainConfig

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
