"""`DatasetInfo`: what a loaded dataset is, including everything that makes it part of an experiment's identity."""
from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
  """Facts about a loaded split, after transforms.

  Attributes:
    name: registered dataset name (e.g. "mnist", "imagenette/local-224px").
    split: the split as requested (e.g. "train", "test[:1000]").
    num_classes: number of label classes.
    class_names: tuple of class names, label order.
    image_shape: (H, W, C) of the images the pipeline yields, after transforms.
    pixel_range: (low, high) of the pixel values the pipeline yields.
    transforms: tuple of transform spec dicts, in application order (`Transform.spec()`).
    num_examples: number of examples the pipeline yields (after subsets and `take`).
    take: the `take` asked for (first N examples after any selection), None for all.
    provenance: where the data came from: TFDS name, version and directory, and, for offline imports, the
      import metadata (source files, `subset`, `subset_note`, ...); "selection" (dataset-level transforms:
      their specs, `indices_sha256` of the kept indices, `num_indices`, `class_counts`).
  """
  name: str
  split: str
  num_classes: int
  class_names: tuple[str, ...]
  image_shape: tuple[int, ...]
  pixel_range: tuple[float, float]
  transforms: tuple[dict[str, Any], ...]
  num_examples: int
  take: int | None = None
  provenance: dict[str, Any] = dataclasses.field(default_factory=dict, hash=False, compare=False)

  def identity(self) -> dict[str, Any]:
    """The parts that define the data of an experiment (JSON-friendly), for cache keys and records.

    Name, TFDS version, split, `take`, pixel range, transform specs (with any subset/split selection),
    image shape, number of examples, whether the prepared copy is a local subset of the official data, and
    the hash of the selected indices (so a changed import order changes the identity too).
    """
    ident = {"dataset": self.name, "version": self.provenance.get("tfds_version"), "split": self.split,
             "take": self.take, "pixel_range": list(self.pixel_range),
             "transforms": [dict(t) for t in self.transforms], "image_shape": list(self.image_shape),
             "num_examples": self.num_examples, "local_subset": self.is_subset}
    selection = self.provenance.get("selection")
    if selection:
      ident["selection_sha256"] = selection["indices_sha256"]
    return ident

  @property
  def is_subset(self) -> bool:
    """True when the underlying prepared data is a subset of the official dataset (offline import)."""
    return bool(self.provenance.get("subset"))
