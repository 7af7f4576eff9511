"""Dataset property statistics: image size and contrast of a split (paper 000 §III: size and contrast).

Definitions (on luma in [0, 1]; RGB -> luma with ITU-R 601-2 weights, as `transforms.Contrast` uses):
  * RMS contrast of an image: the standard deviation of its luma values (population std).
  * Michelson contrast of an image: (L_max - L_min) / (L_max + L_min), 0 for an all-black image.
A split's value is the mean over its images (the std over images is reported too). Because `Contrast`
blends with the mean luma, `contrast(factor=2, clip=False)` doubles the RMS contrast exactly; clipping
(the default) makes it a little less, which these statistics show.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from adv_tf.data.transforms import LUMA_WEIGHTS


@dataclasses.dataclass(frozen=True)
class SplitStats:
  """Size and contrast of a set of images (values in the [0, 1] scale)."""
  num_examples: int
  image_shape: tuple[int, ...]
  rms_contrast: float
  rms_contrast_std: float
  michelson_contrast: float
  michelson_contrast_std: float
  mean_luma: float

  def as_dict(self) -> dict[str, Any]:
    d = dataclasses.asdict(self)
    d["image_shape"] = list(self.image_shape)
    return d


def luma(x: np.ndarray) -> np.ndarray:
  """Luma [N, H, W] of images [N, H, W, C] (C = 1 or 3)."""
  x = np.asarray(x, np.float64)
  if x.shape[-1] == 1:
    return x[..., 0]
  return x @ np.asarray(LUMA_WEIGHTS, np.float64)


def per_image_contrast(x: np.ndarray, pixel_range: tuple[float, float] = (0.0, 1.0)) -> dict[str, np.ndarray]:
  """Per-image RMS and Michelson contrast of images in `pixel_range` (rescaled to [0, 1] first)."""
  lo, hi = pixel_range
  y = luma((np.asarray(x, np.float64) - lo) / (hi - lo))
  flat = y.reshape(len(y), -1)
  mx, mn = flat.max(axis=1), flat.min(axis=1)
  denom = mx + mn
  michelson = np.divide(mx - mn, denom, out=np.zeros_like(denom), where=denom > 0)
  return {"rms": flat.std(axis=1), "michelson": michelson, "mean": flat.mean(axis=1)}


def image_stats(x: np.ndarray, pixel_range: tuple[float, float] = (0.0, 1.0)) -> SplitStats:
  """Size and contrast of images [N, H, W, C] in `pixel_range`."""
  x = np.asarray(x)
  if x.ndim != 4 or len(x) == 0:
    raise ValueError(f"expected a non-empty batch [N, H, W, C], got shape {x.shape}")
  c = per_image_contrast(x, pixel_range)
  return SplitStats(num_examples=len(x), image_shape=tuple(int(v) for v in x.shape[1:]),
                    rms_contrast=float(c["rms"].mean()), rms_contrast_std=float(c["rms"].std()),
                    michelson_contrast=float(c["michelson"].mean()),
                    michelson_contrast_std=float(c["michelson"].std()), mean_luma=float(c["mean"].mean()))


def split_stats(name: str, split: str, *, data_dir=None, transforms=(), take: int | None = None,
                batch_size: int = 1024) -> SplitStats:
  """Size and contrast of a loaded split (after transforms), streamed batch by batch.

  Example: `split_stats("mnist", "test", transforms=[Contrast(2.0)]).rms_contrast` against the same
  without transforms shows what "2x contrast" did to the measured contrast.
  """
  from adv_tf.data.pipeline import load
  ds, info = load(name, split, data_dir=data_dir, batch_size=batch_size, transforms=transforms, take=take)
  rms, mic, mean = [], [], []
  for x, _ in ds.as_numpy_iterator():
    c = per_image_contrast(x)
    rms.append(c["rms"])
    mic.append(c["michelson"])
    mean.append(c["mean"])
  rms, mic, mean = np.concatenate(rms), np.concatenate(mic), np.concatenate(mean)
  return SplitStats(num_examples=len(rms), image_shape=tuple(info.image_shape),
                    rms_contrast=float(rms.mean()), rms_contrast_std=float(rms.std()),
                    michelson_contrast=float(mic.mean()), michelson_contrast_std=float(mic.std()),
                    mean_luma=float(mean.mean()))
