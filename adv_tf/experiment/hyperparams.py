"""Paper 002 study: LeNet hyperparameters vs targeted Carlini-Wagner L2 class distances on MNIST.

The study, as the paper runs it (section numbers of ../shared/papers/002_*.txt):
  1. Data: MNIST scaled to [-0.5, 0.5] (§5.3.1).
  2. Control model: the Table 1 LeNet trained with SGD + momentum until >= 98% test accuracy (§5.1).
  3. Best-estimate samples (§4.4): for `samples_per_class` test images per class, targeted CW-L2 to every
     other class; per class the sample whose per-target distances are closest to the class averages.
     These 10 samples are attacked on every later model (§5.2.1). A stage of its own ("selection").
  4. Ceteris paribus grid (§5.3, Appendix): one hyperparameter changed at a time; train, then targeted CW
     (kappa = 0) from each best-estimate sample to each other class -> a 10x10 class-distance matrix and its
     mean/min/max/std over the 90 pairs (§5.4.1).
  5. N baselines with different seeds give the std of each statistic (§5.5, Table 2) -> impact levels.
  6. The "secure" model (§6.4), transfer of baseline examples to it and distortion vs kappa (Figs. 8-11).

Everything runs as cells of `adv_tf.experiment` studies, so runs resume and shard; the runner writes every
number of a cell's result to TensorBoard.
"""
from __future__ import annotations

import dataclasses
import math
import pathlib
import time
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from adv_tf.errors import AdvTfError

# Pixel range of paper 002 §5.3.1.
PIXEL_RANGE = (-0.5, 0.5)
NUM_CLASSES = 10
IMAGE_SHAPE = (28, 28, 1)
TARGET_ACCURACY = 0.98  # §5.1: "until it reaches at least 98% accuracy"
DISTORTION_THRESHOLDS = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40)  # §5.4.1, Fig. 8


@dataclasses.dataclass(frozen=True)
class Axis:
  """One hyperparameter of the Appendix grid, changed alone from the Table 1 control model.

  Attributes:
    name: the axis name used in configs, tables and flags.
    label: the paper's name for it.
    target: "model" (a LeNetConfig field) or "train" (a TrainConfig field).
    field: the config field it sets.
    values: every value the paper's Appendix (or Table 5) lists, baseline value included.
    quick: the extreme values the quick profile runs.
    table: the paper's table that rates its impact (3: network, 4: training).
    companions: per value, further settings that go with it (e.g. an optimizer's learning rate).
  """
  name: str
  label: str
  target: str
  field: str
  values: tuple
  quick: tuple
  table: int
  companions: Mapping[Any, Mapping[str, Any]] = dataclasses.field(default_factory=dict)


# The optimizer axis (§6.2, Table 6): paper 002 names the optimizers but no learning rates; it ran Keras
# (§5.3.2) in 2017, so each optimizer uses its Keras 2 default learning rate (SGD keeps the preset's 0.01).
OPTIMIZER_LEARNING_RATES = {"sgd": 0.01, "adadelta": 1.0, "adagrad": 0.01, "adam": 0.001, "adamax": 0.002,
                            "nadam": 0.002, "rmsprop": 0.001}


