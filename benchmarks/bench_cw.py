"""Benchmark 1: the CW-L2 class-distance matrix (paper 002, Sec. 5.2.1): speed, per-pair quality, CleverHans.

90 targeted pairs (one correctly classified test image per class x 9 targets), kappa = 0, Carlini's
defaults (9 binary-search steps, learning rate 1e-2, initial constant 1e-3) with 1000 iterations as
the study uses them. Three parts, all in this process on the same inputs:

1. Speed on the baseline LeNet: ours (default schedule, "carlini") vs the plain tf.function loop
   (`cw_reference`, Carlini's batched algorithm), and the per-pair L2 ratio ours/plain. Goal: ours >= 5x
   faster.
2. Per-pair quality and cost of the "fmn-cw" schedule (two FMN-L2 runs, then one short step of Carlini's inner
   loop at 1.25x the kept FMN point's stationary constant, the smallest distance kept; Carlini's search where
   all fail) against `schedule="carlini"` (Carlini's schedule run per example), one line per model and kappa,
   in the form
   `cw-perpair <model> kappa=<k>: speedup=<x>x p99=<r> max=<r> mean=<r> over1.02=<n>/<N> success=<a>/<b>`:
   ratios are L2(fmn) / L2(carlini) over the pairs both solve, speedup is the ratio of the two runs'
   CPU-seconds (this process, user + system), success counts the model's re-check of the returned image
   (fmn / carlini). Models, trained as the hyperparams study trains them (quick preset, stopped at 98% test
   accuracy): the bench LeNet (paper 002 Table 1) and the secure model (Sec. 6.4) at kappa 0 and 10, and
   the pool-6 grid model (Appendix) at kappa 0; then, at kappa 0, a minimal-dataset CNN and a training-size
   Simple CNN trained by their studies' code (`benchmarks/cw_models.py`). Goal (issue 21): at most 1 pair in
   90 above 1.02, none above 1.05, mean <= 1.000, success >= carlini's, speedup >= 5x. `run_all
   --only=cw --cw_perpair_only=<model>` runs only this part on the named models (one model per run).
   With `--cw_selfcheck` (`make bench BENCH_FLAGS="--only=cw --cw_selfcheck"`) each case also runs the exact
   schedule at twice Carlini's iterations (a stronger run of the same method) and prints how far each run sits,
   per pair, from the best distance any of the three found (issue 21: the exact schedule is itself one local
   optimum per pair):
   `cw-selfcheck <model> kappa=<k>: exact/exact2x <stats> || vs best known: exact <stats> | exact2x <stats> |
   <new> <stats>`, each <stats> being `p99= max= mean= over1.02=<n>/<N> over1.05=<n>/<N>` of the run's L2 over
   the per-pair minimum of the three runs' re-checked distances (a failed pair is never a candidate). N counts
   the pairs the run solved (and the other side has a value), so a run that fails pairs the others solve shows
   it as a smaller N, not as larger ratios.
3. CleverHans 4.0.0's own TF2 `carlini_wagner_l2` (what a user would pick) on the baseline, same
   settings, all 90 pairs in one batch. It needs two patches on Keras 3, applied to its source text:
   * `const = tf.ones(shape)` has the image's shape [N, H, W, C] and broadcasts against the per-example
     loss [N] (cleverhans issue #1205, unmerged PR #1219): on MNIST (C = 1) it silently gives an
     [N, H, W, N] loss, i.e. every example's constant becomes 784 x the sum over the batch; patched to
     `tf.ones(shape[:1])`, one constant per example.
   * `self.optimizer.variables()` is a list in Keras 3 (not callable), and it holds the learning-rate
     variable, which a reset to zero would freeze; patched to reset every Adam variable except the
     learning rate (iteration count and moments, as Carlini's per-step reset of Adam does).
   Left as shipped: Keras 3's Adam epsilon (1e-7; Carlini's TF1 Adam uses 1e-8) and its success test
   (it keeps the best iterate whose kappa-adjusted arg-max is the target, like Carlini's `compare`).
"""
from __future__ import annotations

import importlib
import inspect
import os
import time
import types
from collections.abc import Iterator

import numpy as np

