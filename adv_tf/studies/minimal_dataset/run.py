"""What each cell of the study computes (see `cells` for the stages), on the framework's `StudyRun`:
`run.config`, `run.seed`, `run.model_cache` (a `ModelCache`), `run.data_dir`, `run.resources` (filled by
`prepare`) and `run.records` (finished records per stage name).
"""
from __future__ import annotations

import pathlib
import time
from typing import Any

import numpy as np

from adv_tf.claims import pack_items
from adv_tf.errors import AdvTfError
from adv_tf.experiment.record_schema import ResultSchema
from adv_tf.studies.minimal_dataset import data as data_lib
from adv_tf.studies.minimal_dataset import evaluation, models
from adv_tf.studies.minimal_dataset.cells import calibration_architecture

TRAINER = "keras.Model.fit + EarlyStopping(val_loss, restore_best_weights), minimal_dataset/models.fit v2"


def prepare(run) -> None:
  """Loads and distorts MNIST once per process (run.resources['data']); `data_lib.load_mnist` is looked up
  at call time so tests can substitute generated digits."""
  if "data" not in run.resources:
    run.resources["data"] = data_lib.prepare_data(run.config, run.data_dir, data_lib.load_mnist)


def _cache_kwargs(config, architecture: str, max_epochs: int, identity: dict, seed: int,
                  trainable: tuple[str, ...] | None = None) -> dict[str, Any]:
  """ModelCache key arguments: model + options + how it is trained (early stopping, frozen layers), the
  TrainConfig of the optimizer/batch/epoch cap/seed, and the data identity."""
  from adv_tf.training.config import TrainConfig
  arch = models.ARCHITECTURES[architecture]
  training = {"trainer": TRAINER, "early_stopping": {"monitor": "val_loss", "patience": config.patience},
              "trainable": list(trainable) if trainable else "all"}
  train_config = TrainConfig(optimizer="adam", learning_rate=config.learning_rate, batch_size=config.batch_size,
                             epochs=max_epochs, seed=seed)
  return {"model_name": arch.model, "model_config": {**arch.options, "training": training},
          "train_config": train_config, "data_identity": identity}


def _get_or_fit(run, kwargs: dict, architecture: str, seed: int, x, y, xv, yv, *, parent_model=None,
                parent: str | None = None, log=None):
  """(model, fit summary, cache hit) through run.model_cache; a fine-tune starts from `parent_model`; `log` gets
  the per-epoch progress lines."""
  config = run.config
  max_epochs = kwargs["train_config"].epochs

  def build():
    if parent_model is not None:
      from adv_tf.training.finetune import finetune_from
      return finetune_from(parent_model, trainable=models.TRAINABLE_IN_FINETUNING)
    return models.build_model(architecture, x.shape[1:], 10, seed=seed)

  def train(builder):
    model = builder()
    summary = models.fit(model, x, y, xv, yv, learning_rate=config.learning_rate, batch_size=config.batch_size,
                         max_epochs=max_epochs, patience=config.patience, seed=seed, on_epoch=log)
    return model, models.to_train_result(summary)

  model, result = run.model_cache.get_or_train(build=build, train=train, parent=parent, **kwargs)
  return model, models.from_train_result(result), bool(run.model_cache.last_hit)


def _selection(run) -> dict:
  recs = run.records.get("selection") or []
  if not recs:
    raise AdvTfError("the selection stage has no record yet; run the study from the start (not --report_only)")
  return recs[0]["result"]["selection"]


def _weak_cw(run) -> dict | None:
  recs = run.records.get("calibration") or []
  return recs[0]["result"]["weak_cw"] if recs else None


def regime_data(run, regime: str, seed: int):
  """(x, y, x_val, y_val, data identity) of a training regime (see models.REGIMES)."""
  config, d = run.config, run.resources["data"]
  spec = models.REGIMES[regime]
  x_all = d.x_train_distorted if spec["distorted"] else d.x_train
  val = d.split(config, "validation")
  identity = {**d.identity, "distorted": spec["distorted"], "validation": [val.start, val.stop]}
  if not spec["distorted"]:
    identity.pop("distortion", None)
  if spec["images"] == "full":
    idx = np.arange(d.split(config, "full").stop)
    identity["subset"] = {"name": "range", "range": [0, int(len(idx))]}
  elif spec["images"] == "selected":
    sel = _selection(run)
    idx = np.asarray(sel["indices"], np.int64)
    identity["subset"] = {k: v for k, v in sel.items() if k != "indices"}
  else:
    idx = data_lib.random_selection(config.pool_size, config.keep, seed)
    identity["subset"] = {k: v for k, v in data_lib.selection_provenance("random", idx, config, {"seed": seed}).items()
                          if k != "indices"}
  return x_all[idx], d.y_train[idx], x_all[val], d.y_train[val], identity


