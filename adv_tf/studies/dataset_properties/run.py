"""What a cell of the study computes: train (or load) one (dataset, size, contrast) model, measure the setting's
contrast, craft each (attack, eps) once on the undefended model and judge it with every defense (gray-box).

Data: the stored images are loaded once per process (`load_split`, looked up at call time so tests can
substitute generated images). Contrast is applied first at the stored resolution, then the bilinear resize to
the model size (as the authors' code, spec §1.2-1.3). Training augmentation (random resized crop, horizontal
flip; paper §IV-A) runs after that, re-drawn every epoch.
"""
from __future__ import annotations

import time
from typing import Any, Sequence

import numpy as np

from adv_tf.claims import pack_items
from adv_tf.errors import AdvTfError
from adv_tf.experiment.record_schema import ResultSchema
from adv_tf.studies.dataset_properties import cells, datasets
from adv_tf.studies.dataset_properties.config import eps_label
from adv_tf.studies.dataset_properties.crafting import adversarials, craft  # noqa: F401  (craft: tests)

TRAINER = "adv_tf.training.train_model + augment after cache (random resized crop, flip), dataset_properties v1"


def load_split(name: str, split: str, data_dir) -> tuple[np.ndarray, np.ndarray, dict]:
  """(x float32 [N,H,W,C] in [0,1] at the stored resolution, y int64, data identity) of a dataset split."""
  from adv_tf.data.pipeline import load_arrays
  x, y, info = load_arrays(datasets.setup(name).name, split, data_dir=data_dir)
  return x, y, info.identity()


def prepare(run) -> None:
  """Loads every dataset's stored train/test images once (fails fast, one line, when a dataset has no copy)."""
  data = run.resources.setdefault("data", {})
  for name in run.config.datasets:
    if name not in data:
      x_tr, y_tr, ident = load_split(name, "train", run.data_dir)
      x_te, y_te, _ = load_split(name, "test", run.data_dir)
      check_evaluated_classes(name, y_te, run.config.eval_images)
      data[name] = {"train": (x_tr, y_tr), "test": (x_te, y_te), "identity": ident}


def check_evaluated_classes(name: str, y_test: np.ndarray, eval_images: int) -> None:
  """Refuses (one line, before any training) a run that evaluates only the first `eval_images` of a test split
  sorted by class (the local CIFAR-10 copy's): it would be judged on the first classes alone (airplanes)."""
  y = np.asarray(y_test).reshape(-1)
  if eval_images < len(y) and len(np.unique(y)) > 1 and bool(np.all(np.diff(y) >= 0)):
    raise AdvTfError(f"the test split of {name} is sorted by class (e.g. the local CIFAR-10 copy), so its first "
                     f"{eval_images} images hold classes {sorted(np.unique(y[:eval_images]).tolist())} only: set "
                     f"--eval_images={len(y)} or use a copy in the original order")


def transforms_for(size: int, contrast: float, antialias: bool) -> list:
  """Contrast at the stored resolution first, then the bilinear resize (paper §IV-A/B; authors' code order)."""
  from adv_tf.data.transforms import Contrast, Resize
  out = [] if contrast == 1.0 else [Contrast(factor=contrast)]
  return out + [Resize(size=size, method="bilinear", antialias=antialias)]


def apply(transforms, x: np.ndarray, chunk: int = 2048) -> np.ndarray:
  """Deterministic transforms on numpy images, in chunks."""
  import tensorflow as tf
  if len(x) == 0:
    return x
  parts = []
  for i in range(0, len(x), chunk):
    t = tf.convert_to_tensor(x[i:i + chunk])
    for transform in transforms:
      t = transform(t)
    parts.append(np.asarray(t, np.float32))
  return np.concatenate(parts)


def split_indices(config, n_train: int) -> tuple[slice, slice]:
  """(training slice, held-out slice): the held-out images are the LAST validation_size training images."""
  if config.validation_size >= n_train:
    raise AdvTfError(f"--validation_size={config.validation_size} leaves no training images of {n_train}")
  stop = n_train - config.validation_size
  train_stop = min(stop, config.train_examples) if config.train_examples else stop
  return slice(0, train_stop), slice(stop, n_train)


def defenses_for(config, name: str, rows: Sequence[str] | None = None) -> dict[str, Any]:
  """Defense objects of `rows` (default: the configured rows) with the dataset's settings (authors' parameter
  files); a cell passes its own rows (--defenses less those --defense_settings keeps off its setting)."""
  from adv_tf.defenses.jpeg import Jpeg
  from adv_tf.defenses.tvm_art import TotalVarMinART
  setup = datasets.setup(name)
  make = {"none": lambda: None, "jpeg": lambda: Jpeg(quality=setup.jpeg_quality),
          "tvm_quirk": lambda: TotalVarMinART.from_preset(setup.tvm_preset, layout="channels_first_quirk"),
          "tvm": lambda: TotalVarMinART.from_preset(setup.tvm_preset, layout="channels_last")}
  return {d: make[d]() for d in (config.defenses if rows is None else rows)}


