"""Dataset property transforms and train-time augmentations, as composable TensorFlow ops.

Every transform is a frozen dataclass registered in `TRANSFORMS`; `spec()` returns a JSON-friendly dict
(name + parameters) that `DatasetInfo.transforms` records, so a transform is part of an experiment's
identity. Transforms act on float32 images in [0, 1] (before the pipeline maps them to the requested
pixel range). All accept one image [H, W, C] or a batch [B, H, W, C]; random ones take a stateless seed
(shape [2], int) and draw independent parameters per image, so the same seed gives the same augmentation.

Adding one: a file or a class here plus one `@register_transform("name")` line.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any, ClassVar, Iterable, Mapping

import tensorflow as tf

from adv_tf.errors import AdvTfError
from adv_tf.registry import Registry

TRANSFORMS: Registry[type["Transform"]] = Registry("transform")

# ITU-R 601-2 luma weights as PIL's convert("L") (torchvision rounds the first to 0.2989); they sum to 1,
# so adding a constant to all channels adds the same constant to the luma.
LUMA_WEIGHTS = (0.299, 0.587, 0.114)


def register_transform(name: str):
  """Class decorator: registers a Transform subclass under `name`."""
  def decorator(cls):
    cls.name = name
    return TRANSFORMS.register(name)(cls)
  return decorator


def _jsonable(value: Any) -> Any:
  if isinstance(value, (tuple, list)):
    return [_jsonable(v) for v in value]
  return value


class Transform:
  """Base class. Subclasses are frozen dataclasses.

  Class attributes:
    name: the registry name (set by `register_transform`).
    random: uses a seed (applied per batch after the cache, with a fresh seed every batch and epoch).
    dataset_level: selects examples instead of changing images (see `adv_tf.data.subsets`).
  """
  name: ClassVar[str] = ""
  random: ClassVar[bool] = False
  dataset_level: ClassVar[bool] = False

  def spec(self) -> dict[str, Any]:
    """{"name": ..., **parameters}, JSON-friendly."""
    return {"name": self.name, **{f.name: _jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}}

  def output_shape(self, shape: tuple) -> tuple:
    """(H, W, C) after this transform, given (H, W, C) before (dimensions may be None)."""
    return tuple(shape)

  def __call__(self, images: tf.Tensor, seed: tf.Tensor | None = None) -> tf.Tensor:
    raise NotImplementedError


def _positive(name: str, what: str, value) -> None:
  if value is None or not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
    raise AdvTfError(f"{name}: {what} must be a number > 0, got {value!r}")


def _size_pair(name: str, size) -> tuple[int, int]:
  pair = (size, size) if isinstance(size, int) and not isinstance(size, bool) else tuple(size)
  if len(pair) != 2 or any(not isinstance(v, int) or isinstance(v, bool) or v <= 0 for v in pair):
    raise AdvTfError(f"{name}: size must be a positive int or (height, width), got {size!r}")
  return pair


_RESIZE_METHODS = {
    "bilinear": tf.image.ResizeMethod.BILINEAR,
    "nearest": tf.image.ResizeMethod.NEAREST_NEIGHBOR,
    "bicubic": tf.image.ResizeMethod.BICUBIC,
    "area": tf.image.ResizeMethod.AREA,
}


@register_transform("resize")
@dataclasses.dataclass(frozen=True)
class Resize(Transform):
  """Resize to a fixed size or by a factor (paper 000 §IV-A: bilinear rescaling of the whole image).

  Attributes:
    size: target (height, width) or one int for a square; exclusive with `factor`.
    factor: scale both sides by this factor, new side = round(side * factor) (>= 1 pixel).
    method: "bilinear" (default, paper 000 §IV-A), "nearest", "bicubic" or "area".
    antialias: low-pass filter when downsampling (tf.image.resize's flag; off as in a plain bilinear
      interpolation). With "bilinear", True equals PIL's BILINEAR resize (the support-scaled triangle
      filter that torchvision's Resize runs on PIL images) to float round-off (tested); without it an 8x
      reduction samples instead of averages and aliases badly.
  """
  size: Any = None
  factor: float | None = None
  method: str = "bilinear"
  antialias: bool = False

  def __post_init__(self):
    if (self.size is None) == (self.factor is None):
      raise AdvTfError("resize: give exactly one of size=(H, W) or factor=F")
    if self.size is not None:
      object.__setattr__(self, "size", _size_pair("resize", self.size))
    else:
      _positive("resize", "factor", self.factor)
    if self.method not in _RESIZE_METHODS:
      raise AdvTfError(f"resize: unknown method {self.method!r}; choose one of {sorted(_RESIZE_METHODS)}")

  def _target(self, h, w) -> tuple[int, int]:
    if self.size is not None:
      return self.size
    if h is None or w is None:
      raise AdvTfError("resize by a factor needs images of a known size; resize to a size first")
    return max(1, int(round(h * self.factor))), max(1, int(round(w * self.factor)))

  def output_shape(self, shape):
    h, w, c = shape
    return (*self._target(h, w), c)

  def __call__(self, images, seed=None):
    h, w = images.shape[-3], images.shape[-2]
    if h is None or w is None:
      if self.size is None:
        raise AdvTfError("resize by a factor needs images of a known size; resize to a size first")
    out = tf.image.resize(images, self._target(h, w), method=_RESIZE_METHODS[self.method],
                          antialias=self.antialias)
    return tf.clip_by_value(out, 0.0, 1.0)


def _shorter_side_target(h, w, size: int) -> tuple:
  """torchvision's Resize(int) rule: shorter side -> size, longer side -> int(size * longer / shorter)."""
  if h <= w:
    return size, int(size * w / h)
  return int(size * h / w), size


