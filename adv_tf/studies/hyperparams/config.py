"""Paper 002 study config: the Appendix grid axes, CW settings, the profiles and the LeNet training recipe.

Section numbers refer to ../shared/papers/002_*.txt.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Optional

from adv_tf.attacks.cw_config import CWConfig
from adv_tf.errors import AdvTfError
from adv_tf.experiment.bounds import AT_LEAST_ONE, NON_NEGATIVE, UNIT_LOW_OPEN, check_config
from adv_tf.training.config import TrainConfig
from adv_tf.utils.config import flag_field, nested_field

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
    quick: the values a run without --all_values runs on this axis: on each axis a §8 conclusion names, the
      one value that tests it against the baseline's (input dropout 0.5, kernel 2, pool 6, stride 2) or the
      paper's own counter-example (AdaDelta, which §6.2 calls as good as SGD; for ReLU, ELU: Table 5's sigmoid,
      2.26 vs ReLU's 2.25, does not reach 98% test accuracy within the quick recipe's 10-epoch cap — measured
      96.7%, so its cell would only be excluded — and ELU, 2.18, is the closest activation that trains)
      (issue 10; the other values are cpu-full's); elsewhere the extremes. The quick profile runs these on
      `QUICK_AXES` only (the ELU and AdaDelta cells went to cpu-full on 2026-12-06).
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
         ("relu", "sigmoid", "linear", "tanh", "elu"), ("elu",), 3),
    Axis("input_dropout", "Dropout on Input Layer", "model", "input_dropout",
         (0.0, 0.1, 0.2, 0.3, 0.4, 0.5), (0.5,), 3),
    Axis("dense_dropout", "Dropout on Dense Layer", "model", "dense_dropout",
         (0.0, 0.1, 0.2, 0.3, 0.4, 0.5), (0.5,), 3),
    Axis("kernel_size", "Convolution Kernel Size", "model", "kernel_size", (2, 3, 4, 5, 6), (2,), 3),
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
         ("sgd", "adadelta", "adagrad", "adam", "adamax", "nadam", "rmsprop"), ("adadelta",), 4,
         companions={name: {"learning_rate": lr} for name, lr in OPTIMIZER_LEARNING_RATES.items()}),
    Axis("momentum", "Momentum", "train", "momentum", (0.2, 0.4, 0.6, 0.8, 0.9, 1.0), (0.2,), 4),
)
AXES_BY_NAME = {axis.name: axis for axis in AXES}

# §6.4: input dropout 40%, dense dropout 10%, kernel 6x6, stride 1, pool 2x2, ReLU, random kernel init.
SECURE_MODEL = {"input_dropout": 0.4, "dense_dropout": 0.1, "kernel_size": 6, "stride": 1,
                "pool_size": 2, "activation": "relu", "kernel_initializer": "random_uniform"}


# Bump when a code change alters results without changing any setting a cell names (e.g. a fix in how the
# matrices are computed): every cell id changes, so no record of the old code is reused (issue 10).
STUDY_VERSION = 2


# The padding control (`HyperparamsConfig.padding_control`): the axes whose values mix 'valid' and 'same' padding
# (pools 4-6 and stride 2 leave no feature map with 'valid'), and how many seeds of the 'same'-padded control LeNet.
PADDING_CONTROL_AXES = ("pool_size", "stride")
PADDING_CONTROL_SEEDS = 3

HIGH_OR_MEDIUM_AXES = ("activation", "input_dropout", "kernel_size", "pool_size", "stride", "optimizer")
TRAIN_PROFILES = ("quick", "long", "paper")


def _pairs(values) -> tuple[tuple[int, int], ...]:
  """--figure_pairs entries "3:8" -> ((3, 8), ...)."""
  out = []
  for pair in values:
    if isinstance(pair, (tuple, list)):
      out.append((int(pair[0]), int(pair[1])))
      continue
    try:
      source, target = (int(v) for v in str(pair).split(":"))
    except ValueError:
      raise AdvTfError(f"--figure_pairs entry {pair!r} must look like 3:8") from None
    out.append((source, target))
  return tuple(out)


@dataclasses.dataclass(frozen=True)
class HyperparamsConfig:
  """How much of the study to run, and how. Profiles save time by running fewer cells, never weaker attacks.

  Every field is a flag of `experiments/hyperparams.py` (see adv_tf.experiment.cli).
  """
  profile: str
  axes: tuple[str, ...] = flag_field(
      HIGH_OR_MEDIUM_AXES, "Grid axes to run, comma-separated; known: " + ", ".join(axis.name for axis in AXES) + ".")
  all_values: bool = flag_field(
      False, "Run every Appendix value of each axis (True) or only its `quick` extremes (False).")
  num_baseline_models: int = flag_field(3, "Baseline LeNets with seeds seed..seed+N-1 (§5.5; paper: 100).",
                                        bounds=AT_LEAST_ONE)
  samples_per_class: int = flag_field(10, "Test images per class for the best-estimate selection (§4.4; paper: 100).",
                                      bounds=AT_LEAST_ONE)
  kappas: tuple[float, ...] = flag_field(
      (0.0, 5.0, 10.0), "CW confidences for the secure-model comparison (Figs. 8-11; paper: 0..10).",
      bounds=NON_NEGATIVE)
  kappa0_reuse: bool = flag_field(
      False,
      "The kappa = 0 cell reuses the attacks of the seed baseline's and the secure model's cells (the same models, "
      "samples and CW settings) when their artifacts exist, instead of recomputing them; off, the report's "
      "kappa-0 agreement is a real determinism check (issue 10).")
  train_profile: str = flag_field(
      "quick", "Variant of the paper-002 training recipe: quick (evaluate every 100 steps, <= 10 epochs), long "
      "(every 100 steps, <= 50 epochs: the slow learners, e.g. sigmoid, reach 98%) or paper (every epoch, <= 50).")
  cw: CWConfig = nested_field(CWConfig, "Targeted CW-L2 of every distance matrix (§5.2: Carlini's attack and "
                              "defaults). Its kappa is 0 (§5.2: distances at kappa = 0); --kappas sweeps it for the "
                              "secure-model comparison, so --cw.confidence must stay 0.")
  max_epochs: Optional[int] = flag_field(None, "Cap on training epochs (default: the recipe's).", bounds=AT_LEAST_ONE)
  target_accuracy: float = flag_field(
      TARGET_ACCURACY,
      "Test accuracy every model is trained to (§5.1: 98%); models that do not reach it are recorded and "
      "excluded. Lower it only for smoke tests.", bounds=UNIT_LOW_OPEN)
  train_take: Optional[int] = flag_field(None, "Use only the first N training images (smoke tests).",
                                         bounds=AT_LEAST_ONE)
  test_take: Optional[int] = flag_field(None, "Use only the first N test images (smoke tests).", bounds=AT_LEAST_ONE)
  noise_reference: str = flag_field(
      "", "A published noise reference (docs/results/hyperparams/<profile>/noise_reference.json, written by a run "
      "with more baselines): its baselines' seed-to-seed sd and N replace this run's own in the claims (issue 22); "
      "the run is refused when its settings differ from the reference's. Empty: this run's own baselines. A "
      "relative path not found from the working folder is read from this checkout.")
  padding_control: bool = flag_field(
      False, "Also run the padding control (stage padding_control): the control LeNet (3 seeds) and each pool or "
      "stride value that uses 'valid' padding, trained with 'same' padding, so that the pool-size and stride "
      "claims are also judged with every compared model at 'same' padding (the models 'valid' padding would "
      "leave without a feature map, pools 4-6 and stride 2, use 'same'; the paper states no padding).")
  replicate: tuple[str, ...] = flag_field(
      (), "Models that get seeds of their own (stage replicates, issue 22): 'secure', an axis name (every value of "
      "it this profile runs) or axis=value (e.g. input_dropout=0.4); each is trained and attacked again at seeds "
      "seed+1..seed+N-1 (--replicate_seeds) beside the grid's seed-`seed` model. A claim comparing single models "
      "(C2, C5: one model per value; S1: two single models) is limited by each model's own seed noise, which no "
      "number of baselines shrinks; these seeds shrink it. An entry ending in @N (e.g. optimizer=adamax@9) gets N "
      "seeds instead of --replicate_seeds; a model named by several entries gets the largest count.")
  replicate_seeds: int = flag_field(1, "Seeds per model named in --replicate, the grid's own model included "
                                    "(1: no replicates).", bounds=AT_LEAST_ONE)
  looks: tuple[str, ...] = flag_field(
      (), "Claims of a sequential design, '<claim id>=<k>' (e.g. C5=3): seeds were added (--replicate) after k-1 "
      "earlier readings of this profile's seeds, so the claim is judged at alpha/2^(k-1) (each look at half the "
      "level of the one before; adv_tf.claims.Claim.looks). Applied at seed 0 only, the seeds whose readings they "
      "count: a run at another --seed is a fixed design. Empty: every claim a fixed design.")
  figure_pairs: tuple[tuple[int, int], ...] = flag_field(
      ((3, 8), (7, 1)), "source:target pairs shown in Fig. 11, e.g. 3:8,7:1.", parse=_pairs)

  @property
  def name(self) -> str:
    """The profile's name."""
    return self.profile

  def validate(self) -> None:
    """Raises AdvTfError for settings the study cannot run (before any data loads; numeric ranges: the fields'
    bounds)."""
    check_config(self)
    unknown = [axis for axis in self.axes if axis not in AXES_BY_NAME]
    if unknown:
      raise AdvTfError(f"unknown axis {unknown[0]!r} in --axes; choose from: {', '.join(AXES_BY_NAME)}")
    if self.train_profile not in TRAIN_PROFILES:
      raise AdvTfError(f"--train_profile must be one of {', '.join(TRAIN_PROFILES)}")
    self.cw.validate()
    if self.cw.confidence != 0:
      raise AdvTfError(f"--cw.confidence={self.cw.confidence:g}: paper 002 measures distances at kappa 0 (§5.2); "
                       "set the kappas of the secure-model comparison with --kappas")
    for entry in self.replicate:
      replicate_target(entry, self)
    for source, target in _pairs(self.figure_pairs):
      if not (0 <= source < NUM_CLASSES and 0 <= target < NUM_CLASSES) or source == target:
        raise AdvTfError(f"--figure_pairs entry {source}:{target} must name two different classes in 0..9")