# Appendix of paper 002 (Table 5 adds ELU; stride (2,2) comes from Table 5; filters are (conv1, conv2)).
AXES: tuple[Axis, ...] = (
    Axis("activation", "Activation Units", "model", "activation",
         ("relu", "sigmoid", "linear", "tanh", "elu"), ("linear", "tanh"), 3),
    Axis("input_dropout", "Dropout on Input Layer", "model", "input_dropout",
         (0.0, 0.1, 0.2, 0.3, 0.4, 0.5), (0.5,), 3),
    Axis("dense_dropout", "Dropout on Dense Layer", "model", "dense_dropout",
         (0.0, 0.1, 0.2, 0.3, 0.4, 0.5), (0.5,), 3),
    Axis("kernel_size", "Convolution Kernel Size", "model", "kernel_size", (2, 3, 4, 5, 6), (2, 6), 3),
    Axis("pool_size", "Max Pooling Size", "model", "pool_size", (2, 3, 4, 5, 6), (6,), 3),
    Axis("stride", "Stride Size", "model", "stride", (1, 2), (2,), 3),
    Axis("weight_init", "Weight Initializers", "model", "kernel_initializer",
         ("orthogonal", "truncated_normal", "random_uniform", "glorot_uniform"), ("orthogonal",), 3),
    Axis("bias_init", "Bias Initializers", "model", "bias_initializer",
         ("random_uniform", "truncated_normal", "zeros"), ("random_uniform",), 3),
    Axis("hidden_units", "Number of Hidden Units", "model", "hidden_units",
         (100, 200, 300, 400, 500), (100,), 3),
    Axis("dense_layers", "Number of Dense Layers", "model", "dense_layers", (1, 2, 3, 4, 5), (5,), 3),
    Axis("filters", "Number of Filters per CNN", "model", "filters",
         ((32, 64), (64, 128), (128, 256), (256, 512), (512, 1024)), ((128, 256),), 3),
    Axis("kernel_regularizer", "Kernel Regularizers", "model", "kernel_regularizer",
         (None, "l1", "l2", "l1_l2"), ("l1_l2",), 3),
    Axis("activity_regularizer", "Activity Regularizers", "model", "activity_regularizer",
         (None, "l1", "l2", "l1_l2"), ("l1_l2",), 3),
    Axis("batch_size", "Batch Size", "train", "batch_size", (32, 64, 128, 256, 512), (32, 512), 4),
    Axis("loss", "Loss", "train", "loss",
         ("log_loss", "hinge", "mse", "cross_entropy", "sigmoid_cross_entropy"), ("hinge", "mse"), 4),
    Axis("optimizer", "Optimizers", "train", "optimizer",
         ("sgd", "adadelta", "adagrad", "adam", "adamax", "nadam", "rmsprop"), ("rmsprop", "adam"), 4,
         companions={name: {"learning_rate": lr} for name, lr in OPTIMIZER_LEARNING_RATES.items()}),
    Axis("momentum", "Momentum", "train", "momentum", (0.2, 0.4, 0.6, 0.8, 0.9, 1.0), (0.2,), 4),
)
AXES_BY_NAME = {axis.name: axis for axis in AXES}

# §6.4: input dropout 40%, dense dropout 10%, kernel 6x6, stride 1, pool 2x2, ReLU, random kernel init.
SECURE_MODEL = {"input_dropout": 0.4, "dense_dropout": 0.1, "kernel_size": 6, "stride": 1,
                "pool_size": 2, "activation": "relu", "kernel_initializer": "random_uniform"}


@dataclasses.dataclass(frozen=True)
class CWSettings:
  """Targeted Carlini-Wagner L2 settings (Carlini's defaults; §5.2: kappa = 0 for distances)."""
  binary_search_steps: int = 9
  max_iterations: int = 1000
  learning_rate: float = 1e-2
  initial_const: float = 1e-3


@dataclasses.dataclass(frozen=True)
class Profile:
  """How much of the study to run. Profiles save time by running fewer cells, never weaker attacks."""
  name: str
  axes: tuple[str, ...]
  all_values: bool          # every Appendix value (True) or the axis's `quick` extremes (False)
  num_baseline_models: int  # §5.5 uses 100
  samples_per_class: int    # §4.4 uses 100
  kappas: tuple[float, ...]  # Figs. 8-11 use 0..10
  train_profile: str        # variant of the training preset ("quick" caps epochs; "paper" does not)


HIGH_OR_MEDIUM_AXES = ("activation", "input_dropout", "kernel_size", "pool_size", "stride", "optimizer")

