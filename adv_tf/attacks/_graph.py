"""Shared graph helpers for the attacks: per-model tf.function caches, batching, norm projections.

Every attack keeps one `tf.function` per (model, static configuration) in a weak cache, and passes
every numeric setting that may change between calls (eps, step size, seed) as a tensor, so a second
call with the same batch shape never retraces ("traced once per shape").
"""
from __future__ import annotations

import weakref
from typing import Any, Callable

import numpy as np
import tensorflow as tf

_CACHE: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()
_STRONG: dict[int, tuple[Any, dict]] = {}


class WeakModel:
  """Calls (and reads attributes of) a model through a weak reference.

  Hashable and traceable as a tf.function argument (CleverHans' `compute_gradient` traces its model_fn),
  unlike `weakref.proxy`.
  """
  __slots__ = ("_ref", "__weakref__")

  def __init__(self, model):
    self._ref = weakref.ref(model)

  def __call__(self, *args, **kwargs):
    return self._ref()(*args, **kwargs)

  def __getattr__(self, name):
    return getattr(self._ref(), name)


def cached_function(model, key: tuple, build: Callable[[Any], Callable]) -> Callable:
  """Returns the tf.function built by `build(model_ref)` for (model, key), building it once.

  `build` gets a `WeakModel` of the model and must use it instead of closing over `model`: the cache's
  values would otherwise hold their own weak key strongly, and no attacked model would ever be freed (a
  paper profile attacks hundreds). Models that cannot be weakly referenced are kept by id with the model.
  """
  try:
    table = _CACHE.setdefault(model, {})
    ref = WeakModel(model)
  except TypeError:
    entry = _STRONG.setdefault(id(model), (model, {}))
    table, ref = entry[1], model
  fn = table.get(key)
  if fn is None:
    fn = build(ref)
    table[key] = fn
  return fn


def logits_of(model, x: tf.Tensor) -> tf.Tensor:
  """Calls a logits model in inference mode (Keras models and plain callables alike)."""
  try:
    return model(x, training=False)
  except TypeError:
    return model(x)


def per_example(value, n: int, name: str) -> np.ndarray:
  """Broadcasts a scalar or [N] setting to float32 [N, 1, 1, 1]."""
  arr = np.asarray(value, np.float32)
  if arr.ndim == 0:
    arr = np.full([n], arr, np.float32)
  if arr.shape != (n,):
    from adv_tf.errors import AdvTfError
    raise AdvTfError(f"{name} must be a scalar or have shape [{n}], got {arr.shape}")
  return arr.reshape(n, 1, 1, 1)


def norm_key(norm) -> str:
  """Canonical name of a norm order ('inf', '2' or '1'); raises AdvTfError otherwise."""
  from adv_tf.errors import AdvTfError
  if norm in (np.inf, "inf", float("inf")):
    return "inf"
  if norm in (2, "2", 2.0):
    return "2"
  if norm in (1, "1", 1.0):
    return "1"
  raise AdvTfError(f"unknown norm {norm!r}; use np.inf, 2 (or 1 where the attack supports it)")


def project(delta: tf.Tensor, eps: tf.Tensor, norm: str) -> tf.Tensor:
  """Projects per-example perturbations onto the eps ball of `norm` (eps broadcastable [B,1,1,1])."""
  if norm == "inf":
    return tf.clip_by_value(delta, -eps, eps)
  l2 = tf.sqrt(tf.maximum(tf.reduce_sum(tf.square(delta), axis=[1, 2, 3], keepdims=True), 1e-24))
  return delta * tf.minimum(1.0, eps / l2)


def batched(fn: Callable[..., tuple], arrays: list[np.ndarray], batch_size: int | None, *,
            consts: tuple = (), static_shapes: bool | None = None, verbose: bool = False,
            desc: str = "attack") -> list[np.ndarray]:
  """Runs `fn(*batch_slices, *consts)` over aligned numpy arrays in batches and concatenates each output.

  Each batch runs on the replicas of the current tf.distribute strategy, inside a `tf.function` with
  `strategy.run` (`adv_tf.attacks._replicas`). `static_shapes` (default: on under a TPUStrategy) pads
  the last, smaller batch to the full batch size so an XLA device compiles one program.
  `verbose` shows a progress bar over the examples (`adv_tf.attacks.progress.Progress`).
  """
  from adv_tf.attacks import _replicas
  from adv_tf.attacks.progress import Progress
  n = len(arrays[0])
  size = n if not batch_size else int(batch_size)
  static_size = min(size, n) if _replicas.resolve_static_shapes(static_shapes) else None
  outs: list[list[np.ndarray]] = []
  with Progress(total=n, desc=desc, unit="img", verbose=verbose) as bar:
    for start in range(0, n, max(size, 1)):
      res = _replicas.run_on_replicas(fn, [a[start:start + size] for a in arrays], consts,
                                      static_size=static_size)
      if not outs:
        outs = [[] for _ in res]
      for acc, r in zip(outs, res):
        acc.append(np.asarray(r))
      bar.update(min(size, n - start))
  return [np.concatenate(o) for o in outs]


def with_predictions(model, x_adv: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
  """(x_adv, arg-max prediction on x_adv) inside a graph."""
  return x_adv, tf.argmax(logits_of(model, x_adv), axis=-1)
