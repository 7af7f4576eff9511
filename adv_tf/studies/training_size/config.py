"""Configuration of the training-size study (paper 004) and its profiles quick / cpu-full / paper.

Every setting paper 004 leaves open is a field here, with the choice and its reason in the field's help
(the report prints them all). Families are "<dataset>/<architecture>[+D]" (one curve of Figs. 1-4);
`FAMILIES` in `families.py` says which model and recipe each one uses.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from adv_tf.attacks.cw_config import CWConfig
from adv_tf.errors import AdvTfError
from adv_tf.experiment.bounds import AT_LEAST_ONE, NON_NEGATIVE, UNIT_OPEN, Bounds, check_config
from adv_tf.utils.config import ConfigMixin, flag_field, nested_field

PROFILE_NAMES = ("quick", "cpu-full", "paper", "smoke")




@dataclasses.dataclass(frozen=True)
class TrainingSizeConfig(ConfigMixin):
  """The study's settings (paper 004 §3-§4, Appendix). Sizes are totals over classes, multiples of the class count."""
  profile: str = flag_field("quick", "profile name: quick, cpu-full, paper or smoke")
  families: tuple[str, ...] = flag_field(("mnist/mlp", "mnist/simple_cnn", "cifar10/mlp"),
                                         "curves to run, '<dataset>/<architecture>[+D]' (paper 004 Table 1, Figs. 1-4)")
  sizes_mnist: tuple[int, ...] = flag_field(
      (1000, 3000, 10000, 30000, 54210),
      "MNIST nested subset sizes (ours; the paper states none), ending at 54,210, the "
      "largest class-balanced subset of the 60k (the smallest class has 5,421 images)", bounds=AT_LEAST_ONE)
  sizes_cifar10: tuple[int, ...] = flag_field(
      (1000, 2000, 5000, 10000, 20000),
      "CIFAR-10 nested subset sizes (paper: 11 models, sizes unstated); the local "
      "copy holds 20k training images, the paper's full set 50k", bounds=AT_LEAST_ONE)
  sizes_stl10: tuple[int, ...] = flag_field(tuple(range(1000, 10001, 1000)),
                                            "STL-10 sizes on the 10,000-image re-split training set (§3.3)",
                                            bounds=AT_LEAST_ONE)
  sizes_tiny_imagenet: tuple[int, ...] = flag_field(
      (2000, 4000, 8000),
      "Tiny ImageNet sizes (the stand-in split of the 10k validation images "
      "has 40 training images per class = 8,000)", bounds=AT_LEAST_ONE)
  seeds: int = flag_field(1, "seeds per (family, size): each seed draws its own nested subsets (shared by every "
                          "architecture of the dataset) and its own initialisation", bounds=AT_LEAST_ONE)
  seeds_overrides: tuple[str, ...] = flag_field(
      (), "per-dataset seed counts 'dataset=n' replacing seeds (e.g. cifar10=1: "
      "where a profile can afford seeds on one dataset only)")
  pool_size: int = flag_field(100, "attack pool: the first N test images in class-interleaved order, i.e. N / "
                              "(number of classes) per class (§4.1 attacks the correctly classified ones; N "
                              "unstated)", bounds=AT_LEAST_ONE)
  eval_examples: Optional[int] = flag_field(None, "test images for clean accuracy (None: the whole test split)",
                                            bounds=AT_LEAST_ONE)
  recipe: str = flag_field("adam", "training recipe: 'adam' (Adam 1e-3, batch 128, one recipe for all) "
                           "or 'per_family' (the public recipe each family's counts match)")
  epochs: int = flag_field(2, "epochs per model with recipe 'adam' (before the step policy)", bounds=AT_LEAST_ONE)
  max_epochs: int = flag_field(
      0, "per_family recipes: cap on the recipe's epochs (0: the recipe's own); step decays scale", bounds=NON_NEGATIVE)
  min_steps: int = flag_field(1000, "step policy: every model takes at least this many optimizer steps, i.e. "
                              "epochs = max(epochs, ceil(min_steps / steps_per_epoch)), so small subsets are not "
                              "trained for far fewer steps than large ones", bounds=AT_LEAST_ONE)
  min_steps_overrides: tuple[str, ...] = flag_field(
      (), "per-dataset step floors 'dataset=steps' replacing min_steps (e.g. "
      "cifar10=3000: the CIFAR-10 MLP needs more steps to fit)")
  cw: CWConfig = nested_field(CWConfig, "the untargeted CW-L2 (eqs. 2-3; §3.2 states no settings: Carlini & Wagner "
                              "2017's defaults, kappa 0 = minimal adversarial, their exact schedule)")
  ifgsm_iterations: int = flag_field(10, "I-FGSM iterations T (eq. 1; unstated)", bounds=AT_LEAST_ONE)
  ifgsm_tolerance: float = flag_field(
      1e-4, "resolution of the per-image eps bisection; the upper end (a succeeding eps) "
      "is reported", bounds=Bounds(0, 0.5, low_open=True, high_open=True))
  delta_quantile: float = flag_field(0.5, "eq. 5 Delta per (dataset, architecture, norm): this quantile of the minimal "
                                     "distortions of that architecture's largest-size models (ours; unstated)",
                                     bounds=UNIT_OPEN)
  stl10_train_per_class: int = flag_field(1000, "STL-10 re-split: training images per class (§3.3: 1,000)",
                                          bounds=AT_LEAST_ONE)
  stl10_test_per_class: int = flag_field(300, "STL-10 re-split: test images per class (§3.3: 300)", bounds=AT_LEAST_ONE)
  split_seed: int = flag_field(0, "seed of the per-class re-splits (STL-10 10,000/3,000; Tiny ImageNet stand-in 40/10)",
                               bounds=NON_NEGATIVE)
  tiny_split: str = flag_field(
      "standin", "Tiny ImageNet: 'standin' (seeded per-class split of the 10k validation images, "
      "offline) or 'official' (train 100k / validation 10k, §3.3; needs the full data)")
  tiny_train_per_class: int = flag_field(40, "Tiny ImageNet stand-in: training images per class taken from validation",
                                         bounds=AT_LEAST_ONE)
  tiny_test_per_class: int = flag_field(10, "Tiny ImageNet stand-in: test images per class taken from validation",
                                        bounds=AT_LEAST_ONE)

  def validate(self) -> None:
    """Raises AdvTfError (one line) on any bad value, before data loads (numeric ranges: the fields' bounds)."""
    from adv_tf.studies.training_size.families import parse_family  # avoids an import cycle
    check_config(self)
    self.cw.validate()
    if self.profile not in PROFILE_NAMES:
      raise AdvTfError(f"unknown profile {self.profile!r}; choose one of: {', '.join(PROFILE_NAMES)}")
    if not self.families:
      raise AdvTfError("training-size: --families is empty; name at least one '<dataset>/<architecture>'")
    for name in self.families:
      family = parse_family(name)
      sizes = self.sizes_for(family.dataset)
      if len(sizes) < 2:
        raise AdvTfError(f"training-size: {family.dataset} needs at least two subset sizes, got {sizes}")
      if list(sizes) != sorted(set(sizes)):
        raise AdvTfError(f"training-size: sizes_{family.dataset} must be strictly increasing, got {sizes}")
      if any(s <= 0 or s % family.num_classes for s in sizes):
        raise AdvTfError(f"training-size: sizes_{family.dataset} must be positive multiples of "
                         f"{family.num_classes} (class-balanced), got {sizes}")
    if self.tiny_split not in ("standin", "official"):
      raise AdvTfError(f"training-size: tiny_split must be 'standin' or 'official', got {self.tiny_split!r}")
    for field, example in (("min_steps_overrides", "cifar10=3000"), ("seeds_overrides", "cifar10=1")):
      for entry in getattr(self, field):
        name, sep, value = str(entry).partition("=")
        if not sep or name.strip() not in ("mnist", "cifar10", "stl10", "tiny_imagenet") \
           or not value.strip().isdigit() or int(value) < 1:
          raise AdvTfError(f"training-size: {field} entries look like '{example}', got {entry!r}")
    if self.recipe not in ("adam", "per_family"):
      raise AdvTfError(f"training-size: recipe must be 'adam' or 'per_family', got {self.recipe!r}")

  @staticmethod
  def _override(entries, dataset: str, default: int) -> int:
    for entry in entries:
      name, _, value = str(entry).partition("=")
      if name.strip() == dataset:
        return int(value)
    return int(default)

  def min_steps_for(self, dataset: str) -> int:
    """The step floor of a dataset: its override in min_steps_overrides, else min_steps."""
    return self._override(self.min_steps_overrides, dataset, self.min_steps)

  def seeds_for(self, dataset: str) -> int:
    """Seeds per (family, size) on a dataset: its override in seeds_overrides, else seeds."""
    return self._override(self.seeds_overrides, dataset, self.seeds)

  def sizes_for(self, dataset: str) -> tuple[int, ...]:
    field = f"sizes_{dataset}"
    if not hasattr(self, field):
      raise AdvTfError(f"training-size: no subset sizes for dataset {dataset!r}")
    return tuple(int(s) for s in getattr(self, field))


