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
    provenance: where the data came from: TFDS name and directory, and, for offline imports, the
      import metadata (source files, `subset`, `subset_note`, ...).
  """
  name: str
  split: str
  num_classes: int
  class_names: tuple[str, ...]
  image_shape: tuple[int, ...]
  pixel_range: tuple[float, float]
  transforms: tuple[dict[str, Any], ...]
  num_examples: int
  provenance: dict[str, Any] = dataclasses.field(default_factory=dict, hash=False, compare=False)

  def identity(self) -> dict[str, Any]:
    """The parts that define the data of an experiment (JSON-friendly), for cache keys and records."""
    return {"dataset": self.name, "split": self.split, "pixel_range": list(self.pixel_range),
            "transforms": [dict(t) for t in self.transforms], "image_shape": list(self.image_shape),
            "num_examples": self.num_examples}

  @property
  def is_subset(self) -> bool:
    """True when the underlying prepared data is a subset of the official dataset (offline import)."""
    return bool(self.provenance.get("subset"))