def trained_model(run, architecture: str, regime: str, seed: int, log=None):
  """(model, fit summary, cache hit); the finetuned regime loads (or trains) its raw parent first; `log` gets
  the trainings' per-epoch progress lines."""
  config = run.config
  x, y, xv, yv, identity = regime_data(run, regime, seed)
  spec = models.REGIMES[regime]
  if spec["parent"] is None:
    cap = config.max_epochs_full if spec["images"] == "full" else config.max_epochs_small
    kwargs = _cache_kwargs(config, architecture, cap, identity, seed)
    return _get_or_fit(run, kwargs, architecture, seed, x, y, xv, yv, log=log)
  parent_model, parent_summary, _ = trained_model(run, architecture, spec["parent"], seed, log)
  parent_identity = regime_data(run, spec["parent"], seed)[4]
  parent_key = run.model_cache.key(**_cache_kwargs(config, architecture, config.max_epochs_full, parent_identity, seed))
  kwargs = _cache_kwargs(config, architecture, config.max_epochs_small, identity, seed,
                         trainable=models.TRAINABLE_IN_FINETUNING)
  model, summary, hit = _get_or_fit(run, kwargs, architecture, seed, x, y, xv, yv, parent_model=parent_model,
                                    parent=parent_key, log=log)
  summary["parent_validation_accuracy"] = parent_summary["validation_accuracy"]
  return model, summary, hit


def attack_model(run, architecture: str, model):
  """The architecture's one attack model, holding `model`'s weights.

  Every attack keeps its `tf.function` per model object (adv_tf.attacks._graph), so attacking each trained
  model directly traces FGSM, PGD, full and weak CW once per model (~10 CPU-s each on the CNN). One model
  object per architecture whose variables are assigned each trained model's weights (layer by layer, the
  same architecture) is traced once; the attacks read the variables, so their results are the model's
  (checked on the first test images before any attack)."""
  shells = run.resources.setdefault("attack_models", {})
  if architecture not in shells:
    shells[architecture] = models.build_model(architecture, tuple(model.input_shape[1:]), 10, seed=0)
  shell = shells[architecture]
  try:
    shell.set_weights(model.get_weights())  # Keras checks the count and every shape.
  except ValueError as e:
    raise AdvTfError(f"attack model of {architecture} does not match the trained model: {e}") from None
  x = run.resources["data"].x_test[:64]
  if not np.allclose(np.asarray(shell(x, training=False)), np.asarray(model(x, training=False)), atol=1e-5):
    raise AdvTfError(f"attack model of {architecture} does not match the trained model (its logits differ)")
  return shell


class PhaseClock:
  """Wall and process CPU seconds (all threads) per phase, for sizing the profiles (CPU is what a shared
  machine's budget counts)."""

  def __init__(self):
    self.wall: dict[str, float] = {}
    self.cpu: dict[str, float] = {}
    self._wall, self._cpu = time.perf_counter(), time.process_time()

  def lap(self, phase: str) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    self.wall[phase], self.cpu[phase] = round(wall - self._wall, 1), round(cpu - self._cpu, 1)
    self._wall, self._cpu = wall, cpu


def _total(clock: PhaseClock) -> dict[str, dict[str, float]]:
  clock.lap("total")
  return {"seconds": clock.wall, "cpu_seconds": clock.cpu}


# ------------------------------------------------------------------------------------------ stage 1


