"""Running one cell of the training-size study: train on S_k, measure accuracy, attack the fixed pool.

Per cell (paper 004 §4.1): train the family's model on the nested balanced subset (cached by the full
configs and data identity), record test accuracy (the test split, or its first `eval_examples`) and train
accuracy (inference mode on the first 10,000 images of the subset: under-fitting must be visible), then
attack the pool images the model classifies correctly with untargeted CW-L2 at full strength and the
per-image minimal-eps I-FGSM bisection. Per pool image the result holds: correct, the CW-L2 distance and
the I-FGSM Linf distortion of the adversarial image (inf where the attack failed, nan where not attacked).
"""
from __future__ import annotations

import time

import numpy as np

from adv_tf.errors import AdvTfError
from adv_tf.experiment import throttled
from adv_tf.experiment.record_schema import ResultSchema
from adv_tf.studies.training_size.families import Family, parse_family
from adv_tf.studies.training_size.splits import SplitData, load_split

TRAIN_ACCURACY_EXAMPLES = 10000
HISTORY_EVAL_EXAMPLES = 256


def prepare(config, data_dir=None) -> dict[str, SplitData]:
  """Loads the train/test arrays of every dataset the configured families use (once per run)."""
  datasets = []
  for name in config.families:
    dataset = parse_family(name).dataset
    if dataset not in datasets:
      datasets.append(dataset)
  data = {d: load_split(d, config, data_dir) for d in datasets}
  for dataset, split in data.items():  # before any training: every size must be a balanced subset
    smallest = int(np.bincount(split.y_train, minlength=split.num_classes).min())
    largest = max(config.sizes_for(dataset))
    if largest > smallest * split.num_classes:
      raise AdvTfError(f"training-size: sizes_{dataset} goes up to {largest}, but the largest class-balanced subset "
                       f"of its training split has {smallest * split.num_classes} images ({smallest} per class); "
                       f"lower --sizes_{dataset}")
  return data


def _augmented(x, y, specs, seed: int):
  """Examples re-augmented every epoch (fresh random draws each pass), for train_model(cache_data=False)."""
  import tensorflow as tf

  from adv_tf.data.transforms import from_spec
  transforms = [from_spec(dict(s)) for s in specs]
  images = tf.data.Dataset.from_tensor_slices((x, y)).batch(256)
  seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)

  def augment(batch, s):
    xb, yb = batch
    s = tf.cast(s % (2 ** 31 - 1), tf.int32)
    for k, t in enumerate(transforms):
      xb = t(xb, seed=s + k)
    return xb, yb
  return tf.data.Dataset.zip(images, seeds).map(augment, num_parallel_calls=tf.data.AUTOTUNE).unbatch()


def subset_indices(labels, size: int, seed: int, num_classes: int):
  """S_k of seed `seed`: the nested class-balanced subset every architecture of the dataset trains on (§4.1)."""
  from adv_tf.data import nested_balanced_subsets
  return nested_balanced_subsets(labels, [int(size)], seed=int(seed), num_classes=num_classes)[0]


def train_family_model(family: Family, data: SplitData, size: int, seed: int, train_config, model_cache,
                       strategy=None, on_epoch=None):
  """The model of one cell and its TrainResult (from `model_cache`, an adv_tf.training.ModelCache, when it
  holds it; keyed by model, options, TrainConfig, data identity, subset and augmentation); `on_epoch` gets
  `train_model`'s per-epoch progress lines."""
  from adv_tf import models
  from adv_tf.training import train_model
  idx = subset_indices(data.y_train, size, seed, data.num_classes)
  x, y = data.x_train[idx], data.y_train[idx]
  # train_model evaluates after every epoch (history only; the cell's test accuracy is measured afterwards on
  # the test split): a small slice, since small subsets run hundreds of epochs under the step policy.
  evaluation = (data.x_test[:HISTORY_EVAL_EXAMPLES], data.y_test[:HISTORY_EVAL_EXAMPLES])
  options = dict(family.arch.model_options)

  def build():
    return models.build(family.arch.model, x.shape[1:], data.num_classes, **options)

  def train(builder):
    if family.augment:
      stream = _augmented(x, y, family.arch.augmentation, seed)
      return train_model(builder, stream, evaluation, train_config, strategy=strategy, cache_data=False,
                         on_epoch=on_epoch)
    return train_model(builder, (x, y), evaluation, train_config, strategy=strategy, on_epoch=on_epoch)

  identity = {"data": data.identity, "subset": {"size": int(size), "seed": int(seed), "rule": "nested_balanced"},
              "augmentation": list(family.arch.augmentation) if family.augment else []}
  model, result = model_cache.get_or_train(model_name=family.arch.model, model_config=options,
                                           train_config=train_config, data_identity=identity, build=build,
                                           train=train)
  return model, result, (x, y)


def _accuracy(model, x, y) -> float:
  from adv_tf.attacks.base import predict_labels
  return float(np.mean(predict_labels(model, x) == y)) if len(y) else float("nan")


def bisection_steps(tolerance: float, width: float = 1.0) -> int:
  """Halvings of [0, width] that bring the I-FGSM eps interval to at most `tolerance` (1e-4 -> 14)."""
  return int(np.ceil(np.log2(width / float(tolerance))))


