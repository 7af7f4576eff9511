"""Seeded class-balanced train/test splits of one split, index-list subsets, and their record in
DatasetInfo (provenance + identity), through `adv_tf.data.load` on mock and real data."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import adv_tf.data as data  # noqa: E402
from adv_tf.data import subsets  # noqa: E402
from adv_tf.errors import AdvTfError  # noqa: E402


def _labels(n=2500, classes=10, seed=0):
  return np.random.default_rng(seed).permutation(np.repeat(np.arange(classes), n // classes))


def test_split_is_disjoint_balanced_and_deterministic():
  labels = _labels()
  train, test = subsets.balanced_split(labels, 200, 50, seed=3)
  assert len(train) == 2000 and len(test) == 500 and not set(train) & set(test)
  np.testing.assert_array_equal(np.bincount(labels[train], minlength=10), np.full(10, 200))
  np.testing.assert_array_equal(np.bincount(labels[test], minlength=10), np.full(10, 50))
  again = subsets.balanced_split(labels, 200, 50, seed=3)
  other = subsets.balanced_split(labels, 200, 50, seed=4)
  np.testing.assert_array_equal(train, again[0])
  np.testing.assert_array_equal(test, again[1])
  assert not np.array_equal(train, other[0]) and not np.array_equal(test, other[1])
  assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)  # sorted: the split's order


def test_split_test_part_is_fixed_across_train_sizes_and_train_is_nested():
  labels = _labels()
  small_train, small_test = subsets.balanced_split(labels, 100, 50, seed=5)
  big_train, big_test = subsets.balanced_split(labels, 200, 50, seed=5)
  np.testing.assert_array_equal(small_test, big_test)
  assert set(small_train) < set(big_train)
  np.testing.assert_array_equal(big_train, subsets.balanced_subset(labels, 2000, seed=5))


@pytest.mark.parametrize("train,test,needle", [(200, 51, "do not fit"), (0, 50, "positive int"),
                                               (10, -1, "positive int")])
def test_bad_split_sizes(train, test, needle):
  with pytest.raises(AdvTfError, match=needle):
    subsets.balanced_split(_labels(), train, test, seed=0)


def test_split_and_index_subset_round_trip_through_specs():
  for t in (data.BalancedSplit(part="test", train_per_class=3, test_per_class=2, seed=1),
            data.IndexSubset(indices=[5, 2, 9])):
    assert data.transforms.from_spec(json.loads(json.dumps(t.spec()))) == t
  assert data.IndexSubset(indices=[5, 2, 9]).indices == (2, 5, 9)
  for bad in ([], [1, 1], [-1], [1.5], "3"):
    with pytest.raises(AdvTfError):
      data.IndexSubset(indices=bad)
  with pytest.raises(AdvTfError, match="part must be one of"):
    data.BalancedSplit(part="val", train_per_class=1, test_per_class=1)


@pytest.fixture
def mocked(mock_tfds, tmp_path):
  with mock_tfds(num_examples=200):
    yield tmp_path


def _split(part: str, seed: int = 1) -> dict:
  return {"name": "balanced_split", "part": part, "train_per_class": 5, "test_per_class": 3, "seed": seed}


@pytest.mark.parametrize("name,extra", [("cifar10", []), ("imagenette/160px-v2", [data.Resize(size=24)])])
def test_load_records_the_split_and_yields_the_selected_examples(mocked, name, extra):
  """In-memory (cifar10) and streamed (imagenette) paths select the same indices balanced_split gives."""
  x_all, y_all, _ = data.load_arrays(name, "train", data_dir=str(mocked), transforms=extra)
  train_idx, test_idx = subsets.balanced_split(y_all, 5, 3, seed=1, num_classes=10)
  infos = {}
  for part, idx in (("train", train_idx), ("test", test_idx)):
    x, y, info = data.load_arrays(name, "train", data_dir=str(mocked), transforms=[_split(part), *extra])
    np.testing.assert_array_equal(y, y_all[idx])
    np.testing.assert_allclose(x, x_all[idx], atol=1e-6)
    sel = info.provenance["selection"]
    assert info.num_examples == len(idx) and sel["num_indices"] == len(idx)
    assert sel["indices_sha256"] == subsets.indices_digest(idx)
    assert sel["class_counts"] == [5 if part == "train" else 3] * 10
    assert info.identity()["selection_sha256"] == sel["indices_sha256"]
    json.dumps(info.identity())
    infos[part] = info
  assert infos["train"].identity() != infos["test"].identity()
  _, _, other = data.load_arrays(name, "train", data_dir=str(mocked), transforms=[_split("train", seed=2), *extra])
  assert other.provenance["selection"]["indices_sha256"] != infos["train"].provenance["selection"]["indices_sha256"]


def test_index_subset_and_take_through_load(mocked):
  _, y_all, _ = data.load_arrays("cifar10", "test", data_dir=str(mocked))
  _, y, info = data.load_arrays("cifar10", "test", data_dir=str(mocked), take=3,
                                transforms=[{"name": "index_subset", "indices": [40, 7, 19, 3]}])
  np.testing.assert_array_equal(y, y_all[[3, 7, 19]])
  assert info.num_examples == 3 and info.take == 3 and info.identity()["take"] == 3
  assert sum(info.provenance["selection"]["class_counts"]) == 3
  with pytest.raises(AdvTfError, match="out of range"):
    data.load("cifar10", "test", data_dir=str(mocked), transforms=[data.IndexSubset(indices=[10 ** 6])])


def test_identity_names_the_data_and_is_jsonable(mocked):
  _, info = data.load("mnist", "test", data_dir=str(mocked), pixel_range=(-0.5, 0.5), take=10)
  ident = info.identity()
  assert json.loads(json.dumps(ident)) == ident
  assert ident["dataset"] == "mnist" and ident["split"] == "test" and ident["pixel_range"] == [-0.5, 0.5]
  assert ident["version"] and ident["take"] == 10 and "selection_sha256" not in ident


def test_real_imagenette_local_200_50_split(imported_data_dir):
  """The local Imagenette copy (2,500 validation images): 200 train + 50 test per class, disjoint."""
  common = [data.Resize(size=16)]
  try:
    _, y_all, _ = data.load_arrays("imagenette/local-224px", "test", data_dir=imported_data_dir, transforms=common)
  except AdvTfError as e:
    pytest.skip(f"local Imagenette copy not imported: {e}")
  train_idx, test_idx = subsets.balanced_split(y_all, 200, 50, seed=0)
  _, y_train, train = data.load_arrays("imagenette/local-224px", "test", data_dir=imported_data_dir,
                                       transforms=[data.BalancedSplit("train", 200, 50, seed=0), *common])
  assert train.num_examples == 2000 and np.array_equal(np.bincount(y_train), np.full(10, 200))
  assert train.provenance["selection"]["indices_sha256"] == subsets.indices_digest(train_idx)
  assert not set(train_idx) & set(test_idx) and len(test_idx) == 500
