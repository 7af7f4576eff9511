"""`make bench`'s cpu-kernels line (its arithmetic; the timing itself is never tested)."""
import re

from benchmarks import bench_cpu_kernels, run_all


def test_line_reports_images_per_second_and_the_ratio():
  images = (bench_cpu_kernels.NUM_TRAIN // bench_cpu_kernels.BATCH) * bench_cpu_kernels.BATCH
  text = bench_cpu_kernels.line(onednn_s=2.0, eigen_s=5.0, repeats=2, onednn_on=True, eigen_on=False)
  assert f"oneDNN {images / 2.0:.0f} images/s (2.0 s)" in text
  assert f"{images / 5.0:.0f} images/s (5.0 s)" in text
  assert re.search(r"ratio 2\.50 \(goal >= 1\.0\)$", text)


def test_line_warns_when_the_switch_did_not_take():
  text = bench_cpu_kernels.line(onednn_s=2.0, eigen_s=2.0, repeats=2, onednn_on=True, eigen_on=True)
  assert "WARNING" in text and "ignored TF_ENABLE_ONEDNN_OPTS" in text


def test_make_bench_runs_it():
  assert "cpu_kernels" in run_all.BENCHMARKS