from adv_tf.attacks.carlini_wagner import carlini_wagner_l2
from adv_tf.attacks.cw_reference import carlini_wagner_l2_reference
from benchmarks.cw_models import STUDY_MODELS

SETTINGS = dict(confidence=0.0, binary_search_steps=9, max_iterations=1000, learning_rate=1e-2,
                initial_const=1e-3, abort_early=True)
SPEED_GOAL = 5.0
L2_BOUND = 1.01          # mean L2 ours / plain loop
PERPAIR_BOUND = 1.02     # a pair counts in over1.02 when L2(new) / L2(carlini) is above this
PERPAIR_LIMIT = 1.05     # issue 21: no pair above this
STRONGER_ITERATIONS = 2  # cw-selfcheck: the exact schedule at this many times Carlini's max_iterations
NEW_SCHEDULE = "fmn-cw"
# (name, Table 1 overrides of the bench LeNet or None for the bench LeNet itself, kappas): paper 002's bench
# LeNet, the hyperparams quick profile's secure model (Sec. 6.4) and a pool-6 grid model (Appendix).
POOL6 = {"pool_size": 6}


def perpair_models() -> tuple:
  """(name, overrides or None, kappas) of every `cw-perpair` line."""
  return (("bench-lenet", None, (0.0, 10.0)), ("secure", _secure_model(), (0.0, 10.0)), ("pool6", POOL6, (0.0,)))


def _verdict(ok: bool) -> str:
  return "PASS" if ok else "FAIL"


def _secure_model() -> dict:
  """Paper 002 Sec. 6.4's secure LeNet settings, wherever the study package keeps them."""
  for name in ("adv_tf.studies.hyperparams.config", "adv_tf.studies.hyperparams", "adv_tf.experiment.hyperparams"):
    try:
      return dict(importlib.import_module(name).SECURE_MODEL)
    except (ImportError, AttributeError):
      continue
  raise ImportError("SECURE_MODEL (paper 002 Sec. 6.4) not found in the hyperparams study package")


def pairs_for(model, x_test: np.ndarray, y_test: np.ndarray, n: int = 1000):
  """The 90 pairs on `model`: the first correctly classified test image of each class, x 9 targets."""
  pred = np.argmax(model.predict(x_test[:n], batch_size=500, verbose=0), axis=1)
  idx = [int(np.flatnonzero((y_test[:n] == c) & (pred == c))[0]) for c in range(10)]
  src = np.repeat(np.arange(10), 9)
  tgt = np.array([t for s in range(10) for t in range(10) if t != s])
  return x_test[idx][src].astype(np.float32), src, tgt


def matrix_stats(l2: np.ndarray, success: np.ndarray) -> dict[str, float]:
  """mean/min/max/std of the successful pairs' distances (paper 002 Sec. 5.4.1)."""
  d = l2[success].astype(np.float64)
  if not len(d):
    return {k: float("nan") for k in ("mean", "min", "max", "std")}
  return {"mean": float(d.mean()), "min": float(d.min()), "max": float(d.max()), "std": float(d.std())}


def _quantiles(ratio: np.ndarray) -> dict[str, float]:
  """median, 90th/99th percentile and max of per-pair ratios (nan when no pair qualifies)."""
  if not len(ratio):
    return {"median": float("nan"), "p90": float("nan"), "p99": float("nan"), "max": float("nan")}
  return {"median": float(np.median(ratio)), "p90": float(np.percentile(ratio, 90)),
          "p99": float(np.percentile(ratio, 99)), "max": float(ratio.max())}


def _time(fn):
  start = time.perf_counter()
  out = fn()
  return out, time.perf_counter() - start


