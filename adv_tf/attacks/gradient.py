"""FGSM, BIM (I-FGSM) and PGD, computed by CleverHans 4's TF2 attack steps.

The gradient step is CleverHans' `fast_gradient_method` and the projection its `clip_eta`, exactly as
its `projected_gradient_descent` composes them; this module only adds what the suite's interface
needs on top:

* one `tf.function` per (model, norm, targeted, pixel range, random start, step count) kept in a cache,
  with eps, step size and seed passed as tensors, so repeated calls never retrace; the steps are
  unrolled in the graph (measured faster on CPU than a while_loop around CleverHans' nested
  tf.function), and the predictions on x_adv come from the same graph;
* a seeded random start (CleverHans draws it from the global RNG): `tf.random.stateless_uniform`, with
  seed (seed, batch index) per batch so examples i and i + batch_size start differently;
* per-example eps (shape [N]), used by the minimal-distortion bisection (paper 004 §4.1).

Known CleverHans 4 issues under TF 2.21 / Keras 3 (measured for this suite): `basic_iterative_method`
fails in its numpy sanity checks unless `sanity_checks=False`, and its `compute_gradient` is a
module-level tf.function keyed on the model object, so the same model object is passed every call.

Settings: FGSM (Goodfellow et al. 2015, paper 003 §II-B); I-FGSM with per-step eps/T (paper 004 §2,
eq. 1); PGD with a uniform random start (Madry et al. 2018), 40 steps and, by default, step 2.5*eps/steps (the
robustness-library convention; Madry et al.'s own MNIST step is eps/30, the `madry_pgd40` preset).
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf
from cleverhans.tf2.attacks.fast_gradient_method import fast_gradient_method
from cleverhans.tf2.utils import clip_eta

from adv_tf.attacks import _graph
from adv_tf.attacks.base import ATTACKS, AttackResult, result_from_predictions
from adv_tf.attacks.logits_check import require_logits
from adv_tf.errors import AdvTfError

_NORMS = {"inf": np.inf, "2": 2, "1": 1}


def random_start(shape, eps: tf.Tensor, norm: str, seed: tf.Tensor) -> tf.Tensor:
  """Uniform sample in the eps ball (Linf: per pixel; L2: uniform in the ball), stateless in `seed`.

  L2: a Gaussian direction normalised to the unit sphere times eps * U^(1/d), d = pixels per example,
  so that P(||delta||_2 <= t * eps) = t^d (the uniform law in a d-ball). Direction and radius use two
  independent seeds split from `seed`.
  """
  if norm == "inf":
    return tf.random.stateless_uniform(shape, seed, -1.0, 1.0) * eps
  direction_seed, radius_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
  direction = tf.random.stateless_normal(shape, direction_seed)
  direction /= tf.sqrt(tf.reduce_sum(tf.square(direction), axis=[1, 2, 3], keepdims=True) + 1e-24)
  dim = tf.cast(tf.reduce_prod(shape[1:]), tf.float32)
  radius = tf.random.stateless_uniform([shape[0], 1, 1, 1], radius_seed) ** (1.0 / dim)
  return direction * radius * eps


def batch_seed(seed: int, batch_index: int) -> tf.Tensor:
  """The random-start seed of one batch: (seed, batch index), so no two batches start alike.

  Results are deterministic for a given (seed, batch_size); a different batch size regroups the
  examples and draws other starts.
  """
  return tf.constant([int(seed), int(batch_index)], tf.int32)


def random_starts(shape: tuple, eps: np.ndarray, norm: str, seed: int, batch_size: int | None) -> np.ndarray:
  """The random starts of all N examples: batch b (of `batch_size`) drawn with `batch_seed(seed, b)`."""
  n = shape[0]
  size = n if not batch_size else int(batch_size)
  parts = [random_start((min(size, n - lo), *shape[1:]), tf.constant(eps[lo:lo + size]), norm,
                        batch_seed(seed, b)).numpy() for b, lo in enumerate(range(0, n, max(size, 1)))]
  return np.concatenate(parts) if parts else np.zeros(shape, np.float32)


def fgsm_graph(model, x, y, eps, *, norm: str = "inf", targeted: bool = False, clip_min: float = 0.0,
               clip_max: float = 1.0) -> tf.Tensor:
  """One CleverHans fast-gradient step in graph code (usable inside `strategy.run`).

  Args:
    model: logits model (pass the same object every call: CleverHans' gradient is keyed on it).
    x: float32 [B,H,W,C]; y: int labels [B] (the target labels when `targeted`).
    eps: scalar or [B,1,1,1] float32 step size.
  """
  return fast_gradient_method(model, x, eps, _NORMS[norm], clip_min=clip_min, clip_max=clip_max, y=y,
                              targeted=targeted)


def pgd_graph(model, x, y, eps, eps_iter, nb_iter, seed, *, norm: str = "inf", targeted: bool = False,
              clip_min: float = 0.0, clip_max: float = 1.0, rand_init: bool = True,
              start: tf.Tensor | None = None) -> tf.Tensor:
  """PGD (or BIM with rand_init=False) in graph code; CleverHans steps and projection.

  Args:
    eps, eps_iter: scalar or [B,1,1,1] float32 budgets; nb_iter: int32 scalar tensor;
    seed: int32 [2] for the random start (unused when `start` is given).
    start: the random start drawn beforehand (`random_start`), so a batch split over replicas starts
      where the whole batch would (a draw inside each replica would depend on the slice's shape).
  """
  order = _NORMS[norm]
  if rand_init:
    eta = clip_eta(random_start(tf.shape(x), eps, norm, seed) if start is None else start, order, eps)
  else:
    eta = tf.zeros_like(x)
  adv = tf.clip_by_value(x + eta, clip_min, clip_max)

  def step(adv):
    adv = fast_gradient_method(model, adv, eps_iter, order, clip_min=clip_min, clip_max=clip_max, y=y,
                               targeted=targeted)
    return tf.clip_by_value(x + clip_eta(adv - x, order, eps), clip_min, clip_max)

  if isinstance(nb_iter, int):  # a static step count: unrolled (measured faster than a while_loop)
    for _ in range(nb_iter):
      adv = step(adv)
    return adv
  # An explicit while_loop (not autograph) so this also works where autograph is off (Keras train_step).
  _, adv = tf.while_loop(lambda i, _: i < nb_iter, lambda i, a: (i + 1, step(a)), (tf.constant(0), adv))
  return adv


def _maybe_pred(model, x_adv, with_pred: bool):
  return _graph.with_predictions(model, x_adv) if with_pred else x_adv


def _fgsm_fn(model, norm, targeted, clip_min, clip_max, with_pred: bool = True):
  return _graph.cached_function(
      model, ("fgsm", norm, targeted, clip_min, clip_max, with_pred),
      lambda ref: tf.function(lambda x, y, eps: _maybe_pred(ref, fgsm_graph(
          ref, x, y, eps, norm=norm, targeted=targeted, clip_min=clip_min, clip_max=clip_max), with_pred)))


def _pgd_fn(model, norm, targeted, clip_min, clip_max, rand_init, nb_iter: int, with_pred: bool = True):
  """One tf.function per static setting; eps, step size and random start are tensors (no retrace).

  Signature (x, y, eps, eps_iter, start): `start` is the drawn random start ([B,H,W,C]; with
  rand_init=False a [B] placeholder that is not read).
  """
  def build(ref):
    def run(x, y, eps, eps_iter, start):
      adv = pgd_graph(ref, x, y, eps, eps_iter, nb_iter, None, norm=norm, targeted=targeted, clip_min=clip_min,
                      clip_max=clip_max, rand_init=rand_init, start=start if rand_init else None)
      return _maybe_pred(ref, adv, with_pred)
    return tf.function(run)
  return _graph.cached_function(model, ("pgd", norm, targeted, clip_min, clip_max, rand_init, nb_iter, with_pred),
                                build)


def _labels(y, targeted, target):
  if targeted:
    return np.asarray(target, np.int64)
  if y is None:
    raise AdvTfError("this attack needs the true labels y (untargeted attacks move away from them)")
  return np.asarray(y, np.int64)


def _need_eps(eps, name):
  if eps is None:
    raise AdvTfError(f"{name} needs a perturbation budget: pass eps=... in the dataset's pixel units")


def fgsm_arrays(model, x, y, *, eps, norm=np.inf, targeted=False, clip_min=0.0, clip_max=1.0,
                batch_size: int | None = 512, with_pred: bool = False, static_shapes: bool | None = None):
  """FGSM adversarial images as numpy (y = target labels when targeted); eps scalar or [N].

  Runs on the replicas of the current strategy; `static_shapes` pads the last batch (default: on a TPU).
  Returns x_adv, or (x_adv, predictions on x_adv) when `with_pred`.
  """
  nk = _graph.norm_key(norm)
  fn = _fgsm_fn(model, nk, bool(targeted), float(clip_min), float(clip_max), bool(with_pred))
  eps_arr = _graph.per_example(eps, len(x), "eps")
  out = _graph.batched(fn, [np.asarray(x, np.float32), np.asarray(y, np.int64), eps_arr], batch_size,
                       static_shapes=static_shapes)
  return tuple(out) if with_pred else out[0]


def pgd_arrays(model, x, y, *, eps, eps_iter, nb_iter, norm=np.inf, targeted=False, clip_min=0.0,
               clip_max=1.0, rand_init=True, seed: int = 0, batch_size: int | None = 512,
               with_pred: bool = False, static_shapes: bool | None = None):
  """PGD/BIM adversarial images as numpy; eps and eps_iter scalar or [N].

  Same (seed, batch_size) -> same output; each batch draws its random start from (seed, batch index),
  before the batch is split over the replicas of the current strategy (so any replica count gives the
  same starts). `static_shapes` pads the last batch (default: on a TPU).

  Returns x_adv, or (x_adv, predictions on x_adv) when `with_pred`.
  """
  nk = _graph.norm_key(norm)
  if nk == "1":
    raise AdvTfError("PGD/BIM support norm np.inf or 2 (CleverHans has no L1 projection)")
  fn = _pgd_fn(model, nk, bool(targeted), float(clip_min), float(clip_max), bool(rand_init), int(nb_iter),
               bool(with_pred))
  if not 0 <= int(seed) < 2 ** 31:
    raise AdvTfError(f"seed must lie in [0, 2**31), got {seed}")
  n = len(x)
  eps_arr = _graph.per_example(eps, n, "eps")
  step_arr = _graph.per_example(eps_iter, n, "eps_iter")
  x = np.asarray(x, np.float32)
  start = (random_starts(x.shape, eps_arr, nk, seed, batch_size) if rand_init
           else np.zeros([n], np.float32))  # not read without a random start
  out = _graph.batched(fn, [x, np.asarray(y, np.int64), eps_arr, step_arr, start], batch_size,
                       static_shapes=static_shapes)
  return tuple(out) if with_pred else out[0]


@ATTACKS.register("fgsm")
def fgsm(model, x, y, *, eps, norm=np.inf, targeted=False, target=None, clip_min=0.0, clip_max=1.0,
         batch_size: int | None = 512, static_shapes: bool | None = None) -> AttackResult:
  """Fast Gradient Sign Method: x + eps*sign(grad J) (paper 003 §II-B; norm 2 gives the L2 FGM)."""
  _need_eps(eps, "fgsm")
  require_logits(model, x, "fgsm")   # the cross-entropy loss reads the outputs as logits
  labels = _labels(y, targeted, target)
  x_adv, pred = fgsm_arrays(model, x, labels, eps=eps, norm=norm, targeted=targeted, clip_min=clip_min,
                            clip_max=clip_max, batch_size=batch_size, with_pred=True,
                            static_shapes=static_shapes)
  return result_from_predictions(x, x_adv, pred, y, targeted=targeted, target=target,
                                        info={"steps": 1})


@ATTACKS.register("bim")
def bim(model, x, y, *, eps, norm=np.inf, targeted=False, target=None, clip_min=0.0, clip_max=1.0,
        nb_iter: int = 10, eps_iter: float | None = None, batch_size: int | None = 512,
        static_shapes: bool | None = None) -> AttackResult:
  """Basic Iterative Method / I-FGSM (Kurakin et al.): T steps of eps/T from x (paper 004 §2 eq. 1)."""
  _need_eps(eps, "bim")
  require_logits(model, x, "bim")   # the cross-entropy loss reads the outputs as logits
  if int(nb_iter) < 1:
    raise AdvTfError(f"nb_iter must be >= 1, got {nb_iter}")
  step = np.asarray(eps, np.float32) / int(nb_iter) if eps_iter is None else eps_iter
  labels = _labels(y, targeted, target)
  x_adv, pred = pgd_arrays(model, x, labels, eps=eps, eps_iter=step, nb_iter=nb_iter, norm=norm,
                           targeted=targeted, clip_min=clip_min, clip_max=clip_max, rand_init=False,
                           batch_size=batch_size, with_pred=True, static_shapes=static_shapes)
  return result_from_predictions(x, x_adv, pred, y, targeted=targeted, target=target,
                                        info={"steps": int(nb_iter)})


@ATTACKS.register("pgd")
def pgd(model, x, y, *, eps, norm=np.inf, targeted=False, target=None, clip_min=0.0, clip_max=1.0,
        nb_iter: int = 40, eps_iter: float | None = None, rand_init: bool = True, seed: int = 0,
        batch_size: int | None = 512, static_shapes: bool | None = None) -> AttackResult:
  """Madry et al. PGD: uniform random start in the eps ball, `nb_iter` steps of `eps_iter`.

  Defaults: 40 steps (Madry et al. 2018); step size 2.5*eps/nb_iter when not given (the robustness-library
  convention; Madry et al.'s MNIST setting, eps/30, is the `madry_pgd40` preset)."""
  _need_eps(eps, "pgd")
  require_logits(model, x, "pgd")   # the cross-entropy loss reads the outputs as logits
  if int(nb_iter) < 1:
    raise AdvTfError(f"nb_iter must be >= 1, got {nb_iter}")
  step = 2.5 * np.asarray(eps, np.float32) / int(nb_iter) if eps_iter is None else eps_iter
  labels = _labels(y, targeted, target)
  x_adv, pred = pgd_arrays(model, x, labels, eps=eps, eps_iter=step, nb_iter=nb_iter, norm=norm,
                           targeted=targeted, clip_min=clip_min, clip_max=clip_max, rand_init=rand_init,
                           seed=seed, batch_size=batch_size, with_pred=True, static_shapes=static_shapes)
  return result_from_predictions(x, x_adv, pred, y, targeted=targeted, target=target,
                                        info={"steps": int(nb_iter), "seed": int(seed)})


def distributed_attack(strategy: tf.distribute.Strategy, graph_fn, x: np.ndarray, y: np.ndarray,
                       *, global_batch_size: int = 256) -> np.ndarray:
  """Runs `graph_fn(x_batch, y_batch) -> x_adv_batch` on every replica of `strategy`.

  `graph_fn` is graph code such as `lambda x, y: fgsm_graph(model, x, y, 0.1)`; the model must have
  been built under `strategy.scope()`. Returns the adversarial images in input order.
  """
  ds = tf.data.Dataset.from_tensor_slices((np.asarray(x, np.float32), np.asarray(y, np.int64)))
  dist = strategy.experimental_distribute_dataset(ds.batch(global_batch_size))

  @tf.function
  def step(batch):
    per_replica = strategy.run(graph_fn, args=batch)
    return strategy.gather(per_replica, axis=0)

  return np.concatenate([np.asarray(step(b)) for b in dist])
