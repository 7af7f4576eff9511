"""`make bench`'s cw-xla line (its arithmetic; the timing itself is never tested)."""
import re

from benchmarks import bench_cw_xla, run_all


def test_line_reports_cpu_seconds_and_the_ratio():
  text = bench_cw_xla.line(plain_s=10.0, xla_s=26.0, pairs=90, repeats=2, max_l2_difference=1e-6)
  assert "plain tf.function 10.0 CPU-s, jit_compile=True (XLA, fixed working set) 26.0 CPU-s" in text
  assert re.search(r"ratio 2\.60 \(goal >= 1\.0\); largest per-pair L2 difference 1e-06$", text)


def test_the_wrapper_reaches_the_attacks_runner_with_xla_on():
  """Both sides would silently time the plain runner if the wrapper missed the attack's runner factory: a tiny
  model attacked through `_attack(jit=True)` must leave an XLA-compiled runner behind, and jit=False none."""
  import numpy as np
  import tensorflow as tf
  model = tf.keras.Sequential([tf.keras.Input((4, 4, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(3)])
  x = np.random.default_rng(0).uniform(0, 1, (2, 4, 4, 1)).astype(np.float32)
  bench_cw_xla._attack(model, x, np.array([1, 2]), (0.0, 1.0), jit=False)
  assert bench_cw_xla.compiled_runners(model) == []
  bench_cw_xla._attack(model, x, np.array([1, 2]), (0.0, 1.0), jit=True)
  assert len(bench_cw_xla.compiled_runners(model)) == 1


def test_make_bench_runs_it():
  assert "cw_xla" in run_all.BENCHMARKS