def train_config(config, name: str, label: str, seed: int, recipe_name: str | None = None):
  """The paper's recipe (`recipes.py`) with the study's cap, batch, lr and target-accuracy stop; with
  `recipe_name` "paper" (the training-recipe control, `cells.recipe_control_cells`) the recipe's own epochs
  (§IV-A-1: 100; --recipe_control_epochs, smoke only, lowers them), no target stop, evaluated once per epoch and
  the best epoch on the held-out slice restored (the authors' best-on-test checkpoint, spec §1.1), at the study's
  batch and learning rate."""
  from adv_tf.studies.dataset_properties.recipes import recipe
  setup = datasets.setup(name)
  paper = setup.paper_clean.get(label, setup.paper_clean[str(setup.original_size)])
  paper_recipe = recipe(setup.train_preset)
  tc = paper_recipe.replace(
      epochs=config.max_epochs, batch_size=config.batch_size, learning_rate=config.learning_rate,
      target_accuracy=round(paper - config.target_margin, 6), seed=seed, shuffle_buffer=60000,
      eval_every_steps=config.eval_every_steps)
  if recipe_name is None:
    return tc
  if recipe_name != cells.RECIPE_PAPER:
    raise AdvTfError(f"unknown training recipe {recipe_name!r} in a cell; this study knows {cells.RECIPE_PAPER!r}")
  return tc.replace(epochs=config.recipe_control_epochs or paper_recipe.epochs, target_accuracy=None,
                    eval_every_steps=None, restore_best=True)


