"""Benchmark: `train_model` with oneDNN's CPU kernels (adv_tf's default) vs TensorFlow's own (TF's default on
CPUs without AVX-512 VNNI/BF16 or AMX, which a user gets with TF_ENABLE_ONEDNN_OPTS=0).

The choice is made when TensorFlow is imported, so each side runs in its own Python process
(`python -m benchmarks.bench_cpu_kernels --worker`) with TF_ENABLE_ONEDNN_OPTS set: both train a fresh Madry CNN
(paper 000's MNIST model, Adam 1e-3, batch 64) on the same `NUM_TRAIN` fixed random MNIST-shaped images for two
epochs and time the second (steady state: the first traces the steps and sets up oneDNN's kernels); the two sides
alternate `repeats` times and each keeps its best time. Pixel values do not change the work.
Goal: ratio oneDNN / TensorFlow's kernels >= 1.0 (images/s).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

NUM_TRAIN = 3200
BATCH = 64
GOAL = 1.0


def _worker() -> None:
  """Child process: prints {"seconds": the second epoch's time, "onednn": bool} as JSON on its last line."""
  import numpy as np  # pylint: disable=import-outside-toplevel

  from adv_tf import cpu_kernels, models  # pylint: disable=import-outside-toplevel
  from adv_tf.training import TrainConfig, train_model  # pylint: disable=import-outside-toplevel
  rng = np.random.default_rng(0)
  x = rng.random((NUM_TRAIN, 28, 28, 1), np.float32)
  y = rng.integers(0, 10, NUM_TRAIN).astype(np.int64)
  config = TrainConfig(optimizer="adam", learning_rate=1e-3, batch_size=BATCH, epochs=2, shuffle_buffer=0, seed=0)
  epoch_ends = []
  train_model(lambda: models.build("madry_cnn", (28, 28, 1), 10), (x, y), (x[:BATCH], y[:BATCH]), config,
              on_epoch=lambda _line: epoch_ends.append(time.perf_counter()))
  print(json.dumps({"seconds": epoch_ends[1] - epoch_ends[0], "onednn": cpu_kernels.onednn_enabled()}))


def _side(onednn: bool) -> dict:
  env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1" if onednn else "0", TF_CPP_MIN_LOG_LEVEL="3")
  done = subprocess.run([sys.executable, "-m", "benchmarks.bench_cpu_kernels", "--worker"], env=env,
                        capture_output=True, text=True, timeout=1800, check=False)
  if done.returncode:
    raise RuntimeError(f"bench cpu_kernels: the worker (TF_ENABLE_ONEDNN_OPTS={env['TF_ENABLE_ONEDNN_OPTS']}) "
                       f"failed with exit code {done.returncode}: {done.stderr[-2000:]}")
  return json.loads(done.stdout.strip().splitlines()[-1])


def line(onednn_s: float, eigen_s: float, repeats: int, onednn_on: bool, eigen_on: bool) -> str:
  """The printed line: images/s of each side and their ratio (oneDNN over TensorFlow's kernels)."""
  images = (NUM_TRAIN // BATCH) * BATCH
  ratio = eigen_s / onednn_s
  sides_ok = "" if (onednn_on, eigen_on) == (True, False) else (
      f" (WARNING: oneDNN on={onednn_on} / off-side on={eigen_on}: this TensorFlow ignored TF_ENABLE_ONEDNN_OPTS)")
  return (f"[bench] cpu kernels: Madry CNN, {images} MNIST-shaped images, its second epoch, batch {BATCH}, "
          f"best of {repeats}, one process per side: oneDNN {images / onednn_s:.0f} images/s ({onednn_s:.1f} s), "
          f"TensorFlow's kernels "
          f"(TF_ENABLE_ONEDNN_OPTS=0) {images / eigen_s:.0f} images/s ({eigen_s:.1f} s); ratio {ratio:.2f} "
          f"(goal >= {GOAL}){sides_ok}")


def run(ctx, repeats: int = 2):
  del ctx  # each side builds its own data in its own process
  onednn, eigen = [], []
  for _ in range(repeats):
    onednn.append(_side(True))
    eigen.append(_side(False))
  yield line(min(s["seconds"] for s in onednn), min(s["seconds"] for s in eigen), repeats,
             bool(onednn[0]["onednn"]), bool(eigen[0]["onednn"]))


if __name__ == "__main__":
  if sys.argv[1:] == ["--worker"]:
    _worker()
  else:
    sys.exit("usage: python -m benchmarks.bench_cpu_kernels --worker (make bench runs the comparison)")
