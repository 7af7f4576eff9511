"""Offline import: raw files -> TFDS datasets that plain `tfds.load` reads back exactly (data_prep)."""
from __future__ import annotations

import gzip
import io
import os
import pathlib
import pickle
import tarfile
import zipfile

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow_datasets as tfds  # noqa: E402

import adv_tf.data  # noqa: E402,F401  (registers tiny_imagenet)
from adv_tf.errors import AdvTfError  # noqa: E402
from data_prep import import_raw, readers  # noqa: E402


def _load_all(name, split, data_dir):
  ds = tfds.load(name, split=split, data_dir=str(data_dir), batch_size=-1, shuffle_files=False)
  return tfds.as_numpy(ds)


def _write_idx(path: pathlib.Path, array: np.ndarray) -> None:
  header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
  with gzip.open(path, "wb") as f:
    f.write(header + array.astype(np.uint8).tobytes())


def _jpeg(rng, size, mode="RGB") -> bytes:
  from PIL import Image
  arr = rng.integers(0, 256, (size, size, 3 if mode == "RGB" else 1), dtype=np.uint8)
  buf = io.BytesIO()
  Image.fromarray(arr.squeeze(), mode=mode).save(buf, format="JPEG")
  return buf.getvalue()


# --- real local copies (ADV_TF_RAW_DIR) --------------------------------------------------------------

def test_imported_mnist_equals_raw_idx_exactly(raw_dir, imported_data_dir):
  for split, prefix in (("train", "train"), ("test", "t10k")):
    x = readers.read_idx(raw_dir / "mnist" / f"{prefix}-images-idx3-ubyte.gz")
    y = readers.read_idx(raw_dir / "mnist" / f"{prefix}-labels-idx1-ubyte.gz")
    got = _load_all("mnist", split, imported_data_dir)
    assert got["image"].shape == (*x.shape, 1) and got["image"].dtype == np.uint8
    np.testing.assert_array_equal(got["image"][..., 0], x)
    np.testing.assert_array_equal(got["label"], y)


def test_make_data_result_loads_offline_with_the_right_counts(raw_dir, imported_data_dir):
  """What `make data RAW_DIR=... DATA_DIR=...` promises: plain tfds.load works with the right counts."""
  expected = {"mnist": {"train": 60000, "test": 10000}, "fashion_mnist": {"train": 60000, "test": 10000},
              "cifar10": {"train": 20000, "test": 10000}, "tiny_imagenet": {"validation": 10000},
              "imagenette/local-224px": {"validation": 2500}}
  for name, counts in expected.items():
    if import_raw.IMPORTERS.get(name.split("/")[0]).locate(raw_dir) is None:
      continue  # that copy is not in this RAW_DIR
    builder = tfds.builder(name, data_dir=str(imported_data_dir))
    assert builder.is_prepared(), name
    assert {k: v.num_examples for k, v in builder.info.splits.items()} == counts, name
    first = next(iter(tfds.load(name, split=list(counts)[0], data_dir=str(imported_data_dir))))
    assert first["image"].dtype == np.uint8 and int(first["label"]) >= 0
  prov = import_raw.read_provenance(imported_data_dir / "cifar10" / "3.0.2")
  if prov:
    assert prov["subset"] and "train: 20,000 of 50,000" in prov["subset_note"]
  cifar = _load_all("cifar10", "test[:20]", imported_data_dir)
  npz = readers.read_cifar_npz(raw_dir / "cifar10" / "cifar10.npz")
  np.testing.assert_array_equal(cifar["image"], npz["x_test"][:20])
  np.testing.assert_array_equal(cifar["label"], npz["y_test"][:20])


def test_second_import_is_harmless(raw_dir, imported_data_dir):
  before = (imported_data_dir / "mnist" / "3.0.1" / "dataset_info.json").read_text()
  result = import_raw.import_dataset("mnist", raw_dir, imported_data_dir)
  assert result.status == "already imported" and result.splits == {"train": 60000, "test": 10000}
  assert (imported_data_dir / "mnist" / "3.0.1" / "dataset_info.json").read_text() == before


# --- synthetic raw files in every supported format ---------------------------------------------------