# quick: designed to decide claims within 15 min wall on 2 cores (idle machine, fresh model cache). Measured wall
# seconds per model (run of b801b87, 2026-12-05: 13 min 40 s wall, 1,391 CPU-s, ~21 s outside the cells) at the
# 100-image pool with the exact CW: MNIST MLP 20-23 (train + attacks), CIFAR-10 MLP 56-64 (the 3,000-step floor
# dominates: ~75 CPU-s of training whatever the size), MNIST Simple CNN 171-202 (exact CW ~2.1 s per image).
# What decides which claim (the claims engine's "what would decide it" on that run):
# * every training claim (C1, C6, C7, C2/C12) needs >= 2 seeds on every compared model: one seed reads "this
#   model" and one 1-seed family makes its whole claim "this model". The Simple CNN at 2 seeds x 3 sizes costs
#   ~1,110 s alone (over the budget), so it is left out (cpu-full has it at 3 seeds); without a second
#   architecture per dataset C7 is not run in quick (its pair needs the MNIST Simple CNN: cpu-full).
# * C6's accuracy cell (MNIST MLP at 10,000 within 1 point of 54,210; 1 seed saw 96.22% vs 97.59%, 0.37 point
#   beyond the margin) is a paired t over seeds floored at the binomial sd of 10,000 test images (~0.17 point),
#   Holm over C6's 3 cells: about 5-6 seeds resolve a 0.3-0.4 point effect, 3 would need >= 0.75 point. So the
#   cheap MNIST MLP gets 6 seeds x 3 sizes (18 x ~22 = ~400 s).
# * C1 on CIFAR-10 (accuracy rising 33% -> 46% from 1,000 to 20,000 images, seed sd ~1 point) needs 3 seeds
#   (t over 2 degrees of freedom; 2 seeds need a seed sd below ~0.9 point), and its middle size decides no claim
#   (C2's turning point: the curve peaked at the largest size, 20,000, "not testable at this scale" whatever the
#   seeds): CIFAR-10 MLP 3 seeds x 2 sizes (6 x ~60 = ~360 s).
# * C9 counts each attacked pool image once (the same image attacked on several models is one item): >= 368
#   distinct attacked images per family are needed to show >= 99% from 100% successes (0.99^368 < 0.025), i.e. a
#   pool of ~400 (MNIST) to ~500 (CIFAR-10 MLP: 78% of the pool attacked) images: no quick budget decides it
#   (cpu-full's 500 should; the paper profile's 1,000). C2/C12 (the CIFAR-10 curve peaks at the largest size), C10
#   (not expressible) stay not testable, C3/C4/C5/C8 not run (paper profile).
# Total ~760 s of cells + ~25 s outside them = ~13 min wall expected (worst measured cell times: ~815 s).
# Fewer families, sizes and seeds save time; never weaker attacks, fewer training steps or a smaller pool.
QUICK = TrainingSizeConfig(families=("mnist/mlp", "cifar10/mlp"),
                           sizes_mnist=(1000, 10000, 54210), sizes_cifar10=(1000, 20000), seeds=6,
                           seeds_overrides=("cifar10=3",), min_steps_overrides=("cifar10=3000",))