def _speed(ctx, settings: dict, x, target) -> tuple[list[str], object, float]:
  """Part 1: ours vs the plain loop on the baseline; returns the lines, ours' result and its CPU-seconds."""
  def ours_fn():
    return carlini_wagner_l2(ctx.model, x, target=target, clip_min=ctx.clip_min, clip_max=ctx.clip_max,
                             **settings)

  # Ours runs before and after the plain loop (its first run includes tracing, as the plain loop's
  # does); their mean is the time compared, so load from other processes that drifts during the long
  # plain-loop run hits both sides alike.
  ours, ours_first = _time(ours_fn)
  ref, ref_s = _time(lambda: carlini_wagner_l2_reference(ctx.model, x, target=target, clip_min=ctx.clip_min,
                                                         clip_max=ctx.clip_max, **settings))
  (ours_again, ours_second), ours_cpu = _cpu_time(lambda: _time(ours_fn))
  ours_s = (ours_first + ours_second) / 2
  same = bool(np.array_equal(ours.success, ours_again.success) and np.allclose(ours.l2, ours_again.l2, rtol=1e-5))
  ref_success = np.argmax(np.asarray(ctx.model(ref["x_adv"], training=False)), axis=1) == target
  ref_l2 = np.linalg.norm((ref["x_adv"] - x).reshape(len(x), -1), axis=1)
  ours_mean = float(np.mean(ours.l2[ours.success])) if ours.success.any() else float("inf")
  ref_mean = float(np.mean(ref_l2[ref_success])) if ref_success.any() else float("inf")
  speed = ref_s / ours_s
  both = ours.success & ref_success
  q = _quantiles(ours.l2[both].astype(np.float64) / ref_l2[both])
  ref_iters = ref["iterations"] * len(x)
  ours_iters = int(ours.info["iterations"].sum())
  return [
      f"[cw] plain loop (cw_reference): {ref_s:8.1f} s  mean L2 {ref_mean:.4f}  success {ref_success.mean():.0%}  "
      f"example-iterations {ref_iters}",
      f"[cw] ours (default schedule):    {ours_s:8.1f} s  mean L2 {ours_mean:.4f}  success {ours.success.mean():.0%}  "
      f"example-iterations {ours_iters}  (runs before/after the plain loop: {ours_first:.1f} s / "
      f"{ours_second:.1f} s; same result both times: {same})",
      f"[cw] speed ratio {speed:.2f}x (goal >= {SPEED_GOAL:.0f}x): {_verdict(speed >= SPEED_GOAL)}; "
      f"example-iteration ratio {ref_iters / max(ours_iters, 1):.2f}x",
      f"[cw] mean L2 ratio ours/plain {ours_mean / ref_mean:.4f} (bound <= {L2_BOUND}): "
      f"{_verdict(ours_mean / ref_mean <= L2_BOUND)}; success 100%: {_verdict(bool(ours.success.all()))}; "
      f"search verdict = re-check on {np.mean(ours.success == ours.info['search_success']):.0%}",
      f"[cw] per-pair L2 ratio ours/plain median {q['median']:.4f} p90 {q['p90']:.4f} p99 {q['p99']:.4f} "
      f"max {q['max']:.4f}",
  ], ours_again, ours_cpu


def _cpu_time(fn):
  """(fn(), CPU-seconds of this process while it ran: user + system, all threads)."""
  before = os.times()
  out = fn()
  after = os.times()
  return out, (after.user - before.user) + (after.system - before.system)


def perpair_line(model_name: str, kappa: float, new, exact, new_cpu: float, exact_cpu: float) -> str:
  """The `cw-perpair` line: the new schedule's per-pair L2 over the exact schedule's, and the CPU-s ratio."""
  both = new.success & exact.success
  ratio = new.l2[both].astype(np.float64) / exact.l2[both]
  p99, worst, mean = ((float(np.percentile(ratio, 99)), float(ratio.max()), float(ratio.mean())) if len(ratio)
                      else (float("nan"),) * 3)
  return (f"cw-perpair {model_name} kappa={kappa:g}: speedup={exact_cpu / new_cpu:.2f}x p99={p99:.4f} "
          f"max={worst:.4f} mean={mean:.4f} over1.02={int((ratio > PERPAIR_BOUND).sum())}/{len(ratio)} "
          f"success={int(new.success.sum())}/{int(exact.success.sum())}")


def _ratio_stats(l2: np.ndarray, best: np.ndarray) -> str:
  """p99/max/mean/over1.02/over1.05 of l2 / best over the pairs where both are finite."""
  ok = np.isfinite(l2) & np.isfinite(best)
  r = l2[ok].astype(np.float64) / best[ok]
  if not len(r):
    return "no pair"
  return (f"p99={np.percentile(r, 99):.4f} max={r.max():.4f} mean={r.mean():.4f} "
          f"over{PERPAIR_BOUND:g}={int((r > PERPAIR_BOUND).sum())}/{len(r)} "
          f"over{PERPAIR_LIMIT:g}={int((r > PERPAIR_LIMIT).sum())}/{len(r)}")


