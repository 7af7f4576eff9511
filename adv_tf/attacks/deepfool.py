"""DeepFool (Moosavi-Dezfooli et al. 2016), L2 and Linf, batched in one tf.function.

CleverHans 4 has no TF2 DeepFool (cleverhans#1220), so this is written here. Each iteration linearizes
the logit differences f_k(x) - f_y(x) for every class k != y (or the top-k classes of the clean logits,
`candidates=k`, as Foolbox 3), steps to the nearest linearized boundary
(L2: |f_k| / ||w_k||_2, direction w_k; Linf: |f_k| / ||w_k||_1, direction sign(w_k)), lengthens each
step by 1e-4 (added to the distance, as Foolbox 3 and the authors' code do), accumulates the steps and
applies them with overshoot: x' = clip(x + (1 + overshoot) * r_total). Examples stop once
misclassified. Defaults: overshoot 0.02, 50 iterations (Moosavi-Dezfooli et al. §3, Alg. 2).

When `eps` is given (paper 000's eps-budgeted use) the final perturbation is projected onto the eps
ball of the chosen norm, so the result respects the budget and may then fail.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from adv_tf.attacks import _graph
from adv_tf.attacks.logits_check import require_logits
from adv_tf.attacks.base import ATTACKS, AttackResult, result_from
from adv_tf.errors import AdvTfError


def deepfool_graph(model, x, y, max_iter, overshoot, *, norm: str = "2", clip_min: float = 0.0,
                   clip_max: float = 1.0, candidates: int | None = None):
  """DeepFool in graph code. Returns (x_adv, iterations per example int32 [B]).

  Args:
    model: logits model; x: float32 [B,H,W,C]; y: int64 labels [B];
    max_iter: int32 scalar tensor; overshoot: float32 scalar tensor;
    candidates: consider only the top-`candidates` classes of the clean logits (Foolbox 3's
      `candidates`, default 10 there); None: every class. The Jacobian is taken of the candidates'
      logit differences only, so memory grows with `candidates`, not with the number of classes.
  """
  y = tf.cast(y, tf.int32)
  batch = tf.shape(x)[0]
  clean_logits = _graph.logits_of(model, x)
  num_classes = clean_logits.shape[-1]
  if num_classes is None:
    num_classes = tf.shape(clean_logits)[-1]
  if candidates is None:
    k = num_classes
  elif isinstance(num_classes, int):
    k = min(int(candidates), num_classes)
  else:
    k = tf.minimum(int(candidates), num_classes)
  classes = tf.math.top_k(clean_logits, k=k).indices  # [B, k], most likely first (Foolbox 3)
  not_label = tf.not_equal(classes, y[:, None])

  def still_correct(x_adv):
    return tf.equal(tf.cast(tf.argmax(_graph.logits_of(model, x_adv), -1), tf.int32), y)

  def cond(i, x_adv, r_total, active, steps):
    return tf.logical_and(i < max_iter, tf.reduce_any(active))

  def body(i, x_adv, r_total, active, steps):
    with tf.GradientTape() as tape:
      tape.watch(x_adv)
      logits = _graph.logits_of(model, x_adv)
      # f_k = z_k - z_y for each candidate k: the linearized boundaries are f_k = 0
      f = tf.gather(logits, classes, batch_dims=1) - tf.gather(logits, y[:, None], batch_dims=1)  # [B, k]
    w = tape.batch_jacobian(f, x_adv)  # [B, k, H, W, C]
    wflat = tf.reshape(w, [batch, tf.shape(f)[1], -1])
    if norm == "2":
      wnorm = tf.norm(wflat, axis=-1)
    else:
      wnorm = tf.reduce_sum(tf.abs(wflat), axis=-1)
    dist = tf.abs(f) / (wnorm + 1e-8)
    dist = tf.where(not_label, dist, tf.fill(tf.shape(dist), np.inf))
    best = tf.argmin(dist, axis=1, output_type=tf.int32)
    idx = tf.stack([tf.range(batch), best], axis=1)
    f_best = tf.gather_nd(f, idx)
    w_best = tf.gather_nd(w, idx)
    n_best = tf.gather_nd(wnorm, idx)
    # 1e-4 is added to the distance to the linearized boundary, as in Foolbox and the original code, so a
    # step always crosses it (added to the logit gap instead it shrinks by ||w|| and examples stall).
    d_best = (tf.abs(f_best) / (n_best + 1e-8) + 1e-4)[:, None, None, None]
    if norm == "2":
      step = d_best * w_best / (n_best[:, None, None, None] + 1e-8)
    else:
      step = d_best * tf.sign(w_best)
    mask = tf.cast(active, x.dtype)[:, None, None, None]
    # ensure_shape: a batch of one broadcasts against the gathered [None, ...] step to an unknown batch
    # dimension, which the while_loop refuses (deepfool on a single example, or a last batch of one).
    r_total = tf.ensure_shape(r_total + mask * step, x.shape)
    steps += tf.cast(active, tf.int32)
    x_adv = tf.clip_by_value(x + (1.0 + overshoot) * r_total, clip_min, clip_max)
    active = tf.logical_and(active, still_correct(x_adv))
    return i + 1, x_adv, r_total, active, steps

  init = (tf.constant(0), x, tf.zeros_like(x), still_correct(x), tf.zeros([batch], tf.int32))
  _, x_adv, _, _, steps = tf.while_loop(cond, body, init)
  return x_adv, steps


def _deepfool_fn(model, norm, clip_min, clip_max, project_eps, candidates=None):
  def build(model_ref):
    def run(x, y, eps, max_iter, overshoot):
      x_adv, steps = deepfool_graph(model_ref, x, y, max_iter, overshoot, norm=norm, clip_min=clip_min,
                                    clip_max=clip_max, candidates=candidates)
      if project_eps:
        x_adv = tf.clip_by_value(x + _graph.project(x_adv - x, eps, norm), clip_min, clip_max)
      return x_adv, steps
    return tf.function(run)
  return _graph.cached_function(model, ("deepfool", norm, clip_min, clip_max, project_eps, candidates), build)


@ATTACKS.register("deepfool")
def deepfool(model, x, y, *, eps=None, norm=2, targeted=False, target=None, clip_min=0.0, clip_max=1.0,
             max_iter: int = 50, overshoot: float = 0.02, candidates: int | None = None,
             batch_size: int | None = 64, verbose: bool = False, static_shapes: bool | None = None) -> AttackResult:
  """Untargeted DeepFool, norm 2 or inf; `eps` (optional) projects the result onto the eps ball.

  `candidates`: only the top-k classes of the clean logits are tried (Foolbox 3's `candidates`; the
  preset `foolbox3` sets 10); None tries every class. `verbose` shows a progress bar over the examples.
  Each batch runs on the replicas of the current strategy; `static_shapes` pads the last batch to the
  batch size (default: on a TPU; examples are independent, so padding does not change results).

  info: "steps" (iterations used per example), "projected" (whether eps was applied), "candidates".
  """
  if targeted:
    raise AdvTfError("deepfool is untargeted; use dgsm or pgd with targeted=True for a target class")
  if y is None:
    raise AdvTfError("deepfool needs the true labels y")
  nk = _graph.norm_key(norm)
  if nk == "1":
    raise AdvTfError("deepfool supports norm 2 or np.inf")
  if int(max_iter) < 1 or overshoot < 0:
    raise AdvTfError(f"deepfool needs max_iter >= 1 and overshoot >= 0, got {max_iter}, {overshoot}")
  if candidates is not None and (int(candidates) != candidates or candidates < 2):
    raise AdvTfError(f"deepfool candidates must be an integer >= 2 (or None for every class), got {candidates}")
  require_logits(model, x, "deepfool")  # its linearisation is of the logits, not of probabilities
  fn = _deepfool_fn(model, nk, float(clip_min), float(clip_max), eps is not None,
                    None if candidates is None else int(candidates))
  eps_arr = _graph.per_example(0.0 if eps is None else eps, len(x), "eps")
  it = tf.constant(int(max_iter), tf.int32)
  ov = tf.constant(float(overshoot), tf.float32)
  x_adv, steps = _graph.batched(fn, [np.asarray(x, np.float32), np.asarray(y, np.int64), eps_arr], batch_size,
                                consts=(it, ov), static_shapes=static_shapes, verbose=verbose,
                                desc=f"deepfool L{'inf' if nk == 'inf' else 2}")
  return result_from(model, x, x_adv, y, info={"steps": steps, "projected": eps is not None,
                                               "candidates": candidates})