# cpu-full: designed to decide within about 8 h wall on 2 cores (issue 22 item 2; it resumes, so it may be split
# across sessions). The claims it can reach on CPU: C7 (a second architecture per dataset), C9 (the pool), C1/C6 on
# more families. ESTIMATE, not a measurement: per-model costs from the quick runs above (MNIST MLP ~7 ms per step
# at batch 128, CW ~0.145 s per pool image; CIFAR-10 MLP ~16.5 ms per step, CW ~0.4 s per correct image; MNIST
# Simple CNN ~40 ms per step, exact CW ~1.37 s wall per image) and, for models quick never trained, the CPU-ms per
# image of a training step measured at batch 16 on this machine (2026-12-05, niced, one core busy elsewhere)
# relative to the MNIST Simple CNN's 0.72: CIFAR-10 Simple CNN 2.88 (x4.0: ~180 ms per step of 128, exact CW
# ~5.5 s per image), ResNet-32 7.09 (x9.8: ~125 ms per step of 32, CW ~13 s per image), VGG-20 at 64 px 30.7 (~1.9 s
# per step of 128), DenseNet-40 at 64 px 159 (~5.4 s per step of 64). Uncertain by about +-30%.
# * C9 counts each attacked pool image once per family: >= 368 are needed (0.99^368 < 0.025). The family's union of
#   correctly classified images was 100% of the pool on MNIST and 78% on the CIFAR-10 MLP (quick), so a 500-image
#   pool gives ~500 and ~390 (the CIFAR-10 Simple CNN, more accurate, more). Should the CIFAR-10 MLP fall short,
#   a larger pool reattacks the cached models (the pool is part of every cell's identity).
# * Recipes: per_family at the recipe's own 50 epochs (C&W's train_models.py; no cap: no ResNet/DenseNet here) with
#   the 3,000-step floor. Steps per seed: MNIST 3,003 + 3,900 + 21,150 (1k, 10k, 54,210) = 28,053; CIFAR-10 3,003 +
#   7,800 (1k, 20k) = 10,803.
# * Per seed: MNIST MLP 28,053 x 7 ms = 196 s + 3 models x (CW 73 + I-FGSM 3) = 424 s; MNIST Simple CNN 28,053 x
#   40 ms = 1,122 s + 3 x (CW 680 + I-FGSM 25) = 3,237 s; CIFAR-10 MLP 10,803 x 16.5 ms = 178 s + 2 x (80 + 5) =
#   348 s; CIFAR-10 Simple CNN 10,803 x 180 ms = 1,945 s + CW on ~40% / ~70% correct of 500 (1k / 20k) x 5.5 s =
#   3,025 s + 2 x 100 I-FGSM = 5,170 s. Sum 9,179 s per seed; 3 seeds (t over 2 df): ~27,500 s = ~7.7 h wall,
#   the two Simple CNNs 91% of it. 30 models.
# * Decides (expected): C1 on 4 families, C7 on both datasets (MLP vs Simple CNN at the largest size, 3 seeds),
#   C9 (if the successes hold), C11 (exact). Undecided even here: C2 on CIFAR-10 (the quick curve peaks at the
#   largest size, 20,000 = the local copy: "not testable at this scale"; no seed count decides it, the full 50,000
#   images do: paper profile); C6 (quick's 6 MNIST MLP seeds saw it inconclusive, "about 18 seeds per side" would
#   read 'does not hold'; 18 seeds of the Simple CNN would cost ~16 h alone); C10 (not expressible), C12 (rests on
#   C2-C5).
# * Left out (over the budget alone): ResNet-32 (+D) for C3/C8: 3 sizes (1k, 10k, 20k) x 3 seeds x 2 = 18 models,
#   training 31k steps per curve x 125 ms = ~3,900 s (6 curves), CW 350 images x 13 s = ~4,500 s per model: ~29 h; the
#   Tiny ImageNet stand-in (C5): VGG-20 ~3,000 steps x 1.9 s = ~1.6 h per model, DenseNet-40 ~3,000-3,750 x 5.4 s =
#   4.5-5.6 h per model, 18 models ~60 h (and 40 training images per class). Both run in the paper profile (GPU).
# * The former cpu-full (those 8 families at 7 / 11 / 3 sizes, 30-epoch cap, 200-image pool, 192 models) came to
#   ~135 h by the same costs: MLPs and Simple CNNs ~16 h, ResNet-32 (+D) at 11 sizes ~56 h, Tiny ImageNet ~63 h.
# * Run order (review of 2026-12-06): the two MLP families first (~0.6 h: C1 and C9 on both datasets decided early in
#   a run resumed over sessions), then the Simple CNNs. The 78% above was measured on a pool of airplanes only (the
#   local CIFAR-10 test split is sorted by class; the pool is class-interleaved since 2026-12-06). On the balanced
#   pool quick's CIFAR-10 MLP union is 75 of 100 (2026-12-06): 500 would give ~375, too close to 368, so the pool is
#   600 (~450; +20% attack time, ~+0.5 h by the arithmetic above).
CPU_FULL = TrainingSizeConfig(
    profile="cpu-full",
    families=("mnist/mlp", "cifar10/mlp", "mnist/simple_cnn", "cifar10/simple_cnn"),
    sizes_mnist=(1000, 10000, 54210), sizes_cifar10=(1000, 20000),
    seeds=3, pool_size=600, min_steps=3000, recipe="per_family")

