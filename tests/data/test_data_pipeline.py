"""adv_tf.data.load / load_arrays: every registered dataset (mock data), real MNIST, bad input."""
from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import adv_tf.data as data  # noqa: E402
from adv_tf.data import transforms as T  # noqa: E402
from adv_tf.errors import AdvTfError  # noqa: E402
from data_prep import readers  # noqa: E402

# Registered names that TFDS code knows (mock_data builds fake examples from their feature specs). The
# imported-only config is covered by test_imagenette_local_config_from_an_imported_folder.
MOCKABLE = [n for n in data.DATASETS.names() if data.DATASETS.get(n).prepare != "import"]


@pytest.fixture
def mocked(mock_tfds, tmp_path):
  with mock_tfds(num_examples=24):
    yield tmp_path


@pytest.mark.parametrize("name", MOCKABLE)
@pytest.mark.parametrize("pixel_range", [(0.0, 1.0), (-0.5, 0.5)])
def test_every_dataset_yields_batched_float_images_and_int_labels(mocked, name, pixel_range):
  spec = data.DATASETS.get(name)
  transforms = [] if None not in spec.image_shape else [T.Resize(size=40)]
  ds, info = data.load(name, "test", data_dir=str(mocked), batch_size=8, pixel_range=pixel_range,
                       transforms=transforms)
  x, y = next(iter(ds))
  expected_shape = spec.image_shape if not transforms else (40, 40, spec.image_shape[2])
  assert tuple(x.shape) == (8, *expected_shape) and info.image_shape == expected_shape
  assert x.dtype.name == "float32" and y.dtype.name == "int64"
  assert pixel_range[0] <= float(np.min(x)) and float(np.max(x)) <= pixel_range[1]
  assert 0 <= int(np.min(y)) and int(np.max(y)) < info.num_classes == spec.num_classes
  assert info.pixel_range == pixel_range and info.name == name and info.num_examples > 0
  assert len(info.class_names) == info.num_classes


def test_mock_pipeline_with_augmentation_and_subset(mocked):
  ds, info = data.load("cifar10", "train", data_dir=str(mocked), batch_size=4, shuffle=True, seed=3,
                       transforms=[T.RandomResizedCrop(), T.RandomFlip(), T.RandomRotation(), T.RandomShift()])
  x, _ = next(iter(ds))
  assert tuple(x.shape) == (4, 32, 32, 3) and [t["name"] for t in info.transforms] == [
      "random_resized_crop", "random_flip", "random_rotation", "random_shift"]


# --- real MNIST (imported from ADV_TF_RAW_DIR) -------------------------------------------------------

@pytest.fixture(scope="module")
def mnist_raw(raw_dir):
  return {split: (readers.read_idx(raw_dir / "mnist" / f"{p}-images-idx3-ubyte.gz"),
                  readers.read_idx(raw_dir / "mnist" / f"{p}-labels-idx1-ubyte.gz"))
          for split, p in (("train", "train"), ("test", "t10k"))}


def test_real_mnist_in_carlini_range(imported_data_dir, mnist_raw):
  ds, info = data.load("mnist", "train", data_dir=imported_data_dir, batch_size=1000,
                       pixel_range=(-0.5, 0.5))
  xs, ys = zip(*ds.as_numpy_iterator())
  x, y = np.concatenate(xs), np.concatenate(ys)
  raw_x, raw_y = mnist_raw["train"]
  assert x.shape == (60000, 28, 28, 1) and info.num_examples == 60000
  np.testing.assert_allclose(x[..., 0], raw_x / 255.0 - 0.5, atol=1e-6)
  np.testing.assert_array_equal(y, raw_y)
  assert x.min() == -0.5 and x.max() == 0.5
  assert info.provenance["imported_by"] == "data_prep.import_raw" and info.provenance["subset"] is False


def test_real_mnist_load_arrays_take_and_transforms(imported_data_dir, mnist_raw):
  x, y, info = data.load_arrays("mnist", "test", data_dir=imported_data_dir, take=500,
                                transforms=[T.MinimalIdentifiable()])
  raw_x, raw_y = mnist_raw["test"]
  ref = T.MinimalIdentifiable()(raw_x[:500, ..., None].astype(np.float32) / 255.0).numpy()
  np.testing.assert_allclose(x, ref, atol=1e-6)
  np.testing.assert_array_equal(y, raw_y[:500])
  assert info.num_examples == 500 and info.transforms == (T.MinimalIdentifiable().spec(),)


def test_real_mnist_contrast_statistics_double(imported_data_dir):
  base = data.split_stats("mnist", "test", data_dir=imported_data_dir, take=2000)
  doubled = data.split_stats("mnist", "test", data_dir=imported_data_dir, take=2000,
                             transforms=[T.Contrast(2.0, clip=False)])
  clipped = data.split_stats("mnist", "test", data_dir=imported_data_dir, take=2000,
                             transforms=[T.Contrast(2.0)])
  np.testing.assert_allclose(doubled.rms_contrast, 2 * base.rms_contrast, rtol=1e-5)
  assert base.rms_contrast < clipped.rms_contrast < doubled.rms_contrast
  assert base.num_examples == 2000 and base.image_shape == (28, 28, 1)


