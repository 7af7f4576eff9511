"""Perturbed prediction averaging (paper 003 §II-C).

The class probabilities are computed from the original image and N-1 perturbed copies, perturbations
drawn uniformly from the Linf eps_max ball (delta_1 = 0):

    P(y_k | X) = sum_i exp(z_k(X + delta_i)) / sum_j sum_i exp(z_j(X + delta_i)),

a sum of exponentials (not an average of per-copy softmaxes). The wrapper returns the "logits"
log sum_i exp(z_k(X + delta_i)), whose softmax is exactly P. Perturbed copies are clipped to the pixel
range (valid images; the paper does not say). Paper 003 §II-C: eps_max = 0.3 of the pixel range.
"""
from __future__ import annotations

import dataclasses

import tensorflow as tf

from adv_tf.defenses.base import DEFENSES
from adv_tf.errors import AdvTfError


def averaged_logits(model, x: tf.Tensor, *, n: int, eps_max: float, seed: tf.Tensor,
                    clip_min: float = 0.0, clip_max: float = 1.0) -> tf.Tensor:
  """log sum_i exp(z(x + delta_i)) over i = 1..n, delta_1 = 0, delta_i ~ U[-eps_max, eps_max]."""
  x = tf.convert_to_tensor(x, tf.float32)
  shape = tf.shape(x)
  noise = tf.random.stateless_uniform(tf.concat([[n - 1], shape], 0), seed, -eps_max, eps_max)
  copies = tf.concat([x[None], tf.clip_by_value(x[None] + noise, clip_min, clip_max)], axis=0)
  flat = tf.reshape(copies, tf.concat([[-1], shape[1:]], 0))
  try:
    z = model(flat, training=False)
  except TypeError:
    z = model(flat)
  z = tf.reshape(z, tf.stack([n, shape[0], -1]))
  return tf.reduce_logsumexp(z, axis=0)


@DEFENSES.register("averaging")
@dataclasses.dataclass(frozen=True)
class PredictionAveraging:
  """Paper 003 §II-C: n predictions (the image plus n-1 uniform Linf eps_max perturbations).

  eps_max is in the dataset's pixel units (paper 003 used 0.3 of the range); the paper does not give
  n (default 20).
  """
  n: int = 20
  eps_max: float = 0.3
  randomized = True
  modes = ("gray_box", "eot")

  def __post_init__(self):
    if int(self.n) < 1 or self.eps_max < 0:
      raise AdvTfError(f"averaging needs n >= 1 and eps_max >= 0, got n={self.n}, eps_max={self.eps_max}")

  def wrap_logits(self, model, x, seed, clip_min: float = 0.0, clip_max: float = 1.0):
    """The defended logits (see module docstring); differentiable, so "eot" attacks differentiate it."""
    return averaged_logits(model, x, n=int(self.n), eps_max=float(self.eps_max), seed=seed,
                           clip_min=clip_min, clip_max=clip_max)