@register_transform("resize_shorter")
@dataclasses.dataclass(frozen=True)
class ResizeShorter(Transform):
  """Aspect-preserving resize: the shorter side becomes `size`, the longer int(size * longer / shorter)
  (torchvision `Resize(size)` with an int; the eval protocol Resize(256) + CenterCrop(224) of paper 003's
  code and of paper 000's ImageNet models).

  Attributes:
    size: the shorter side after resizing.
    method: "bilinear" (default, as torchvision), "nearest", "bicubic" or "area".
    antialias: low-pass filter when downscaling. Default True: torchvision's Resize on PIL images (what
      those papers' code ran) is antialiased; tf.image.resize's triangle kernel with antialias=True
      matches PIL's BILINEAR resampling (tested).
  """
  size: int = 256
  method: str = "bilinear"
  antialias: bool = True

  def __post_init__(self):
    if not isinstance(self.size, int) or isinstance(self.size, bool) or self.size <= 0:
      raise AdvTfError(f"resize_shorter: size must be a positive int, got {self.size!r}")
    if self.method not in _RESIZE_METHODS:
      raise AdvTfError(f"resize_shorter: unknown method {self.method!r}; choose one of {sorted(_RESIZE_METHODS)}")

  def output_shape(self, shape):
    h, w, c = shape
    if h is None or w is None:
      return (None, None, c)
    return (*_shorter_side_target(h, w, self.size), c)

  def __call__(self, images, seed=None):
    h, w = images.shape[-3], images.shape[-2]
    if h is not None and w is not None:
      target = _shorter_side_target(h, w, self.size)
    else:  # images of varying size (streamed one by one): the same rule in float64 tensor arithmetic
      hw = tf.cast(tf.shape(images)[-3:-1], tf.float64)
      short, long = tf.reduce_min(hw), tf.reduce_max(hw)
      new_long = tf.cast(tf.floor(self.size * long / short), tf.int32)
      size = tf.constant(self.size, tf.int32)
      target = tf.where(hw[0] <= hw[1], tf.stack([size, new_long]), tf.stack([new_long, size]))
    out = tf.image.resize(images, target, method=_RESIZE_METHODS[self.method], antialias=self.antialias)
    return tf.clip_by_value(out, 0.0, 1.0)