def run_selection(cell, ctx, run) -> dict:
  """Trains the proxy labeller on the distorted labeller images and keeps the most recognisable pool images."""
  config, d = run.config, run.resources["data"]
  lab, val, pool = d.split(config, "labeller"), d.split(config, "validation"), d.split(config, "pool")
  clock = PhaseClock()
  identity = {**d.identity, "distorted": True, "subset": {"name": "range", "range": [lab.start, lab.stop]},
              "validation": [val.start, val.stop]}
  kwargs = _cache_kwargs(config, config.labeller_architecture, config.labeller_epochs, identity, run.seed)
  labeller, summary, hit = _get_or_fit(run, kwargs, config.labeller_architecture, run.seed, d.x_train_distorted[lab],
                                       d.y_train[lab], d.x_train_distorted[val], d.y_train[val],
                                       log=ctx.throttled_log())
  ctx.log(f"labeller {'loaded' if hit else 'trained'}: held-out accuracy {summary['validation_accuracy']:.4f}")
  import tensorflow as tf
  x_pool, y_pool = d.x_train_distorted[pool], d.y_train[pool]
  logits = np.concatenate([np.asarray(labeller(x_pool[i:i + 1024], training=False))
                           for i in range(0, len(x_pool), 1024)])
  probs = tf.nn.softmax(logits).numpy()
  p_true = probs[np.arange(len(y_pool)), y_pool]
  kept = data_lib.select_most_recognisable(p_true, config.keep)
  dropped = np.setdiff1d(np.arange(len(y_pool)), kept)
  selection = data_lib.selection_provenance("proxy_labeller", kept, config, {
      "labeller": {"architecture": config.labeller_architecture, "trained_on": [lab.start, lab.stop],
                   "distorted": True, "rule": "keep the highest true-class probability; ties: lower index"}})
  order = np.argsort(-p_true, kind="stable")
  fig1 = order[:config.figure_images]                       # most recognisable (paper Fig. 1)
  fig2 = order[::-1][:config.figure_images]                 # least recognisable, dropped (paper Fig. 2)
  np.savez_compressed(ctx.output_dir / "examples.npz", fig1_x=d.x_train[fig1], fig1_xd=x_pool[fig1],
                      fig1_y=y_pool[fig1], fig1_p=p_true[fig1], fig2_x=d.x_train[fig2], fig2_xd=x_pool[fig2],
                      fig2_y=y_pool[fig2], fig2_p=p_true[fig2], fig2_pred=probs[fig2].argmax(1))
  labeller_correct = probs.argmax(1) == y_pool
  return {"selection": selection, "dropped_indices": [int(i) for i in dropped],
          "labeller_training": {k: v for k, v in summary.items() if k != "history"}, "labeller_cache_hit": hit,
          "labeller_pool_accuracy": float(labeller_correct.mean()),
          "kept_all_labeller_correct": bool(labeller_correct[kept].all()),
          "threshold_probability": float(p_true[kept].min()),
          "kept_class_counts": np.bincount(y_pool[kept], minlength=10).tolist(),
          "pool_class_counts": np.bincount(y_pool, minlength=10).tolist(), **_total(clock)}


# ------------------------------------------------------------------------------------------ stage 2


def run_calibration(cell, ctx, run) -> dict:
  """Calibrates the weak CW constant once on the raw model of the calibration architecture (first seed)."""
  config, d = run.config, run.resources["data"]
  arch, seed = calibration_architecture(config), config.seeds[0]
  clock = PhaseClock()
  model, summary, hit = trained_model(run, arch, "raw", seed, ctx.throttled_log())
  ctx.log(f"{arch} raw seed={seed} {'loaded' if hit else 'trained'}: held-out accuracy "
          f"{summary['validation_accuracy']:.4f}")
  clock.lap("train")
  x, y = d.x_test[:config.cw_images], d.y_test[:config.cw_images]
  weak = evaluation.calibrate_weak_cw(attack_model(run, arch, model), x, y, consts=config.weak_cw_consts,
                                      iterations=config.weak_cw_iterations, target=config.weak_cw_target)
  weak["calibrated_on"] = {"architecture": arch, "regime": "raw", "seed": seed}
  ctx.log(f"weak CW: c={weak['const']:g}, {weak['iterations']} iterations -> raw {arch} accuracy "
          f"{100 * weak['accuracy_on_raw_cnn']:.0f}% (target {100 * config.weak_cw_target:.0f}%)")
  clock.lap("calibrate")
  return {"weak_cw": weak, "model_cache_hit": hit, "seconds": clock.wall, "cpu_seconds": clock.cpu}


# ------------------------------------------------------------------------------------------ stage 3


