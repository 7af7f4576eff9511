"""Runs an attack's graph function on the replicas of the current tf.distribute strategy (TPU-safe).

Every attack step runs as `strategy.run(fn, ...)` INSIDE a `tf.function` (TPUStrategy refuses an eager
`strategy.run`): the host splits a batch into one equal slice per replica
(`experimental_distribute_values_from_function`), each replica runs `fn` on its slice, and the host
concatenates the per-replica outputs in replica order. Under the default strategy this is one call of
`fn` on the whole batch. Per-example computations give the same numbers on any number of replicas.

Static shapes (`static_shapes=True`, the default under a TPUStrategy): XLA compiles one program per input
shape, so a batch that shrinks (the last partial batch, CW's working set as examples finish) would
recompile. In this mode every call is padded to one fixed size (the largest batch the caller will use,
rounded up to a multiple of the replicas) by repeating the last real row; the padded rows' outputs are
dropped. Repeating a real row (not zeros) keeps the padding numerically harmless and lets loops that stop
when every example is done (DeepFool) stop as early as without padding. Off by default elsewhere:
padding spends compute on rows that are thrown away, and on CPU without `jit_compile` a new batch size
costs nothing (measured on CPU: CW with `jit_compile=True` and a shrinking working set ran 4x slower
than without jit because of the recompiles).
"""
from __future__ import annotations

import weakref
from typing import Any, Callable, Sequence

import numpy as np
import tensorflow as tf

_WRAPPERS: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


def is_tpu_strategy(strategy: tf.distribute.Strategy | None = None) -> bool:
  """Whether `strategy` (default: the current one) is a TPUStrategy (its steps are XLA-compiled)."""
  strategy = strategy or tf.distribute.get_strategy()
  return isinstance(strategy, (tf.distribute.TPUStrategy, tf.distribute.experimental.TPUStrategy))


def resolve_static_shapes(static_shapes: bool | None) -> bool:
  """`static_shapes` as given, or the default: on under a TPUStrategy, off elsewhere."""
  return is_tpu_strategy() if static_shapes is None else bool(static_shapes)


def padded_size(n: int, replicas: int, static_size: int | None = None) -> int:
  """The batch size a call of n rows runs at: n, or `static_size`, rounded up to a multiple of the replicas."""
  size = max(n, int(static_size or 0), 1)
  return -(-size // replicas) * replicas


def pad_rows(a: np.ndarray, size: int) -> np.ndarray:
  """`a` with its last row repeated up to `size` rows (a real row keeps padded work finite and short)."""
  if len(a) == size:
    return a
  return np.concatenate([a, np.repeat(a[-1:], size - len(a), axis=0)])


def _wrapper(fn: Callable, strategy: tf.distribute.Strategy, jit_compile: bool) -> Callable:
  """The cached `tf.function(lambda sliced, consts: strategy.run(fn, ...))` for (fn, strategy, jit)."""
  try:
    table = _WRAPPERS.setdefault(fn, {})
  except TypeError:  # not weakly referenceable: no cache (a new tf.function per call would retrace)
    table = {}
  key = (id(strategy), bool(jit_compile))
  entry = table.get(key)
  if entry is None or entry[0]() is not strategy:
    # `fn` through a weak reference: the table's value must not keep its own weak key (and the graphs and
    # model variables `fn` captured) alive once the attack's cache drops `fn` with its model.
    try:
      fn_ref = weakref.ref(fn)
    except TypeError:
      fn_ref = lambda: fn  # noqa: E731  not weakly referenceable: not cached either (see above)

    def step(sliced, consts):
      # A plain Python callable: MirroredStrategy then calls `fn` once per replica with that replica's
      # tensors (given a tf.function itself, it would bind the PerReplica values to its signature).
      return strategy.run(lambda *args: fn_ref()(*args), args=(*sliced, *consts))
    entry = (weakref.ref(strategy), tf.function(step, jit_compile=bool(jit_compile) or None,
                                                 reduce_retracing=True))
    table[key] = entry
  return entry[1]


def run_on_replicas(fn: Callable, arrays: Sequence[np.ndarray], consts: Sequence[Any] = (), *,
                    static_size: int | None = None, jit_compile: bool = False) -> list[np.ndarray]:
  """Runs `fn(*array_slices, *consts)` on every replica of the current strategy; outputs in input order.

  Args:
    fn: graph code (a tf.function or a plain callable) mapping per-example tensors [B, ...] (and
      `consts`, the same on every replica) to a tensor or a tuple/dict of tensors with leading dim B.
    arrays: numpy arrays aligned on their first axis (n rows).
    consts: scalars/tensors passed unchanged to every replica.
    static_size: pad every call to this many rows (see module docstring); None: pad only to a multiple
      of the replicas.
    jit_compile: compile the step with XLA (`tf.function(jit_compile=True)`), as a TPU does.

  Returns:
    The outputs as numpy arrays with n rows: a list for a tuple/single output, a dict for a dict output.
  """
  strategy = tf.distribute.get_strategy()
  replicas = strategy.num_replicas_in_sync
  n = len(arrays[0])
  size = padded_size(n, replicas, static_size)
  padded = [pad_rows(np.asarray(a), size) for a in arrays]
  per = size // replicas

  def value_fn(ctx):
    lo = ctx.replica_id_in_sync_group * per
    return tuple(tf.convert_to_tensor(a[lo:lo + per]) for a in padded)

  sliced = strategy.experimental_distribute_values_from_function(value_fn)
  consts = tuple(tf.convert_to_tensor(c) for c in consts)
  out = _wrapper(fn, strategy, jit_compile)(sliced, consts)
  local = strategy.experimental_local_results

  def gather(v):
    return np.concatenate([np.asarray(p) for p in local(v)])[:n]

  if isinstance(out, dict):
    return {k: gather(v) for k, v in out.items()}
  if not isinstance(out, (tuple, list)):
    out = (out,)
  return [gather(v) for v in out]