PROFILES = {
    "quick": Profile("quick", HIGH_OR_MEDIUM_AXES, all_values=False, num_baseline_models=3,
                     samples_per_class=10, kappas=(0.0, 5.0, 10.0), train_profile="quick"),
    "cpu-full": Profile("cpu-full", tuple(axis.name for axis in AXES), all_values=True,
                        num_baseline_models=10, samples_per_class=100,
                        kappas=tuple(float(k) for k in range(11)), train_profile="quick"),
    "paper": Profile("paper", tuple(axis.name for axis in AXES), all_values=True,
                     num_baseline_models=100, samples_per_class=100,
                     kappas=tuple(float(k) for k in range(11)), train_profile="paper"),
}


def get_profile(name: str) -> Profile:
  if name not in PROFILES:
    raise AdvTfError(f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}")
  return PROFILES[name]


def grid_values(axis: Axis, profile: Profile, baseline_value) -> list:
  """The values of `axis` this profile runs, without the baseline's own value (that row is the baseline)."""
  values = axis.values if profile.all_values else axis.quick
  return [v for v in values if v != baseline_value]


def _jsonable(value):
  if isinstance(value, tuple):
    return [_jsonable(v) for v in value]
  return value


# ---------------------------------------------------------------------------------------------------------
# Class-distance matrices (§4.4, §5.4.1).


def targeted_pairs(labels: Sequence[int], num_classes: int = NUM_CLASSES) -> tuple[np.ndarray, np.ndarray]:
  """(source index, target class) for every sample and every class other than its own."""
  src, tgt = [], []
  for i, label in enumerate(labels):
    for t in range(num_classes):
      if t != label:
        src.append(i)
        tgt.append(t)
  return np.asarray(src, np.int64), np.asarray(tgt, np.int64)


def cw_targeted_all(model, x: np.ndarray, labels: np.ndarray, cw: CWSettings, confidence: float = 0.0):
  """Targeted CW-L2 from every sample to every other class, in one batched call.

  Returns (distances [N, C] with nan on the own class and on failures, success [N, C] bool,
  x_adv [N, C, H, W, Ch] with the source image on the own class). Success is the search's verdict with
  Carlini's kappa margin; `agreement_rate` reports how often a fresh forward pass agrees (at kappa = 0 the
  answer sits on the decision boundary, where float rounding can flip it).
  """
  from adv_tf.attacks.carlini_wagner import carlini_wagner_l2
  src, tgt = targeted_pairs(labels)
  result = carlini_wagner_l2(
      model, x[src], target=tgt, confidence=confidence,
      binary_search_steps=cw.binary_search_steps, max_iterations=cw.max_iterations,
      learning_rate=cw.learning_rate, initial_const=cw.initial_const,
      clip_min=PIXEL_RANGE[0], clip_max=PIXEL_RANGE[1])
  n = len(x)
  distances = np.full((n, NUM_CLASSES), np.nan, np.float64)
  success = np.zeros((n, NUM_CLASSES), bool)
  x_adv = np.repeat(x[:, None], NUM_CLASSES, axis=1).astype(np.float32)
  distances[src, tgt] = np.where(result.success, result.l2, np.nan)
  success[src, tgt] = result.success
  x_adv[src, tgt] = result.x_adv
  return distances, success, x_adv


def agreement_rate(model, x_adv: np.ndarray, success: np.ndarray) -> float:
  """Share of successful targeted examples that a fresh forward pass also assigns to their target."""
  from adv_tf.attacks import predict_labels
  rows, targets = np.nonzero(success)
  if not len(rows):
    return float("nan")
  return float(np.mean(predict_labels(model, x_adv[rows, targets]) == targets))


def pair_success_rate(success: np.ndarray, labels: np.ndarray) -> float:
  mask = np.ones_like(success, bool)
  mask[np.arange(len(labels)), labels] = False
  return float(success[mask].mean())


# ---------------------------------------------------------------------------------------------------------
# Models: build, train to >= 98% and cache.


@dataclasses.dataclass
class StudyData:
  """MNIST in [-0.5, 0.5] (§5.3.1) as arrays, read through TFDS (adv_tf.data)."""
  x_train: np.ndarray
  y_train: np.ndarray
  x_test: np.ndarray
  y_test: np.ndarray
  info: Any
  test_info: Any