def evaluate(model, d, config, weak_cw: dict | None, seed: int, log=print) -> tuple[dict, dict]:
  """Every metric of one model: (JSON-able result, arrays for the figure grids)."""
  clock = PhaseClock()
  pred = evaluation.predict(model, d.x_test)
  pred_distorted = evaluation.predict(model, d.x_test_distorted)
  # "items": per-image outcomes (`adv_tf.claims.pack_items`), so that claims compare models on the same images.
  out: dict[str, Any] = {"clean_accuracy": float(np.mean(pred == d.y_test)),
                         "clean_items": pack_items(pred == d.y_test),
                         "distorted_test_accuracy": float(np.mean(pred_distorted == d.y_test)),
                         "test_images": int(len(d.y_test))}
  clock.lap("clean")
  n = min(config.fgsm_images, len(d.y_test))
  x, y = d.x_test[:n], d.y_test[:n]
  sweep = evaluation.fgsm_sweep(model, x, y, config.fgsm_eps)
  out["fgsm"] = {"images": n, "accuracy": sweep["accuracy"],
                 "items": {e: pack_items(p == y) for e, p in sweep["predictions"].items()}}
  clock.lap("fgsm")
  head = f"{config.headline_eps:g}"
  x_adv_head = np.clip(x + np.float32(config.headline_eps) * sweep["sign"], 0.0, 1.0)
  fooled = np.flatnonzero((pred[:n] == y) & (sweep["predictions"][head] != y))[:config.figure_images]
  m = min(config.pgd_images, len(d.y_test))
  pgd = evaluation.pgd_correct(model, d.x_test[:m], d.y_test[:m], eps=config.headline_eps, steps=config.pgd_steps,
                               seed=seed)
  out["pgd"] = {"images": m, "eps": config.headline_eps, "steps": config.pgd_steps, "accuracy": float(np.mean(pgd)),
                "items": pack_items(pgd)}
  clock.lap("pgd")
  full = min(config.full_cw_images, len(d.y_test))
  cw = evaluation.cw_full(model, d.x_test[:full], d.y_test[:full], config=config)
  cw_adv = cw.pop("x_adv")
  out["cw"] = cw
  clock.lap("cw")
  k = min(config.cw_images, len(d.y_test))
  if weak_cw is not None:
    weak = evaluation.weak_cw_correct(model, d.x_test[:k], d.y_test[:k], const=weak_cw["const"],
                                      iterations=weak_cw["iterations"])
    out["weak_cw"] = {"const": weak_cw["const"], "iterations": weak_cw["iterations"], "images": k,
                      "accuracy": float(np.mean(weak)), "items": pack_items(weak)}
  clock.lap("weak_cw")
  out["seconds"], out["cpu_seconds"] = clock.wall, clock.cpu
  log(f"clean {out['clean_accuracy']:.4f}, FGSM@{head} {out['fgsm']['accuracy'][head]:.4f}, PGD "
      f"{out['pgd']['accuracy']:.3f}, CW median L2 {cw['median_l2']:.2f}, "
      f"weak CW {out.get('weak_cw', {}).get('accuracy', float('nan')):.2f}; seconds {out['seconds']}, CPU "
      f"{out['cpu_seconds']}")
  f = min(config.figure_images, full)
  arrays = {"fgsm_x": x[fooled], "fgsm_x_adv": x_adv_head[fooled], "fgsm_y": y[fooled],
            "fgsm_pred": sweep["predictions"][head][fooled], "cw_x": d.x_test[:f], "cw_x_adv": cw_adv[:f],
            "cw_y": d.y_test[:f]}
  return out, arrays


def run_model(cell, ctx, run) -> dict:
  """Trains (or loads) one (architecture, regime, seed) model and runs every attack on it."""
  arch, regime, seed = cell.config["architecture"], cell.config["regime"], cell.config["seed"]
  clock = PhaseClock()
  model, summary, hit = trained_model(run, arch, regime, seed, ctx.throttled_log())
  clock.lap("train")
  ctx.log(f"model {'loaded' if hit else 'trained'}: {summary['epochs']} epochs ({summary['stopped_by']}), "
          f"held-out accuracy {summary['validation_accuracy']:.4f}")
  result, arrays = evaluate(attack_model(run, arch, model), run.resources["data"], run.config, _weak_cw(run), seed,
                            log=ctx.log)
  np.savez_compressed(pathlib.Path(ctx.output_dir) / "examples.npz", **arrays)
  if regime == "finetuned":
    result["trainable_layers"] = [layer.name for layer in model.layers if layer.trainable and layer.weights]
  result["seconds"], result["cpu_seconds"] = {**clock.wall, **result["seconds"]}, {**clock.cpu, **result["cpu_seconds"]}
  return {"architecture": arch, "regime": regime, "seed": seed, "training": summary, "model_cache_hit": hit,
          **result}


RUNNERS = {"selection": run_selection, "calibration": run_calibration, "models": run_model}
# What each stage's run_cell returns: a record without these keys is damaged and its cell runs again
# (adv_tf/experiment/record_schema.py).
RESULT_SCHEMAS = {"selection": ResultSchema(required=("selection", "dropped_indices")),
                  "calibration": ResultSchema(required=("weak_cw", "model_cache_hit")),
                  "models": ResultSchema(required=("architecture", "regime", "seed", "training", "model_cache_hit"))}
