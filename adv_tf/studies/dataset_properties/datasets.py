"""Per-dataset settings of paper 000 (pure Python, no TensorFlow): sizes, model, defenses, published clean accuracy.

Sources: paper 000 §IV (sizes, models, clean accuracies), the authors' code (`parameters/*_parameters.json`:
JPEG quality, TVM settings), spec paper000_dataset_properties.md §1.1-1.8.
"""
from __future__ import annotations

import dataclasses

from adv_tf.errors import AdvTfError

PROPERTIES = ("size", "contrast")
CONTRASTS = (0.5, 1.0, 2.0)  # paper §IV-B: half, original, double


@dataclasses.dataclass(frozen=True)
class DatasetSetup:
  """What the study needs to know about one dataset of paper 000."""
  name: str                    # adv_tf.data dataset name
  key: str                     # figure-name prefix in figures_digitized.json
  stored_size: int             # side of the stored images (contrast is applied at this resolution)
  sizes: tuple[int, int, int]  # 1/2x, 1x, 2x (ImageNet 1/4x, 1/2x, 1x of 224)
  original_size: int
  model: str                   # adv_tf.models name
  train_preset: str            # `recipes.RECIPES` key (the paper's recipe)
  jpeg_quality: int            # authors' code: 10 for MNIST/F-MNIST, 50 for CIFAR and ImageNet
  tvm_preset: str              # adv_tf.defenses.tvm_art.PRESETS key
  paper_clean: dict            # setting label -> published clean accuracy (fraction) where the text gives one
  local_copy: str              # what exists offline (README of /work/shared/datasets)
  finetune_resized_from_original: bool = False  # CIFAR-10 (paper §IV-A-2)


SETUPS: dict[str, DatasetSetup] = {
    "mnist": DatasetSetup(
        "mnist", "mnist", 28, (14, 28, 56), 28, "madry_cnn", "paper000_madry_cnn", 10, "mnist",
        {"28": 0.9839, "c0.5": 0.9797, "c2": 0.9844}, "full"),
    "fashion_mnist": DatasetSetup(
        "fashion_mnist", "fmnist", 28, (14, 28, 56), 28, "madry_cnn", "paper000_madry_cnn", 10, "fashion_mnist",
        {"28": 0.9120}, "full"),
    "cifar10": DatasetSetup(
        "cifar10", "cifar10", 32, (16, 32, 64), 32, "resnet18_cifar", "paper000_cifar10_resnet18", 50, "cifar10",
        {"32": 0.9477, "c0.5": 0.9418, "c2": 0.9310}, "20k class-balanced train subset, JPEG-q75 pixels",
        finetune_resized_from_original=True),
    "cifar100": DatasetSetup(
        "cifar100", "cifar100", 32, (16, 32, 64), 32, "resnet18_cifar", "paper000_cifar100_resnet18", 50,
        "cifar100", {"32": 0.7457, "c0.5": 0.7513, "c2": 0.7215}, "none (TFDS download only)"),
    "imagenet": DatasetSetup(
        "imagenet2012", "imagenet", 224, (56, 112, 224), 224, "resnet18", "paper000_imagenet_resnet18", 50,
        "imagenet", {"224": 0.7012, "c0.5": 0.6954, "c2": 0.6798}, "none (TFDS manual download only)"),
}


def setup(name: str) -> DatasetSetup:
  if name not in SETUPS:
    raise AdvTfError(f"unknown dataset {name!r}; choose from: {', '.join(SETUPS)}")
  return SETUPS[name]


def finetunes_from_original(name: str, size: int, contrast: float) -> bool:
  """Whether this model starts from the original-size model's weights (resized CIFAR-10, paper §IV-A-2)."""
  setup_ = setup(name)
  return setup_.finetune_resized_from_original and size != setup_.original_size and contrast == 1.0


def setting_label(size: int, contrast: float) -> str:
  """'28' for a size setting at 1x contrast, 'c0.5' / 'c2' for the contrast models at the original size."""
  return f"{size}" if contrast == 1.0 else f"c{contrast:g}"


def model_settings(name: str, properties) -> list[tuple[int, float]]:
  """(size, contrast) of every model a dataset needs; the 1x-contrast model is the original-size model."""
  s = setup(name)
  out: list[tuple[int, float]] = []
  if "size" in properties:
    out += [(size, 1.0) for size in s.sizes]
  if "contrast" in properties:
    out += [(s.original_size, c) for c in CONTRASTS if (s.original_size, c) not in out]
  return out


def figure_settings(name: str, prop: str) -> list[tuple[str, str]]:
  """[(figure bar label, our setting label)] of a dataset's figure for `prop`, in the figure's bar order."""
  s = setup(name)
  if prop == "size":
    return [(str(size), setting_label(size, 1.0)) for size in s.sizes]
  return [(f"{c:g}", setting_label(s.original_size, c)) for c in CONTRASTS]
