"""Offline import: local raw dataset files -> prepared TFDS datasets that plain `tfds.load` reads.

Usage:
    python -m data_prep.import_raw --raw_dir=DIR --data_dir=DIR --dataset=NAME|all [--overwrite]
    make data RAW_DIR=DIR DATA_DIR=DIR          # = --dataset=all

After it, `tfds.load("mnist", data_dir=DIR)` (also `fashion_mnist`, `cifar10`, `cifar100`, `stl10`,
`imagenette/<config>`, and `tiny_imagenet` once `adv_tf.data` is imported so its builder is registered)
works with no network and yields exactly the examples of the raw files, in the raw files' order.

How it works, and why (the choice between the two ways TFDS offers):

* TFDS's own route for local files is `DownloadConfig(manual_dir=...)`: the registered builder finds the
  archive by its URL's file name, verifies it against the checksum TFDS registered, and runs its own
  parser. It fails with `NonMatchingChecksumError` as soon as a file is not byte-identical to the official
  download, which is the case for re-gzipped MNIST, Debian's Fashion-MNIST, and for any copy that is not an
  official archive at all (the CIFAR-10 npz, the Imagenette image folder). A checksum of the *compressed*
  bytes says nothing about the examples, so this route rejects good data and cannot take re-packaged data.
* This module instead reads the raw files itself (`data_prep.readers`: IDX, npz, CIFAR python pickles,
  STL-10 binaries, image folders), checks what it reads (example counts per split, labels in range, image
  shapes, class names), and writes the examples with `tfds.dataset_builders.store_as_tfds_dataset`'s
  builder, under the registered dataset's own name, version and `FeaturesDict` (taken from the registered
  builder, so `features.json` matches what the TFDS code expects). Images are stored as lossless PNG
  (encoded with PIL, about 10x faster than the feature's per-image TF encoder) or, for JPEG sources, as
  their original JPEG bytes. Plain `tfds.load` then finds a prepared dataset and never touches the
  network; the round trip is bit-identical (tests/test_import_raw.py checks MNIST against the raw IDX
  arrays). Examples keep the raw order (shuffling on write is disabled), so the first N examples of a
  split are the first N of the raw files. The price of this route: TFDS's own parser is not the one that
  ran, so each reader here is tested against hand-made files in its format.
* Tiny ImageNet is not in the TFDS catalog; `adv_tf.data.tiny_imagenet.TinyImagenet` is a regular
  `GeneratorBasedBuilder` that downloads the official zip, or reads a local copy of the zip, of the
  validation-only zip, or of the extracted folder from `manual_dir`. The import runs that builder with
  `manual_dir` pointing at the local copy.
* Imagenette: the registered configs (`160px-v2`, `320px-v2`, `full-size-v2`, and v1) are written from the
  official extracted folders `imagenette2-160/`, `imagenette2-320/`, `imagenette2/` (and v1 ones) when a
  user has them. A bare `imagenette/val/<wnid>/` folder, as in the local copy (validation subset, every
  image resized to 224x224 by the copy's author), is not any official config: it is written as the new
  config `imagenette/local-<H>px` (`local-224px` there), validation split only, and `tfds.load` reads it
  from its files (TFDS falls back to the files for configs its code does not know); `adv_tf.data`
  registers it as `imagenette/local-224px`. Official `.tgz` archives are not read directly: extract them.

What is recorded: every imported dataset carries `metadata.json` (TFDS `MetadataDict`) next to its
`dataset_info.json` with `imported_by`, the source files, per-split counts, the official full counts and
`subset: true` with a one-line `subset_note` when a split is smaller than the official one or missing
(e.g. the 20,000-image CIFAR-10 train subset). `adv_tf.data.load` exposes it as `DatasetInfo.provenance`.

Importing twice is harmless: a dataset already prepared from the same source (same file names and
sizes) is skipped; one prepared from a different source is left alone unless `--overwrite` is given.
Each dataset is written to a temporary folder and renamed when complete (TFDS does this): an
interrupted import leaves at most an `incomplete.*` folder, which `tfds.load` never reads.

Cost: all local copies in ../shared/datasets (MNIST, Fashion-MNIST, CIFAR-10 subset, Tiny ImageNet val,
Imagenette val) import in about 30 s on 2 busy cores (about 21 s of CPU); a second run takes under 1 s.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import pathlib
import shutil
import sys
import time
from typing import Any, Callable, Iterable, Iterator

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from adv_tf.errors import AdvTfError
from adv_tf.registry import Registry
from data_prep import readers

IMPORTED_BY = "data_prep.import_raw"
METADATA_FILE = "metadata.json"


@dataclasses.dataclass(frozen=True)
class ImportResult:
  """What one import did: `status` is "imported", "already imported" or "kept (different source)"."""
  name: str
  tfds_name: str
  status: str
  splits: dict[str, int]
  subset: bool
  seconds: float
  path: str
  note: str = ""

  def line(self) -> str:
    counts = ", ".join(f"{k} {v:,}" for k, v in self.splits.items())
    sub = f" [subset: {self.note}]" if self.subset and self.note else (" [subset]" if self.subset else "")
    return f"{self.status}: {self.tfds_name} ({counts}){sub} in {self.seconds:.1f}s -> {self.path}"


@dataclasses.dataclass(frozen=True)
class Importer:
  """One raw dataset kind: how to find its files in a raw folder and how to write it.

  Attributes:
    name: the dataset name (`--dataset=NAME`).
    looks_for: human-readable list of what `locate` looks for (used in "missing" messages).
    locate: raw_dir -> the source path (file or folder), or None when absent.
    write: (source, data_dir, overwrite) -> ImportResult.
  """
  name: str
  looks_for: str
  locate: Callable[[pathlib.Path], pathlib.Path | None]
  write: Callable[[pathlib.Path, pathlib.Path, bool], ImportResult]


IMPORTERS: Registry[Importer] = Registry("raw dataset")

# Official split sizes, to tell a full import from a subset.
OFFICIAL_COUNTS = {
    "mnist": {"train": 60000, "test": 10000},
    "fashion_mnist": {"train": 60000, "test": 10000},
    "cifar10": {"train": 50000, "test": 10000},
    "cifar100": {"train": 50000, "test": 10000},
    "stl10": {"train": 5000, "test": 8000},
    "tiny_imagenet": {"train": 100000, "validation": 10000},
    "imagenette/full-size-v2": {"train": 9469, "validation": 3925},
    "imagenette/320px-v2": {"train": 9469, "validation": 3925},
    "imagenette/160px-v2": {"train": 9469, "validation": 3925},
    "imagenette/full-size": {"train": 12894, "validation": 500},
    "imagenette/320px": {"train": 12894, "validation": 500},
    "imagenette/160px": {"train": 12894, "validation": 500},
}


# ---------------------------------------------------------------------------------------------------
# Helpers


def _first_existing(raw_dir: pathlib.Path, sub: str, names: Iterable[str]) -> pathlib.Path | None:
  """First of raw_dir/sub/name or raw_dir/name that exists."""
  for base in (raw_dir / sub, raw_dir):
    for n in names:
      p = base / n
      if p.exists():
        return p
  return None


def fingerprint(source: pathlib.Path) -> list[list]:
  """Names and sizes of the source files (a folder: its files, recursively, up to 200 listed + total)."""
  source = pathlib.Path(source)
  if source.is_file():
    return [[source.name, source.stat().st_size]]
  files = sorted(p for p in source.rglob("*") if p.is_file())
  return [[str(p.relative_to(source)), p.stat().st_size] for p in files[:200]] + \
      [["#files", len(files)], ["#bytes", sum(p.stat().st_size for p in files)]]


def subset_note(tfds_name: str, counts: dict[str, int], extra: str = "") -> tuple[bool, str]:
  """(is_subset, note) comparing imported split sizes with the official ones."""
  official = OFFICIAL_COUNTS.get(tfds_name)
  if not official:
    return bool(extra), extra
  parts = []
  for split, n in official.items():
    got = counts.get(split)
    if got is None:
      parts.append(f"{split}: missing (official {n:,})")
    elif got < n:
      parts.append(f"{split}: {got:,} of {n:,}")
  note = "; ".join(parts + ([extra] if extra else []))
  return bool(parts) or bool(extra), note


def check_split(name: str, split: str, x_shape: tuple, y: np.ndarray, num_classes: int,
                image_shape: tuple | None) -> None:
  """One-line AdvTfError unless images and labels agree in count, labels are in range, shapes match."""
  if x_shape[0] != len(y):
    raise AdvTfError(f"{name} {split}: {x_shape[0]} images but {len(y)} labels; the raw files do not match")
  if len(y) == 0:
    raise AdvTfError(f"{name} {split}: no examples found in the raw files")
  if y.min() < 0 or y.max() >= num_classes:
    raise AdvTfError(f"{name} {split}: labels outside [0, {num_classes}) "
                     f"(found {int(y.min())}..{int(y.max())}); the raw label file is wrong")
  if image_shape is not None and tuple(x_shape[1:]) != tuple(image_shape):
    raise AdvTfError(f"{name} {split}: images have shape {tuple(x_shape[1:])}, expected {tuple(image_shape)}")


def _registered_builder(tfds_name: str, data_dir: pathlib.Path):
  import tensorflow_datasets as tfds
  return tfds.builder(tfds_name, data_dir=str(data_dir))


def _dataset_dir(data_dir: pathlib.Path, tfds_name: str, version: str) -> pathlib.Path:
  name, _, config = tfds_name.partition("/")
  return data_dir / name / config / version if config else data_dir / name / version


def read_provenance(dataset_dir: pathlib.Path) -> dict:
  """The import metadata of a prepared dataset directory ({} when there is none)."""
  path = pathlib.Path(dataset_dir) / METADATA_FILE
  if not path.is_file():
    return {}
  try:
    return json.loads(path.read_text())
  except (OSError, ValueError):
    return {}


def _existing(tfds_name: str, version: str, data_dir: pathlib.Path, source_fp: list, overwrite: bool,
              t0: float) -> ImportResult | None:
  """ImportResult for a dataset that is already there (and should be left), else None (after cleanup)."""
  ddir = _dataset_dir(data_dir, tfds_name, version)
  if not (ddir / "dataset_info.json").is_file():
    return None
  prov = read_provenance(ddir)
  same = prov.get("source_fingerprint") == source_fp
  if overwrite:
    shutil.rmtree(ddir)
    return None
  info = json.loads((ddir / "dataset_info.json").read_text())
  splits = {s["name"]: int(sum(int(n) for n in s.get("shardLengths", []))) for s in info.get("splits", [])}
  status = "already imported" if same else "kept (prepared from a different source; --overwrite replaces it)"
  return ImportResult(tfds_name.split("/")[0], tfds_name, status, splits, bool(prov.get("subset")),
                      time.time() - t0, str(ddir), str(prov.get("subset_note", "")))


def store(tfds_name: str, version: str, features, split_examples: dict[str, Iterable[tuple[Any, dict]]],
          data_dir: pathlib.Path, provenance: dict, description: str) -> pathlib.Path:
  """Writes examples as a TFDS dataset (raw order kept) with `provenance` as its metadata.json."""
  import tensorflow_datasets as tfds
  from tensorflow_datasets.core.dataset_builders import adhoc_builder

  class _ImportBuilder(adhoc_builder.AdhocBuilder, skip_registration=True):

    def _info(self):
      info = super()._info()
      return tfds.core.DatasetInfo(
          builder=self, description=info.description, features=self._feature_spec,
          supervised_keys=("image", "label"), disable_shuffling=True,
          metadata=tfds.core.MetadataDict(provenance))

  name, _, config = tfds_name.partition("/")
  builder = _ImportBuilder(name=name, version=version, features=features, split_datasets=split_examples,
                           config=config or None, data_dir=str(data_dir), description=description,
                           disable_shuffling=True)
  with contextlib.redirect_stdout(io.StringIO()):  # TFDS prints "Downloading and preparing ..." banners
    builder.download_and_prepare(download_config=tfds.download.DownloadConfig(
        download_mode=tfds.download.GenerateMode.REUSE_DATASET_IF_EXISTS))
  return pathlib.Path(builder.data_dir)


def _provenance(tfds_name: str, source: pathlib.Path, fmt: str, counts: dict[str, int], source_fp: list,
                extra_note: str = "") -> dict:
  is_subset, note = subset_note(tfds_name, counts, extra_note)
  return {
      "imported_by": IMPORTED_BY,
      "source": str(source),
      "source_format": fmt,
      "source_fingerprint": source_fp,
      "splits": counts,
      "official_splits": OFFICIAL_COUNTS.get(tfds_name, {}),
      "subset": is_subset,
      "subset_note": note,
      "imported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
  }


def encode_png(image: np.ndarray) -> bytes:
  """Lossless PNG bytes of a uint8 [H, W, C] image (C = 1 or 3), which the Image feature stores as is.

  PIL is about 10x faster here than the feature's own per-image TF graph encoder; decoding gives back
  the same pixels (the round-trip test checks MNIST bit for bit).
  """
  from PIL import Image
  buf = io.BytesIO()
  Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).save(buf, format="PNG")
  return buf.getvalue()


def _write_arrays(tfds_name: str, source: pathlib.Path, fmt: str, data_dir: pathlib.Path, overwrite: bool,
                  read: Callable[[], dict[str, dict[str, np.ndarray]]],
                  make_example: Callable[[str, int, dict[str, np.ndarray]], dict],
                  class_names: Callable[[dict], list[str] | None] = lambda d: None,
                  extra_note: str = "") -> ImportResult:
  """Common path for array datasets: read -> check -> store (or skip when already there)."""
  t0 = time.time()
  data_dir = pathlib.Path(data_dir)
  builder = _registered_builder(tfds_name, data_dir)
  version = str(builder.version)
  fp = fingerprint(source)
  existing = _existing(tfds_name, version, data_dir, fp, overwrite, t0)
  if existing:
    return existing
  features = builder.info.features
  label_feature = features["label"]
  splits = read()
  meta = splits.pop("_meta", {})
  names = class_names(meta)
  if names is not None:
    if len(names) != label_feature.num_classes:
      raise AdvTfError(f"{tfds_name}: the raw files name {len(names)} classes, expected "
                       f"{label_feature.num_classes}")
    try:
      label_feature.names = list(names)
    except ValueError:
      raise AdvTfError(f"{tfds_name}: the class names in the raw files {list(names)[:3]}... differ from "
                       f"the registered ones {label_feature.names[:3]}...; check the label_names") from None
  image_shape = features["image"].shape
  for split, arrs in splits.items():
    check_split(tfds_name, split, arrs["x"].shape, arrs["y"], label_feature.num_classes, image_shape)
  counts = {s: int(len(a["y"])) for s, a in splits.items()}
  prov = _provenance(tfds_name, source, fmt, counts, fp, extra_note)

  def examples(split: str, arrs: dict) -> Iterator[tuple[int, dict]]:
    for i in range(len(arrs["y"])):
      example = make_example(split, i, arrs)
      example["image"] = encode_png(example["image"])
      yield i, example

  path = store(tfds_name, version, features, {s: examples(s, a) for s, a in splits.items()}, data_dir, prov,
               f"{tfds_name} imported from local raw files ({fmt}) by {IMPORTED_BY}.")
  return ImportResult(tfds_name.split("/")[0], tfds_name, "imported", counts, prov["subset"],
                      time.time() - t0, str(path), prov["subset_note"])


# ---------------------------------------------------------------------------------------------------
# MNIST, Fashion-MNIST: IDX (gzip or not)

_IDX_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
              "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def _locate_idx(sub: str) -> Callable[[pathlib.Path], pathlib.Path | None]:
  def locate(raw_dir: pathlib.Path) -> pathlib.Path | None:
    for base in (raw_dir / sub,):
      if any((base / (f + ext)).exists() for f in _IDX_FILES["train"] + _IDX_FILES["test"]
             for ext in (".gz", "")):
        return base
    return None
  return locate


def _idx_path(folder: pathlib.Path, stem: str) -> pathlib.Path | None:
  for ext in (".gz", ""):
    if (folder / (stem + ext)).is_file():
      return folder / (stem + ext)
  return None


def _write_idx(tfds_name: str) -> Callable[[pathlib.Path, pathlib.Path, bool], ImportResult]:
  def read_splits(source: pathlib.Path) -> dict:
    out = {}
    for split, (img, lab) in _IDX_FILES.items():
      pi, pl = _idx_path(source, img), _idx_path(source, lab)
      if pi is None and pl is None:
        continue
      if pi is None or pl is None:
        raise AdvTfError(f"{tfds_name} {split}: found only one of {img}(.gz) and {lab}(.gz) in {source}; "
                         "copy both")
      x = readers.read_idx(pi)
      if x.ndim != 3:
        raise AdvTfError(f"{pi} holds an array of shape {x.shape}, expected [N, 28, 28] images")
      out[split] = {"x": x[..., None], "y": readers.read_idx(pl).astype(np.int64)}
    if not out:
      raise AdvTfError(f"no IDX files in {source}; expected train-images-idx3-ubyte.gz and friends")
    return out

  def write(source: pathlib.Path, data_dir: pathlib.Path, overwrite: bool) -> ImportResult:
    return _write_arrays(tfds_name, source, "idx", data_dir, overwrite, lambda: read_splits(source),
                         lambda split, i, a: {"image": a["x"][i], "label": int(a["y"][i])})
  return write


for _name in ("mnist", "fashion_mnist"):
  IMPORTERS.register(_name)(Importer(
      _name, f"{_name}/train-images-idx3-ubyte.gz (and the other three IDX files, gzip or not)",
      _locate_idx(_name), _write_idx(_name)))


# ---------------------------------------------------------------------------------------------------
# CIFAR-10 / CIFAR-100: local npz layout or official python tarball / folder

def _cifar_importer(tfds_name: str, num_classes: int) -> Importer:
  tarball = f"cifar-{num_classes}-python.tar.gz"
  folder = f"cifar-{num_classes}-batches-py" if num_classes == 10 else "cifar-100-python"

  def locate(raw_dir: pathlib.Path) -> pathlib.Path | None:
    return _first_existing(raw_dir, tfds_name, [f"{tfds_name}.npz", tarball, folder])

  def write(source: pathlib.Path, data_dir: pathlib.Path, overwrite: bool) -> ImportResult:
    if source.suffix == ".npz":
      fmt = "npz"

      def read() -> dict:
        z = readers.read_cifar_npz(source)
        names = [str(n) for n in z["label_names"]] if "label_names" in z else None
        splits = {s: {"x": z[f"x_{s}"], "y": z[f"y_{s}"].astype(np.int64).reshape(-1),
                      "orig": z[f"{s}_orig_index"].astype(np.int64)} for s in ("train", "test")}
        if num_classes == 100:
          if "coarse_train" not in z:
            raise AdvTfError(f"{source}: a CIFAR-100 npz needs coarse_train/coarse_test arrays too")
          for s in ("train", "test"):
            splits[s]["coarse"] = z[f"coarse_{s}"].astype(np.int64)
        splits["_meta"] = {"label_names": names}
        return splits
    else:
      fmt = "cifar python"

      def read() -> dict:
        d = readers.read_cifar_python(source, num_classes)
        splits = {s: {"x": d[f"x_{s}"], "y": d[f"y_{s}"],
                      "orig": np.arange(len(d[f"y_{s}"]), dtype=np.int64)} for s in ("train", "test")}
        if num_classes == 100:
          for s in ("train", "test"):
            splits[s]["coarse"] = d[f"coarse_{s}"]
        splits["_meta"] = {"label_names": d["label_names"], "coarse_label_names": d.get("coarse_label_names")}
        return splits

    def make_example(split: str, i: int, a: dict) -> dict:
      orig = int(a["orig"][i])
      ex = {"id": f"{split}_{orig:05d}" if orig >= 0 else f"{split}_local_{i:05d}",
            "image": a["x"][i], "label": int(a["y"][i])}
      if "coarse" in a:
        ex["coarse_label"] = int(a["coarse"][i])
      return ex

    extra = ""
    if fmt == "npz":
      extra = "local npz copy: check its README for pixel caveats (e.g. JPEG-decoded pixels)"
    return _write_arrays(tfds_name, source, fmt, data_dir, overwrite, read, make_example,
                         lambda meta: meta.get("label_names"), extra)

  return Importer(tfds_name, f"{tfds_name}/{tfds_name}.npz, {tarball} or {folder}/", locate, write)


IMPORTERS.register("cifar10")(_cifar_importer("cifar10", 10))
IMPORTERS.register("cifar100")(_cifar_importer("cifar100", 100))


# ---------------------------------------------------------------------------------------------------
# STL-10: official binaries

def _locate_stl10(raw_dir: pathlib.Path) -> pathlib.Path | None:
  return _first_existing(raw_dir, "stl10", ["stl10_binary.tar.gz", "stl10_binary"])


def _write_stl10(source: pathlib.Path, data_dir: pathlib.Path, overwrite: bool) -> ImportResult:
  def read() -> dict:
    d = readers.read_stl10_binary(source)
    out = {s: {"x": d[f"x_{s}"], "y": d[f"y_{s}"]} for s in ("train", "test")}
    out["_meta"] = {"label_names": d["label_names"]}
    return out
  return _write_arrays("stl10", source, "stl10 binary", data_dir, overwrite, read,
                       lambda split, i, a: {"image": a["x"][i], "label": int(a["y"][i])},
                       lambda meta: meta.get("label_names"),
                       "the 100,000 unlabelled images are not imported")


IMPORTERS.register("stl10")(Importer("stl10", "stl10/stl10_binary.tar.gz or stl10/stl10_binary/",
                                     _locate_stl10, _write_stl10))


# ---------------------------------------------------------------------------------------------------
# Tiny ImageNet: the package's own GeneratorBasedBuilder, fed from manual_dir

def _locate_tiny(raw_dir: pathlib.Path) -> pathlib.Path | None:
  from adv_tf.data import tiny_imagenet
  for base in (raw_dir / "tiny_imagenet", raw_dir):
    if base.is_dir() and tiny_imagenet.find_local_source(base) is not None:
      return base
  return None


def _write_tiny(source: pathlib.Path, data_dir: pathlib.Path, overwrite: bool) -> ImportResult:
  import tensorflow_datasets as tfds

  from adv_tf.data import tiny_imagenet
  t0 = time.time()
  src = tiny_imagenet.find_local_source(source)
  fp = fingerprint(src)
  version = str(tiny_imagenet.TinyImagenet.VERSION)
  existing = _existing("tiny_imagenet", version, pathlib.Path(data_dir), fp, overwrite, t0)
  if existing:
    return existing
  builder = tiny_imagenet.TinyImagenet(data_dir=str(data_dir))
  with contextlib.redirect_stdout(io.StringIO()):
    builder.download_and_prepare(download_config=tfds.download.DownloadConfig(manual_dir=str(source)))
  counts = {s: int(v.num_examples) for s, v in builder.info.splits.items()}
  ddir = pathlib.Path(builder.data_dir)
  prov = read_provenance(ddir)
  prov["source_fingerprint"] = fp
  (ddir / METADATA_FILE).write_text(json.dumps(prov))
  return ImportResult("tiny_imagenet", "tiny_imagenet", "imported", counts, bool(prov.get("subset")),
                      time.time() - t0, str(builder.data_dir), str(prov.get("subset_note", "")))


IMPORTERS.register("tiny_imagenet")(Importer(
    "tiny_imagenet", "tiny_imagenet/ with tiny-imagenet-200.zip, tiny-imagenet-200_val.zip or "
    "tiny-imagenet-200/", _locate_tiny, _write_tiny))


# ---------------------------------------------------------------------------------------------------
# Imagenette: image folders

_IMAGENETTE_OFFICIAL = {"imagenette2": "full-size-v2", "imagenette2-320": "320px-v2",
                        "imagenette2-160": "160px-v2", "imagenette": "full-size",
                        "imagenette-320": "320px", "imagenette-160": "160px"}
_SPLIT_DIRS = {"train": "train", "val": "validation"}


def _imagenette_sources(root: pathlib.Path) -> list[tuple[str, pathlib.Path]]:
  """(config, folder holding train/ and/or val/) for every Imagenette layout found under root."""
  out = []
  for folder, config in _IMAGENETTE_OFFICIAL.items():
    if (root / folder).is_dir() and any((root / folder / s).is_dir() for s in _SPLIT_DIRS):
      out.append((config, root / folder))
  if any((root / s).is_dir() for s in _SPLIT_DIRS):
    out.append(("local", root))
  return out


def _locate_imagenette(raw_dir: pathlib.Path) -> pathlib.Path | None:
  root = raw_dir / "imagenette"
  return root if root.is_dir() and _imagenette_sources(root) else None


def _write_imagenette_one(config: str, folder: pathlib.Path, data_dir: pathlib.Path,
                          overwrite: bool) -> ImportResult:
  import tensorflow_datasets as tfds
  t0 = time.time()
  reference = _registered_builder("imagenette/full-size-v2", data_dir)
  features = reference.info.features
  names = list(features["label"].names)
  files: dict[str, list[tuple[pathlib.Path, str]]] = {}
  for sub, split in _SPLIT_DIRS.items():
    if (folder / sub).is_dir():
      files[split] = list(readers.list_image_folder(folder / sub))
  sizes = set()
  for split, items in files.items():
    unknown = sorted({c for _, c in items} - set(names))
    if unknown:
      raise AdvTfError(f"imagenette {split}: class folders {unknown[:3]} are not Imagenette wnids")
    if not items:
      raise AdvTfError(f"imagenette {split}: no images in {folder}")
  if config == "local":
    # Name the config after the images' size (the local copy is uniformly 224x224).
    for split, items in files.items():
      for f, _ in items:
        h, w, _ = readers.jpeg_size(f.read_bytes())
        sizes.add((h, w))
    if len(sizes) == 1:
      h, w = next(iter(sizes))
      config = f"local-{h}px" if h == w else f"local-{h}x{w}"
  tfds_name = f"imagenette/{config}"
  fp = fingerprint(folder)
  existing = _existing(tfds_name, "1.0.0", pathlib.Path(data_dir), fp, overwrite, t0)
  if existing:
    return existing
  counts = {s: len(v) for s, v in files.items()}
  extra = "" if config in _IMAGENETTE_OFFICIAL.values() else \
      "not an official Imagenette config: local image folder (check its README, e.g. images resized)"
  prov = _provenance(tfds_name, folder, "image folder", counts, fp, extra)
  if not config.startswith("local"):
    prov["subset"], prov["subset_note"] = subset_note(tfds_name, counts)
  else:
    prov["subset"] = True
    prov["subset_note"] = "; ".join(p for p in [subset_note("imagenette/full-size-v2", counts)[1], extra] if p)

  def examples(items):
    for f, c in items:
      yield f.name, {"image": f.read_bytes(), "label": c}

  path = store(tfds_name, "1.0.0", tfds.features.FeaturesDict({
      "image": tfds.features.Image(shape=(None, None, 3), encoding_format="jpeg"),
      "label": tfds.features.ClassLabel(names=names)}),
      {s: examples(v) for s, v in files.items()}, pathlib.Path(data_dir), prov,
      f"Imagenette ({config}) imported from a local image folder by {IMPORTED_BY}.")
  return ImportResult("imagenette", tfds_name, "imported", counts, prov["subset"], time.time() - t0, str(path),
                      prov["subset_note"])


def _write_imagenette(source: pathlib.Path, data_dir: pathlib.Path, overwrite: bool) -> ImportResult:
  results = [_write_imagenette_one(c, f, data_dir, overwrite) for c, f in _imagenette_sources(source)]
  if len(results) == 1:
    return results[0]
  first = results[0]
  return dataclasses.replace(first, tfds_name=", ".join(r.tfds_name for r in results),
                             seconds=sum(r.seconds for r in results))


IMPORTERS.register("imagenette")(Importer(
    "imagenette", "imagenette/ with imagenette2*/{train,val}/<wnid>/*.JPEG or val/<wnid>/*.JPEG",
    _locate_imagenette, _write_imagenette))


# ---------------------------------------------------------------------------------------------------
# Entry points


def import_dataset(name: str, raw_dir: str | os.PathLike, data_dir: str | os.PathLike,
                   overwrite: bool = False) -> ImportResult:
  """Imports one dataset; raises AdvTfError (one line) when its raw files are not in raw_dir."""
  importer = IMPORTERS.get(name)
  raw_dir = pathlib.Path(raw_dir).expanduser()
  if not raw_dir.is_dir():
    raise AdvTfError(f"raw folder {raw_dir} does not exist; pass --raw_dir=DIR with the raw dataset files")
  source = importer.locate(raw_dir)
  if source is None:
    raise AdvTfError(f"no raw files for {name} in {raw_dir}: looked for {importer.looks_for}")
  data_dir = pathlib.Path(data_dir).expanduser()
  data_dir.mkdir(parents=True, exist_ok=True)
  return importer.write(source, data_dir, overwrite)


def import_all(raw_dir, data_dir, overwrite: bool = False,
               log: Callable[[str], None] = print) -> tuple[list[ImportResult], list[str]]:
  """Imports every dataset whose raw files are found; returns (results, skipped names)."""
  raw_dir = pathlib.Path(raw_dir).expanduser()
  if not raw_dir.is_dir():
    raise AdvTfError(f"raw folder {raw_dir} does not exist; pass --raw_dir=DIR with the raw dataset files")
  results, skipped = [], []
  for name in IMPORTERS:
    importer = IMPORTERS.get(name)
    if importer.locate(raw_dir) is None:
      skipped.append(name)
      log(f"skipped {name}: no raw files (looked for {importer.looks_for})")
      continue
    result = import_dataset(name, raw_dir, data_dir, overwrite)
    results.append(result)
    log(result.line())
  return results, skipped


def main(argv: list[str] | None = None) -> int:
  parser = argparse.ArgumentParser(prog="python -m data_prep.import_raw", description=__doc__.split("\n")[0])
  parser.add_argument("--raw_dir", required=True, help="folder with the raw dataset files")
  parser.add_argument("--data_dir", required=True, help="TFDS data directory to write into")
  parser.add_argument("--dataset", default="all",
                      help=f"all, or a comma-separated list of: {', '.join(IMPORTERS.names())}")
  parser.add_argument("--overwrite", action="store_true", help="replace datasets prepared from another source")
  args = parser.parse_args(argv)
  import logging as py_logging

  from absl import logging as absl_logging
  absl_logging.set_verbosity(absl_logging.WARNING)
  py_logging.getLogger("tensorflow_datasets").setLevel(py_logging.WARNING)
  import tensorflow_datasets as tfds
  tfds.disable_progress_bar()
  t0 = time.time()
  try:
    if args.dataset == "all":
      results, skipped = import_all(args.raw_dir, args.data_dir, args.overwrite)
      if not results:
        print(f"import_raw: no known raw dataset files in {args.raw_dir}", file=sys.stderr)
        return 1
      print(f"import_raw: {len(results)} imported or present ({', '.join(r.tfds_name for r in results)}), "
            f"{len(skipped)} skipped ({', '.join(skipped) or 'none'}) in {time.time() - t0:.1f}s")
    else:
      names = [name for name in args.dataset.replace(" ", ",").split(",") if name]
      for name in names:
        IMPORTERS.get(name)  # every name checked before any import starts
      for name in names:
        print(import_dataset(name, args.raw_dir, args.data_dir, args.overwrite).line())
  except AdvTfError as e:
    print(f"import_raw: {e}", file=sys.stderr)
    return 2
  return 0


if __name__ == "__main__":
  sys.exit(main())