@register_transform("center_crop")
@dataclasses.dataclass(frozen=True)
class CenterCrop(Transform):
  """Central crop of `size` (int or (height, width)), as torchvision's CenterCrop: top = round((H - h) / 2)
  and left = round((W - w) / 2) with round-half-to-even (Python's round, as torchvision); an image smaller
  than the crop is first zero-padded, floor(d / 2) before and ceil(d / 2) after, as torchvision does."""
  size: Any = 224

  def __post_init__(self):
    object.__setattr__(self, "size", _size_pair("center_crop", self.size))

  def output_shape(self, shape):
    return (*self.size, shape[2])

  def __call__(self, images, seed=None):
    ch, cw = self.size
    shape = tf.shape(images)
    h, w = shape[-3], shape[-2]
    pad_h, pad_w = tf.maximum(ch - h, 0), tf.maximum(cw - w, 0)
    paddings = [[pad_h // 2, (pad_h + 1) // 2], [pad_w // 2, (pad_w + 1) // 2], [0, 0]]
    if images.shape.rank == 4:
      paddings = [[0, 0]] + paddings
    images = tf.pad(images, paddings)
    h, w = tf.maximum(h, ch), tf.maximum(w, cw)
    top = tf.cast(tf.round(tf.cast(h - ch, tf.float64) / 2.0), tf.int32)
    left = tf.cast(tf.round(tf.cast(w - cw, tf.float64) / 2.0), tf.int32)
    out = images[..., top:top + ch, left:left + cw, :]
    return tf.ensure_shape(out, [*images.shape[:-3], ch, cw, images.shape[-1]])


def grayscale(images: tf.Tensor) -> tf.Tensor:
  """Luma [..., H, W, 1] of RGB images (ITU-R 601-2 weights); single-channel images pass through."""
  if images.shape[-1] == 1:
    return images
  if images.shape[-1] != 3:
    raise AdvTfError(f"expected 1 or 3 channels, got images of shape {images.shape}")
  return tf.reduce_sum(images * tf.constant(LUMA_WEIGHTS, images.dtype), axis=-1, keepdims=True)


@register_transform("contrast")
@dataclasses.dataclass(frozen=True)
class Contrast(Transform):
  """Contrast scaling by `factor` (paper 000 §III-B, §IV-B: 0.5x, 1x, 2x contrast).

  Definition (as torchvision's `adjust_contrast`): with m the mean luma of the image (per image, over
  all pixels), out = m + factor * (x - m), then clipped to [0, 1] when `clip`. Before clipping this
  multiplies the RMS contrast (std of the luma) by exactly `factor`; factor 0 would give a flat gray image,
  factor 1 the identity.
  """
  factor: float = 1.0
  clip: bool = True

  def __post_init__(self):
    _positive("contrast", "factor", self.factor)

  def __call__(self, images, seed=None):
    mean = tf.reduce_mean(grayscale(images), axis=[-3, -2, -1], keepdims=True)
    out = mean + float(self.factor) * (images - mean)
    return tf.clip_by_value(out, 0.0, 1.0) if self.clip else out


@register_transform("minimal_identifiable")
@dataclasses.dataclass(frozen=True)
class MinimalIdentifiable(Transform):
  """Paper 001 §3.2 "minimally identifiable" distortion, three steps in this order:

  1. bilinear downscale to `low_size` x `low_size` (28 -> 10 for MNIST),
  2. nearest-neighbour upscale back to the input size (keeps the blocky look),
  3. contrast x `contrast_factor` (4), clipped to [0, 1] (the `contrast` transform).
  """
  low_size: int = 10
  contrast_factor: float = 4.0
  antialias: bool = False

  def __post_init__(self):
    _size_pair("minimal_identifiable", self.low_size)
    _positive("minimal_identifiable", "contrast_factor", self.contrast_factor)

  def steps(self, height: int, width: int) -> tuple[Transform, ...]:
    """The equivalent three-transform composition for images of the given size."""
    return (Resize(size=self.low_size, method="bilinear", antialias=self.antialias),
            Resize(size=(height, width), method="nearest"),
            Contrast(factor=self.contrast_factor))

  def __call__(self, images, seed=None):
    h, w = images.shape[-3], images.shape[-2]
    if h is None or w is None:
      raise AdvTfError("minimal_identifiable needs images of a known size; resize to a size first")
    for step in self.steps(h, w):
      images = step(images)
    return images


# ---------------------------------------------------------------------------------------------------
# Train-time augmentation: random, vectorized over a batch [B, H, W, C] (one image [H, W, C] works too);
# per-example parameters are drawn from one stateless seed [2].


def _batched(fn):
  """Lets a batch transform take a single image too."""
  def wrapper(self, images, seed=None):
    if seed is None:
      raise AdvTfError(f"{self.name} is random: it needs a seed")
    if images.shape.rank == 3:
      return fn(self, images[None], seed)[0]
    return fn(self, images, seed)
  return wrapper


_AFFINE_INTERPOLATIONS = {"bilinear": "BILINEAR", "nearest": "NEAREST"}


def _affine(images: tf.Tensor, matrices: tf.Tensor, interpolation: str) -> tf.Tensor:
  """Per-example 2-D affine maps [B, 6] (output -> input coordinates), zero fill outside the image."""
  b = tf.shape(images)[0]
  transforms = tf.concat([tf.cast(matrices, tf.float32), tf.zeros([b, 2], tf.float32)], axis=1)
  out = tf.raw_ops.ImageProjectiveTransformV3(
      images=images, transforms=transforms, output_shape=tf.shape(images)[1:3],
      interpolation=interpolation, fill_mode="CONSTANT", fill_value=0.0)
  return tf.ensure_shape(out, images.shape)


@register_transform("random_resized_crop")
@dataclasses.dataclass(frozen=True)
class RandomResizedCrop(Transform):
  """Random crop of area fraction in `scale` and aspect ratio (w/h) in `ratio`, resized back to the input
  size with bilinear interpolation. Paper 000 §IV-A "random resized crops"; sampling as torchvision's
  RandomResizedCrop (10 tries, log-uniform ratio; falls back to the whole image)."""
  scale: tuple[float, float] = (0.08, 1.0)
  ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0)
  random: ClassVar[bool] = True

  def __post_init__(self):
    object.__setattr__(self, "scale", tuple(float(v) for v in self.scale))
    object.__setattr__(self, "ratio", tuple(float(v) for v in self.ratio))
    if not (0 < self.scale[0] <= self.scale[1] <= 1) or not (0 < self.ratio[0] <= self.ratio[1]):
      raise AdvTfError(f"random_resized_crop: need 0 < scale[0] <= scale[1] <= 1 and 0 < ratio[0] <= "
                       f"ratio[1], got scale={self.scale}, ratio={self.ratio}")

  @_batched
  def __call__(self, images, seed=None):
    tries = 10
    b = tf.shape(images)[0]
    h = tf.cast(tf.shape(images)[1], tf.float32)
    w = tf.cast(tf.shape(images)[2], tf.float32)
    s1, s2, s3 = tf.unstack(tf.random.experimental.stateless_split(seed, 3))
    area = tf.random.stateless_uniform([b, tries], s1, self.scale[0], self.scale[1]) * h * w
    log_r = tf.random.stateless_uniform([b, tries], s2, math.log(self.ratio[0]), math.log(self.ratio[1]))
    cw = tf.round(tf.sqrt(area * tf.exp(log_r)))
    ch = tf.round(tf.sqrt(area / tf.exp(log_r)))
    ok = (cw >= 1) & (ch >= 1) & (cw <= w) & (ch <= h)
    first = tf.argmax(tf.cast(ok, tf.int32), axis=1)
    any_ok = tf.reduce_any(ok, axis=1)
    cw = tf.where(any_ok, tf.gather(cw, first, batch_dims=1), w)
    ch = tf.where(any_ok, tf.gather(ch, first, batch_dims=1), h)
    u = tf.random.stateless_uniform([b, 2], s3)
    top = tf.floor(u[:, 0] * (h - ch + 1))
    left = tf.floor(u[:, 1] * (w - cw + 1))
    boxes = tf.stack([top / (h - 1), left / (w - 1), (top + ch - 1) / (h - 1), (left + cw - 1) / (w - 1)], 1)
    out = tf.image.crop_and_resize(images, boxes, tf.range(b), tf.shape(images)[1:3], method="bilinear")
    return tf.ensure_shape(tf.clip_by_value(out, 0.0, 1.0), images.shape)


@register_transform("random_flip")
@dataclasses.dataclass(frozen=True)
class RandomFlip(Transform):
  """Horizontal flip of each image with probability 1/2 (paper 000 §IV-A; paper 004 §3.1 "flipping")."""
  random: ClassVar[bool] = True

  @_batched
  def __call__(self, images, seed=None):
    flip = tf.random.stateless_uniform([tf.shape(images)[0], 1, 1, 1], seed) < 0.5
    return tf.where(flip, tf.reverse(images, axis=[2]), images)


@register_transform("random_rotation")
@dataclasses.dataclass(frozen=True)
class RandomRotation(Transform):
  """Rotation by an angle uniform in [-max_degrees, max_degrees] about the image centre, zero fill
  (paper 000 §IV-A: "random rotations of up to 15 degrees" for CIFAR-100).

  `interpolation`: "bilinear" (default) or "nearest" (torchvision's RandomRotation default; keeps every
  output pixel an input pixel value or the fill).
  """
  max_degrees: float = 15.0
  interpolation: str = "bilinear"
  random: ClassVar[bool] = True

  def __post_init__(self):
    _positive("random_rotation", "max_degrees", self.max_degrees)
    if self.interpolation not in _AFFINE_INTERPOLATIONS:
      raise AdvTfError(f"random_rotation: unknown interpolation {self.interpolation!r}; choose one of "
                       f"{sorted(_AFFINE_INTERPOLATIONS)}")

  @_batched
  def __call__(self, images, seed=None):
    limit = math.radians(float(self.max_degrees))
    angle = tf.random.stateless_uniform([tf.shape(images)[0]], seed, -limit, limit)
    h = tf.cast(tf.shape(images)[1], tf.float32)
    w = tf.cast(tf.shape(images)[2], tf.float32)
    cx, cy = (w - 1.0) / 2.0, (h - 1.0) / 2.0
    c, s = tf.cos(angle), tf.sin(angle)
    matrices = tf.stack([c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy], axis=1)
    return _affine(images, matrices, _AFFINE_INTERPOLATIONS[self.interpolation])


@register_transform("random_shift")
@dataclasses.dataclass(frozen=True)
class RandomShift(Transform):
  """Translation by whole pixels, uniform in [-max_fraction, max_fraction] of each side, zero fill
  (paper 004 §3.1 "random shifting"; 0.1 as Keras' usual width/height_shift_range)."""
  max_fraction: float = 0.1
  random: ClassVar[bool] = True

  def __post_init__(self):
    _positive("random_shift", "max_fraction", self.max_fraction)
    if self.max_fraction >= 1:
      raise AdvTfError(f"random_shift: max_fraction must be < 1, got {self.max_fraction}")

  @_batched
  def __call__(self, images, seed=None):
    b = tf.shape(images)[0]
    h = tf.cast(tf.shape(images)[1], tf.float32)
    w = tf.cast(tf.shape(images)[2], tf.float32)
    f = float(self.max_fraction)
    d = tf.round(tf.random.stateless_uniform([b, 2], seed, -1.0, 1.0) * tf.stack([f * w, f * h]))
    one, zero = tf.ones([b]), tf.zeros([b])
    matrices = tf.stack([one, zero, -d[:, 0], zero, one, -d[:, 1]], axis=1)
    return _affine(images, matrices, "NEAREST")


# ---------------------------------------------------------------------------------------------------
# Parsing


def from_spec(spec: "Transform | Mapping[str, Any] | str") -> Transform:
  """A Transform from an instance, a spec dict {"name": ..., **params} or a bare name."""
  if isinstance(spec, Transform):
    return spec
  if isinstance(spec, str):
    spec = {"name": spec}
  if not isinstance(spec, Mapping) or "name" not in spec:
    raise AdvTfError(f"a transform must be a Transform, a name or a dict with 'name', got {spec!r}")
  params = {k: v for k, v in spec.items() if k != "name"}
  cls = TRANSFORMS.get(spec["name"])
  known = {f.name for f in dataclasses.fields(cls)}
  unknown = sorted(set(params) - known)
  if unknown:
    raise AdvTfError(f"transform {spec['name']!r} has no parameter(s) {unknown}; it takes {sorted(known)}")
  try:
    return cls(**params)
  except TypeError as e:
    raise AdvTfError(f"transform {spec['name']!r}: {e}") from None


def parse(transforms: Iterable) -> tuple[Transform, ...]:
  """Transforms from a sequence of instances / spec dicts / names (a single one is accepted too)."""
  if transforms is None:
    return ()
  if isinstance(transforms, (Transform, Mapping, str)):
    transforms = (transforms,)
  return tuple(from_spec(t) for t in transforms)


def output_shape(transforms: Iterable[Transform], shape: tuple) -> tuple:
  """Image shape after applying `transforms` in order."""
  for t in transforms:
    shape = t.output_shape(shape)
  return tuple(shape)
