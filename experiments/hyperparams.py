r"""Paper 002: LeNet hyperparameters vs targeted CW-L2 class distances on MNIST (the main job).

  python -m experiments.hyperparams --profile=quick --data_dir=~/tensorflow_datasets \
      --output_dir=results/hyperparams/quick

Stages: best-estimate sample selection (once, shared by every shard), then the grid of cells (baselines,
one-axis variants, the secure model, the kappa sweep), then report.md with tables and figures. Rerunning
resumes: finished cells are skipped, trained models come from the model cache.
"""
from __future__ import annotations

import dataclasses
import datetime
import os
import pathlib
import platform
import sys
import time

from absl import app, flags, logging

from adv_tf.errors import AdvTfError

FLAGS = flags.FLAGS

flags.DEFINE_enum("profile", "quick", ["quick", "cpu-full", "paper"],
                  "quick: <= 15 min on a 2-core CPU (baseline x3 seeds, extreme values of the high/medium "
                  "impact axes); cpu-full: every Appendix value (an afternoon on a laptop); paper: full grid, "
                  "100 baselines, 100 samples per class (GPUs/TPUs, use shards).")
flags.DEFINE_string("data_dir", None, "TFDS data directory (default: TFDS's, ~/tensorflow_datasets).")
flags.DEFINE_list("axes", None, "Grid axes to run (default: the profile's). Known: see --helpfull of "
                  "adv_tf.experiment.hyperparams.AXES, e.g. activation,pool_size,optimizer.")
flags.DEFINE_integer("num_baseline_models", None, "Baseline LeNets with seeds seed..seed+N-1 (§5.5; paper: "
                     "100). Default: the profile's.")
flags.DEFINE_integer("samples_per_class", None, "Test images per class for the best-estimate selection "
                     "(§4.4; paper: 100). Default: the profile's.")
flags.DEFINE_list("kappas", None, "CW confidences for the secure-model comparison (Figs. 8-11; paper: 0..10). "
                  "Default: the profile's.")
flags.DEFINE_string("strategy", "auto", "tf.distribute strategy: auto|cpu|mirrored|tpu|multiworker.")
flags.DEFINE_integer("cw_binary_search_steps", 9, "CW binary search steps over c (Carlini: 9).")
flags.DEFINE_integer("cw_max_iterations", 1000, "CW iterations per search step (Carlini: 10000 in the "
                     "paper's code, 1000 here by default).")
flags.DEFINE_float("cw_learning_rate", 1e-2, "CW Adam learning rate (Carlini: 1e-2).")
flags.DEFINE_float("cw_initial_const", 1e-3, "CW initial constant c (Carlini: 1e-3).")
flags.DEFINE_string("model_cache_dir", None, "Trained-model cache (default: <output_dir>/model_cache).")
flags.DEFINE_bool("retrain", False, "Train models again even when the cache has them.")
flags.DEFINE_integer("max_epochs", None, "Cap on training epochs (default: the preset's).")
flags.DEFINE_float("target_accuracy", 0.98, "Test accuracy every model is trained to (§5.1: 98%); models "
                   "that do not reach it are recorded and excluded. Lower it only for smoke tests.")
flags.DEFINE_integer("train_take", None, "Use only the first N training images (smoke tests).")
flags.DEFINE_integer("test_take", None, "Use only the first N test images (smoke tests).")
flags.DEFINE_list("figure_pairs", ["3:8", "7:1"], "source:target pairs shown in Fig. 11.")
flags.DEFINE_bool("report_only", False, "Only rebuild the report from existing records (merges shards).")


def _define_runner_flags():
  from adv_tf.experiment import define_runner_flags
  define_runner_flags(default_output_dir="results/hyperparams")


_define_runner_flags()


def _versions() -> dict:
  import keras
  import numpy as np
  import tensorflow as tf
  import tensorflow_datasets as tfds
  return {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
          "tensorflow_datasets": tfds.__version__, "numpy": np.__version__}