def test_idx_import_round_trip_and_subset_flag(tmp_path):
  rng = np.random.default_rng(0)
  raw = tmp_path / "raw" / "fashion_mnist"
  raw.mkdir(parents=True)
  x_tr, y_tr = rng.integers(0, 256, (30, 28, 28)), rng.integers(0, 10, 30)
  x_te, y_te = rng.integers(0, 256, (12, 28, 28)), rng.integers(0, 10, 12)
  _write_idx(raw / "train-images-idx3-ubyte.gz", x_tr)
  _write_idx(raw / "train-labels-idx1-ubyte.gz", y_tr)
  _write_idx(raw / "t10k-images-idx3-ubyte.gz", x_te)
  _write_idx(raw / "t10k-labels-idx1-ubyte.gz", y_te)
  out = tmp_path / "tfds"
  result = import_raw.import_dataset("fashion_mnist", tmp_path / "raw", out)
  assert result.status == "imported" and result.subset
  got = _load_all("fashion_mnist", "train", out)
  np.testing.assert_array_equal(got["image"][..., 0], x_tr)
  np.testing.assert_array_equal(got["label"], y_tr)
  builder = tfds.builder("fashion_mnist", data_dir=str(out))
  assert builder.info.features["label"].names[0] == "T-shirt/top"
  prov = import_raw.read_provenance(pathlib.Path(builder.data_dir))
  assert prov["subset"] and prov["splits"] == {"train": 30, "test": 12}
  # Same source again: skipped; --overwrite: rebuilt.
  assert import_raw.import_dataset("fashion_mnist", tmp_path / "raw", out).status == "already imported"
  assert import_raw.import_dataset("fashion_mnist", tmp_path / "raw", out, overwrite=True).status == "imported"
  # Another source (fewer test images): left alone unless --overwrite.
  _write_idx(raw / "t10k-images-idx3-ubyte.gz", x_te[:5])
  _write_idx(raw / "t10k-labels-idx1-ubyte.gz", y_te[:5])
  assert import_raw.import_dataset("fashion_mnist", tmp_path / "raw", out).status.startswith("kept")
  assert len(_load_all("fashion_mnist", "test", out)["label"]) == 12
  import_raw.import_dataset("fashion_mnist", tmp_path / "raw", out, overwrite=True)
  assert len(_load_all("fashion_mnist", "test", out)["label"]) == 5


def test_idx_labels_out_of_range_are_rejected(tmp_path):
  raw = tmp_path / "mnist"
  raw.mkdir()
  _write_idx(raw / "t10k-images-idx3-ubyte.gz", np.zeros((3, 28, 28)))
  _write_idx(raw / "t10k-labels-idx1-ubyte.gz", np.array([1, 2, 12]))
  with pytest.raises(AdvTfError, match=r"labels outside \[0, 10\)"):
    import_raw.import_dataset("mnist", tmp_path, tmp_path / "tfds")
  _write_idx(raw / "t10k-labels-idx1-ubyte.gz", np.array([1, 2]))
  with pytest.raises(AdvTfError, match="3 images but 2 labels"):
    import_raw.import_dataset("mnist", tmp_path, tmp_path / "tfds")


def _cifar_arrays(rng, n, num_classes):
  return rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8), rng.integers(0, num_classes, n)