def selfcheck_line(model_name: str, kappa: float, new, exact, stronger) -> str:
  """The `cw-selfcheck` line: the exact schedule against a run of it at STRONGER_ITERATIONS x the iterations,
  and each of the three runs against the per-pair best known distance (the minimum of their re-checked L2)."""
  dist = {label: np.where(r.success, r.l2, np.inf).astype(np.float64)
          for label, r in (("exact", exact), (f"exact{STRONGER_ITERATIONS}x", stronger), (NEW_SCHEDULE, new))}
  best = np.min(np.stack(list(dist.values())), axis=0)
  best = np.where(np.isfinite(best), best, np.nan)
  finite = {k: np.where(np.isfinite(v), v, np.nan) for k, v in dist.items()}
  against = " | ".join(f"{label} {_ratio_stats(v, best)}" for label, v in finite.items())
  return (f"cw-selfcheck {model_name} kappa={kappa:g}: exact/exact{STRONGER_ITERATIONS}x "
          f"{_ratio_stats(finite['exact'], finite[f'exact{STRONGER_ITERATIONS}x'])} || vs best known: {against}")


def _perpair_runs(name: str, model, x, tgt, clip: tuple, settings: dict, kappas, exact_done=None,
                  selfcheck: bool = False) -> Iterator[str]:
  """The `cw-perpair` lines of one model, each as soon as it is measured: "carlini" (unless `exact_done` =
  (result, CPU-s) at kappa 0), then NEW; with `selfcheck`, then "carlini" at STRONGER_ITERATIONS x the
  iterations and the `cw-selfcheck` line."""
  for kappa in kappas:
    def run(schedule, **extra):
      return carlini_wagner_l2(model, x, target=tgt, clip_min=clip[0], clip_max=clip[1], schedule=schedule,
                               **dict(settings, confidence=kappa, **extra))
    exact, exact_cpu = exact_done if exact_done and kappa == 0.0 else _cpu_time(lambda: run("carlini"))
    new, new_cpu = _cpu_time(lambda: run(NEW_SCHEDULE))
    yield perpair_line(name, kappa, new, exact, new_cpu, exact_cpu)
    if selfcheck:
      stronger = run("carlini", max_iterations=STRONGER_ITERATIONS * settings["max_iterations"])
      yield selfcheck_line(name, kappa, new, exact, stronger)


def perpair_names() -> tuple[str, ...]:
  """Every `cw-perpair` model name, in bench order."""
  return tuple(name for name, _, _ in perpair_models()) + tuple(STUDY_MODELS)


def _perpair(ctx, settings: dict, baseline_exact: tuple | None, names=None, selfcheck: bool = False
             ) -> Iterator[str]:
  """Part 2: schedule NEW_SCHEDULE vs schedule="carlini" per pair, on every bench model (or `names`) and kappa.

  `baseline_exact` = (carlini result, its CPU-seconds) already run on the bench LeNet at kappa 0 (None: run it).
  """
  clip = (ctx.clip_min, ctx.clip_max)
  for name, overrides, kappas in perpair_models():
    if names and name not in names:
      continue
    model, exact_done = ctx.model, baseline_exact
    if overrides is not None:
      model, accuracy, source = ctx.lenet(overrides)
      exact_done = None
      yield f"[cw] {name} LeNet {overrides}: test accuracy {accuracy:.4f}, model from {source}"
    x, _, tgt = pairs_for(model, ctx.x_test, ctx.y_test)
    yield from _perpair_runs(name, model, x, tgt, clip, settings, kappas, exact_done, selfcheck)
  for name, loader in STUDY_MODELS.items():
    if names and name not in names:
      continue
    model, x_test, y_test, clip_min, clip_max, source = loader(ctx.data_dir, ctx.cache_dir)
    yield f"[cw] {name}: {loader.__doc__ or ''}model from {source}".strip()
    x, _, tgt = pairs_for(model, x_test, y_test)
    yield from _perpair_runs(name, model, x, tgt, (clip_min, clip_max), settings, (0.0,), None, selfcheck)


