"""`make bench`'s cw-xla line (its arithmetic; the timing itself is never tested)."""
import re

from benchmarks import bench_cw_xla, run_all


def test_line_reports_cpu_seconds_and_the_ratio():
  text = bench_cw_xla.line(plain_s=10.0, xla_s=26.0, pairs=90, repeats=2, max_l2_difference=1e-6)
  assert "plain tf.function 10.0 CPU-s, jit_compile=True (XLA, fixed working set) 26.0 CPU-s" in text
  assert re.search(r"ratio 2\.60 \(goal >= 1\.0\); largest per-pair L2 difference 1e-06$", text)


def test_make_bench_runs_it():
  assert "cw_xla" in run_all.BENCHMARKS