SECURE_NAME = "secure"   # --replicate's name for the secure model (§6.4)


def replicate_seeds(entry: str, profile: HyperparamsConfig) -> int:
  """The seeds one --replicate entry gets, the grid's own model included: N of a trailing @N, else
  --replicate_seeds. AdvTfError for an @ not followed by a whole number >= 1."""
  _, at, count = entry.partition("@")
  if not at:
    return profile.replicate_seeds
  if not (count.isascii() and count.isdigit()) or int(count) < 1:
    raise AdvTfError(f"--replicate entry {entry!r}: after '@' write the seeds it gets, a whole number >= 1 "
                     "(e.g. optimizer=adamax@9)")
  return int(count)


def replicate_target(entry: str, profile: HyperparamsConfig) -> tuple[str | None, tuple]:
  """One --replicate entry as (axis, values): (None, ()) for 'secure'; an axis name: every value of it this profile
  runs (`grid_values`); axis=value: that value (matched by its label, e.g. 0.4, elu, 64/128); a trailing @N (its
  seed count, `replicate_seeds`) is checked and set aside. AdvTfError for an entry that names no model of this
  profile's grid."""
  from adv_tf.models import LeNetConfig
  replicate_seeds(entry, profile)
  target = entry.partition("@")[0]
  if target == SECURE_NAME:
    return None, ()
  name, _, label = target.partition("=")
  axis = AXES_BY_NAME.get(name)
  if axis is None:
    raise AdvTfError(f"--replicate entry {entry!r}: unknown axis {name!r}; name 'secure', an axis ("
                     f"{', '.join(AXES_BY_NAME)}) or axis=value")
  if name not in profile.axes:
    raise AdvTfError(f"--replicate entry {entry!r}: axis {name!r} is not in --axes, so it has no model to replicate")
  base = getattr(LeNetConfig() if axis.target == "model" else train_config(profile.train_profile), axis.field)
  values = grid_values(axis, profile, base)
  if label:
    values = [v for v in values if value_label(v) == label]
    if not values:
      raise AdvTfError(f"--replicate entry {entry!r}: this profile runs no {name} value {label!r}; its values: "
                       f"{', '.join(value_label(v) for v in grid_values(axis, profile, base))}")
  return name, tuple(values)