def load_study_data(data_dir: str | None, *, train_take: int | None = None,
                    test_take: int | None = None) -> StudyData:
  """Loads MNIST train and test splits in the Carlini pixel range."""
  from adv_tf import data
  x_train, y_train, info = data.load_arrays("mnist", "train", data_dir=data_dir, pixel_range=PIXEL_RANGE,
                                            take=train_take)
  x_test, y_test, test_info = data.load_arrays("mnist", "test", data_dir=data_dir, pixel_range=PIXEL_RANGE,
                                               take=test_take)
  return StudyData(x_train, y_train, x_test, y_test, info, test_info)


@dataclasses.dataclass(frozen=True)
class ModelSpec:
  """A LeNet variant and how it is trained: together with the data, the identity of a trained model."""
  model: Mapping[str, Any]   # LeNetConfig overrides from Table 1
  train: Mapping[str, Any]   # TrainConfig overrides from the paper-002 preset
  seed: int


class ModelTrainer:
  """Trains (or loads from the cache) the LeNet of a ModelSpec, to the 98% target of §5.1."""

  def __init__(self, data: StudyData, *, cache, train_profile: str, strategy=None, verbose: int = 0,
               max_epochs: int | None = None, target_accuracy: float = TARGET_ACCURACY):
    self.data = data
    self.cache = cache
    self.train_profile = train_profile
    self.strategy = strategy
    self.verbose = verbose
    self.max_epochs = max_epochs
    self.target_accuracy = target_accuracy
    self.data_identity = {"train": data.info.identity(), "eval": data.test_info.identity()}

  def lenet_config(self, spec: ModelSpec):
    from adv_tf.models import LeNetConfig
    return LeNetConfig(**dict(spec.model))

  def train_config(self, spec: ModelSpec):
    from adv_tf.training import preset
    config = preset("paper002_lenet", self.train_profile)
    overrides = dict(spec.train, seed=spec.seed, target_accuracy=self.target_accuracy)
    if self.max_epochs is not None:
      overrides["epochs"] = min(config.epochs, self.max_epochs)
    return dataclasses.replace(config, **overrides)

  def get(self, spec: ModelSpec):
    """(model, train result dict, cache hit)."""
    from adv_tf import models
    from adv_tf.training import train_model
    lenet_config = self.lenet_config(spec)
    train_config = self.train_config(spec)
    padding = models.lenet_padding(lenet_config, IMAGE_SHAPE)
    # The full configs (defaults and the resolved padding included) are the model's identity.
    model, result = self.cache.get_or_train(
        model_name="lenet", model_config={**dataclasses.asdict(lenet_config), "resolved_padding": padding},
        train_config=train_config, data_identity=self.data_identity,
        build=lambda: models.build("lenet", IMAGE_SHAPE, NUM_CLASSES, config=lenet_config),
        train=lambda build: train_model(build, (self.data.x_train, self.data.y_train),
                                        (self.data.x_test, self.data.y_test), train_config,
                                        strategy=self.strategy, verbose=self.verbose))
    hit = self.cache.last_hit
    record = result.to_dict()
    record.pop("history", None)
    record["padding"] = padding
    record["target_accuracy"] = self.target_accuracy
    return model, record, hit


def train_summary(record: Mapping[str, Any]) -> dict:
  acc = float(record.get("test_accuracy", math.nan))
  target = float(record.get("target_accuracy", TARGET_ACCURACY))
  return {"test_accuracy": acc, "epochs": record.get("epochs"), "train_seconds": record.get("seconds"),
          "reached_target": bool(acc >= target), "target_accuracy": target, "padding": record.get("padding")}


# ---------------------------------------------------------------------------------------------------------
# Cells.


def selection_cell_config(profile: Profile, cw: CWSettings, seed: int, run: Mapping[str, Any]) -> dict:
  """The selection's identity; every later cell names it, so any setting here re-keys the whole study.

  `run` holds the run-wide settings that change results (target accuracy, epoch cap, data subsets).
  """
  return {"kind": "selection", "samples_per_class": profile.samples_per_class,
          "cw": dataclasses.asdict(cw), "seed": seed, "train_profile": profile.train_profile,
          "run": dict(sorted(run.items()))}


