"""Readers for local raw dataset files: each returns plain numpy arrays or (bytes, label) records.

Formats (see ../shared/datasets/README.md for the local copies):
  * IDX, gzip or not (MNIST, Fashion-MNIST): `read_idx`.
  * The npz layout of the local CIFAR-10 copy (`x_train`, `y_train`, `x_test`, `y_test`, `label_names`,
    `*_orig_index`): `read_cifar_npz`.
  * CIFAR python tarballs (`cifar-10-python.tar.gz`, `cifar-100-python.tar.gz`) or their extracted folders:
    `read_cifar_python`.
  * STL-10 binaries (`stl10_binary.tar.gz` or the extracted `stl10_binary/`): `read_stl10_binary`.
  * Image folders `<split>/<wnid>/*.JPEG` (Imagenette): `list_image_folder`.
Every reader raises `AdvTfError` (one line) for a file it cannot make sense of.
"""
from __future__ import annotations

import gzip
import io
import pathlib
import pickle
import tarfile
from typing import Iterator

import numpy as np

from adv_tf.errors import AdvTfError

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
               0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(path: pathlib.Path) -> np.ndarray:
  """Reads an IDX file (gzip-compressed when its name ends in .gz) into an array of its stored shape."""
  path = pathlib.Path(path)
  opener = gzip.open if path.suffix == ".gz" else open
  try:
    with opener(path, "rb") as f:
      data = f.read()
  except (OSError, EOFError) as e:
    raise AdvTfError(f"cannot read IDX file {path}: {e}; re-copy the file") from None
  if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
    raise AdvTfError(f"{path} is not an IDX file (bad magic number); expected e.g. train-images-idx3-ubyte.gz")
  dtype = np.dtype(_IDX_DTYPES[data[2]])
  ndim = data[3]
  shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
  offset = 4 + 4 * ndim
  expected = int(np.prod(shape)) * dtype.itemsize
  if len(data) - offset != expected:
    raise AdvTfError(f"{path} is truncated or corrupt: header says shape {shape}, "
                     f"found {len(data) - offset} bytes of data instead of {expected}")
  return np.frombuffer(data, dtype, offset=offset).reshape(shape)


def read_cifar_npz(path: pathlib.Path) -> dict[str, np.ndarray]:
  """Reads the local CIFAR npz layout; returns its arrays (orig indices filled with -1 when absent)."""
  try:
    with np.load(path, allow_pickle=False) as z:
      out = {k: z[k] for k in z.files}
  except (OSError, ValueError) as e:
    raise AdvTfError(f"cannot read {path}: {e}; re-copy the file") from None
  missing = [k for k in ("x_train", "y_train", "x_test", "y_test") if k not in out]
  if missing:
    raise AdvTfError(f"{path} lacks arrays {missing}; expected x_train, y_train, x_test, y_test "
                     "(and optionally label_names, train_orig_index, test_orig_index)")
  for split in ("train", "test"):
    out.setdefault(f"{split}_orig_index", np.full(len(out[f"y_{split}"]), -1, np.int64))
  return out


def _unpickle(data: bytes) -> dict:
  return pickle.loads(data, encoding="bytes")


def _cifar_python_members(source: pathlib.Path) -> dict[str, bytes]:
  """Members of a CIFAR python tarball or extracted folder, keyed by file basename."""
  out = {}
  if source.is_dir():
    for p in source.iterdir():
      if p.is_file():
        out[p.name] = p.read_bytes()
    return out
  try:
    with tarfile.open(source, "r:*") as tar:
      for m in tar.getmembers():
        if m.isfile():
          out[pathlib.PurePosixPath(m.name).name] = tar.extractfile(m).read()
  except (OSError, tarfile.TarError) as e:
    raise AdvTfError(f"cannot read {source}: {e}; re-download the official archive") from None
  return out