def value_label(value) -> str:
  """A grid value as cell names print it: (64, 128) -> 64/128."""
  if isinstance(value, tuple):
    return "/".join(str(v) for v in value)
  return str(value)


# The profiles (`HyperparamsStudy.PROFILES`).
ALL_AXES = tuple(axis.name for axis in AXES)
ALL_KAPPAS = tuple(float(k) for k in range(11))
# `make publish-results STUDY=hyperparams PROFILE=quick-baselines10` of a quick run with --num_baseline_models=10
# (commit 0c9a51f, 2026-12-05, when quick still ran ELU and AdaDelta: add
# --axes=activation,input_dropout,kernel_size,pool_size,stride,optimizer to rerun it; its report:
# docs/results/hyperparams/quick-baselines10/report.md). Its baselines' settings are what the check compares.
QUICK_NOISE_REFERENCE = "docs/results/hyperparams/quick-baselines10/noise_reference.json"
# The §8 conclusions a single quick variant can decide against 3 baselines and the published noise reference.
QUICK_AXES = ("input_dropout", "kernel_size", "pool_size", "stride")
# 2026-12-08, the third look at C5: the replicates read C5 and C5-6.3 inconclusive (3 seeds per optimizer against
# SGD's 10 baselines), with four of their six cells undecided (SGD below AdaDelta by 0.057 and Adamax by 0.067 L2;
# Nadam and RMSprop, at 3 seeds, noisier than the baselines, so judged by Welch's t). Those four get 9 seeds each,
# the cells nearest a decision first (by their p at the second look: Adamax, AdaDelta, RMSprop, Nadam); 6 more seeds
# each, 24 cells. The 9 is the count the engine's "what would decide it" gave when the second look's data were
# re-read at a draft level of the looks rule (alpha/3, unpublished; the published second look said about 6): a sample
# size chosen from the effect seen, so the third look's level (alpha/4) holds only approximately for the pooled t (a
# worst case of about twice, Proschan & Hunsberger 1995); the report says so (`report.looks_line`).
CPU_FULL_THIRD_LOOK = ("optimizer=adamax@9", "optimizer=adadelta@9", "optimizer=rmsprop@9", "optimizer=nadam@9")
# How many readings of cpu-full each claim whose models got seeds has had (`HyperparamsConfig.looks`): the part-way
# grid (one model per value, published from 2026-12-06 on), the replicates (3 seeds, 2026-12-07), and for C5 this
# third look. S1, C2 and C5 got the seeds; S2 (the secure model against the baselines) and C1 (the input-dropout
# trend, whose 0.4 and 0.5 points got seeds for S1) held at the first look, but their data grew on S1's reading,
# which shares those models: counted as second looks too. Looks belong to these seeds: a rerun at the same seeds
# repeats the numbers the extra seeds were chosen from; a run at another --seed is a fixed design, and the report
# applies the looks at seed 0 only.
CPU_FULL_LOOKS = ("C1=2", "S1=2", "S2=2", "C2=2", "C2-6.3=2", "C5=3", "C5-6.3=3")
# cpu-full's replicates (added 2026-12-07 to the part-way run as a stage of its own, so the grid keeps its manifest):
# 3 seeds of each model that C2, C5 and S1 compare as single models, S1's first (6 cells), then C2's activations (8)
# and C5's optimizers (12). The part-way run read them inconclusive: their effects (C2 +0.05 to +0.27, C5 -0.002 to
# +0.11, S1 -0.07 and -0.14 L2) sit within one model's own seed noise (sd ~0.032 from 10 baselines).
CPU_FULL_REPLICATES = (SECURE_NAME, "input_dropout=0.4", "input_dropout=0.5", "activation", "optimizer",
                       *CPU_FULL_THIRD_LOOK)
