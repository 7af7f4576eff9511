"""Paper 003 study config: data, models, the fine-tuning recipe, attack grids, defenses, and the profiles.

Section numbers refer to ../shared/papers/003_*.txt; settings marked UNSTATED are ours (the report lists them).
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from adv_tf.errors import AdvTfError
from adv_tf.experiment.bounds import AT_LEAST_ONE, NON_NEGATIVE, POSITIVE, UNIT_CLOSED, Bounds, check_config
from adv_tf.utils.config import flag_field

NAME = "imagenette-defenses"
NUM_CLASSES = 10
# §III-D: DGSM toward n02102040 (label 1 in sorted-wnid order). The paper calls it "English terrier"; the class
# is "English springer".
TARGET_CLASS = 1
TARGET_NAME = "n02102040 English springer (the paper: 'English terrier')"
# Figs. 3, 6, 7: eps* 0..0.3 step 0.025; Fig. 5: 0..0.015 step 0.001 (pixel range [0, 1], §III-D).
FGSM_EPS = tuple(round(0.025 * i, 4) for i in range(13))
DGSM_EPS = tuple(round(0.001 * i, 4) for i in range(16))
SPLIT_MODES = ("balanced", "official")
AT_VARIANTS = ("fgsm", "dgsm_random")


@dataclasses.dataclass(frozen=True)
class ImagenetteDefensesConfig:
  """How much of paper 003 to run. Every field is a flag of `experiments/imagenette_defenses.py`."""
  profile: str
  dataset: str = flag_field(
      "imagenette/local-224px",
      "Registered dataset: imagenette/local-224px (offline copy, 2,500 validation images) or a TFDS config "
      "such as imagenette/320px (v1: validation = ImageNet val images) or imagenette/320px-v2.")
  split_mode: str = flag_field(
      "balanced",
      "balanced: a seeded class-balanced train/test split of the dataset's validation split (the local copy "
      "has no train split); official: its train and validation splits.")
  train_per_class: int = flag_field(200, "Training images per class (balanced).", bounds=AT_LEAST_ONE)
  test_per_class: int = flag_field(50, "Held-out images per class (balanced).", bounds=AT_LEAST_ONE)
  split_seed: int = flag_field(0, "Seed of the balanced split.", bounds=NON_NEGATIVE)
  image_size: int = flag_field(
      224, "Crop size; eval is Resize(round(256/224*size), shorter side) + CenterCrop(size) (authors' code); at least "
      "32 (the models pool globally).", bounds=Bounds(32))
  models: tuple[str, ...] = flag_field(
      ("wrn50_2", "googlenet"), "Models (see MODEL_BUILDERS in adv_tf/studies/imagenette_defenses/models.py).")
  seeds: tuple[int, ...] = flag_field(
      (0,), "Training seeds per model (weights, data order, augmentation); the adversarial retraining of seed s "
      "starts from the base model of seed s. Claims about a training method need >= 2 (the paper ran one).",
      bounds=NON_NEGATIVE)
  pretrained_dir: Optional[str] = flag_field(
      None, "Folder with torchvision ImageNet weights <model>.safetensors/.npz (converted by "
      "data_prep/torchvision_weights.py); without it every model trains from scratch.")
  base_epochs: int = flag_field(5, "Fine-tuning epochs (§III-C: 5).", bounds=AT_LEAST_ONE)
  batch_size: int = flag_field(64, "Batch size (authors' code: 64).", bounds=AT_LEAST_ONE)
  learning_rate: float = flag_field(0.01, "SGD learning rate (§III-C: 0.01).", bounds=POSITIVE)
  momentum: float = flag_field(0.9, "SGD momentum (§III-C: 0.9).", bounds=UNIT_CLOSED)
  at_epochs: int = flag_field(10, "Adversarial retraining epochs (§III-E: 10).", bounds=NON_NEGATIVE)
  at_eps: float = flag_field(
      0.025, "FGSM eps of the adversarial training examples (UNSTATED; the headline eps* 0.025).", bounds=UNIT_CLOSED)
  at_ratio: float = flag_field(
      0.5, "Fraction of each batch replaced by adversarial examples (UNSTATED; Goodfellow's alpha = 0.5).",
      bounds=UNIT_CLOSED)
  at_variants: tuple[str, ...] = flag_field(
      ("fgsm",), "Adversarial training examples: fgsm (the paper, §II-C), dgsm_random (the slides: DGSM toward random "
      "targets).")
  fgsm_eps: tuple[float, ...] = flag_field(FGSM_EPS, "FGSM eps* grid (Fig. 3).", bounds=UNIT_CLOSED)
  dgsm_eps: tuple[float, ...] = flag_field(DGSM_EPS, "DGSM eps* grid (Fig. 5).", bounds=UNIT_CLOSED)
  dgsm_iterations: int = flag_field(40, "DGSM iterations (UNSTATED; Madry-Kolter tutorial pgd_linf_targ: 40).",
                                    bounds=AT_LEAST_ONE)
  dgsm_step: float = flag_field(0.01, "DGSM step size a (UNSTATED; tutorial: 1e-2).", bounds=POSITIVE)
  target_class: int = flag_field(TARGET_CLASS, "DGSM target label (§III-D: 1).", bounds=Bounds(0, NUM_CLASSES - 1))
  averaging_n: tuple[int, ...] = flag_field((20, 100), "Predictions averaged (UNSTATED; 'many').", bounds=AT_LEAST_ONE)
  averaging_eps_max: float = flag_field(0.3, "Averaging noise radius (§II-C: 0.3).", bounds=NON_NEGATIVE)
  averaging_fgsm_eps: tuple[float, ...] = flag_field(FGSM_EPS, "FGSM eps* judged through averaging (Fig. 6).",
                                                     bounds=UNIT_CLOSED)
  averaging_dgsm_eps: tuple[float, ...] = flag_field(DGSM_EPS, "DGSM eps* judged through averaging.",
                                                     bounds=UNIT_CLOSED)
  eot_fgsm_eps: tuple[float, ...] = flag_field(
      (0.025, 0.1), "Beyond the paper: FGSM eps* crafted through the averaging (EOT); empty: none.", bounds=UNIT_CLOSED)
  eot_draws: int = flag_field(
      5, "Beyond the paper: evaluation draws of the averaging's noise; an image counts as correct only if every "
      "draw classifies it correctly (worst case).", bounds=AT_LEAST_ONE)
  copies_per_call: int = flag_field(
      2048, "Noisy copies sent through the model in one call (averaging is chunked to N x B <= this; the EOT attack "
      "takes gradients through them, so memory grows with copies x pixels: 2048 at 32 px fits 24 GB, a profile at "
      "a larger size scales it down by the pixel ratio).", bounds=AT_LEAST_ONE)
  train_take: Optional[int] = flag_field(None, "Use only the first N training images (smoke tests).",
                                         bounds=AT_LEAST_ONE)
  test_take: Optional[int] = flag_field(None, "Use only the first N held-out images (smoke tests).",
                                        bounds=AT_LEAST_ONE)

  @property
  def resize_size(self) -> int:
    """Shorter side before the center crop: 256/224 of the crop (Resize(256) + CenterCrop(224) at 224)."""
    return int(round(self.image_size * 256 / 224))

  def validate(self) -> None:
    """Raises AdvTfError for settings the study cannot run (before any data loads; numeric ranges: the fields'
    bounds)."""
    from adv_tf.data.datasets import DATASETS
    from adv_tf.studies.imagenette_defenses.models import MODEL_BUILDERS  # lazy: keras
    check_config(self)
    DATASETS.get(self.dataset)
    if self.split_mode not in SPLIT_MODES:
      raise AdvTfError(f"--split_mode must be one of {', '.join(SPLIT_MODES)}, got {self.split_mode!r}")
    if not self.models:
      raise AdvTfError("--models needs at least one model, e.g. googlenet")
    if not self.seeds or len(set(self.seeds)) != len(self.seeds):
      raise AdvTfError(f"--seeds must be distinct integers, got {self.seeds!r}")
    for model in self.models:
      if model not in MODEL_BUILDERS:
        raise AdvTfError(f"unknown model {model!r} in --models; choose from: {', '.join(MODEL_BUILDERS)}")
    for variant in self.at_variants:
      if variant not in AT_VARIANTS:
        raise AdvTfError(f"unknown --at_variants entry {variant!r}; choose from: {', '.join(AT_VARIANTS)}")


# quick: designed to DECIDE claims within 15 minutes on 2 cores from a fresh model cache (issue 22 item 1), at the
# scale that fits (32 px from scratch; issue 13), never by weaker attacks or shorter training: the §III-C recipe
# for 30 epochs, 10 epochs of FGSM retraining (§III-E), DGSM at full strength (40 x 0.01), averaging N = 20.
# * Units (claims.py): D4, D9-D11 and D12b are about a training method (adversarial retraining, §III-E; two
#   architectures, §III-D), whose replicate is the trained model: one seed reads "this model", never decided; with
#   k seeds the paired t over common seeds has k - 1 degrees of freedom, one-sided 2.5% bound 12.7 (k = 2), 4.30
#   (3), 3.18 (4). D2, D5-D8 and D12a are about one trained model (averaging acts at prediction time), judged on
#   the 500 held-out images; every cell sees the same images, so the cells record per-image outcomes and the
#   engine pairs them (exact McNemar on seed-averaged outcomes) instead of Newcombe's unpaired interval.
# * Measured (run of b801b87, 2026-12-05, 2 cores, fresh cache, 704 s for the study): WRN-10-2 trains its 30
#   epochs in 123 s and its base cell took 224 s (FGSM grid, DGSM at 2 eps*, averaging at 4 + 3 eps*, EOT with 3
#   draws: 101 s); FGSM retraining 48 s, its cell 84 s. GoogLeNet: 126 s, 257 s, 132 s, at 24% clean (WRN-10-2:
#   49%). Three seeds of both would take about 2 x 15 minutes.
# * So quick runs THREE seeds of WRN-10-2 alone (the cheaper and the stronger model), base and FGSM retraining
#   with common seeds (the retraining of seed s starts from base seed s), and drops the cells that decide no
#   claim: the EOT / worst-of-draws checks (beyond the paper; cpu-full runs them) and DGSM at eps* 0.005 (D5 and
#   D12 read the largest eps* <= 0.015; D8 and D11's smaller 0.005 cells only add Holm multiplicity). DGSM runs at
#   0.015; averaging at FGSM eps* 0 and 0.025 (D7, D6) and 0.1, 0.3 (Fig. 6's shape, forward passes only).
#   Measured (run of 85d5003, 2026-12-05, fresh cache, 2 cores, load 1.9-2.2): 13 min 54 s wall (827 s in the
#   study), 1,425 CPU-s; base cells 192-196 s, retraining cells 80 s. 8 of 14 claims decided (D2, D5-D8, D10, D11,
#   D12a; before: 2). Seed 0 alone put D8 at a floor (0.2% / 1.0% target rate through averaging); seeds 1, 2 lift it.
# * Left to other profiles: D4 needs GoogLeNet and a Wide ResNet with >= 2 seeds each (cpu-full runs both
#   architectures at 112 px at 3 seeds, so it can decide D4); D1, D3 are absolute numbers
#   that need pretrained weights at 224 px (paper profile); D13 is qualitative. Undecided in that run: D9 (effect
#   -0.4 pp, seed sd 4.0 pp: no seed count quick affords) and D12b (-11.2 pp, seed sd 6.6 pp: about 6 seeds, 2x
#   quick's budget).
QUICK = ImagenetteDefensesConfig(
    "quick", image_size=32, models=("wrn10_2",), seeds=(0, 1, 2), base_epochs=30, at_epochs=10,
    dgsm_eps=(0.0, 0.015), averaging_n=(20,), averaging_fgsm_eps=(0.0, 0.025, 0.1, 0.3),
    averaging_dgsm_eps=(0.015,), eot_fgsm_eps=())
# cpu-full: the paper's two architectures (GoogLeNet and a Wide ResNet) from scratch at 112 px, sized
# to about 8 h wall on 2 cores (issue 22 item 2; it resumes, so it may be split across sessions). ESTIMATE, not a
# measurement. Unit t = the wall time of one training image-step; from the quick run above (WRN-10-2, 32 px):
# t = 134 s / 59,520 image-steps = 2.25 ms, a forward pass ~t/4 and an input gradient ~t/2 (the base cell's other
# 58 s: 20.5k gradients + 66.5k forwards), an FGSM-retraining image-step 1.19 t. The cpu-full models scale t by
# the CPU-ms of a training step measured at batch 16 on this machine (2026-12-05, niced, one core busy elsewhere):
# WRN-16-4 at 112 px 265.6 vs WRN-10-2 at 32 px 3.78 (x70: t ~158 ms); GoogLeNet at 112 px 28.2 vs 32 px 5.97
# (x4.7 on quick's GoogLeNet t of 2.12 ms: t ~10 ms). Uncertain by about +-30%.
# * The former cpu-full (full grids, N = 20 and 100, EOT at 2 eps*, FGSM and DGSM-random AT) per (model, seed):
#   base training 60,000 t; base evaluation 647,000 t (DGSM: 15 eps* x 40 x 500 gradients = 150,000 t; averaging:
#   29 eps* x 500 x 120 copies = 435,000 t; EOT 60,000 t); FGSM AT 23,800 t + its grids 152,000 t; DGSM-random AT
#   (40 DGSM gradients per adversarial half-batch image) 220,000 t + 152,000 t: 1,255,000 t = ~55 h for WRN-16-4
#   and ~3.5 h for GoogLeNet per seed, not one sitting but two and a half days.
# * So cpu-full keeps what the claims read, as quick does, and drops what decides none: DGSM at eps* 0.015 (D5,
#   D11, D12; the other 14 eps* only draw Fig. 5 at 10,000 t each per cell), averaging N = 20 at FGSM eps* 0,
#   0.025, 0.1, 0.3 and DGSM 0.015 (D6-D8, D12a; N = 100 would add 75,000 t, ~3.3 h on WRN-16-4), FGSM AT only
#   (the DGSM-random variant is the slides', no claim), EOT with 5 draws at eps* 0.025 only (D6's eps*; beyond the
#   paper, no claim, but the adaptive check of averaging: 30,000 t). Per (model, seed): 60,000 + base grids 1,875 +
#   10,000 + 15,000 + 30,000 + AT 23,800 + 11,875 = 152,550 t: WRN-16-4 ~24,100 s, GoogLeNet ~1,530 s. One seed:
#   ~25,600 s = ~7.1 h.
# * Seeds: D4 and D9-D12b are about a training method and need >= 2 seeds of both architectures (t bound 12.7 at
#   2 seeds: with quick's D9 seed sd of 4.0 pp only an effect > 12.7 x 4.0 / sqrt(2) = 36 pp is decided; 4.30 at 3
#   seeds, as quick). With WRN-16-4 they do not fit: 2 seeds ~14 h, 3 seeds ~21 h. So cpu-full's Wide ResNet is
#   quick's WRN-10-2 (545M vs WRN-16-4's 4,810M multiply-adds per image at 112 px; t ~18-27 ms by that ratio, not
#   measured): both architectures at 3 seeds, (1,530 + 2,750 to 4,100 s) x 3 = ~3.6-4.7 h, so that D4 and D9-D12b
#   can be decided, which one seed of the larger WRN-16-4 never can. A smaller stand-in for the paper's WRN-50-2,
#   trained to convergence by the same recipe (not an undertrained model): the paper profile keeps WRN-50-2;
#   `--models=googlenet,wrn16_4 --seeds=0` is the one-seed run with the wider model (~7.1 h). Not run: D1, D3
#   (pretrained weights at 224 px: paper profile); D13 is qualitative.
# Copies per model call: 2048 at 32 px is what quick runs on a 24 GB, 2-core machine; the first cpu-full attempt
# at 112 px with 2048 (EOT's gradients through 2048 GoogLeNet copies) was killed at 24.4 GB resident (2026-12-05),
# so the larger profiles keep copies x pixels at quick's (167 at 112 px, 41 at 224 px). Chunking changes no
# setting of an attack, only how many noisy copies share a call (and so the random draws, not their distribution).
COPIES_AT_32PX = 2048
PROFILES = {
    "quick": QUICK,
    "cpu-full": ImagenetteDefensesConfig(
        "cpu-full", image_size=112, models=("googlenet", "wrn10_2"), seeds=(0, 1, 2), base_epochs=30, at_epochs=10,
        dgsm_eps=(0.0, 0.015), averaging_n=(20,), averaging_fgsm_eps=(0.0, 0.025, 0.1, 0.3),
        averaging_dgsm_eps=(0.015,), eot_fgsm_eps=(0.025,), copies_per_call=COPIES_AT_32PX * 32 ** 2 // 112 ** 2),
    # The paper's setting (GPU): WRN-50-2 and GoogLeNet at 224, pretrained when --pretrained_dir is given.
    "paper": ImagenetteDefensesConfig("paper", at_variants=("fgsm", "dgsm_random"),
                                      copies_per_call=COPIES_AT_32PX * 32 ** 2 // 224 ** 2),
    # smoke: checks an install (every stage on real data, under a minute of CPU) and decides nothing: its report says
    # so and every claim comes out "not decided" (adv_tf/experiment/smoke.py). Its attacks and training are cut far
    # below the paper's, which only this profile may do.
    "smoke": ImagenetteDefensesConfig(
        "smoke", image_size=32, models=("wrn10_2",), train_per_class=10, test_per_class=5, base_epochs=1, at_epochs=1,
        fgsm_eps=(0.0, 0.025), dgsm_eps=(0.0, 0.005), dgsm_iterations=5, averaging_n=(4,),
        averaging_fgsm_eps=(0.0, 0.025), averaging_dgsm_eps=(0.005,), eot_fgsm_eps=(0.025,), eot_draws=1),
}
