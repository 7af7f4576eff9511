"""`make bench`: prints the suite's benchmark ratios, all measured in this one run on one machine.

Benchmarks: train_model vs model.fit (`bench_train`), oneDNN's CPU kernels vs TensorFlow's own
(`bench_cpu_kernels`), CW-L2 matrix vs the plain loop (`bench_cw`), the CW runner without vs with XLA
(`bench_cw_xla`),
PGD/FGSM throughput vs CleverHans
(`bench_gradient`, when present) and DeepFool vs Foolbox (`bench_deepfool`, when present). Each module
exposes `run(ctx)`, an iterable of the lines to print (a generator prints each as soon as it is measured).
"""
from __future__ import annotations

import importlib
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from absl import app, flags  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_string("data_dir", None, "TFDS data directory (MNIST through adv_tf.data when available).")
flags.DEFINE_string("raw_dir", None, "Raw-data folder (e.g. ../shared/datasets): MNIST is imported from it into "
                    "--data_dir first.")
flags.DEFINE_string("cache_dir", None, "Model cache of the trained LeNet (default: the suite's, "
                    "~/.cache/adv_tf/models).")
flags.DEFINE_integer("model_seed", 0, "Training seed of the LeNets (the bench LeNet and its cw-perpair variants); "
                     "another seed gives held-out models, e.g. the seed-1 pool-6 LeNet of carlini_wagner.py's tables.")
flags.register_validator("model_seed", lambda v: v >= 0, message="--model_seed must be >= 0")
flags.DEFINE_list("only", [], "Run only these benchmarks (train, cpu_kernels, cw, cw_xla, gradient, deepfool).")

flags.DEFINE_list("cw_perpair_only", [], "cw: run only the cw-perpair lines of these models (bench-lenet, secure, "
                  "pool6, minimal-cnn, simple-cnn), e.g. one model per run on a shared machine.")

flags.DEFINE_bool("cw_selfcheck", False, "cw: each cw-perpair case also runs the exact schedule at twice Carlini's "
                  "iterations and prints a cw-selfcheck line (each run's per-pair L2 over the best known; that run "
                  "costs 1.4-1.7x the exact schedule's CPU time per case).")

BENCHMARKS = ("train", "cpu_kernels", "cw", "cw_xla", "gradient", "deepfool")


def main(argv):
  del argv
  from adv_tf.logging_setup import quiet_logging  # pylint: disable=import-outside-toplevel
  quiet_logging()  # absl/TFDS INFO lines only with --verbosity=0
  from benchmarks.common import load_context  # pylint: disable=import-outside-toplevel
  start = time.time()
  ctx = load_context(data_dir=FLAGS.data_dir or None, raw_dir=FLAGS.raw_dir or None,
                     cache_dir=FLAGS.cache_dir, seed=FLAGS.model_seed)
  load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
  print(f"[bench] machine: {platform.machine()}, {os.cpu_count()} CPUs, load average at start {load1:.2f} "
        "(other processes on the machine slow both sides of each ratio alike)")
  print(f"[bench] LeNet (paper 002 Table 1), seed {FLAGS.model_seed}, MNIST in [{ctx.clip_min}, {ctx.clip_max}]: "
        f"test accuracy {ctx.test_accuracy:.4f}, model from {ctx.model_source}")
  for note in ctx.notes:
    print(f"[bench] {note}")
  for name in BENCHMARKS:
    if FLAGS.only and name not in FLAGS.only:
      continue
    try:
      module = importlib.import_module(f"benchmarks.bench_{name}")
    except ModuleNotFoundError as e:
      if e.name == f"benchmarks.bench_{name}":
        print(f"[bench] benchmarks/bench_{name}.py not present; skipped")
        continue
      raise
    kwargs = {}
    if name == "cw":
      kwargs = {"perpair_only": FLAGS.cw_perpair_only, "selfcheck": FLAGS.cw_selfcheck}
    for line in module.run(ctx, **kwargs):
      print(line, flush=True)
  load2 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
  print(f"[bench] total {time.time() - start:.0f} s; load average at end {load2:.2f}")


if __name__ == "__main__":
  app.run(main)
