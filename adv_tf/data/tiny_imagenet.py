"""Tiny ImageNet-200 as a TFDS `GeneratorBasedBuilder` (it is not in the TFDS catalog).

Tiny ImageNet (CS231n, Stanford) has 200 ImageNet classes with 64x64 JPEG images: 500 train and 50
validation images per class, plus 10,000 unlabelled test images (not built here). Paper 004 §3.3 uses it
for the training-set-size study.

Sources, in order of preference (`_split_generators`):
  1. `manual_dir` holding `tiny-imagenet-200.zip` (official), `tiny-imagenet-200_val.zip` (the validation
     part only: `val/images/*.JPEG`, `val_annotations.txt`, `wnids.txt`, `words.txt`), or the extracted
     folder `tiny-imagenet-200/`;
  2. otherwise the official zip from `_URL`, through the download manager.
Splits present in the source are built (`train`, `validation`); a source without the train split is
recorded in `metadata.json` as a subset. JPEG bytes are stored unchanged; grayscale JPEGs are decoded to
3 channels by the Image feature. Labels follow the order of `wnids.txt`.

After `import adv_tf.data` (which imports this module and so registers the builder),
`tfds.load("tiny_imagenet", data_dir=...)` works like any catalog dataset.
"""
from __future__ import annotations

import pathlib
import zipfile
from typing import Iterator

import tensorflow_datasets as tfds

_URL = "http://cs231n.stanford.edu/tiny-imagenet-200.zip"
_ROOT = "tiny-imagenet-200"
LOCAL_NAMES = ("tiny-imagenet-200.zip", "tiny-imagenet-200_val.zip", _ROOT)
_CITATION = """@article{le2015tiny, title={Tiny ImageNet Visual Recognition Challenge},
author={Le, Ya and Yang, Xuan}, journal={CS 231N}, year={2015}}"""


def find_local_source(folder: pathlib.Path) -> pathlib.Path | None:
  """The first local Tiny ImageNet copy (zip or extracted folder) inside `folder`, or None."""
  folder = pathlib.Path(folder)
  if (folder / "wnids.txt").is_file():  # the extracted folder itself
    return folder
  for name in LOCAL_NAMES:
    p = folder / name
    if p.is_file() or (p.is_dir() and (p / "wnids.txt").is_file()):
      return p
  return None


class _Tree:
  """Read-only access to the files of a Tiny ImageNet copy, zipped or extracted, by relative path."""

  def __init__(self, source: pathlib.Path):
    self.source = pathlib.Path(source)
    self._zip = None
    if self.source.is_file():
      self._zip = zipfile.ZipFile(self.source)
      names = self._zip.namelist()
      self._prefix = _ROOT + "/" if any(n.startswith(_ROOT + "/") for n in names) else ""
      self._names = {n[len(self._prefix):] for n in names if n.startswith(self._prefix)}
    else:
      self._prefix = ""
      self._names = {str(p.relative_to(self.source)) for p in self.source.rglob("*") if p.is_file()}

  def exists(self, rel: str) -> bool:
    return rel in self._names

  def read(self, rel: str) -> bytes:
    if self._zip is not None:
      return self._zip.read(self._prefix + rel)
    return (self.source / rel).read_bytes()

  def text(self, rel: str) -> str:
    return self.read(rel).decode("utf-8")

  def list(self, prefix: str, suffix: str) -> list[str]:
    return sorted(n for n in self._names if n.startswith(prefix) and n.endswith(suffix))


class TinyImagenet(tfds.core.GeneratorBasedBuilder):
  """Tiny ImageNet-200: 64x64 RGB, 200 classes; train (100,000) and validation (10,000)."""

  VERSION = tfds.core.Version("1.0.0")
  RELEASE_NOTES = {"1.0.0": "Train and validation splits (the test split has no labels)."}
  MANUAL_DOWNLOAD_INSTRUCTIONS = (
      "Optional: put tiny-imagenet-200.zip (from http://cs231n.stanford.edu/tiny-imagenet-200.zip), "
      "tiny-imagenet-200_val.zip, or the extracted tiny-imagenet-200/ folder in manual_dir; without it the "
      "official zip is downloaded.")

  def _info(self) -> tfds.core.DatasetInfo:
    return tfds.core.DatasetInfo(
        builder=self,
        description="Tiny ImageNet-200 (CS231n): 200 ImageNet classes, 64x64 images.",
        features=tfds.features.FeaturesDict({
            "id": tfds.features.Text(),
            "image": tfds.features.Image(shape=(64, 64, 3), encoding_format="jpeg"),
            "label": tfds.features.ClassLabel(num_classes=200),
        }),
        supervised_keys=("image", "label"),
        homepage="http://cs231n.stanford.edu/",
        citation=_CITATION,
        disable_shuffling=True,
        metadata=tfds.core.MetadataDict(),
    )

  def _source(self, dl_manager) -> tuple[pathlib.Path, str]:
    try:
      manual = pathlib.Path(dl_manager.manual_dir)
    except Exception:  # pylint: disable=broad-except  # no manual_dir configured
      manual = None
    if manual is not None and manual.is_dir():
      local = find_local_source(manual)
      if local is not None:
        return local, "local copy"
    return pathlib.Path(dl_manager.download(_URL)), "download " + _URL

  def _split_generators(self, dl_manager):
    source, how = self._source(dl_manager)
    tree = _Tree(source)
    if not tree.exists("wnids.txt"):
      raise ValueError(f"{source} is not a Tiny ImageNet copy: wnids.txt is missing")
    wnids = [w.strip() for w in tree.text("wnids.txt").split() if w.strip()]
    if len(wnids) != 200 or len(set(wnids)) != 200:
      raise ValueError(f"{source}: wnids.txt lists {len(set(wnids))} distinct classes, Tiny ImageNet has 200")
    self.info.features["label"].names = wnids
    splits = {}
    train = tree.list("train/", ".JPEG")
    if train:
      splits["train"] = self._generate_examples(tree, [(p, p.split("/")[1]) for p in train])
    if tree.exists("val/val_annotations.txt"):
      rows = [line.split("\t") for line in tree.text("val/val_annotations.txt").splitlines() if line.strip()]
      splits["validation"] = self._generate_examples(
          tree, [(f"val/images/{r[0]}", r[1]) for r in rows])
    if not splits:
      raise ValueError(f"{source} holds neither train/ nor val/ images")
    counts = {"train": len(train)} if train else {}
    if "validation" in splits:
      counts["validation"] = len(rows)
    official = {"train": 100000, "validation": 10000}
    notes = [f"{s}: missing (official {n:,})" if s not in counts else f"{s}: {counts[s]:,} of {n:,}"
             for s, n in official.items() if counts.get(s, 0) < n]
    self.info.metadata.update({
        "imported_by": "adv_tf.data.tiny_imagenet.TinyImagenet",
        "source": str(source), "source_how": how, "splits": counts, "official_splits": official,
        "subset": bool(notes), "subset_note": "; ".join(notes),
    })
    return splits

  def _generate_examples(self, tree: _Tree, items: list[tuple[str, str]]) -> Iterator[tuple[str, dict]]:
    for rel, wnid in items:
      yield rel, {"id": pathlib.PurePosixPath(rel).stem, "image": tree.read(rel), "label": wnid}
