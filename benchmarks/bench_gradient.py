"""Benchmark 2: FGSM and PGD-40 images/second through our interface vs CleverHans 4 called directly.

Same model (the paper-002 LeNet in [-0.5, 0.5]), same inputs (200 MNIST test images), Linf eps 0.3
(PGD: step 0.01, 40 steps, random start; Madry et al.'s MNIST settings). CleverHans' own functions run
eagerly as its TF2 API is documented to be called (only its per-step gradient is a tf.function); ours
runs the same CleverHans steps inside one cached tf.function. Each side is warmed up once (tracing) and
then timed over `repeats` calls; goal: ratio ours/CleverHans >= 1.0 for both attacks.
"""
from __future__ import annotations

import time

import numpy as np
import tensorflow as tf
from cleverhans.tf2.attacks.fast_gradient_method import fast_gradient_method
from cleverhans.tf2.attacks.projected_gradient_descent import projected_gradient_descent

from adv_tf.attacks import attack, predict_labels

N_IMAGES = 200
EPS = 0.3
PGD = dict(nb_iter=40, eps_iter=0.01)
GOAL = 1.0


def _inputs(ctx):
  x = getattr(ctx, "x_test", None)
  y = getattr(ctx, "y_test", None)
  if x is None:
    x, y = ctx.x, ctx.y
  return np.asarray(x[:N_IMAGES], np.float32), np.asarray(y[:N_IMAGES], np.int64)


def _time(fn, repeats: int) -> tuple[float, float, np.ndarray]:
  """(first-call seconds, mean warm seconds, last output)."""
  start = time.perf_counter()
  out = fn()
  first = time.perf_counter() - start
  start = time.perf_counter()
  for _ in range(repeats):
    out = fn()
  return first, (time.perf_counter() - start) / repeats, np.asarray(out)


def run(ctx, repeats: int = 3) -> list[str]:
  x, y = _inputs(ctx)
  lo, hi = float(ctx.clip_min), float(ctx.clip_max)
  model = ctx.model
  xt = tf.constant(x)
  cases = {
      "FGSM": (lambda: attack("fgsm", model, x, y, eps=EPS, clip_min=lo, clip_max=hi).x_adv,
               lambda: fast_gradient_method(model, xt, EPS, np.inf, clip_min=lo, clip_max=hi, y=y)),
      "PGD-40": (lambda: attack("pgd", model, x, y, eps=EPS, clip_min=lo, clip_max=hi, **PGD).x_adv,
                 lambda: projected_gradient_descent(model, xt, EPS, PGD["eps_iter"], PGD["nb_iter"], np.inf,
                                                    clip_min=lo, clip_max=hi, y=y, rand_init=True)),
  }
  lines = [f"[bench_gradient] {len(x)} MNIST images, Linf eps {EPS}, pixel range [{lo}, {hi}]; "
           f"PGD step {PGD['eps_iter']}, {PGD['nb_iter']} steps, random start; warm timings over {repeats} calls"]
  for name, (ours_fn, ch_fn) in cases.items():
    o_first, o_warm, o_adv = _time(ours_fn, repeats)
    c_first, c_warm, c_adv = _time(ch_fn, repeats)
    o_acc = float(np.mean(predict_labels(model, o_adv) == y))
    c_acc = float(np.mean(predict_labels(model, c_adv) == y))
    ratio = c_warm / o_warm
    lines.append(
        f"[bench_gradient] {name}: ours {len(x) / o_warm:.0f} img/s (first call {o_first:.2f} s), "
        f"CleverHans direct {len(x) / c_warm:.0f} img/s (first call {c_first:.2f} s); "
        f"ratio {ratio:.2f} (goal >= {GOAL}: {'PASS' if ratio >= GOAL else 'FAIL'}); "
        f"adversarial accuracy ours {o_acc:.3f}, CleverHans {c_acc:.3f}")
  return lines


if __name__ == "__main__":
  from benchmarks.common import load_context
  for line in run(load_context()):
    print(line)
