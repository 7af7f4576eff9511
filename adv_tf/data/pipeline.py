"""`load` and `load_arrays`: one entry point from a dataset name to batched float32 images and int labels.

Pipeline, per split (the order matters and is the same for every dataset):
  1. read the prepared TFDS split (`make data` / `data_prep.import_raw` offline, or a TFDS download);
     small datasets (`DatasetSpec.in_memory`) are decoded once per process and kept as uint8 arrays;
  2. dataset-level transforms (`balanced_subset`, paper 004 §4.1; `balanced_split`; `index_subset`), then
     `take` (the first N examples); the selection's index hash and class counts go to
     `DatasetInfo.provenance["selection"]`;
  3. uint8 -> float32 in [0, 1]; the deterministic transforms up to the first random one (resize,
     contrast, minimal_identifiable): for in-memory datasets computed once per `load` over the whole
     array (per batch if the result would exceed 1 GiB); for streamed ones per example, before the
     optional `cache`;
  4. shuffle (seeded), batch, then the remaining transforms (random augmentations, vectorized per batch,
     a fresh seeded draw every batch and epoch);
  5. map [0, 1] to `pixel_range` ([0, 1] default, [-0.5, 0.5] as paper 002 §5.3.1 / Carlini and
     Wagner), prefetch.

Missing data: when the split is not prepared in `data_dir`, a download is attempted only for datasets TFDS
can download and only when the network is usable (`ADV_TF_OFFLINE=1` forces offline, `ADV_TF_OFFLINE=0`
forces an attempt; otherwise a 3-second connection probe decides). Every failure is one AdvTfError line
saying what to run (`make data RAW_DIR=...`), never a traceback from inside TFDS.
"""
from __future__ import annotations

import functools
import json
import os
import pathlib
import re
import socket
from typing import Any, Iterable

import numpy as np
import tensorflow as tf

from adv_tf.data import tiny_imagenet  # noqa: F401  (registers the tiny_imagenet TFDS builder)
from adv_tf.data.datasets import DATASETS, DatasetSpec
from adv_tf.data.info import DatasetInfo
from adv_tf.data.subsets import indices_digest
from adv_tf.data.transforms import Transform, output_shape, parse
from adv_tf.errors import AdvTfError
from adv_tf.utils.paths import is_remote

DEFAULT_PIXEL_RANGE = (0.0, 1.0)
_ARRAYS: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
_PROBE_HOST = ("storage.googleapis.com", 443)
_PRECOMPUTE_BYTES = 1 << 30


def resolve_data_dir(data_dir: str | os.PathLike | None) -> str | None:
  """`data_dir`, else $ADV_TF_DATA_DIR, else None (TFDS's default, ~/tensorflow_datasets or $TFDS_DATA_DIR).

  URLs (`gs://bucket/tfds`, which TFDS reads directly) are returned intact; local paths get `~` expanded.
  """
  value = data_dir or os.environ.get("ADV_TF_DATA_DIR", "").strip() or None
  if not value:
    return None
  if is_remote(value):
    return os.fspath(value)
  return str(pathlib.Path(value).expanduser())