def pick_candidates(model, x: np.ndarray, y: np.ndarray, per_class: int) -> np.ndarray:
  """The first `per_class` test images of each class that the model classifies correctly (§4.4)."""
  from adv_tf.attacks import predict_labels
  correct = predict_labels(model, x) == y
  chosen = []
  for c in range(NUM_CLASSES):
    idx = np.flatnonzero((y == c) & correct)[:per_class]
    if len(idx) < per_class:
      raise AdvTfError(f"only {len(idx)} correctly classified test images of class {c}; "
                       f"lower --samples_per_class (asked {per_class})")
    chosen.append(idx)
  return np.concatenate(chosen)


def run_selection(ctx, *, trainer: ModelTrainer, data: StudyData, profile: Profile, cw: CWSettings,
                  seed: int) -> dict:
  """§4.4: best-estimate samples from `samples_per_class` images per class on the control model."""
  from adv_tf import metrics
  model, train_record, _ = trainer.get(ModelSpec({}, {}, seed))
  candidates = pick_candidates(model, data.x_test, data.y_test, profile.samples_per_class)
  x, y = data.x_test[candidates], data.y_test[candidates]
  ctx.log(f"selection: targeted CW on {len(x)} samples x 9 targets")
  distances, success, _ = cw_targeted_all(model, x, y, cw)
  chosen, average = metrics.best_estimate_samples(distances, y, NUM_CLASSES)
  chosen = np.asarray(chosen)
  missing = np.flatnonzero(chosen < 0)
  if missing.size:
    raise AdvTfError(f"best-estimate selection: targeted CW failed on every sample of class {missing[0]}; "
                     "raise --cw_max_iterations or --cw_binary_search_steps")
  best_matrix = distances[chosen]
  best_indices = candidates[chosen]
  save_arrays(ctx, "selection.npz", candidate_indices=candidates, distances=distances,
              chosen=chosen, best_indices=best_indices, x_best=data.x_test[best_indices],
              y_best=data.y_test[best_indices], average_matrix=average, best_matrix=best_matrix)
  return {"train": train_summary(train_record),
          "best_test_indices": best_indices.tolist(),
          "average_matrix": _matrix_json(average),
          "best_estimate_matrix": _matrix_json(best_matrix),
          "average_stats": metrics.distance_stats(average),
          "best_estimate_stats": metrics.distance_stats(best_matrix),
          "cw_success_rate": pair_success_rate(success, y),
          "num_samples": int(len(x)),
          "data_provenance": dict(getattr(data.info, "provenance", None) or {})}


def model_cell_config(stage: str, spec: ModelSpec, cw: CWSettings, selection_id: str, *,
                      axis: str | None = None, value=None) -> dict:
  return {"kind": "model", "stage": stage, "axis": axis, "value": _jsonable(value),
          "model": {k: _jsonable(v) for k, v in sorted(spec.model.items())},
          "train": dict(sorted(spec.train.items())), "seed": spec.seed,
          "cw": dataclasses.asdict(cw), "selection": selection_id}


def run_model_cell(ctx, cell_config: Mapping[str, Any], *, trainer: ModelTrainer, best: "BestSamples",
                   cw: CWSettings) -> dict:
  """Steps 4-6: train one LeNet variant, then its 10x10 targeted CW class-distance matrix (kappa 0)."""
  from adv_tf import metrics
  spec = spec_from_config(cell_config)
  model, train_record, hit = trainer.get(spec)
  summary = train_summary(train_record)
  ctx.log(f"model {'from cache' if hit else 'trained'}: accuracy {summary['test_accuracy']:.4f}")
  result = {"train": summary, "model_cache_hit": hit}
  if not summary["reached_target"]:
    # §6.1: a model under 98% "is considered unusable for comparison"; recorded, not attacked.
    result["excluded"] = f"test accuracy {summary['test_accuracy']:.4f} < {summary['target_accuracy']}"
    return result
  distances, success, x_adv = cw_targeted_all(model, best.x, best.y, cw)
  matrix = reorder_by_class(distances, best.y)
  result.update({"matrix": _matrix_json(matrix), "stats": metrics.distance_stats(matrix),
                 "cw_success_rate": pair_success_rate(success, best.y),
                 "cw_prediction_agreement": agreement_rate(model, x_adv, success)})
  save_arrays(ctx, "adversarial.npz", x_adv=x_adv, distances=distances)
  return result


