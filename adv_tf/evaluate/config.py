"""What `adv-tf-evaluate` runs on the user's model: the config (one flag per field) and its three profiles.

The battery is the papers': FGSM, BIM and PGD with paper 000's named `foolbox3` preset (Foolbox 3 defaults, as the
authors' run_adv.py), DeepFool with Moosavi-Dezfooli et al.'s defaults and untargeted CW-L2 with Carlini & Wagner's
(the `carlini_wagner2017` preset) as minimal distances per image, paper 002's targeted CW class-distance matrix on
best-estimate samples (§4.4), and the defenses of papers 000 (JPEG, TVM) and 003 (prediction averaging), judged
gray-box (as the papers did) and adaptively (BPDA / EOT, Athalye et al. 2018). Profiles save time with fewer images
and budgets, never with weaker attacks: every profile runs the same attack settings.

Budgets are fractions of the input range's width (`--eps=0.1` is 0.1 in [0, 1] pixels and 25.5 in [0, 255]), so
one eps list fits every `--input_range`.
"""
from __future__ import annotations

import dataclasses

from adv_tf.attacks.cw_config import CWConfig
from adv_tf.errors import AdvTfError
from adv_tf.experiment.bounds import AT_LEAST_ONE, NON_NEGATIVE, POSITIVE, UNIT_LOW_OPEN, Bounds
from adv_tf.utils.config import ConfigMixin, flag_field, nested_field

NAME = "evaluate"
EPS_ATTACKS = ("fgsm", "bim", "pgd", "deepfool")
DEFENSES = ("none", "jpeg", "tvm", "averaging")
# How each defense is attacked adaptively (adv_tf/defenses/base.py): JPEG is not differentiable (BPDA), TVM is
# randomized and approximated by the identity on the way back (BPDA with EOT over its masks), averaging is
# randomized and differentiable (EOT).
ADAPTIVE_MODES = {"jpeg": "bpda", "tvm": "eot", "averaging": "eot"}
DEFAULT_SPLIT = "test"


def parse_dataset(value: str) -> tuple[str, str]:
  """"mnist" -> ("mnist", "test"); "mnist:test[:500]" -> ("mnist", "test[:500]")."""
  name, _, split = value.partition(":")
  return name.strip(), (split.strip() or DEFAULT_SPLIT)