def test_cifar10_npz_import_keeps_ids_names_and_records_subset(tmp_path):
  rng = np.random.default_rng(1)
  (tmp_path / "cifar10").mkdir()
  x_tr, y_tr = _cifar_arrays(rng, 20, 10)
  x_te, y_te = _cifar_arrays(rng, 10, 10)
  names = np.array(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"])
  np.savez(tmp_path / "cifar10" / "cifar10.npz", x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te,
           label_names=names, train_orig_index=np.arange(100, 120), test_orig_index=np.full(10, -1))
  out = tmp_path / "tfds"
  result = import_raw.import_dataset("cifar10", tmp_path, out)
  assert result.subset and result.splits == {"train": 20, "test": 10}
  got = _load_all("cifar10", "train", out)
  np.testing.assert_array_equal(got["image"], x_tr)
  np.testing.assert_array_equal(got["label"], y_tr)
  assert got["id"][0] == b"train_00100"
  assert _load_all("cifar10", "test", out)["id"][0] == b"test_local_00000"
  assert tfds.builder("cifar10", data_dir=str(out)).info.features["label"].names == list(names)


def test_cifar100_python_tarball_import(tmp_path):
  rng = np.random.default_rng(2)
  x_tr, y_tr = _cifar_arrays(rng, 8, 100)
  x_te, y_te = _cifar_arrays(rng, 4, 100)
  files = {}
  for name, x, y in (("train", x_tr, y_tr), ("test", x_te, y_te)):
    files[name] = pickle.dumps({b"data": x.transpose(0, 3, 1, 2).reshape(len(x), -1),
                                b"fine_labels": list(y), b"coarse_labels": list(y // 5)})
  files["meta"] = pickle.dumps({b"fine_label_names": [f"c{i}".encode() for i in range(100)],
                                b"coarse_label_names": [f"s{i}".encode() for i in range(20)]})
  with tarfile.open(tmp_path / "cifar-100-python.tar.gz", "w:gz") as tar:
    for name, data in files.items():
      info = tarfile.TarInfo(f"cifar-100-python/{name}")
      info.size = len(data)
      tar.addfile(info, io.BytesIO(data))
  out = tmp_path / "tfds"
  import_raw.import_dataset("cifar100", tmp_path, out)
  got = _load_all("cifar100", "test", out)
  np.testing.assert_array_equal(got["image"], x_te)
  np.testing.assert_array_equal(got["label"], y_te)
  np.testing.assert_array_equal(got["coarse_label"], y_te // 5)
  assert got["id"][1] == b"test_00001"


def test_stl10_binary_import_transposes_column_major_images(tmp_path):
  rng = np.random.default_rng(3)
  src = tmp_path / "stl10" / "stl10_binary"
  src.mkdir(parents=True)
  data = {}
  for split, n in (("train", 5), ("test", 3)):
    x = rng.integers(0, 256, (n, 96, 96, 3), dtype=np.uint8)
    y = rng.integers(0, 10, n)
    (src / f"{split}_X.bin").write_bytes(x.transpose(0, 3, 2, 1).tobytes())  # STL-10: column-major
    (src / f"{split}_y.bin").write_bytes((y + 1).astype(np.uint8).tobytes())   # 1-based labels
    data[split] = (x, y)
  out = tmp_path / "tfds"
  import_raw.import_dataset("stl10", tmp_path, out)
  got = _load_all("stl10", "train", out)
  np.testing.assert_array_equal(got["image"], data["train"][0])
  np.testing.assert_array_equal(got["label"], data["train"][1])


def _tiny_zip(path: pathlib.Path, rng, with_train: bool) -> dict:
  wnids = ["n01443537", "n01629819", "n01641577"] + [f"n9{i:07d}" for i in range(197)]
  rows, images = [], {}
  with zipfile.ZipFile(path, "w") as z:
    z.writestr("tiny-imagenet-200/wnids.txt", "\n".join(wnids) + "\n")
    for i in range(6):
      data = _jpeg(rng, 64, mode="L" if i == 0 else "RGB")  # one grayscale JPEG, as in the real set
      z.writestr(f"tiny-imagenet-200/val/images/val_{i}.JPEG", data)
      rows.append(f"val_{i}.JPEG\t{wnids[i % 3]}\t0\t0\t63\t63")
      images[f"val_{i}"] = data
    z.writestr("tiny-imagenet-200/val/val_annotations.txt", "\n".join(rows) + "\n")
    if with_train:
      for w in wnids[:3]:
        for j in range(2):
          z.writestr(f"tiny-imagenet-200/train/{w}/images/{w}_{j}.JPEG", _jpeg(rng, 64))
  return {"wnids": wnids, "images": images}


@pytest.mark.parametrize("with_train", [False, True])
def test_tiny_imagenet_builder_from_a_local_zip(tmp_path, with_train):
  rng = np.random.default_rng(4)
  raw = tmp_path / "tiny_imagenet"
  raw.mkdir()
  name = "tiny-imagenet-200.zip" if with_train else "tiny-imagenet-200_val.zip"
  made = _tiny_zip(raw / name, rng, with_train)
  out = tmp_path / "tfds"
  result = import_raw.import_dataset("tiny_imagenet", tmp_path, out)
  expected = {"validation": 6, **({"train": 6} if with_train else {})}
  assert result.splits == expected and result.subset  # the toy copy is smaller than the official one
  got = _load_all("tiny_imagenet", "validation", out)
  assert got["image"].shape == (6, 64, 64, 3)
  np.testing.assert_array_equal(got["label"], [0, 1, 2, 0, 1, 2])
  assert [i.decode() for i in got["id"]] == [f"val_{i}" for i in range(6)]
  builder = tfds.builder("tiny_imagenet", data_dir=str(out))
  assert builder.info.features["label"].names == made["wnids"]
  assert builder.info.metadata["subset"] is True


def test_tiny_imagenet_builder_from_an_extracted_folder(tmp_path):
  rng = np.random.default_rng(5)
  _tiny_zip(tmp_path / "t.zip", rng, with_train=False)
  with zipfile.ZipFile(tmp_path / "t.zip") as z:
    z.extractall(tmp_path / "manual")
  from adv_tf.data.tiny_imagenet import TinyImagenet
  for i, manual in enumerate([tmp_path / "manual", tmp_path / "manual" / "tiny-imagenet-200"]):
    builder = TinyImagenet(data_dir=str(tmp_path / f"tfds{i}"))
    builder.download_and_prepare(download_config=tfds.download.DownloadConfig(manual_dir=str(manual)))
    assert builder.info.splits["validation"].num_examples == 6
    assert builder.info.metadata["source"] == str(tmp_path / "manual" / "tiny-imagenet-200")


def test_imagenette_folder_becomes_a_local_config(tmp_path):
  rng = np.random.default_rng(6)
  for wnid in ("n01440764", "n03888257"):
    d = tmp_path / "imagenette" / "val" / wnid
    d.mkdir(parents=True)
    for j in range(3):
      (d / f"{wnid}_{j}.JPEG").write_bytes(_jpeg(rng, 24))
  out = tmp_path / "tfds"
  result = import_raw.import_dataset("imagenette", tmp_path, out)
  assert result.tfds_name == "imagenette/local-24px" and result.subset
  got = _load_all("imagenette/local-24px", "validation", out)
  assert got["image"].shape == (6, 24, 24, 3)
  np.testing.assert_array_equal(got["label"], [0, 0, 0, 9, 9, 9])  # official TFDS label order


# --- command line and missing input ------------------------------------------------------------------

def test_cli_all_reports_imported_and_skipped(tmp_path, capsys):
  raw = tmp_path / "raw" / "mnist"
  raw.mkdir(parents=True)
  _write_idx(raw / "t10k-images-idx3-ubyte.gz", np.zeros((4, 28, 28)))
  _write_idx(raw / "t10k-labels-idx1-ubyte.gz", np.arange(4))
  rc = import_raw.main([f"--raw_dir={tmp_path / 'raw'}", f"--data_dir={tmp_path / 'tfds'}", "--dataset=all"])
  out = capsys.readouterr().out
  assert rc == 0
  assert "imported: mnist (test 4) [subset: train: missing (official 60,000); test: 4 of 10,000]" in out
  assert "skipped cifar10: no raw files" in out and "1 imported or present (mnist)" in out


@pytest.mark.parametrize("args,needle", [
    (["--dataset=all"], "no known raw dataset files"),
    (["--dataset=mnist"], "no raw files for mnist"),
    (["--dataset=svhn"], "unknown raw dataset 'svhn'"),
])
def test_cli_missing_or_unknown_is_one_line(tmp_path, capsys, args, needle):
  rc = import_raw.main([f"--raw_dir={tmp_path}", f"--data_dir={tmp_path / 'tfds'}", *args])
  err = capsys.readouterr().err.strip()
  assert rc != 0 and needle in err and "\n" not in err and "Traceback" not in err


def test_missing_raw_folder(tmp_path):
  with pytest.raises(AdvTfError, match="does not exist"):
    import_raw.import_dataset("mnist", tmp_path / "nowhere", tmp_path / "tfds")


def test_cli_imports_a_list_and_checks_every_name_first(tmp_path, capsys):
  raw = tmp_path / "raw" / "mnist"
  raw.mkdir(parents=True)
  _write_idx(raw / "t10k-images-idx3-ubyte.gz", np.zeros((4, 28, 28)))
  _write_idx(raw / "t10k-labels-idx1-ubyte.gz", np.arange(4))
  # The Makefile passes a study's datasets space-separated (DATASETS_<study>); an unknown name anywhere in
  # the list is refused before anything is imported.
  rc = import_raw.main([f"--raw_dir={tmp_path / 'raw'}", f"--data_dir={tmp_path / 'tfds'}", "--dataset=mnist svhn"])
  assert rc == 2 and "unknown raw dataset 'svhn'" in capsys.readouterr().err
  assert not (tmp_path / "tfds").exists()
  rc = import_raw.main([f"--raw_dir={tmp_path / 'raw'}", f"--data_dir={tmp_path / 'tfds'}", "--dataset=mnist,mnist"])
  out = capsys.readouterr().out
  assert rc == 0 and out.count("mnist") >= 2
