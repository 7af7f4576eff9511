"""Directed Gradient Sign Method (DGSM), paper 003 §II-B.

Targeted iterative sign descent on J_adv(x + d) = J(x + d, y_desired) - J(x + d, y_true), with J the
softmax cross-entropy of the logits:

    d_t = clip(d_{t-1} - a * sign(grad J_adv(x + d_{t-1})), -eps, eps),   d_0 = 0,

and x + d kept inside the pixel range (the dataset's range; the paper leaves this implicit). Paper 003
gives neither the step size a nor the iteration count; defaults here: 20 iterations, a = 2.5*eps/steps
(so the budget's boundary is reachable, as for Madry's PGD).
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from adv_tf.attacks import _graph
from adv_tf.attacks.base import ATTACKS, AttackResult, result_from
from adv_tf.attacks.logits_check import require_logits
from adv_tf.errors import AdvTfError


def dgsm_graph(model, x, y_true, y_desired, eps, step, nb_iter, *, clip_min: float = 0.0,
               clip_max: float = 1.0) -> tf.Tensor:
  """DGSM in graph code (usable in `strategy.run`); eps/step scalar or [B,1,1,1]."""
  def body(i, delta):
    with tf.GradientTape() as tape:
      tape.watch(delta)
      logits = _graph.logits_of(model, x + delta)
      j_adv = (tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y_desired, logits=logits)
               - tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y_true, logits=logits))
    grad = tape.gradient(j_adv, delta)
    delta = tf.clip_by_value(delta - step * tf.sign(grad), -eps, eps)
    return i + 1, tf.clip_by_value(x + delta, clip_min, clip_max) - x

  _, delta = tf.while_loop(lambda i, _: i < nb_iter, body, (tf.constant(0), tf.zeros_like(x)))
  return x + delta


@ATTACKS.register("dgsm")
def dgsm(model, x, y, *, eps, norm=np.inf, targeted=True, target=None, clip_min=0.0, clip_max=1.0,
         nb_iter: int = 20, step_size: float | None = None, batch_size: int | None = 512,
         static_shapes: bool | None = None) -> AttackResult:
  """Paper 003 §II-B DGSM toward `target` (always targeted; Linf budget eps)."""
  if eps is None:
    raise AdvTfError("dgsm needs a perturbation budget: pass eps=... in the dataset's pixel units")
  if _graph.norm_key(norm) != "inf":
    raise AdvTfError("dgsm is an Linf attack (paper 003 §II-B); use norm=np.inf")
  if target is None or y is None:
    raise AdvTfError("dgsm needs both the true labels y and the desired labels target=...")
  if int(nb_iter) < 1:
    raise AdvTfError(f"nb_iter must be >= 1, got {nb_iter}")
  require_logits(model, x, "dgsm")   # its two cross-entropy terms read the outputs as logits
  step = 2.5 * np.asarray(eps, np.float32) / int(nb_iter) if step_size is None else step_size
  cmin, cmax = float(clip_min), float(clip_max)
  fn = _graph.cached_function(
      model, ("dgsm", cmin, cmax),
      lambda ref: tf.function(lambda a, b, c, e, s, n: dgsm_graph(ref, a, b, c, e, s, n, clip_min=cmin,
                                                                   clip_max=cmax)))
  n = len(x)
  steps = tf.constant(int(nb_iter), tf.int32)
  x_adv = _graph.batched(fn, [np.asarray(x, np.float32), np.asarray(y, np.int64), np.asarray(target, np.int64),
                              _graph.per_example(eps, n, "eps"), _graph.per_example(step, n, "step_size")],
                         batch_size, consts=(steps,), static_shapes=static_shapes)[0]
  return result_from(model, x, x_adv, y, targeted=True, target=target, info={"steps": int(nb_iter)})