def cleverhans_cw_l2():
  """CleverHans 4.0.0's TF2 `carlini_wagner_l2`, with the two Keras 3 patches of the module docstring."""
  from cleverhans.tf2.attacks import carlini_wagner_l2 as shipped  # benchmark-only dependency
  source = inspect.getsource(shipped)
  patches = {"const = tf.ones(shape) * self.initial_const": "const = tf.ones(shape[:1]) * self.initial_const",
             "for var in self.optimizer.variables():": "for var in _adam_state(self.optimizer):"}
  for old, new in patches.items():
    if source.count(old) != 1:
      raise RuntimeError(f"cleverhans carlini_wagner_l2 changed; patch target not found: {old!r}")
    source = source.replace(old, new)
  module = types.ModuleType("cleverhans_carlini_wagner_l2_keras3")
  module.__dict__["_adam_state"] = lambda opt: [v for v in opt.variables if v.name != "learning_rate"]
  exec(compile(source, shipped.__file__, "exec"), module.__dict__)  # pylint: disable=exec-used
  return module.carlini_wagner_l2


def _cleverhans(ctx, settings: dict, x, target, carlini_l2: np.ndarray | None) -> list[str]:
  """Part 3: CleverHans' TF2 CW-L2 on the baseline's 90 pairs (one batch), re-checked by the model."""
  attack = cleverhans_cw_l2()
  ch_settings = {k: v for k, v in settings.items()}
  x_adv, seconds = _time(lambda: attack(ctx.model, x, y=target, targeted=True, batch_size=len(x),
                                        clip_min=ctx.clip_min, clip_max=ctx.clip_max, **ch_settings))
  x_adv = np.asarray(x_adv, np.float32)
  success = np.argmax(np.asarray(ctx.model(x_adv, training=False)), axis=1) == target
  l2 = np.linalg.norm((x_adv - x).reshape(len(x), -1), axis=1)
  stats = matrix_stats(l2, success)
  line = (f"[cw] CleverHans 4.0.0 tf2 carlini_wagner_l2 (patched for Keras 3, see bench_cw docstring): "
          f"{seconds:.1f} s  success {success.mean():.0%}  matrix mean/min/max/std "
          f"{stats['mean']:.4f}/{stats['min']:.4f}/{stats['max']:.4f}/{stats['std']:.4f}")
  if carlini_l2 is not None:
    both = success & np.isfinite(carlini_l2)
    q = _quantiles(l2[both] / carlini_l2[both])
    line += (f"; per-pair L2 ratio CleverHans/carlini median {q['median']:.4f} p90 {q['p90']:.4f} "
             f"p99 {q['p99']:.4f} max {q['max']:.4f}")
  return [line]


def run(ctx, settings: dict | None = None, perpair_only=(), selfcheck: bool = False) -> Iterator[str]:
  """Runs the three parts and yields the lines to print, each part's as soon as it is measured (part 2 takes
  long); `perpair_only`: only part 2, on these models; `selfcheck`: part 2 adds the `cw-selfcheck` lines.
  Bad names are refused before anything runs."""
  settings = dict(SETTINGS, **(settings or {}))
  unknown = sorted(set(perpair_only) - set(perpair_names()))
  if unknown:
    raise ValueError(f"unknown cw-perpair model(s) {unknown}; choose from {list(perpair_names())}")
  return _run(ctx, settings, perpair_only, selfcheck)


def _run(ctx, settings: dict, perpair_only, selfcheck: bool) -> Iterator[str]:
  if perpair_only:
    yield from _perpair(ctx, settings, None, perpair_only, selfcheck)
    return
  x, _, target = ctx.pairs()
  s = ", ".join(f"{k}={v}" for k, v in settings.items())
  yield f"[cw] CW-L2 class-distance matrix: {len(x)} targeted pairs, {s}"
  speed_lines, ours, ours_cpu = _speed(ctx, settings, x, target)
  yield from speed_lines
  # The default schedule is "carlini": ours is the exact arm on the baseline at kappa 0.
  yield from _cleverhans(ctx, settings, x, target, np.where(ours.success, ours.l2, np.nan))
  yield from _perpair(ctx, settings, (ours, ours_cpu), selfcheck=selfcheck)