def finetune_train_config(tc):
  """Our fine-tuning recipe for the resized CIFAR-10 models (paper §IV-A-2 fine-tunes them from the 32x32
  weights but states no recipe; spec §1.6 suggestion): the whole network, lr 0.01, x0.1 at 50% and 75% of the
  epoch cap, the rest of the dataset's recipe unchanged."""
  cap = tc.epochs
  return tc.replace(learning_rate=0.01, lr_schedule="step", lr_decay_factor=0.1,
                    lr_decay_epochs=tuple(sorted({max(1, cap // 2), max(1, 3 * cap // 4)})))


def _model_spec(run, cell_config: dict) -> dict:
  """Everything the model cache keys on for one (dataset, size, contrast, seed), plus what training needs."""
  config = run.config
  name, size, contrast, seed = (cell_config[k] for k in ("dataset", "size", "contrast", "seed"))
  setup = datasets.setup(name)
  x_all, y_all = run.resources["data"][name]["train"]
  tr, val = split_indices(config, len(y_all))
  ts = transforms_for(size, contrast, config.antialias)
  tc = train_config(config, name, cell_config["setting"], seed, cell_config.get("recipe"))
  parent = None
  if datasets.finetunes_from_original(name, size, contrast):
    if cell_config.get("recipe"):
      raise AdvTfError(f"{name} {cell_config['setting']}: the training-recipe control trains from scratch, this "
                       f"setting fine-tunes from the original-size model; name another setting")
    tc = finetune_train_config(tc)
    parent_cell = {**cell_config, "size": setup.original_size, "contrast": 1.0,
                   "setting": datasets.setting_label(setup.original_size, 1.0)}
    parent = _model_spec(run, parent_cell)
  identity = {**run.resources["data"][name]["identity"],
              "transforms": [t.spec() if hasattr(t, "spec") else repr(t) for t in ts],
              "train": [tr.start, tr.stop], "validation": [val.start, val.stop],
              "augmentation": ["random_resized_crop(0.08-1, 3/4-4/3)", "random_flip(horizontal)"]}
  model_config = {"pooled_size": 7} if setup.model == "madry_cnn" else {}
  key_args = {"model_name": setup.model, "train_config": tc, "data_identity": identity,
              "model_config": {**model_config, "input_size": size, "trainer": TRAINER,
                               **({"finetune": "all layers from the original-size model"} if parent else {})},
              "parent": run.model_cache.key(**parent["key_args"]) if parent else None}
  return {"key_args": key_args, "parent_cell": parent_cell if parent else None, "transforms": ts, "train": tr,
          "validation": val, "model_config": model_config, "train_config": tc}


def trained_model(run, cell_config: dict, log=None):
  """(model, training summary, cache hit) of one (dataset, size, contrast, seed) through run.model_cache;
  `log`, when given, gets `train_model`'s per-epoch progress lines (a 56 px model or the recipe control trains
  for up to an hour).

  A resized CIFAR-10 model (paper §IV-A-2) is built at its own size and starts from the weights of the
  original-size model of the same seed (trained or loaded first); both architectures are size-independent
  (global/adaptive pooling), so every weight carries over."""
  import tensorflow as tf

  from adv_tf.data.pipeline import augment
  from adv_tf.data.transforms import RandomFlip, RandomResizedCrop
  from adv_tf.models import build
  from adv_tf.training.loop import train_model
  name, size = cell_config["dataset"], cell_config["size"]
  setup = datasets.setup(name)
  x_all, y_all = run.resources["data"][name]["train"]
  spec = _model_spec(run, cell_config)
  tr, val, ts, tc = spec["train"], spec["validation"], spec["transforms"], spec["train_config"]
  num_classes = int(y_all.max()) + 1
  parent_weights = None
  if spec["parent_cell"] is not None:
    parent_model, _, _ = trained_model(run, spec["parent_cell"], log)
    parent_weights = parent_model.get_weights()

  def builder():
    model = build(setup.model, (size, size, x_all.shape[-1]), max(num_classes, 10), **spec["model_config"])
    if parent_weights is not None:
      model.set_weights(parent_weights)
    return model

  def train(build_fn):
    x_tr, y_tr = apply(ts, x_all[tr]), y_all[tr]
    x_val, y_val = apply(ts, x_all[val]), y_all[val]
    ds = tf.data.Dataset.from_tensor_slices((x_tr, y_tr)).batch(256)
    ds = augment(ds, [RandomResizedCrop(), RandomFlip()], seed=tc.seed).unbatch()
    ds = ds.apply(tf.data.experimental.assert_cardinality(len(y_tr)))
    return train_model(build_fn, ds, (x_val, y_val), tc, cache_data=False, on_epoch=log)

  model, result = run.model_cache.get_or_train(build=builder, train=train, **spec["key_args"])
  hit = bool(run.model_cache.last_hit)
  summary = {"heldout_accuracy": float(result.test_accuracy), "epochs": float(result.epochs),
             "seconds": float(result.seconds), "target_accuracy": tc.target_accuracy, "epoch_cap": tc.epochs,
             "reached_target": None if tc.target_accuracy is None else bool(result.test_accuracy >= tc.target_accuracy),
             "finetuned_from": spec["key_args"]["parent"]}
  if tc.restore_best:
    summary.update(recipe=cell_config.get("recipe"), best_epoch=result.best_epoch,
                   final_heldout_accuracy=float(result.history["test_accuracy"][-1]),
                   learning_rate=tc.learning_rate, lr_schedule=tc.lr_schedule)
  return model, summary, hit


def predict(model, x: np.ndarray, batch: int = 512) -> np.ndarray:
  return np.concatenate([np.asarray(model(x[i:i + batch], training=False)).argmax(-1)
                         for i in range(0, len(x), batch)]) if len(x) else np.zeros((0,), np.int64)


def judge(model, x, y, defenses, config, seed) -> dict[str, dict]:
  from adv_tf.defenses.evaluate import judge_many
  out = judge_many(model, x, y, defenses, seed=seed, batch_size=config.judge_batch)
  # "items": the per-image outcomes (`adv_tf.claims.pack_items`), so that claims compare models paired.
  return {k: {"accuracy": j.accuracy, "correct": int(j.correct.sum()), "n": int(len(j.correct)),
              "low": j.estimate.low, "high": j.estimate.high,
              "items": pack_items(j.correct)} for k, j in out.items()}


def contrast_stats(x: np.ndarray) -> dict:
  from adv_tf.data.stats import image_stats
  return image_stats(x).as_dict()


def run_model(cell, ctx, run) -> dict:
  """Trains (or loads) one model and runs every (attack, eps) x defense on the fixed test slice."""
  from adv_tf.attacks.presets import PRESETS
  config, c = run.config, cell.config
  name, size, contrast, seed = c["dataset"], c["size"], c["contrast"], c["seed"]
  t0 = time.perf_counter()
  model, summary, hit = trained_model(run, c, ctx.throttled_log())
  stop = (f"target {summary['target_accuracy']:.4f}" if summary["target_accuracy"] is not None else
          f"no target; best epoch {summary.get('best_epoch')} restored")
  ctx.log(f"model {'loaded' if hit else 'trained'}: {summary['epochs']:.2f} epochs, held-out accuracy "
          f"{summary['heldout_accuracy']:.4f} ({stop})")
  d = run.resources["data"][name]
  ts = transforms_for(size, contrast, config.antialias)
  x_test_all, y_test_all = d["test"]
  x_test = apply(ts, x_test_all)
  clean_full = float(np.mean(predict(model, x_test) == y_test_all))
  n = min(config.eval_images, len(y_test_all))
  x, y = x_test[:n], y_test_all[:n]
  setup = datasets.setup(name)
  original = apply(transforms_for(size, 1.0, config.antialias), x_test_all[:n])
  stats = {"setting": contrast_stats(x), "same_size_1x": contrast_stats(original),
           "stored_after_contrast": contrast_stats(apply(transforms_for(setup.stored_size, contrast, False),
                                                         x_test_all[:n]))}
  defenses = defenses_for(config, name, c["defenses"])
  preset = PRESETS.get(config.attack_preset)
  result: dict[str, Any] = {"clean": judge(model, x, y, defenses, config, seed + 1), "adversarial": {}}
  timings: dict[str, float] = {"train_or_load": time.perf_counter() - t0}
  kept: dict[str, np.ndarray] = {}
  for attack in config.attacks:
    result["adversarial"][attack] = {}
    t1 = time.perf_counter()
    for eps, x_adv in adversarials(preset, attack, model, x, y, config.eps, seed):
      linf = float(np.max(np.abs(x_adv - x))) if n else 0.0
      judged = judge(model, np.clip(x_adv, 0.0, 1.0), y, defenses, config, seed + 1)
      if config.adaptive and attack == config.adaptive_attack:
        kept[eps_label(eps)] = np.clip(x_adv, 0.0, 1.0)
      result["adversarial"][attack][eps_label(eps)] = {"linf": linf, "judged": judged}
      timings[f"{attack}@{eps_label(eps)}"] = time.perf_counter() - t1
      t1 = time.perf_counter()
      ctx.log(f"{attack} eps={eps_label(eps)}: " + ", ".join(f"{k} {v['accuracy']:.3f}" for k, v in judged.items())
              + f" ({timings[f'{attack}@{eps_label(eps)}']:.0f} s)")
  if config.adaptive:
    from adv_tf.studies.dataset_properties.adaptive import run_adaptive
    t1 = time.perf_counter()
    transfer = {k: v for k, v in defenses.items() if k in ("tvm_quirk", "tvm")}
    result["adaptive"] = run_adaptive(
        model, x, y, kept, {e: v["judged"] for e, v in result["adversarial"][config.adaptive_attack].items()}, preset,
        config, setup.jpeg_quality, transfer, seed, lambda images, ds: judge(model, images, y, ds, config, seed + 1))
    timings["adaptive"] = time.perf_counter() - t1
    ctx.log(f"adaptive {config.adaptive_attack}: ({timings['adaptive']:.0f} s) " + "; ".join(
        f"{d} {e}: gray {v['gray_box'][d]:.3f} adaptive {v['adaptive'][d]:.3f}"
        for d, per in result["adaptive"].items() for e, v in per.items()))
  if config.contrast_control and contrast != 1.0:
    ratio = stats["setting"]["rms_contrast"] / max(stats["same_size_1x"]["rms_contrast"], 1e-12)
    result["contrast_control"] = {"rms_ratio": ratio, "accuracy": {}}
    for attack in config.attacks:
      result["contrast_control"]["accuracy"][attack] = {}
      scaled_eps = [float(min(1.0, eps * ratio)) for eps in config.eps]
      for eps, (scaled, x_adv) in zip(config.eps, adversarials(preset, attack, model, x, y, scaled_eps, seed)):
        result["contrast_control"]["accuracy"][attack][eps_label(eps)] = {
            "scaled_eps": scaled, "accuracy": float(np.mean(predict(model, np.clip(x_adv, 0, 1)) == y))}
  return {"dataset": name, "size": size, "contrast": contrast, "setting": c["setting"], "seed": seed,
          "training": summary, "model_cache_hit": hit, "clean_accuracy_full_test": clean_full,
          "test_images_full": int(len(y_test_all)), "eval_images": int(n), "contrast_stats": stats,
          "attack_preset": preset.describe(), "defense_settings": {k: repr(v) for k, v in defenses.items()},
          "seconds": {k: round(v, 1) for k, v in timings.items()}, **result}


RUNNERS = {"models": run_model, "recipe_control": run_model}
# What each stage's run_cell returns: a record without these keys is damaged and its cell runs again
# (adv_tf/experiment/record_schema.py).
_MODEL_RESULT = ResultSchema(required=("dataset", "size", "contrast", "setting", "seed", "training",
                                       "clean_accuracy_full_test", "eval_images", "contrast_stats"))
RESULT_SCHEMAS = {"models": _MODEL_RESULT, "recipe_control": _MODEL_RESULT}