PROFILES = {
    # Sized to a CPU budget (issue 10): 3 baseline seeds; one cell per §8 conclusion it can decide (input dropout
    # 0.5, kernel 2, pool 6, stride 2); the secure model; kappa 0 only, whose
    # cell reuses the baseline's and secure model's attacks (the transfer and Fig. 8/9 claims at kappa 0);
    # the best-estimate selection from 1 sample per class (the first correctly classified test image; with one
    # candidate there is nothing to choose, so it runs no attack: its distances are the seed baseline's).
    # Every CW attack at Carlini's defaults and exact schedule; everything else is cpu-full's, listed in the
    # report. The "fmn" schedule (--cw.schedule=fmn, ~11x less CPU) stays opt-in: on the secure and pool-6
    # models 3 and 4 of 90 pairs came out more than 2% above the exact distance (issue 21's bound: at most 1).
    # Its 3 baselines judge each variant with the seed-to-seed sd of a published run of this profile with 10
    # baselines (issue 22: t(0.975, 9) = 2.26 instead of t(0.975, 2) = 4.30), refused when the settings differ;
    # `--noise_reference=` judges by the run's own 3 baselines instead.
    # Since 2026-12-06 (issue 22, the 15-minute goal) without the ELU and AdaDelta cells (C2, C5): one model of
    # a variant cannot decide them at any reference size (its own seed noise stays; measured effects +0.12 L2,
    # ~2 sd), and the two cells were 249 of the 1,087 s the profile took (c6f911f). They run in cpu-full.
    "quick": HyperparamsConfig("quick", axes=QUICK_AXES, samples_per_class=1, kappas=(0.0,), kappa0_reuse=True,
                               noise_reference=QUICK_NOISE_REFERENCE),
    # Every Appendix value (README: measured per-cell times; the 256/512 and 512/1024 filter models alone take
    # hours). Trained with the "long" recipe (stop at 98% checked every 100 steps, up to the paper's 50 epochs):
    # at quick's 10-epoch cap the sigmoid model stops at 96.7% and would be excluded, which the paper (Table 5:
    # sigmoid 2.26) did not do (review of 2026-12-06).
    # Its padding control (4 LeNets, ~7 min) runs right after the selection (added 2026-12-06 while the first
    # run's selection was part-way: a stage of its own, so the main grid's cells keep their manifest).
    "cpu-full": HyperparamsConfig("cpu-full", axes=ALL_AXES, all_values=True, num_baseline_models=10,
                                  samples_per_class=100, kappas=ALL_KAPPAS, train_profile="long",
                                  padding_control=True, replicate=CPU_FULL_REPLICATES, replicate_seeds=3,
                                  looks=CPU_FULL_LOOKS),
    # Full grid, 100 baselines, 100 samples per class (GPUs/TPUs, use shards).
    "paper": HyperparamsConfig("paper", axes=ALL_AXES, all_values=True, num_baseline_models=100,
                               samples_per_class=100, kappas=ALL_KAPPAS, train_profile="paper", padding_control=True),
    # smoke: checks an install (every stage on real data; measured 56 CPU-s, 48 s wall for the whole process, its
    # kappa = 0 cell reusing the model cells' attacks as quick's does) and decides nothing: its report says so and
    # every claim comes out "not decided" (adv_tf/experiment/smoke.py). Its attacks and training are cut far
    # below the paper's, which only this profile may do: CW 3 x 50 iterations at Adam step 0.1 (10x Carlini's, so
    # that 50 steps reach the class boundaries); models stop at 90% test accuracy (issue 23: the suite's old smoke
    # flags stopped them at 50%, where whole classes of the first test images were misclassified or out of CW's
    # reach).
    "smoke": HyperparamsConfig("smoke", axes=("stride",), num_baseline_models=1, samples_per_class=1, kappas=(0.0,),
                               kappa0_reuse=True,
                               cw=CWConfig(binary_steps=3, max_iterations=50, learning_rate=0.1, initial_const=1.0,
                                           schedule="fast"), max_epochs=4, target_accuracy=0.9,
                               train_take=8192, test_take=500, figure_pairs=((3, 8),)),
}