def test_real_mnist_shuffle_and_augmentation_are_seeded(imported_data_dir):
  def labels(seed):
    ds, _ = data.load("mnist", "test", data_dir=imported_data_dir, batch_size=500, shuffle=True, seed=seed,
                      take=2000)
    return [np.concatenate([y for _, y in ds.as_numpy_iterator()]) for _ in range(2)]  # two epochs
  a, b, c = labels(1), labels(1), labels(2)
  np.testing.assert_array_equal(a[0], b[0])
  np.testing.assert_array_equal(a[1], b[1])
  assert not np.array_equal(a[0], a[1])   # reshuffled every epoch
  assert not np.array_equal(a[0], c[0])   # another seed, another order
  np.testing.assert_array_equal(np.sort(a[0]), np.sort(c[0]))

  def images(seed):
    ds, _ = data.load("mnist", "test", data_dir=imported_data_dir, batch_size=100, seed=seed, take=100,
                      transforms=[T.RandomShift(0.2)])
    return [next(iter(ds))[0].numpy() for _ in range(2)]
  e, f = images(5), images(5)
  np.testing.assert_array_equal(e[0], f[0])
  assert not np.array_equal(e[0], e[1])   # fresh augmentation every epoch


def test_real_mnist_balanced_subset_through_load(imported_data_dir, mnist_raw):
  _, y_small, info = data.load_arrays("mnist", "train", data_dir=imported_data_dir,
                                      transforms=[{"name": "balanced_subset", "size": 1000, "seed": 4}])
  assert info.num_examples == 1000 and info.transforms[0]["name"] == "balanced_subset"
  np.testing.assert_array_equal(np.bincount(y_small), np.full(10, 100))
  idx_small, idx_big = data.nested_balanced_subsets(mnist_raw["train"][1], [1000, 5000], seed=4)
  np.testing.assert_array_equal(y_small, mnist_raw["train"][1][idx_small])
  assert set(idx_small) < set(idx_big)


def test_imagenette_local_config_from_an_imported_folder(tmp_path, monkeypatch):
  import io

  from PIL import Image

  from data_prep import import_raw
  rng = np.random.default_rng(0)
  for wnid in ("n01440764", "n02102040"):
    d = tmp_path / "raw" / "imagenette" / "val" / wnid
    d.mkdir(parents=True)
    for j in range(2):
      buf = io.BytesIO()
      Image.fromarray(rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)).save(buf, format="JPEG")
      (d / f"{j}.JPEG").write_bytes(buf.getvalue())
  import_raw.import_dataset("imagenette", tmp_path / "raw", tmp_path / "tfds")
  x, y, info = data.load_arrays("imagenette/local-224px", "test", data_dir=tmp_path / "tfds",
                                transforms=[T.Resize(size=64)])
  assert x.shape == (4, 64, 64, 3) and list(y) == [0, 0, 1, 1] and info.provenance["subset"] is True


# --- bad input: one-line errors ----------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,needle", [
    (dict(name="svhn", split="train"), "unknown dataset 'svhn'"),
    (dict(name="mnist", split="train", transforms=["blur"]), "unknown transform 'blur'"),
    (dict(name="mnist", split="train", transforms=[{"name": "contrast", "factor": 0}]), "factor must be"),
    (dict(name="mnist", split="train", transforms=[{"name": "resize", "factor": -2}]), "factor must be"),
    (dict(name="mnist", split="train", pixel_range=(1, 0)), "high > low"),
    (dict(name="mnist", split="train", batch_size=0), "batch_size must be a positive int"),
    (dict(name="imagenette/320px-v2", split="train"), "add a resize transform"),
])
def test_bad_input_is_one_line(kwargs, needle, tmp_path):
  with pytest.raises(AdvTfError) as err:
    data.load(data_dir=tmp_path, **kwargs)
  assert needle in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("name", ["mnist", "cifar100", "tiny_imagenet", "imagenette/local-224px"])
def test_missing_data_offline_says_run_make_data(name, tmp_path, monkeypatch):
  monkeypatch.setenv("ADV_TF_OFFLINE", "1")
  with pytest.raises(AdvTfError) as err:
    data.load(name, "test", data_dir=tmp_path)
  msg = str(err.value)
  assert f"{name} is not prepared in {tmp_path}" in msg and "make data RAW_DIR=" in msg and "\n" not in msg


def test_missing_manual_dataset_says_what_to_put_where(tmp_path):
  with pytest.raises(AdvTfError) as err:
    data.load("imagenet2012", "test", data_dir=tmp_path, transforms=[T.Resize(size=64)])
  assert "ILSVRC2012_img" in str(err.value) and "\n" not in str(err.value)


def test_unknown_split_lists_available(imported_data_dir):
  with pytest.raises(AdvTfError, match="no split 'validation'.*available: test, train"):
    data.load("mnist", "validation", data_dir=imported_data_dir)


def test_large_deterministic_prefix_is_applied_per_batch_with_the_same_result(imported_data_dir, monkeypatch):
  from adv_tf.data import pipeline
  tr = [T.Resize(size=56), T.Contrast(2.0)]
  x1, y1, _ = data.load_arrays("mnist", "test", data_dir=imported_data_dir, take=300, transforms=tr)
  monkeypatch.setattr(pipeline, "_PRECOMPUTE_BYTES", 0)  # force the per-batch path
  x2, y2, _ = data.load_arrays("mnist", "test", data_dir=imported_data_dir, take=300, transforms=tr)
  np.testing.assert_array_equal(x1, x2)
  np.testing.assert_array_equal(y1, y2)