def read_cifar_python(source: pathlib.Path, num_classes: int) -> dict[str, np.ndarray | list]:
  """Reads the official CIFAR-10/100 python version (tarball or extracted folder).

  Returns x_train/x_test uint8 NHWC, y_*, coarse y_* (CIFAR-100 only), label_names (and coarse ones),
  in the files' original order.
  """
  members = _cifar_python_members(pathlib.Path(source))
  if num_classes == 10:
    train_files = [f"data_batch_{i}" for i in range(1, 6)]
    test_files, meta_file, key, names_key = ["test_batch"], "batches.meta", b"labels", b"label_names"
  else:
    train_files, test_files, meta_file, key, names_key = ["train"], ["test"], "meta", b"fine_labels", \
        b"fine_label_names"
  needed = train_files + test_files + [meta_file]
  missing = [f for f in needed if f not in members]
  if missing:
    raise AdvTfError(f"{source} lacks {missing}; expected the official CIFAR-{num_classes} python version")
  out: dict = {}
  for split, files in (("train", train_files), ("test", test_files)):
    xs, ys, cs = [], [], []
    for f in files:
      d = _unpickle(members[f])
      xs.append(np.asarray(d[b"data"], np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
      ys.append(np.asarray(d[key], np.int64))
      if num_classes == 100:
        cs.append(np.asarray(d[b"coarse_labels"], np.int64))
    out[f"x_{split}"] = np.concatenate(xs)
    out[f"y_{split}"] = np.concatenate(ys)
    if cs:
      out[f"coarse_{split}"] = np.concatenate(cs)
  meta = _unpickle(members[meta_file])
  out["label_names"] = [n.decode() for n in meta[names_key]]
  if num_classes == 100:
    out["coarse_label_names"] = [n.decode() for n in meta[b"coarse_label_names"]]
  return out


def read_stl10_binary(source: pathlib.Path) -> dict[str, np.ndarray | list]:
  """Reads STL-10's binary version (tarball or extracted `stl10_binary/`): labelled train and test.

  Images are stored column-major per channel (3, 96, 96) transposed; labels are 1-based in the files.
  The 100,000 unlabelled images are not read.
  """
  source = pathlib.Path(source)
  wanted = ["train_X.bin", "train_y.bin", "test_X.bin", "test_y.bin", "class_names.txt"]
  members: dict[str, bytes] = {}
  if source.is_dir():
    for name in wanted:
      if (source / name).is_file():
        members[name] = (source / name).read_bytes()
  else:
    try:
      with tarfile.open(source, "r:*") as tar:
        for m in tar:
          base = pathlib.PurePosixPath(m.name).name
          if m.isfile() and base in wanted:
            members[base] = tar.extractfile(m).read()
    except (OSError, tarfile.TarError) as e:
      raise AdvTfError(f"cannot read {source}: {e}; re-download stl10_binary.tar.gz") from None
  missing = [w for w in wanted[:4] if w not in members]
  if missing:
    raise AdvTfError(f"{source} lacks {missing}; expected the official STL-10 binary version")
  out: dict = {}
  for split in ("train", "test"):
    x = np.frombuffer(members[f"{split}_X.bin"], np.uint8)
    if x.size % (3 * 96 * 96):
      raise AdvTfError(f"{source}: {split}_X.bin has a size that is not a multiple of 3*96*96")
    out[f"x_{split}"] = x.reshape(-1, 3, 96, 96).transpose(0, 3, 2, 1)
    out[f"y_{split}"] = np.frombuffer(members[f"{split}_y.bin"], np.uint8).astype(np.int64) - 1
  names = members.get("class_names.txt", b"").decode().split()
  out["label_names"] = names or None
  return out


def list_image_folder(root: pathlib.Path, exts=(".jpeg", ".jpg", ".png")) -> Iterator[tuple[pathlib.Path, str]]:
  """Yields (file, class folder name) for `root/<class>/*.<ext>`, sorted by class then file name."""
  root = pathlib.Path(root)
  for cls_dir in sorted(p for p in root.iterdir() if p.is_dir()):
    for f in sorted(cls_dir.iterdir()):
      if f.is_file() and f.suffix.lower() in exts:
        yield f, cls_dir.name


def jpeg_size(data: bytes) -> tuple[int, int, int]:
  """(height, width, channels) of an encoded image, read with PIL without a full decode when possible."""
  from PIL import Image
  with Image.open(io.BytesIO(data)) as im:
    w, h = im.size
    channels = {"L": 1, "RGB": 3, "CMYK": 4, "RGBA": 4}.get(im.mode, 3)
  return h, w, channels