def attack_pool(model, x, y, config) -> dict:
  """Untargeted CW-L2 and minimal-eps I-FGSM on the correctly classified pool images (§4.1)."""
  from adv_tf.attacks.base import predict_labels
  from adv_tf.attacks.carlini_wagner import carlini_wagner_l2
  from adv_tf.attacks.minimal import minimal_linf
  correct = predict_labels(model, x) == y
  n = len(y)
  l2 = np.full([n], np.nan)
  linf = np.full([n], np.nan)
  eps_min = np.full([n], np.nan)
  eps_lower = np.full([n], np.nan)
  idx = np.flatnonzero(correct)
  seconds = {"cw": 0.0, "ifgsm": 0.0}
  resolution = float("nan")
  if len(idx):
    t = time.perf_counter()
    cw = carlini_wagner_l2(model, x[idx], y=y[idx], **config.cw.attack_kwargs())
    seconds["cw"] = time.perf_counter() - t
    l2[idx] = np.where(cw.success, cw.l2, np.inf)
    t = time.perf_counter()
    steps = bisection_steps(config.ifgsm_tolerance)
    li = minimal_linf(model, x[idx], y[idx], nb_iter=config.ifgsm_iterations, bisection_steps=steps)
    seconds["ifgsm"] = time.perf_counter() - t
    linf[idx] = np.where(li.success, li.linf, np.inf)
    eps_min[idx] = li.info["eps_min"]
    eps_lower[idx] = li.info["eps_lower"]
    resolution = li.info["resolution"]
  attacked = max(len(idx), 1)
  return {"correct": correct.tolist(), "l2": l2.tolist(), "linf": linf.tolist(), "eps_min": eps_min.tolist(),
          "eps_lower": eps_lower.tolist(), "linf_resolution": resolution,
          "cw_success_rate": float(np.isfinite(l2[idx]).sum() / attacked) if len(idx) else float("nan"),
          "ifgsm_success_rate": float(np.isfinite(linf[idx]).sum() / attacked) if len(idx) else float("nan"),
          "attack_seconds": seconds}


# What every cell returns (run_cell below; the attack keys come from `attack_pool`): a record without them is
# damaged and its cell runs again (adv_tf/experiment/record_schema.py).
RESULT_SCHEMA = ResultSchema(required=("family", "dataset", "architecture", "augment", "size", "seed", "test_accuracy",
                                       "train_accuracy", "trainable_params", "pool_size", "correct", "l2", "linf"))


def run_cell(cell_config: dict, resources: dict[str, SplitData], config, model_cache, *, strategy=None,
             log=print) -> dict:
  """Computes one cell (see module docstring); `cell_config` is `Cell.config` from `cells.build_cells`."""
  from adv_tf.models import trainable_params
  from adv_tf.training import TrainConfig
  family = parse_family(cell_config["family"])
  data = resources[family.dataset]
  size, seed = int(cell_config["size"]), int(cell_config["seed"])
  train = dict(cell_config["train"])
  train["lr_decay_epochs"] = tuple(train["lr_decay_epochs"])
  tc = TrainConfig(**train)
  t, cpu = time.perf_counter(), time.process_time()
  model, result, (x_sub, y_sub) = train_family_model(family, data, size, seed, tc, model_cache,
                                                        strategy=strategy, on_epoch=throttled(log))
  train_seconds, train_cpu = time.perf_counter() - t, time.process_time() - cpu
  n_eval = len(data.y_test) if config.eval_examples is None else min(config.eval_examples, len(data.y_test))
  test_acc = _accuracy(model, data.x_test[:n_eval], data.y_test[:n_eval])
  train_acc = _accuracy(model, x_sub[:TRAIN_ACCURACY_EXAMPLES], y_sub[:TRAIN_ACCURACY_EXAMPLES])
  log(f"trained {family.name} n={size} seed={seed}: {result.steps} steps, {result.epochs:g} epochs, "
      f"train acc {train_acc:.4f}, test acc {test_acc:.4f} ({train_seconds:.0f} s)")
  pool = min(config.pool_size, len(data.y_test))
  cpu = time.process_time()
  attacks = attack_pool(model, data.x_test[:pool], data.y_test[:pool], config)
  attack_cpu = time.process_time() - cpu
  log(f"attacked {sum(attacks['correct'])}/{pool} pool images: CW success {attacks['cw_success_rate']:.3f}, "
      f"I-FGSM success {attacks['ifgsm_success_rate']:.3f} ({sum(attacks['attack_seconds'].values()):.0f} s)")
  return {"family": family.name, "dataset": family.dataset, "architecture": family.architecture,
          "augment": family.augment, "size": size, "seed": seed, "test_accuracy": test_acc,
          "test_examples": n_eval, "train_accuracy": train_acc, "train_accuracy_examples": int(min(len(y_sub),
                                                                                                 TRAIN_ACCURACY_EXAMPLES)),
          "steps": int(result.steps), "epochs": float(result.epochs), "train_seconds": train_seconds,
          "cpu_seconds": {"train": train_cpu, "attacks": attack_cpu},
          "trainable_params": trainable_params(model), "pool_size": pool, **attacks}
