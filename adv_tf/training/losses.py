"""Training losses on logits (models never end in a softmax); registered by the paper-002 Appendix names."""
from __future__ import annotations

from typing import Callable

import tensorflow as tf

from adv_tf.registry import Registry

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