def spec_from_config(config: Mapping[str, Any]) -> ModelSpec:
  """The ModelSpec a cell config describes (JSON lists back to the tuples LeNetConfig takes)."""
  model = {k: tuple(v) if isinstance(v, list) else v for k, v in config["model"].items()}
  return ModelSpec(model, dict(config.get("train", {})), int(config["seed"]))


def kappa_cell_config(kappa: float, baseline: ModelSpec, secure: ModelSpec, cw: CWSettings,
                      selection_id: str) -> dict:
  return {"kind": "kappa", "kappa": float(kappa),
          "baseline": {"model": dict(baseline.model), "seed": baseline.seed},
          "secure": {"model": dict(secure.model), "seed": secure.seed},
          "cw": dataclasses.asdict(cw), "selection": selection_id}


def run_kappa_cell(ctx, cell_config: Mapping[str, Any], *, trainer: ModelTrainer, best: "BestSamples",
                   cw: CWSettings) -> dict:
  """§6.4, Figs. 8-11: examples at confidence kappa on the baseline and the secure model; transfer of
  the baseline's examples to the secure model; distortion metrics of both."""
  from adv_tf import metrics
  from adv_tf.attacks import predict_labels
  kappa = float(cell_config["kappa"])
  specs = {name: spec_from_config(cell_config[name]) for name in ("baseline", "secure")}
  src, tgt = targeted_pairs(best.y)
  out: dict[str, Any] = {"kappa": kappa}
  arrays = {}
  trained = {name: trainer.get(spec)[0] for name, spec in specs.items()}
  for name, model in trained.items():
    distances, success, x_adv = cw_targeted_all(model, best.x, best.y, cw, confidence=kappa)
    pairs_adv = x_adv[src, tgt]
    pairs_src = best.x[src]
    ok = success[src, tgt]
    out[name] = {
        "cw_success_rate": float(ok.mean()),
        "mean_l2": float(np.nanmean(distances[src, tgt])) if ok.any() else math.nan,
        "pixels_changed_percent": dict(zip(
            [f"{t:.2f}" for t in DISTORTION_THRESHOLDS],
            np.asarray(metrics.pixel_distortion_percent(
                pairs_src[ok], pairs_adv[ok], DISTORTION_THRESHOLDS, PIXEL_RANGE)).tolist())),
        "mean_percent_distortion": float(metrics.mean_percent_distortion(
            pairs_src[ok], pairs_adv[ok], PIXEL_RANGE)),
    }
    arrays[f"{name}_x_adv"] = x_adv
    arrays[f"{name}_success"] = success
    if name == "baseline":
      on_secure = predict_labels(trained["secure"], pairs_adv)
      # Fig. 10: examples crafted on the baseline, classified by the secure model as their target.
      out["transfer_target_rate"] = float((on_secure[ok] == tgt[ok]).mean()) if ok.any() else math.nan
      out["transfer_misclassified_rate"] = (float((on_secure[ok] != best.y[src][ok]).mean())
                                            if ok.any() else math.nan)
  save_arrays(ctx, "kappa.npz", **arrays)
  return out


# ---------------------------------------------------------------------------------------------------------
# Helpers.


@dataclasses.dataclass
class BestSamples:
  """The 10 best-estimate samples (one per class, ordered by class) used for every model (§5.2.1)."""
  x: np.ndarray
  y: np.ndarray
  test_indices: np.ndarray


