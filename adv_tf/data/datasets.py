"""Registry of the datasets the suite uses, each a `DatasetSpec` that says how to read it from TFDS.

Datasets by paper: MNIST (000, 001, 002, 004), Fashion-MNIST (000), CIFAR-10 (000, 004), CIFAR-100 (000),
STL-10 (004), Tiny ImageNet (004), Imagenette (003), ImageNet 2012 (000).
"""
from __future__ import annotations

import dataclasses
from typing import Mapping

from adv_tf.registry import Registry


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
  """How to read one dataset.

  Attributes:
    name: registered name.
    tfds_name: TFDS name (with config), e.g. "imagenette/160px-v2".
    num_classes: number of classes.
    image_shape: stored (H, W, C); None for a dimension that varies between images.
    in_memory: small enough (decoded, < ~600 MB as float32) to be read once into memory and cached.
    prepare: how a missing copy gets prepared: "download" (TFDS downloads it, needs the network),
      "manual" (TFDS builds it from files the user put in DATA_DIR/downloads/manual, no network), or
      "import" (only `make data` / `data_prep.import_raw` can create it).
    split_aliases: extra split names, e.g. {"test": "validation"} where no test split has labels.
    note: what a report should know (e.g. the local copy is a subset).
  """
  name: str
  tfds_name: str
  num_classes: int
  image_shape: tuple[int | None, int | None, int]
  in_memory: bool = False
  prepare: str = "download"
  split_aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)
  note: str = ""


DATASETS: Registry[DatasetSpec] = Registry("dataset")

_VALIDATION_AS_TEST = {"test": "validation"}


def _add(spec: DatasetSpec) -> DatasetSpec:
  return DATASETS.register(spec.name)(spec)


_add(DatasetSpec("mnist", "mnist", 10, (28, 28, 1), in_memory=True))
_add(DatasetSpec("fashion_mnist", "fashion_mnist", 10, (28, 28, 1), in_memory=True))
_add(DatasetSpec("cifar10", "cifar10", 10, (32, 32, 3), in_memory=True))
_add(DatasetSpec("cifar100", "cifar100", 100, (32, 32, 3), in_memory=True))
_add(DatasetSpec("stl10", "stl10", 10, (96, 96, 3), in_memory=True,
                 note="labelled train (5,000) and test (8,000) only"))
_add(DatasetSpec("tiny_imagenet", "tiny_imagenet", 200, (64, 64, 3), split_aliases=_VALIDATION_AS_TEST,
                 note="test split has no labels: 'test' reads the validation split"))
for _config in ("160px-v2", "320px-v2", "full-size-v2", "160px", "320px", "full-size"):
  _add(DatasetSpec(f"imagenette/{_config}", f"imagenette/{_config}", 10, (None, None, 3),
                   split_aliases=_VALIDATION_AS_TEST,
                   note="images vary in size: add a resize transform; 'test' reads the validation split"))
_add(DatasetSpec("imagenette/local-224px", "imagenette/local-224px", 10, (224, 224, 3), prepare="import",
                 split_aliases=_VALIDATION_AS_TEST,
                 note="local copy: validation subset (250 per class) resized to 224x224, no train split"))
_add(DatasetSpec("imagenet2012", "imagenet2012", 1000, (None, None, 3), prepare="manual",
                 split_aliases=_VALIDATION_AS_TEST,
                 note="TFDS manual download: put ILSVRC2012_img_{train,val}.tar in DATA_DIR/downloads/manual"))
