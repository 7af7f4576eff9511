"""A plain, faithful TF2 port of Carlini & Wagner's L2 attack (the test oracle and benchmark baseline).

This follows the semantics of Carlini's original `l2_attack.py` (Carlini & Wagner, "Towards Evaluating
the Robustness of Neural Networks", 2017, Sec. V-A and VI; used by paper 002, Sec. 5.2):

* change of variables x' = tanh(w + arctanh(x_s)) * (max - min) / 2 + (max + min) / 2 with x_s the input
  rescaled to (-1, 1) and shrunk by 0.999999 (so arctanh stays finite);
* objective  ||x' - x_0||^2 + c * f(x'),  with the distance measured to tanh(arctanh(x_s)), and
  f = max(max_{i != t} Z_i - Z_t + kappa, 0) (targeted) or max(Z_y - max_{i != y} Z_i + kappa, 0)
  (untargeted); this is max(., -kappa) shifted by the constant kappa, which changes nothing;
* Adam (TF1 form, epsilon 1e-8) on w, reset to zero together with w at every binary-search step;
* one constant c per example; after each step c is bisected between a lower and an upper bound, and
  multiplied by 10 while no success has been found;
* abort early when the whole batch's loss at iteration i (a multiple of max_iterations // 10) is above
  0.9999 times the loss at the previous check;
* the best (smallest L2) successful iterate is kept, success judged as in Carlini's `compare`: the
  target's logit must beat every other by kappa (untargeted: the true class must lose by kappa).

It is deliberately a plain loop: one `tf.function` for the inner step, Python for the rest. The fast
attack in `carlini_wagner.py` must match its result quality.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from adv_tf.errors import AdvTfError

_ADAM_B1 = 0.9
_ADAM_B2 = 0.999
_ADAM_EPS = 1e-8
_TANH_SHRINK = 0.999999


def carlini_wagner_l2_reference(model, x, *, target=None, y=None, confidence: float = 0.0,
                                binary_search_steps: int = 9, max_iterations: int = 1000,
                                learning_rate: float = 1e-2, initial_const: float = 1e-3,
                                abort_early: bool = True, clip_min: float, clip_max: float) -> dict:
  """Runs Carlini's batched L2 attack on the whole batch `x` at once.

  Args:
    model: maps a float32 NHWC batch to logits.
    x: float32 [N, H, W, C] inside [clip_min, clip_max].
    target: int [N] target classes (targeted attack), or None.
    y: int [N] true classes (untargeted attack, used when target is None).
    confidence: kappa, the logit margin a success must have.
    binary_search_steps, max_iterations, learning_rate, initial_const, abort_early: Carlini's settings.
    clip_min, clip_max: the pixel range (the dataset's range).

  Returns:
    dict with x_adv (x where no success), success [N] bool, l2 [N] (inf where no success), const [N]
    (the last constant), and iterations (total Adam steps run, summed over binary-search steps).
  """
  x = np.asarray(x, np.float32)
  if x.ndim != 4:
    raise AdvTfError(f"attack input must be a batch of images [N,H,W,C], got shape {x.shape}")
  if (target is None) == (y is None):
    raise AdvTfError("pass exactly one of target= (targeted) or y= (untargeted)")
  targeted = target is not None
  labels = np.asarray(target if targeted else y, np.int64)
  n = x.shape[0]
  num_classes = int(model.output_shape[-1])
  lab = tf.one_hot(labels, num_classes, dtype=tf.float32)

  boxmul = (clip_max - clip_min) / 2.0
  boxplus = (clip_max + clip_min) / 2.0
  # Into the box first (inputs up to round-off outside it would give arctanh = NaN).
  x_box = np.clip(x, clip_min, clip_max)
  timg = tf.constant(np.arctanh((x_box - boxplus) / boxmul * _TANH_SHRINK), tf.float32)
  ximg = tf.tanh(timg) * boxmul + boxplus

  modifier = tf.Variable(tf.zeros_like(timg))
  adam_m = tf.Variable(tf.zeros_like(timg))
  adam_v = tf.Variable(tf.zeros_like(timg))
  adam_t = tf.Variable(0.0)
  const_var = tf.Variable(tf.zeros([n]))
  axes = list(range(1, x.ndim))

  @tf.function
  def step():
    with tf.GradientTape() as tape:
      tape.watch(modifier)
      newimg = tf.tanh(modifier + timg) * boxmul + boxplus
      logits = model(newimg, training=False)
      l2 = tf.reduce_sum(tf.square(newimg - ximg), axis=axes)
      real = tf.reduce_sum(lab * logits, axis=1)
      other = tf.reduce_max((1.0 - lab) * logits - lab * 10000.0, axis=1)
      if targeted:
        f = tf.maximum(0.0, other - real + confidence)
      else:
        f = tf.maximum(0.0, real - other + confidence)
      loss = tf.reduce_sum(l2) + tf.reduce_sum(const_var * f)
    grad = tape.gradient(loss, modifier)
    adam_t.assign_add(1.0)
    adam_m.assign(_ADAM_B1 * adam_m + (1.0 - _ADAM_B1) * grad)
    adam_v.assign(_ADAM_B2 * adam_v + (1.0 - _ADAM_B2) * tf.square(grad))
    lr_t = learning_rate * tf.sqrt(1.0 - _ADAM_B2 ** adam_t) / (1.0 - _ADAM_B1 ** adam_t)
    modifier.assign_sub(lr_t * adam_m / (tf.sqrt(adam_v) + _ADAM_EPS))
    return loss, l2, logits, newimg

  lower = np.zeros(n)
  const = np.full(n, initial_const, np.float64)
  upper = np.full(n, 1e10)
  o_bestl2 = np.full(n, np.inf)
  o_bestattack = x.copy()
  repeat = binary_search_steps >= 10
  total_iterations = 0

  def compare(scores: np.ndarray, label: np.ndarray) -> np.ndarray:
    s = scores.copy()
    rows = np.arange(len(s))
    s[rows, label] += -confidence if targeted else confidence
    pred = np.argmax(s, axis=1)
    return pred == label if targeted else pred != label

  check_every = max(1, max_iterations // 10)
  for outer in range(binary_search_steps):
    bestl2 = np.full(n, np.inf)
    bestsucc = np.zeros(n, bool)
    if repeat and outer == binary_search_steps - 1:
      const = upper.copy()
    modifier.assign(tf.zeros_like(timg))
    adam_m.assign(tf.zeros_like(timg))
    adam_v.assign(tf.zeros_like(timg))
    adam_t.assign(0.0)
    const_var.assign(const.astype(np.float32))
    prev = np.inf
    for iteration in range(max_iterations):
      loss, l2, logits, newimg = step()
      total_iterations += 1
      if abort_early and iteration % check_every == 0:
        loss = float(loss)
        if loss > prev * 0.9999:
          break
        prev = loss
      l2 = l2.numpy()
      succ = compare(logits.numpy(), labels)
      better = succ & (l2 < bestl2)
      bestl2[better] = l2[better]
      bestsucc |= better
      obetter = succ & (l2 < o_bestl2)
      if obetter.any():
        o_bestl2[obetter] = l2[obetter]
        o_bestattack[obetter] = newimg.numpy()[obetter]
    for e in range(n):
      if bestsucc[e]:
        upper[e] = min(upper[e], const[e])
        if upper[e] < 1e9:
          const[e] = (lower[e] + upper[e]) / 2
      else:
        lower[e] = max(lower[e], const[e])
        if upper[e] < 1e9:
          const[e] = (lower[e] + upper[e]) / 2
        else:
          const[e] *= 10
  success = np.isfinite(o_bestl2)
  return dict(x_adv=o_bestattack, success=success, l2=np.sqrt(o_bestl2).astype(np.float32),
              const=const.astype(np.float32), iterations=total_iterations)