# Paper 002 §5.1 / Table 1: LeNet, SGD with momentum 0.9, cross entropy, trained until >= 98% test
# accuracy. The paper gives no learning rate, batch size or epoch count; we use those of Carlini &
# Wagner's `train_models.py`, which paper 002 §5.3.2 says its code is adapted from: learning rate
# 0.01, batch 128, up to 50 epochs (C&W's Nesterov momentum and 1e-6 decay are not used: Table 1
# says plain momentum). Quick: the same, evaluated on the test set every 100 steps and stopped at 98%,
# at most 10 epochs. Long (cpu-full): evaluated every 100 steps, at most the paper's 50 epochs.
LENET_TRAIN = {"paper": TrainConfig(optimizer="sgd", learning_rate=0.01, momentum=0.9, batch_size=128, epochs=50,
                                    target_accuracy=0.98, loss="cross_entropy")}
LENET_TRAIN["quick"] = LENET_TRAIN["paper"].replace(epochs=10, eval_every_steps=100)
LENET_TRAIN["long"] = LENET_TRAIN["paper"].replace(eval_every_steps=100)


def train_config(train_profile: str) -> TrainConfig:
  """The paper-002 LeNet recipe (quick, long or paper variant)."""
  return LENET_TRAIN[train_profile]


def grid_values(axis: Axis, profile: HyperparamsConfig, baseline_value) -> list:
  """The values of `axis` this profile runs, without the baseline's own value (that row is the baseline)."""
  values = axis.values if profile.all_values else axis.quick
  return [v for v in values if v != baseline_value]
