"""Benchmark 3: DeepFool L2 (ours, batched tf.function) vs Foolbox 3's `L2DeepFoolAttack`.

Same model (the paper-002 LeNet in [-0.5, 0.5]), same 200 MNIST test images, both with 50 steps,
overshoot 0.02, all classes as candidates. Reports wall time (ours warm, after one tracing call, and
first call) and the median L2 of successful examples; goal: ours at least as fast, median L2 within
10% of Foolbox's.
"""
from __future__ import annotations

import time

import numpy as np
import tensorflow as tf

from adv_tf.attacks import attack

N_IMAGES = 200
SETTINGS = dict(max_iter=50, overshoot=0.02)
L2_TOLERANCE = 0.10


def run(ctx) -> list[str]:
  import foolbox as fb  # benchmark-only dependency
  x, y = ctx.test_batch(N_IMAGES)
  lo, hi = float(ctx.clip_min), float(ctx.clip_max)
  model = ctx.model
  ours_fn = lambda: attack("deepfool", model, x, y, norm=2, clip_min=lo, clip_max=hi, **SETTINGS)
  start = time.perf_counter()
  ours_fn()
  first = time.perf_counter() - start
  start = time.perf_counter()
  ours = ours_fn()
  ours_s = time.perf_counter() - start

  fmodel = fb.TensorFlowModel(model, bounds=(lo, hi))
  fb_attack = fb.attacks.L2DeepFoolAttack(steps=SETTINGS["max_iter"], overshoot=SETTINGS["overshoot"],
                                          candidates=None)
  start = time.perf_counter()
  _, clipped, success = fb_attack(fmodel, tf.constant(x), tf.constant(y), epsilons=None)
  fb_s = time.perf_counter() - start
  fb_l2 = np.linalg.norm((clipped.numpy() - x).reshape(len(x), -1), axis=1)
  fb_ok = success.numpy()
  clean_ok = np.argmax(model.predict(x, verbose=0), axis=1) == y

  ours_med = float(np.median(ours.l2[ours.success & clean_ok]))
  fb_med = float(np.median(fb_l2[fb_ok & clean_ok]))
  speed = fb_s / ours_s
  close = abs(ours_med / fb_med - 1.0) <= L2_TOLERANCE
  return [
      f"[bench_deepfool] DeepFool L2 on {len(x)} MNIST images ({int(clean_ok.sum())} classified correctly), "
      f"{SETTINGS['max_iter']} steps, overshoot {SETTINGS['overshoot']}, pixel range [{lo}, {hi}]",
      f"[bench_deepfool] ours {ours_s:.2f} s warm (first call {first:.2f} s), success "
      f"{ours.success[clean_ok].mean():.3f}, median L2 {ours_med:.3f}; Foolbox {fb_s:.2f} s, success "
      f"{fb_ok[clean_ok].mean():.3f}, median L2 {fb_med:.3f}",
      f"[bench_deepfool] speed ratio Foolbox/ours {speed:.2f} (goal >= 1: {'PASS' if speed >= 1 else 'FAIL'}); "
      f"median L2 ratio ours/Foolbox {ours_med / fb_med:.3f} (goal within {L2_TOLERANCE:.0%}: "
      f"{'PASS' if close else 'FAIL'})",
  ]


if __name__ == "__main__":
  from benchmarks.common import load_context
  for line in run(load_context()):
    print(line)