@functools.lru_cache(maxsize=1)
def _network_usable() -> bool:
  if any(os.environ.get(k) for k in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")):
    return True  # through a proxy: let the download try, its failure becomes a one-line error
  try:
    socket.create_connection(_PROBE_HOST, timeout=3.0).close()
    return True
  except OSError:
    return False


def offline() -> bool:
  """True when no download should be attempted (ADV_TF_OFFLINE=1, or the network is not reachable)."""
  value = os.environ.get("ADV_TF_OFFLINE", "").strip().lower()
  if value in ("1", "true", "yes"):
    return True
  if value in ("0", "false", "no"):
    return False
  return not _network_usable()


def clear_memory_cache() -> None:
  """Forgets the decoded in-memory copies of small datasets (they are re-read on the next load)."""
  _ARRAYS.clear()


def _check_pixel_range(pixel_range) -> tuple[float, float]:
  try:
    lo, hi = (float(v) for v in pixel_range)
  except (TypeError, ValueError):
    raise AdvTfError(f"pixel_range must be (low, high), e.g. (0.0, 1.0) or (-0.5, 0.5); got {pixel_range!r}") \
        from None
  if not hi > lo:
    raise AdvTfError(f"pixel_range must have high > low, got {pixel_range!r}")
  return lo, hi


def _check_positive_int(name: str, value, allow_none: bool = False) -> None:
  if value is None and allow_none:
    return
  if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
    raise AdvTfError(f"{name} must be a positive int, got {value!r}")


def _prepared_builder(spec: DatasetSpec, data_dir: str | None):
  """The TFDS builder of a prepared dataset; prepares it when allowed; else one-line AdvTfError."""
  import tensorflow_datasets as tfds
  where = data_dir or "the default TFDS data directory"
  hint = (f"run `make data RAW_DIR=/path/to/raw/datasets DATA_DIR={data_dir or '~/tensorflow_datasets'}` "
          "(python -m data_prep.import_raw) or pass data_dir= where it was imported")
  try:
    builder = tfds.builder(spec.tfds_name, data_dir=data_dir)
  except (tfds.core.registered.DatasetNotFoundError, ValueError):
    # A config that exists only as imported files (e.g. imagenette/local-224px) and is not there.
    raise AdvTfError(f"{spec.name} is not prepared in {where} and cannot be downloaded: {hint}") from None
  if builder.is_prepared():
    return builder
  if spec.prepare == "import":
    raise AdvTfError(f"{spec.name} is not prepared in {where} and cannot be downloaded (it exists only as a "
                     f"local import): {hint}")
  if spec.prepare == "download" and offline():
    raise AdvTfError(f"{spec.name} is not prepared in {where} and cannot be downloaded (offline; "
                     f"ADV_TF_OFFLINE=0 forces a try): {hint}")
  try:
    builder.download_and_prepare()
  except Exception as e:  # pylint: disable=broad-except  # any TFDS failure -> one actionable line
    detail = " ".join(str(e).split())[:160]
    if spec.prepare == "manual":
      raise AdvTfError(f"{spec.name} is not prepared in {where} and TFDS cannot build it: {spec.note} "
                       f"(TFDS said {type(e).__name__}: {detail})") from None
    raise AdvTfError(f"{spec.name} is not prepared in {where} and downloading it failed "
                     f"({type(e).__name__}: {detail}): {hint}") from None
  return builder


def _split_names(split: str) -> list[str]:
  names = []
  for part in split.split("+"):
    m = re.fullmatch(r"\s*([A-Za-z_][\w\-]*)\s*(\[[^\]]*\])?\s*", part)
    if not m:
      raise AdvTfError(f"bad split {split!r}; use e.g. 'train', 'test[:1000]' or 'train[:50%]'")
    names.append(m.group(1))
  return names


def _resolve_split(spec: DatasetSpec, builder, split: str) -> str:
  """The TFDS split string for `split` (aliases applied); AdvTfError for a split that is not there."""
  if not isinstance(split, str) or not split.strip():
    raise AdvTfError(f"split must be a string such as 'train' or 'test', got {split!r}")
  available = set(builder.info.splits.keys())
  if not available:
    return split  # split names unknown (only under tfds.testing.mock_data without metadata): accept any
  out = split
  for name in _split_names(split):
    target = name
    if name not in available and name in spec.split_aliases:
      target = spec.split_aliases[name]
      out = re.sub(rf"\b{re.escape(name)}\b", target, out)
    if target not in available:
      raise AdvTfError(f"{spec.name} has no split {name!r} in {builder.data_dir}; available: "
                       f"{', '.join(sorted(available))}")
  return out


def _provenance(spec: DatasetSpec, builder, tfds_split: str) -> dict[str, Any]:
  prov: dict[str, Any] = {"tfds_name": spec.tfds_name, "tfds_version": str(builder.version),
                          "tfds_split": tfds_split, "data_dir": str(builder.data_dir)}
  meta = pathlib.Path(str(builder.data_dir)) / "metadata.json"
  if meta.is_file():
    try:
      prov.update(json.loads(meta.read_text()))
    except (OSError, ValueError):
      pass
  prov.pop("source_fingerprint", None)
  if spec.note:
    prov.setdefault("note", spec.note)
  return prov


def _read_arrays(builder, tfds_split: str) -> tuple[np.ndarray, np.ndarray]:
  """Decoded uint8 images and int64 labels of a small split, memoized per process."""
  key = (str(builder.data_dir), tfds_split)
  if key not in _ARRAYS:
    ds = builder.as_dataset(split=tfds_split, shuffle_files=False, as_supervised=True)
    xs, ys = [], []
    for x, y in ds.batch(8192).prefetch(2).as_numpy_iterator():
      xs.append(x)
      ys.append(y)
    x = np.concatenate(xs) if xs else np.zeros((0, *builder.info.features["image"].shape), np.uint8)
    y = np.concatenate(ys).astype(np.int64) if ys else np.zeros((0,), np.int64)
    x.setflags(write=False)
    y.setflags(write=False)
    _ARRAYS[key] = (x, y)
  return _ARRAYS[key]


def _read_labels(builder, tfds_split: str) -> np.ndarray:
  import tensorflow_datasets as tfds
  ds = builder.as_dataset(split=tfds_split, shuffle_files=False,
                          decoders={"image": tfds.decode.SkipDecoding()})
  return np.concatenate([b["label"] for b in ds.map(lambda e: {"label": e["label"]}).batch(65536)
                         .as_numpy_iterator()]).astype(np.int64)


def _compose(transforms: Iterable[Transform]):
  transforms = tuple(transforms)

  def fn(images):
    for t in transforms:
      images = t(images)
    return images
  return fn


def _apply_deterministic(x_u8: np.ndarray, transforms: tuple[Transform, ...], chunk: int = 4096) -> np.ndarray:
  """uint8 [N,H,W,C] -> float32 in [0, 1] after the deterministic `transforms`, computed in chunks."""
  body = _compose(transforms)
  out = [body(tf.cast(x_u8[i:i + chunk], tf.float32) / 255.0).numpy() for i in range(0, len(x_u8), chunk)]
  return np.concatenate(out) if out else np.zeros((0,), np.float32)


def _in_memory_dataset(x: np.ndarray, y: np.ndarray, *, batch_size: int, shuffle: bool, seed: int,
                       prefix: tuple[Transform, ...], suffix: tuple[Transform, ...],
                       drop_remainder: bool) -> tf.data.Dataset:
  """Batches gathered from in-memory uint8 arrays by (shuffled) index.

  The deterministic `prefix` is computed once over the whole array when its float32 result fits in
  `_PRECOMPUTE_BYTES`, else per batch (e.g. CIFAR-10 resized to 224 would need 30 GB).
  """
  out_shape = output_shape(prefix, x.shape[1:])
  precompute = bool(prefix) and len(x) * int(np.prod(out_shape)) * 4 <= _PRECOMPUTE_BYTES
  if precompute:
    x = _apply_deterministic(x, prefix)
  images = tf.constant(x)
  labels = tf.constant(y, tf.int64)
  to_unit = x.dtype == np.uint8
  body = _compose(prefix) if to_unit else _compose(())

  def gather(idx):
    xb = tf.gather(images, idx)
    if to_unit:
      xb = body(tf.cast(xb, tf.float32) / 255.0)
    return xb, tf.gather(labels, idx)

  ds = tf.data.Dataset.range(len(y))
  if shuffle:
    ds = ds.shuffle(max(len(y), 1), seed=seed, reshuffle_each_iteration=True)
  ds = ds.batch(batch_size, drop_remainder=drop_remainder)
  ds = ds.map(gather, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
  return _apply_suffix(ds, suffix, seed)


def _split_transforms(transforms: tuple[Transform, ...]):
  """(dataset-level, deterministic prefix, rest starting at the first random transform)."""
  level = tuple(t for t in transforms if t.dataset_level)
  image = [t for t in transforms if not t.dataset_level]
  first_random = next((i for i, t in enumerate(image) if t.random), len(image))
  return level, tuple(image[:first_random]), tuple(image[first_random:])


def _apply_suffix(ds: tf.data.Dataset, suffix: tuple[Transform, ...], seed: int) -> tf.data.Dataset:
  """Transforms from the first random one on, per batch; every batch gets a fresh seed (per epoch too)."""
  return augment(ds, suffix, seed) if suffix else ds


def split_for_cache(transforms) -> tuple[tuple[Transform, ...], tuple[Transform, ...]]:
  """(cacheable, per_epoch): the transforms that may run before a `ds.cache()` (dataset-level ones and the
  deterministic ones up to the first random transform) and the rest, which must run after the cache, every
  epoch anew (`augment`). Caching after a random crop would freeze epoch 1's crops for every epoch.

      cacheable, per_epoch = split_for_cache(transforms)
      ds, info = load(name, "train", transforms=cacheable)           # (or unbatched examples, then .cache())
      ds = augment(ds.cache(), per_epoch, seed=config.seed)
  """
  level, prefix, suffix = _split_transforms(parse(transforms))
  return level + prefix, suffix


def augment(ds: tf.data.Dataset, transforms, seed: int,
            pixel_range: tuple[float, float] = DEFAULT_PIXEL_RANGE) -> tf.data.Dataset:
  """`ds` with `transforms` applied to every element, re-drawn every epoch: put it AFTER `ds.cache()`.

  Each element (a batch or one example; `(images, labels)` or images alone) gets its own stateless seed
  from `tf.data.Dataset.random(seed, rerandomize_each_iteration=True)`, so every epoch (every new iterator)
  draws fresh crops/flips, while the same `seed` reproduces the same sequence of epochs.

  Args:
    ds: elements `(x, y)` or `x`, x float32 [B, H, W, C] or [H, W, C] with pixels in `pixel_range`.
    transforms: image transforms (instances, spec dicts or names), random ones included; applied in order.
    seed: seeds the per-element, per-epoch draws.
    pixel_range: the pixel range of x; transforms act on [0, 1], so x is mapped there and back.
  """
  ts = parse(transforms)
  if any(t.dataset_level for t in ts):
    raise AdvTfError("augment applies image transforms; pass dataset-level ones (subsets, splits) to load()")
  if not ts:
    return ds
  lo, hi = _check_pixel_range(pixel_range)
  scale = hi - lo
  n = len(ts)
  seeds = tf.data.Dataset.random(seed=int(seed), rerandomize_each_iteration=True).batch(2)

  def images_fn(x, s):
    if (lo, hi) != DEFAULT_PIXEL_RANGE:
      x = (x - lo) / scale
    parts = tf.random.experimental.stateless_split(s, n)
    for i, t in enumerate(ts):
      x = t(x, parts[i]) if t.random else t(x)
    return x * scale + lo if (lo, hi) != DEFAULT_PIXEL_RANGE else x

  def fn(element, s):
    if isinstance(element, tuple):
      return (images_fn(element[0], s), *element[1:])
    return images_fn(element, s)
  return tf.data.Dataset.zip((ds, seeds)).map(fn, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)


def _subset_indices(level: tuple[Transform, ...], labels_fn, num_classes: int) -> np.ndarray | None:
  idx = None
  for t in level:
    labels = labels_fn()
    sel = t.select(labels if idx is None else labels[idx], num_classes)
    idx = sel if idx is None else idx[sel]
  return idx


def _selection_record(level: tuple[Transform, ...], idx: np.ndarray, take, labels_fn,
                      num_classes: int) -> dict[str, Any]:
  """What a dataset-level selection kept: its transforms, a hash of the kept indices (positions in the
  split, sorted), how many and per class (after `take`)."""
  kept = idx[:take] if take is not None else idx
  return {"transforms": [t.spec() for t in level], "indices_sha256": indices_digest(idx),
          "num_indices": int(len(idx)),
          "class_counts": np.bincount(labels_fn()[kept], minlength=num_classes).astype(int).tolist()}


def _build(name: str, split: str, *, data_dir, pixel_range, transforms, take):
  spec = DATASETS.get(name)
  lo, hi = _check_pixel_range(pixel_range)
  _check_positive_int("take", take, allow_none=True)
  ts = parse(transforms)
  shape = output_shape(ts, spec.image_shape)
  if any(d is None for d in shape):
    raise AdvTfError(f"{name} images vary in size: add a resize transform, e.g. "
                     "transforms=[{'name': 'resize', 'size': 224}]")
  data_dir = resolve_data_dir(data_dir)
  builder = _prepared_builder(spec, data_dir)
  tfds_split = _resolve_split(spec, builder, split)
  label_feature = builder.info.features["label"]
  num_classes = int(label_feature.num_classes)
  level, prefix, suffix = _split_transforms(ts)
  return spec, builder, tfds_split, ts, shape, (lo, hi), num_classes, label_feature, level, prefix, suffix


def _prefix_shape(prefix: tuple[Transform, ...], spec: DatasetSpec) -> tuple:
  return output_shape(prefix, spec.image_shape)


def _shuffle_buffer(num_examples: int, shape: tuple, budget_bytes: int = 512 << 20) -> int:
  """Shuffle buffer for streamed data: the whole split when its float32 images fit in `budget_bytes`,
  else as many as fit (at least 256), e.g. about 850 images of 224x224x3."""
  if any(d is None for d in shape):
    per_example = 224 * 224 * 3 * 4
  else:
    per_example = int(np.prod(shape)) * 4
  return int(max(1, min(max(num_examples, 1), max(256, budget_bytes // per_example))))


def _num_examples(builder, tfds_split: str) -> int:
  try:
    return int(builder.info.splits[tfds_split].num_examples)
  except (KeyError, ValueError, TypeError):  # unknown split sizes (mock data): ask the files
    return int(builder.as_dataset(split=tfds_split, shuffle_files=False).cardinality())


def _stream_dataset(spec: DatasetSpec, builder, tfds_split: str, *, idx: np.ndarray | None, prefix, take,
                    cache: bool) -> tf.data.Dataset:
  """Unbatched (image float32 [0,1] after `prefix`, label int64) read from the TFDS files; only the examples
  at `idx` (sorted) when given."""
  ds = builder.as_dataset(split=tfds_split, shuffle_files=False, as_supervised=True)
  if idx is not None:
    mask = np.zeros(_num_examples(builder, tfds_split), bool)
    mask[idx] = True
    keep = tf.constant(mask)

    def selected(i, example):
      del example
      return tf.gather(keep, i)

    def drop_index(i, example):
      del i
      return example
    ds = ds.enumerate().filter(selected).map(drop_index)
  if take is not None:
    ds = ds.take(take)
  stored_shape = spec.image_shape
  body = _compose(prefix)

  def decode(image, label):
    image = tf.ensure_shape(image, stored_shape)
    return body(tf.cast(image, tf.float32) / 255.0), tf.cast(label, tf.int64)
  ds = ds.map(decode, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
  return ds.cache() if cache else ds


def load(name: str, split: str, *, data_dir=None, batch_size: int = 128,
         pixel_range: tuple[float, float] = DEFAULT_PIXEL_RANGE, transforms=(), shuffle: bool = False,
         seed: int = 0, take: int | None = None, cache: bool = False,
         drop_remainder: bool = False) -> tuple[tf.data.Dataset, DatasetInfo]:
  """A batched, prefetched tf.data pipeline of (image float32 [B,H,W,C] in pixel_range, label int64 [B]).

  Args:
    name: a registered dataset (`adv_tf.data.DATASETS.names()`).
    split: a TFDS split string ('train', 'test', 'test[:1000]', ...); 'test' reads 'validation' where a
      dataset's test split has no labels (tiny_imagenet, imagenette, imagenet2012).
    data_dir: TFDS data directory; default $ADV_TF_DATA_DIR, else TFDS's default.
    batch_size: examples per batch.
    pixel_range: (low, high) of the output pixels; (0, 1) default, (-0.5, 0.5) for paper 002 §5.3.1.
    transforms: Transform instances, spec dicts or names (see `adv_tf.data.transforms`), in order.
    shuffle: reshuffle every epoch (seeded by `seed`).
    seed: seeds shuffling and random augmentations; same seed, same sequence.
    take: keep only the first `take` examples (after any balanced subset, before shuffling).
    cache: streamed datasets only: `ds.cache()` the decoded, deterministically transformed examples
      (default off; in-memory datasets are always held decoded).
    drop_remainder: drop a last incomplete batch.

  Returns:
    (dataset, DatasetInfo).
  """
  _check_positive_int("batch_size", batch_size)
  (spec, builder, tfds_split, ts, shape, (lo, hi), num_classes, label_feature, level, prefix,
   suffix) = _build(name, split, data_dir=data_dir, pixel_range=pixel_range, transforms=transforms, take=take)
  cache = bool(cache)
  labels_fn = (lambda: _read_arrays(builder, tfds_split)[1]) if spec.in_memory else \
      functools.lru_cache(maxsize=1)(lambda: _read_labels(builder, tfds_split))
  idx = _subset_indices(level, labels_fn, num_classes)
  selection = _selection_record(level, idx, take, labels_fn, num_classes) if idx is not None else None
  if spec.in_memory:
    x_u8, y = _read_arrays(builder, tfds_split)
    if idx is not None:
      x_u8, y = x_u8[idx], y[idx]
    if take is not None:
      x_u8, y = x_u8[:take], y[:take]
    num_examples = len(y)
    ds = _in_memory_dataset(x_u8, y, batch_size=batch_size, shuffle=shuffle, seed=seed, prefix=prefix,
                            suffix=suffix,
                            drop_remainder=drop_remainder)
  else:
    ds = _stream_dataset(spec, builder, tfds_split, idx=idx, prefix=prefix, take=take, cache=cache)
    num_examples = _num_examples(builder, tfds_split) if idx is None else len(idx)
    if take is not None:
      num_examples = min(num_examples, take)
    if shuffle:
      ds = ds.shuffle(_shuffle_buffer(num_examples, _prefix_shape(prefix, spec)), seed=seed,
                      reshuffle_each_iteration=True)
    ds = _apply_suffix(ds.batch(batch_size, drop_remainder=drop_remainder), suffix, seed)
  if (lo, hi) != DEFAULT_PIXEL_RANGE:
    scale, offset = hi - lo, lo

    def to_range(xb, yb):
      return xb * scale + offset, yb
    ds = ds.map(to_range, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
  ds = ds.prefetch(tf.data.AUTOTUNE)
  info = DatasetInfo(name=spec.name, split=split, num_classes=num_classes,
                     class_names=tuple(label_feature.names), image_shape=tuple(int(d) for d in shape),
                     pixel_range=(lo, hi), transforms=tuple(t.spec() for t in ts), num_examples=num_examples,
                     take=take, provenance=_provenance(spec, builder, tfds_split))
  if selection is not None:
    info.provenance["selection"] = selection
  return ds, info


def load_arrays(name: str, split: str, *, data_dir=None, pixel_range: tuple[float, float] = DEFAULT_PIXEL_RANGE,
                transforms=(), take: int | None = None, seed: int = 0
                ) -> tuple[np.ndarray, np.ndarray, DatasetInfo]:
  """The whole split as numpy: (x float32 NHWC in pixel_range, y int64, DatasetInfo), in split order.

  Same arguments and semantics as `load` (random transforms, if any, are drawn once with `seed`).
  """
  ds, info = load(name, split, data_dir=data_dir, batch_size=1024, pixel_range=pixel_range,
                  transforms=transforms, take=take, seed=seed, shuffle=False)
  xs, ys = [], []
  for x, y in ds.as_numpy_iterator():
    xs.append(x)
    ys.append(y)
  x = np.concatenate(xs) if xs else np.zeros((0, *info.image_shape), np.float32)
  y = np.concatenate(ys) if ys else np.zeros((0,), np.int64)
  return x.astype(np.float32, copy=False), y.astype(np.int64, copy=False), info
