"""Benchmark: the CW-L2 chunk runner as the suite runs it on CPU (a plain `tf.function`) vs compiled with XLA
(`jit_compile=True`, the path a TPU takes), which a user might switch on hoping for speed.

Both sides attack the same 90 targeted pairs of the bench LeNet (`ctx.pairs()`: 10 sources x 9 targets) for a
fixed amount of work: one search step of `ITERATIONS` Adam iterations with abort_early off, the XLA side with a
fixed working set (`static_shapes=True`: no recompiles; a shrinking one recompiled and ran 4x slower, see
`adv_tf/attacks/_replicas.py`). The first call of each side traces (and for XLA compiles) its function and is not
timed; then the sides alternate `repeats` times and each keeps its best CPU-seconds. Both must find the same
distances (one program, two compilers). XLA is reached by wrapping the attack's private runner factory
(`carlini_wagner._runner`), since the public attack compiles only under a TPUStrategy.
Goal: ratio XLA / plain CPU-seconds >= 1.0 (the suite's default is not the slower one on this CPU).
"""
from __future__ import annotations

import time

import numpy as np

ITERATIONS = 300  # the test attacks a tiny model with it too (a few seconds)
GOAL = 1.0


def _attack(model, x, target, clip, jit: bool):
  from adv_tf.attacks import carlini_wagner as cw  # pylint: disable=import-outside-toplevel
  plain = cw._runner  # pylint: disable=protected-access
  cw._runner = lambda m, s, shape, static_size=None, jit_compile=False: plain(m, s, shape, static_size, jit)
  try:
    start = time.process_time()
    result = cw.carlini_wagner_l2(model, x, target=target, binary_search_steps=1, max_iterations=ITERATIONS,
                                  abort_early=False, clip_min=clip[0], clip_max=clip[1], static_shapes=jit)
    return time.process_time() - start, result
  finally:
    cw._runner = plain


def compiled_runners(model) -> list:
  """The XLA-compiled chunk runners the attack built for `model` (keys of `carlini_wagner._RUNNERS` with jit on)."""
  from adv_tf.attacks import carlini_wagner as cw  # pylint: disable=import-outside-toplevel
  return [key for key in cw._RUNNERS.get(model, {}) if key[-1]]  # pylint: disable=protected-access


def line(plain_s: float, xla_s: float, pairs: int, repeats: int, max_l2_difference: float) -> str:
  """The printed line: each side's CPU-seconds, their ratio (XLA over plain) and the distances' agreement."""
  return (f"[bench] cw xla: CW-L2 on {pairs} targeted pairs of the bench LeNet, 1 step x {ITERATIONS} iterations, "
          f"abort_early off, best of {repeats}: plain tf.function {plain_s:.1f} CPU-s, jit_compile=True (XLA, fixed "
          f"working set) {xla_s:.1f} CPU-s; ratio {xla_s / plain_s:.2f} (goal >= {GOAL}); largest per-pair L2 "
          f"difference {max_l2_difference:.2g}")


def run(ctx, repeats: int = 2):
  x, _, target = ctx.pairs()
  clip = (ctx.clip_min, ctx.clip_max)
  results = {jit: _attack(ctx.model, x, target, clip, jit)[1] for jit in (False, True)}  # trace and compile
  if not compiled_runners(ctx.model):  # the wrapper missed the attack's runner: both sides would be plain
    raise RuntimeError("bench cw_xla: no XLA-compiled CW runner was built; carlini_wagner._runner moved?")
  times = {False: [], True: []}
  for _ in range(repeats):
    for jit in (False, True):
      seconds, results[jit] = _attack(ctx.model, x, target, clip, jit)
      times[jit].append(seconds)
  difference = float(np.max(np.abs(results[True].l2 - results[False].l2)))
  yield line(min(times[False]), min(times[True]), len(x), repeats, difference)
