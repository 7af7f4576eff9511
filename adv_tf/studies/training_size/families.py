"""Families of paper 004 (one curve of Figs. 1-4): dataset x architecture x augmentation, and their recipes.

Architectures follow Table 1 (`published.TABLE1` holds the counts). "+D" (§4.2): ResNet gets "random
shifting and flipping" (Keras ResNet example: shift 0.1 + horizontal flip); DenseNet gets "random shifting,
flipping and rotation" (Keras DenseNet example: rotation 15 degrees, shift 5/32, flip), drawn afresh every
epoch. Flips on MNIST digits are kept as the paper states them (flagged in the report).

Recipes (§4.1 states none): 'adam' is one recipe for every family (ours:
Adam 1e-3, batch 128); 'per_family' uses the public recipe whose parameter counts the paper's models match:
C&W's train_models.py for the MLP and Simple CNN (SGD 0.01, Nesterov momentum 0.9, batch 128, 50 epochs;
its 1e-6 learning-rate decay is not applied), the Keras CIFAR-10 ResNet example (Adam 1e-3, batch 32, 200
epochs, x0.1 at epochs 80, 120, 160; its last x0.5 at 180 is left out) and a Keras DenseNet example (Adam
1e-3, batch 64, 200 epochs, x0.316 after 5 epochs without training-loss improvement: the plateau is read on
the training loss so the test set never steers training).
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any, Mapping

from adv_tf.errors import AdvTfError
from adv_tf.training import TrainConfig

NUM_CLASSES = {"mnist": 10, "cifar10": 10, "stl10": 10, "tiny_imagenet": 200}
DATASET_LABELS = {"mnist": "MNIST", "cifar10": "CIFAR-10", "stl10": "STL-10", "tiny_imagenet": "Tiny ImageNet"}


@dataclasses.dataclass(frozen=True)
class Architecture:
  """A Table 1 architecture: registered model, its options, its label, its recipe and its "+D" transforms."""
  model: str
  label: str
  recipe: str
  model_options: Mapping[str, Any] = dataclasses.field(default_factory=dict)
  augmentation: tuple[dict, ...] = ()


ARCHITECTURES: dict[str, Architecture] = {
    "mlp": Architecture("mlp", "2-layer perceptron", "cw", {"hidden_units": 1024}),
    "simple_cnn": Architecture("simple_cnn", "Simple CNN", "cw"),
    "vgg20": Architecture("vgg20", "Simple CNN (VGG-20)", "cw"),
    "resnet20": Architecture("resnet20", "ResNet-20", "keras_resnet",
                             augmentation=({"name": "random_shift", "max_fraction": 0.1}, {"name": "random_flip"})),
    "resnet32": Architecture("resnet32", "ResNet-32", "keras_resnet",
                             augmentation=({"name": "random_shift", "max_fraction": 0.1}, {"name": "random_flip"})),
    "densenet40": Architecture("densenet40", "DenseNet-40", "keras_densenet",
                               augmentation=({"name": "random_rotation", "max_degrees": 15.0},
                                             {"name": "random_shift", "max_fraction": 0.15625},
                                             {"name": "random_flip"})),
}

# The public recipes (see module docstring); the step decays are rescaled when epochs change.
RECIPES: dict[str, TrainConfig] = {
    "adam": TrainConfig(optimizer="adam", learning_rate=1e-3, batch_size=128, epochs=50),
    "cw": TrainConfig(optimizer="sgd", learning_rate=0.01, momentum=0.9, nesterov=True, batch_size=128, epochs=50),
    "keras_resnet": TrainConfig(optimizer="adam", learning_rate=1e-3, batch_size=32, epochs=200, lr_schedule="step",
                                lr_decay_epochs=(80, 120, 160), lr_decay_factor=0.1),
    "keras_densenet": TrainConfig(optimizer="adam", learning_rate=1e-3, batch_size=64, epochs=200,
                                  lr_schedule="plateau", plateau_patience=5, plateau_factor=math.sqrt(0.1)),
}


AUGMENT_SUFFIX = "+D"  # a family trained with §4.2's augmentation: "cifar10/resnet32+D"


@dataclasses.dataclass(frozen=True)
class Family:
  """One curve: `dataset/architecture` with or without "+D"."""
  dataset: str
  architecture: str
  augment: bool

  @property
  def name(self) -> str:
    return _augmented(f"{self.dataset}/{self.architecture}", self.augment)

  @property
  def arch(self) -> Architecture:
    return ARCHITECTURES[self.architecture]

  @property
  def label(self) -> str:
    return _augmented(self.arch.label, self.augment)

  @property
  def num_classes(self) -> int:
    return NUM_CLASSES[self.dataset]


def _augmented(text: str, augment: bool) -> str:
  """A family's name or label: `text`, with the "+D" of the augmented variant (§4.2)."""
  return text + AUGMENT_SUFFIX if augment else text


def parse_family(name: str) -> Family:
  """'cifar10/resnet32+D' -> Family; AdvTfError with the valid choices otherwise."""
  if not isinstance(name, str) or name.count("/") != 1:
    raise AdvTfError(f"family {name!r} must look like '<dataset>/<architecture>[+D]', e.g. 'cifar10/resnet32+D'")
  dataset, arch = name.split("/")
  augment = arch.endswith(AUGMENT_SUFFIX)
  arch = arch.removesuffix(AUGMENT_SUFFIX)
  if dataset not in NUM_CLASSES:
    raise AdvTfError(f"family {name!r}: unknown dataset {dataset!r}; choose one of: {', '.join(NUM_CLASSES)}")
  if arch not in ARCHITECTURES:
    raise AdvTfError(f"family {name!r}: unknown architecture {arch!r}; choose one of: {', '.join(ARCHITECTURES)}")
  if augment and not ARCHITECTURES[arch].augmentation:
    raise AdvTfError(f"family {name!r}: paper 004 has '+D' only for ResNet and DenseNet (§4.2)")
  return Family(dataset, arch, augment)


def train_config(family: Family, *, recipe: str, epochs: int, max_epochs: int, min_steps: int, size: int,
                 seed: int) -> TrainConfig:
  """The TrainConfig of one model, with the study's step policy.

  Step policy (ours; §4.1 states none): a model trains for max(E, ceil(min_steps / steps_per_epoch)) epochs,
  where E is `epochs` (recipe 'adam') or the family recipe's epochs capped at `max_epochs` (0: no cap). So a
  small subset gets at least `min_steps` optimizer steps instead of a fraction of the full set's. Step
  decay epochs are scaled by the same factor as the epoch count.
  """
  base = RECIPES["adam" if recipe == "adam" else family.arch.recipe]
  nominal = epochs if recipe == "adam" else (min(base.epochs, max_epochs) if max_epochs else base.epochs)
  batch = min(base.batch_size, int(size))  # only tiny smoke-test subsets are smaller than a batch
  steps_per_epoch = max(size // batch, 1)
  total = max(int(nominal), math.ceil(min_steps / steps_per_epoch))
  scale = total / base.epochs
  decays = tuple(max(1, round(e * scale)) for e in base.lr_decay_epochs)
  return base.replace(epochs=total, lr_decay_epochs=decays, seed=int(seed), shuffle_buffer=min(size, 60000),
                      batch_size=batch)