# paper: every dataset and architecture of Table 1 with the full data sets, 1,000-image pools (GPU, sharded).
PAPER = TrainingSizeConfig(
    profile="paper",
    families=("cifar10/mlp", "cifar10/simple_cnn", "cifar10/resnet32", "cifar10/resnet32+D", "cifar10/densenet40",
              "cifar10/densenet40+D", "mnist/mlp", "mnist/simple_cnn", "mnist/resnet20", "mnist/resnet20+D",
              "stl10/vgg20", "stl10/resnet20", "stl10/resnet20+D", "stl10/densenet40", "stl10/densenet40+D",
              "tiny_imagenet/vgg20", "tiny_imagenet/densenet40", "tiny_imagenet/densenet40+D"),
    sizes_mnist=(1000, 6000, 12000, 18000, 24000, 30000, 36000, 42000, 48000, 54210),
    sizes_cifar10=(1000, 5000, 10000, 15000, 20000, 25000, 30000, 35000, 40000, 45000, 50000),
    sizes_tiny_imagenet=tuple(range(10000, 100001, 10000)), tiny_split="official",
    seeds=3, pool_size=1000, epochs=50, min_steps=5000, recipe="per_family")

# smoke: checks an install (every stage on real data, under a minute of CPU) and decides nothing: its report says
# so and every claim comes out "not decided" (adv_tf/experiment/smoke.py). Its attacks and training are cut far below
# the paper's, which only this profile may do.
SMOKE = TrainingSizeConfig(profile="smoke", families=("mnist/mlp",), sizes_mnist=(40, 80), seeds=1, pool_size=6,
                           eval_examples=60, epochs=1, min_steps=4,
                           cw=CWConfig(binary_steps=3, max_iterations=30, initial_const=10.0))

PROFILES = {"quick": QUICK, "cpu-full": CPU_FULL, "paper": PAPER, "smoke": SMOKE}