def run(argv) -> int:
  del argv
  from adv_tf import distribute
  from adv_tf.experiment import Cell, Study, load_records, run_study
  from adv_tf.experiment import hyperparams as study
  from adv_tf.report import hyperparams as report

  started = time.time()
  profile = study.get_profile(FLAGS.profile)
  profile = dataclasses.replace(
      profile,
      axes=tuple(FLAGS.axes) if FLAGS.axes is not None else profile.axes,
      num_baseline_models=FLAGS.num_baseline_models or profile.num_baseline_models,
      samples_per_class=FLAGS.samples_per_class or profile.samples_per_class,
      kappas=tuple(float(k) for k in FLAGS.kappas) if FLAGS.kappas is not None else profile.kappas)
  unknown = [axis for axis in profile.axes if axis not in study.AXES_BY_NAME]
  if unknown:
    raise AdvTfError(f"unknown axis {unknown[0]!r} in --axes; choose from: {', '.join(study.AXES_BY_NAME)}")
  if profile.num_baseline_models < 1:
    raise AdvTfError("--num_baseline_models must be >= 1")
  cw = study.CWSettings(FLAGS.cw_binary_search_steps, FLAGS.cw_max_iterations, FLAGS.cw_learning_rate,
                        FLAGS.cw_initial_const)
  out = pathlib.Path(FLAGS.output_dir).expanduser()
  pairs = []
  for pair in FLAGS.figure_pairs:
    try:
      source, target = (int(v) for v in pair.split(":"))
    except ValueError:
      raise AdvTfError(f"--figure_pairs entry {pair!r} must look like 3:8") from None
    pairs.append((source, target))

  meta = {"profile": profile.name, "seed": FLAGS.seed, "num_baseline_models": profile.num_baseline_models,
          "samples_per_class": profile.samples_per_class, "axes": ", ".join(profile.axes),
          "kappas": ", ".join(f"{k:g}" for k in profile.kappas), "cw": dataclasses.asdict(cw),
          "train_preset": f"paper002_lenet ({profile.train_profile})", "strategy": FLAGS.strategy,
          "versions": _versions(), "data_dir": FLAGS.data_dir or "TFDS default",
          "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
          "figure_pairs": pairs,
          "notes": [
              "Models that valid padding would leave without a feature map (e.g. pool 6, stride 2) use "
              "'same' padding on every convolution and pooling layer; the `padding` column says which.",
              f"Variants are trained with the study seed ({FLAGS.seed}), so a variant differs from the "
              f"seed-{FLAGS.seed} baseline only in its one hyperparameter (plus padding, see above); the baseline "
              f"value of each axis is that seed-{FLAGS.seed} baseline.",
              "The optimizer axis uses each optimizer's Keras 2 default learning rate (the paper gives none; "
              "SGD keeps 0.01): " + ", ".join(f"{k} {v:g}" for k, v in study.OPTIMIZER_LEARNING_RATES.items()) + ".",
              "Every model is trained until >= 98% MNIST test accuracy (or recorded as not reaching it and "
              "excluded, §6.1); CW runs with the settings above on every model (success rate per row)."]}
  if FLAGS.target_accuracy != 0.98:
    meta["notes"].append(f"target accuracy {FLAGS.target_accuracy} instead of the paper's 0.98.")
  if FLAGS.train_take or FLAGS.test_take:
    meta["notes"].append(f"SMOKE RUN: train_take={FLAGS.train_take}, test_take={FLAGS.test_take}; "
                         "numbers are not comparable with the paper.")

  selection_dir = out / "selection"
  run_settings = {"target_accuracy": FLAGS.target_accuracy, "max_epochs": FLAGS.max_epochs,
                  "train_take": FLAGS.train_take, "test_take": FLAGS.test_take, "dataset": "mnist",
                  "pixel_range": list(study.PIXEL_RANGE)}
  selection_cell = Cell("best_estimate_selection",
                        study.selection_cell_config(profile, cw, FLAGS.seed, run_settings), stage="selection")
  if not FLAGS.report_only:
    strategy = distribute.strategy(FLAGS.strategy)
    data = study.load_study_data(FLAGS.data_dir, train_take=FLAGS.train_take, test_take=FLAGS.test_take)
    meta["provenance"] = getattr(data.info, "provenance", None)
    from adv_tf.training import ModelCache
    trainer = study.ModelTrainer(
        data, cache=ModelCache(FLAGS.model_cache_dir or str(out / "model_cache"), retrain=FLAGS.retrain),
        train_profile=profile.train_profile, strategy=strategy,
        max_epochs=FLAGS.max_epochs, target_accuracy=FLAGS.target_accuracy, verbose=0)

    def run_selection(cell, ctx):
      return study.run_selection(ctx, trainer=trainer, data=data, profile=profile, cw=cw, seed=FLAGS.seed)

    # Every shard needs the same 10 samples: the selection runs (or resumes) unsharded.
    run_study(Study("hyperparams-selection", selection_dir, [selection_cell], run_selection), seed=FLAGS.seed)
    best = study.best_samples_from_selection(
        data, _record_for(load_records(selection_dir), selection_cell.id)["result"])
    cells = study.build_cells(profile, profile.axes, cw, FLAGS.seed, selection_cell.id,
                              profile.num_baseline_models, profile.kappas)
    runner = study.make_cell_runner(trainer=trainer, best=best, cw=cw)
    summary = run_study(Study("hyperparams", out, cells, runner), shard_index=FLAGS.shard_index,
                        num_shards=FLAGS.num_shards, seed=FLAGS.seed, max_cells=FLAGS.max_cells)
    logging.info("cells: %s", summary)
  # The report uses only the records of this run's settings (the selection id names all of them), so a
  # folder that also holds a smoke run or other CW settings never mixes them into one table.
  selection = _record_for(load_records(selection_dir), selection_cell.id)
  records = [r for r in load_records(out, study_name="hyperparams")
             if r["config"].get("selection") == selection_cell.id]
  meta["wall_time"] = (f"{time.time() - started:.0f} s this invocation; "
                       f"{sum(r.get('seconds', 0) for r in records + [selection]):.0f} s of cell time in the "
                       "records of this report")
  if not meta.get("provenance"):
    meta["provenance"] = selection["result"].get("data_provenance")
  path = report.write_report(out, selection, records, meta)
  print(f"report: {path}")
  return 0


def _record_for(records, cell_id):
  for record in records:
    if record["id"] == cell_id:
      return record
  raise AdvTfError("no best-estimate selection was recorded with these settings in --output_dir; run "
                   "without --report_only (with the flags of the run you want reported)")


def main(argv):
  try:
    sys.exit(run(argv))
  except AdvTfError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
  os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
  app.run(main)