@dataclasses.dataclass(frozen=True)
class EvaluateConfig(ConfigMixin):
  """One evaluation of a Keras classifier (see the field help texts)."""
  profile: str = flag_field("quick", "Profile name: smoke, quick or full.")
  model: str = flag_field("", "The Keras model to evaluate (.keras file); it must output logits.")
  dataset: str = flag_field("", "TFDS dataset (adv_tf.data.DATASETS name) and split, e.g. mnist or mnist:test[:1000] "
                            "(default split: test).")
  input_range: tuple[float, ...] = flag_field((0.0, 1.0), "low,high: the pixel range the model was trained on "
                                              "(e.g. 0,1 or -0.5,0.5 or 0,255); images are scaled to it.",
                                              bounds=Bounds())
  check_range: bool = flag_field(True, "Refuse an --input_range under which the model misclassifies far more of "
                                 "the first 256 images than under another common range (adv_tf/evaluate/checks.py).")
  strip_softmax: bool = flag_field(False, "The model ends in a softmax (a Softmax layer or a Dense layer with "
                                   "activation='softmax'): evaluate it without, on its logits.")
  eval_images: int = flag_field(500, "Images of the split for clean accuracy, the eps sweeps and the defenses "
                                "(the first N).", bounds=AT_LEAST_ONE)
  attacks: tuple[str, ...] = flag_field(("fgsm", "bim", "pgd"), "L-inf attacks swept over --eps with "
                                        "--attack_preset: " + ", ".join(EPS_ATTACKS) + ".")
  attack_preset: str = flag_field("foolbox3", "Named settings of the eps-swept attacks (adv_tf.attacks.presets): "
                                  "foolbox3 = paper 000's (Foolbox 3.3.4 defaults: BIM 10 x 0.2 eps; PGD 40 x eps/30 "
                                  "from a random start; DeepFool L-inf 50 steps, 10 candidates, overshoot 0.02).")
  eps: tuple[float, ...] = flag_field((2 / 255, 8 / 255, 0.1, 0.2, 0.3), "L-inf budgets as fractions of the input "
                                      "range's width (8/255 = 0.0314).", bounds=UNIT_LOW_OPEN)
  minimal_images: int = flag_field(50, "Images (the first N of the split) whose minimal DeepFool-L2 and CW-L2 "
                                   "distances are measured.", bounds=NON_NEGATIVE)
  deepfool_max_iter: int = flag_field(50, "DeepFool iterations (Moosavi-Dezfooli et al. 2016, Alg. 2: 50).",
                                      bounds=AT_LEAST_ONE)
  deepfool_overshoot: float = flag_field(0.02, "DeepFool overshoot (Moosavi-Dezfooli et al. 2016 §3: 0.02).",
                                         bounds=NON_NEGATIVE)
  cw: CWConfig = nested_field(CWConfig, "CW-L2 of the minimal distances and the class-distance matrix (Carlini & "
                              "Wagner 2017's defaults and exact schedule, as paper 002 §5.2). Its kappa stays 0: "
                              "minimal distances are measured at the decision boundary.")
  samples_per_class: int = flag_field(1, "Candidates per class for the best-estimate samples of the class-distance "
                                      "matrix (paper 002 §4.4: 100); 0 skips the matrix.", bounds=NON_NEGATIVE)
  defenses: tuple[str, ...] = flag_field(DEFENSES, "Defense rows judged gray-box (crafted on the undefended model; "
                                         "papers 000 and 003): " + ", ".join(DEFENSES) + ".")
  jpeg_quality: int = flag_field(10, "JPEG quality (paper 000's code: 10 for 28-px images, 50 for CIFAR and "
                                 "ImageNet).", bounds=Bounds(1, 100))
  tvm_keep_prob: float = flag_field(0.8, "TVM pixel keep probability (paper 000's ART setting for MNIST: 0.8).",
                                    bounds=UNIT_LOW_OPEN)
  tvm_weight: float = flag_field(0.5, "TVM weight lambda (paper 000's ART setting for MNIST: 0.5).", bounds=POSITIVE)
  tvm_iterations: int = flag_field(25, "TVM solver iterations (paper 000's ART setting: 25).", bounds=AT_LEAST_ONE)
  averaging_n: int = flag_field(20, "Prediction averaging: predictions per image (paper 003 §II-C states none; 20).",
                                bounds=AT_LEAST_ONE)
  averaging_eps: float = flag_field(0.3, "Prediction averaging: uniform L-inf noise as a fraction of the range "
                                    "width (paper 003: 0.3).", bounds=NON_NEGATIVE)
  adaptive_eps: tuple[float, ...] = flag_field((0.1,), "Budgets (fractions of the range width) of the adaptive PGD "
                                               "through each defense; empty skips the adaptive rows.",
                                               bounds=UNIT_LOW_OPEN)
  adaptive_images: int = flag_field(50, "Images (the first N) attacked adaptively through each defense.",
                                    bounds=AT_LEAST_ONE)
  eot_samples: int = flag_field(8, "EOT: random draws of a randomized defense averaged per attack step (Athalye "
                                "et al. 2018).", bounds=AT_LEAST_ONE)
  judge_batch: int = flag_field(256, "Images per forward pass when judging (randomized defenses draw per batch).",
                                bounds=AT_LEAST_ONE)

  @property
  def dataset_name(self) -> str:
    return parse_dataset(self.dataset)[0]

  @property
  def split(self) -> str:
    return parse_dataset(self.dataset)[1]

  @property
  def range_width(self) -> float:
    return float(self.input_range[1] - self.input_range[0])

  def validate(self) -> None:
    """One line for settings no run can use, before anything loads (the CLI checked the numeric bounds)."""
    from adv_tf.attacks.presets import PRESETS
    from adv_tf.data.datasets import DATASETS
    from adv_tf.evaluate.checks import check_model_path
    if not self.model:
      raise AdvTfError("--model is required: the path of a .keras file (keras.Model.save('model.keras'))")
    check_model_path(self.model)
    if not self.dataset:
      raise AdvTfError("--dataset is required, e.g. --dataset=mnist or --dataset=cifar10:test[:1000]")
    if self.dataset_name not in DATASETS:
      raise AdvTfError(f"unknown --dataset {self.dataset_name!r}; choose one of: {', '.join(DATASETS)}")
    if len(self.input_range) != 2 or not self.input_range[1] > self.input_range[0]:
      raise AdvTfError(f"--input_range must be low,high with high > low, e.g. 0,1; got {self.input_range}")
    for name, values, known in (("attacks", self.attacks, EPS_ATTACKS), ("defenses", self.defenses, DEFENSES)):
      unknown = [v for v in values if v not in known]
      if unknown:
        raise AdvTfError(f"unknown --{name} entry {unknown[0]!r}; choose from: {', '.join(known)}")
    preset = PRESETS.get(self.attack_preset)
    missing = [a for a in self.attacks if a not in preset.settings]
    if missing:
      raise AdvTfError(f"--attack_preset={self.attack_preset} has no setting for {missing[0]}; drop it from "
                       f"--attacks or choose a preset covering it")
    self.cw.validate()
    if self.cw.confidence != 0:
      raise AdvTfError(f"--cw.confidence={self.cw.confidence:g}: minimal distances are measured at kappa 0 "
                       "(paper 002 §5.2); leave it at 0")
    if self.adaptive_eps and "pgd" not in preset.settings:
      raise AdvTfError(f"the adaptive rows run the preset's PGD, which --attack_preset={self.attack_preset} lacks")

  def cw_params(self) -> dict:
    """Keyword arguments of `carlini_wagner_l2` (kappa 0: minimal distances, paper 002 §5.2)."""
    return self.cw.attack_kwargs()


# Profiles: fewer images and budgets, the same attacks. quick: baseline LeNet + MNIST within 10 minutes on 2 cores
# (README); full: the whole split and a finer eps grid; smoke: seconds, for tests and installs (decides nothing).
PROFILES = {
    "quick": EvaluateConfig(profile="quick"),
    "full": EvaluateConfig(profile="full", eval_images=10000, eps=(1 / 255, 2 / 255, 4 / 255, 8 / 255, 16 / 255, 0.1,
                                                                    0.15, 0.2, 0.25, 0.3),
                           minimal_images=1000, samples_per_class=10, adaptive_eps=(8 / 255, 0.1, 0.3),
                           adaptive_images=500),
    "smoke": EvaluateConfig(profile="smoke", eval_images=16, eps=(0.1, 0.3), minimal_images=4, samples_per_class=1,
                            adaptive_eps=(0.1,), adaptive_images=4),
}
