"""Fast Minimum-Norm L2 attack, batched (Pintor, Roli, Brendel, Biggio, NeurIPS 2021, Algorithm 1).

Per example: a perturbation delta and a norm budget eps. Each step evaluates the logit-difference loss
L = max_{j != t} Z_j - Z_t + kappa (targeted; untargeted: Z_y - max_{j != y} Z_j + kappa) at x + delta,
keeps the smallest adversarial delta seen (L < 0: Carlini's `compare` with the kappa margin), then

* eps <- min(eps * (1 - gamma), ||best delta||) when x + delta is adversarial; else eps * (1 + gamma)
  once an adversarial was found, and before that (||delta|| + |L| / ||grad L||) * (1 + gamma_0): the
  linear estimate of the distance to the boundary, overshot by gamma_0 = 0.05 (ours; FMN and Foolbox use
  the bare estimate, which on 20 of the 90 bench-LeNet pairs approached the boundary from outside and
  never crossed it in 1000 steps, as the linearization underestimates the distance to a convex boundary);
* delta <- delta - alpha * grad L / ||grad L||, projected onto the L2 ball of radius eps and the box;

with alpha and gamma cosine-annealed (alpha from `max_stepsize` x the box width to 1/100 of it, gamma
from 0.05 to 0.001), as in Foolbox's `L2FMNAttack` (tests: the closed-form minimum of a linear model, with
and without kappa; Foolbox 3.3 itself no longer runs under NumPy 2).
Used as the cheap first stage of CW's "fmn" and "fmn-cw" schedules (`carlini_wagner.py`); in "fmn-cw" its
boundary point also gives each example its own constant for one step of Carlini's inner loop.
"""
from __future__ import annotations

import math
import weakref
from typing import Any

import numpy as np
import tensorflow as tf

from adv_tf.attacks import _replicas

_FINAL_GAMMA = 1e-3
_GRAD_FLOOR = 1e-12

_RUNNERS: "weakref.WeakKeyDictionary[Any, dict[tuple, Any]]" = weakref.WeakKeyDictionary()


def margin_loss(logits: tf.Tensor, labels: tf.Tensor, targeted: bool, confidence: float) -> tf.Tensor:
  """Carlini's f without the hinge: < 0 exactly where the kappa-adjusted arg-max is (not) the label."""
  lab = tf.one_hot(labels, tf.shape(logits)[1], dtype=logits.dtype)
  real = tf.reduce_sum(lab * logits, axis=1)
  other = tf.reduce_max((1.0 - lab) * logits - lab * 10000.0, axis=1)
  return (other - real if targeted else real - other) + confidence


def _make_runner(model_ref: "weakref.ref", image_shape: tuple, targeted: bool, confidence: float, steps: int,
                 max_stepsize: float, gamma: float, clip_min: float, clip_max: float):
  axes = list(range(1, len(image_shape) + 1))
  bshape = [-1] + [1] * len(image_shape)
  min_stepsize = max_stepsize / 100.0

  def norm(a):
    return tf.sqrt(tf.reduce_sum(tf.square(a), axis=axes))

  def run(x, labels):
    worst = norm(tf.maximum(x - clip_min, clip_max - x))
    n = tf.shape(x)[0]

    def body(i, delta, eps, best_norm, best_delta, found):
      cosine = (1.0 + tf.cos(math.pi * tf.cast(i, tf.float32) / steps)) / 2.0
      alpha = min_stepsize + (max_stepsize - min_stepsize) * cosine
      gam = _FINAL_GAMMA + (gamma - _FINAL_GAMMA) * cosine
      with tf.GradientTape() as tape:
        x_adv = x + delta
        tape.watch(x_adv)
        loss = margin_loss(model_ref()(x_adv, training=False), labels, targeted, confidence)
        total = tf.reduce_sum(loss)
      grad = tape.gradient(total, x_adv)
      adv = loss < 0.0
      size = norm(delta)
      better = adv & (size <= best_norm)
      best_norm = tf.where(better, size, best_norm)
      best_delta = tf.where(tf.reshape(better, bshape), delta, best_delta)
      found = found | adv
      grad_norm = tf.maximum(norm(grad), _GRAD_FLOOR)
      eps = tf.where(adv, tf.minimum(eps * (1.0 - gam), norm(best_delta)),
                     tf.where(found, eps * (1.0 + gam), (size + tf.abs(loss) / grad_norm) * (1.0 + gamma)))
      eps = tf.minimum(eps, worst)
      delta = delta - alpha * grad / tf.reshape(grad_norm, bshape)
      scale = tf.minimum(1.0, eps / tf.maximum(norm(delta), _GRAD_FLOOR))
      delta = tf.clip_by_value(x + delta * tf.reshape(scale, bshape), clip_min, clip_max) - x
      return i + 1, delta, eps, best_norm, best_delta, found

    init = (tf.constant(0), tf.zeros_like(x), tf.fill([n], np.float32(np.inf)), worst, tf.zeros_like(x),
            tf.zeros([n], tf.bool))
    out = tf.while_loop(lambda i, *_: i < steps, body, init, parallel_iterations=1)
    _, _, _, best_norm, best_delta, found = out
    return {"x_adv": x + best_delta, "found": found, "l2": best_norm}

  img = tf.TensorSpec([None, *image_shape], tf.float32)
  return tf.function(run, input_signature=[img, tf.TensorSpec([None], tf.int32)])


def fmn_l2(model, x: np.ndarray, labels: np.ndarray, *, targeted: bool, confidence: float = 0.0,
           steps: int = 100, max_stepsize: float = 1.0, gamma: float = 0.05, clip_min: float = 0.0,
           clip_max: float = 1.0) -> dict[str, np.ndarray]:
  """FMN-L2 on the whole batch (inputs already validated by the caller).

  Returns dict(x_adv, found, l2): the smallest adversarial iterate (x where none was found), whether one
  was found (by the in-graph test L < 0), and its distance (the box width's norm where none was found).
  `max_stepsize` is relative to the box width (Foolbox's 1.0 for images in [0, 1]).
  """
  x = np.asarray(x, np.float32)
  table = _RUNNERS.setdefault(model, {})
  key = (tuple(x.shape[1:]), bool(targeted), float(confidence), int(steps), float(max_stepsize), float(gamma),
         float(clip_min), float(clip_max))
  if key not in table:
    table[key] = _make_runner(weakref.ref(model), key[0], key[1], key[2], key[3],
                              max_stepsize * (clip_max - clip_min), gamma, clip_min, clip_max)
  out = _replicas.run_on_replicas(table[key], [x, np.asarray(labels, np.int32)])
  return out