def best_samples_from_selection(data: StudyData, selection_result: Mapping[str, Any]) -> BestSamples:
  idx = np.asarray(selection_result["best_test_indices"], np.int64)
  order = np.argsort(data.y_test[idx], kind="stable")
  idx = idx[order]
  return BestSamples(data.x_test[idx], data.y_test[idx], idx)


def reorder_by_class(distances: np.ndarray, labels: np.ndarray) -> np.ndarray:
  """Rows of per-sample distances -> a [C, C] source-class x target-class matrix."""
  matrix = np.full((NUM_CLASSES, NUM_CLASSES), np.nan)
  matrix[np.asarray(labels)] = distances
  return matrix


def _matrix_json(matrix: np.ndarray) -> list:
  return [[None if not math.isfinite(v) else round(float(v), 6) for v in row] for row in np.asarray(matrix)]


def matrix_from_json(rows) -> np.ndarray:
  return np.asarray([[math.nan if v is None else v for v in row] for row in rows], np.float64)


def save_arrays(ctx, filename: str, **arrays) -> None:
  from adv_tf.utils.atomic import atomic_save_npz
  atomic_save_npz(pathlib.Path(ctx.output_dir) / filename, **arrays)


# ---------------------------------------------------------------------------------------------------------
# The grid.


def baseline_spec(seed: int) -> ModelSpec:
  return ModelSpec({}, {}, seed)


def secure_spec(seed: int) -> ModelSpec:
  return ModelSpec(dict(SECURE_MODEL), {}, seed)


def build_cells(profile: Profile, axes: Sequence[str], cw: CWSettings, seed: int, selection_id: str,
                num_baseline_models: int, kappas: Sequence[float]) -> list:
  """Cells of the main study in run order: baselines, variants, the secure model, the kappa sweep."""
  from adv_tf.experiment import Cell
  from adv_tf.models import LeNetConfig
  from adv_tf.training import preset
  unknown = [a for a in axes if a not in AXES_BY_NAME]
  if unknown:
    raise AdvTfError(f"unknown axis {unknown[0]!r}; choose from: {', '.join(AXES_BY_NAME)}")
  base_model = LeNetConfig()
  base_train = preset("paper002_lenet", profile.train_profile)
  cells = []
  for k in range(num_baseline_models):
    spec = baseline_spec(seed + k)
    cells.append(Cell(f"baseline/seed={seed + k}", model_cell_config("baseline", spec, cw, selection_id),
                      stage="baseline"))
  for name in axes:
    axis = AXES_BY_NAME[name]
    base_value = getattr(base_model if axis.target == "model" else base_train, axis.field)
    for value in grid_values(axis, profile, base_value):
      overrides = {axis.field: value, **axis.companions.get(value, {})}
      spec = ModelSpec(overrides, {}, seed) if axis.target == "model" else ModelSpec({}, overrides, seed)
      cells.append(Cell(f"{axis.name}={_label(value)}",
                        model_cell_config("variant", spec, cw, selection_id, axis=axis.name, value=value),
                        stage="variant"))
  cells.append(Cell("secure", model_cell_config("secure", secure_spec(seed), cw, selection_id),
                    stage="secure"))
  for kappa in kappas:
    cells.append(Cell(f"kappa={kappa:g}", kappa_cell_config(kappa, baseline_spec(seed), secure_spec(seed),
                                                            cw, selection_id), stage="kappa"))
  return cells


def _label(value) -> str:
  if isinstance(value, tuple):
    return "/".join(str(v) for v in value)
  return str(value)


def make_cell_runner(*, trainer: ModelTrainer, best: BestSamples, cw: CWSettings) -> Callable:
  """run_cell for the main study, dispatching on the cell's kind through a table."""
  runners = {"model": run_model_cell, "kappa": run_kappa_cell}

  def run_cell(cell, ctx):
    started = time.time()
    result = runners[cell.config["kind"]](ctx, cell.config, trainer=trainer, best=best, cw=cw)
    result["cell_seconds"] = time.time() - started
    return result
  return run_cell
