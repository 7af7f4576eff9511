"""STL-10 10,000/3,000 re-split (on TFDS mock data) and the seeded per-class split."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.studies.training_size import config as config_lib
from adv_tf.studies.training_size import splits


def test_per_class_split_is_balanced_disjoint_and_seeded():
  labels = np.repeat(np.arange(4), 50)
  train, test = splits.per_class_split(labels, 30, 10, seed=3)
  assert not set(train) & set(test)
  assert np.bincount(labels[train]).tolist() == [30] * 4
  assert np.bincount(labels[test]).tolist() == [10] * 4
  again = splits.per_class_split(labels, 30, 10, seed=3)
  assert np.array_equal(train, again[0]) and np.array_equal(test, again[1])
  assert not np.array_equal(test, splits.per_class_split(labels, 30, 10, seed=4)[1])


def test_per_class_split_too_few_images():
  with pytest.raises(AdvTfError, match="fewer than"):
    splits.per_class_split(np.repeat(np.arange(2), 5), 4, 2, seed=0)


def test_stl10_resplit_on_mock_data(monkeypatch):
  tfds = pytest.importorskip("tensorflow_datasets")
  # 1,300 labelled images per class (5,000 train + 8,000 test), the real STL-10 pool sizes.
  rng = np.random.default_rng(0)
  labels = {"train": np.repeat(np.arange(10), 500), "test": np.repeat(np.arange(10), 800)}

  def fake_load_arrays(name, split, **kwargs):
    assert name == "stl10"
    y = rng.permutation(labels[split])
    x = np.zeros((len(y), 2, 2, 3), np.float32) + y[:, None, None, None] / 10.0
    info = type("Info", (), {"num_classes": 10})()
    return x, y, info

  with tfds.testing.mock_data(num_examples=20):
    monkeypatch.setattr("adv_tf.data.load_arrays", fake_load_arrays)
    data = splits.load_split("stl10", config_lib.QUICK)
  assert len(data.y_train) == 10000 and len(data.y_test) == 3000
  assert np.bincount(data.y_train).tolist() == [1000] * 10
  assert np.bincount(data.y_test).tolist() == [300] * 10
  np.testing.assert_allclose(data.x_train[:, 0, 0, 0], data.y_train / 10.0)  # images stay with their labels
  assert data.identity["seed"] == config_lib.QUICK.split_seed and "re-split" in data.note


def test_stl10_resplit_through_tfds_mock_builder(tmp_path, monkeypatch):
  """The real loader path (adv_tf.data over tfds.load under tfds.testing.mock_data), smaller per-class counts.

  mock_data makes download_and_prepare a no-op, so the pipeline is told it may "download" (nothing is fetched).
  """
  tfds = pytest.importorskip("tensorflow_datasets")
  from adv_tf.data import pipeline
  monkeypatch.setenv("ADV_TF_OFFLINE", "0")
  pipeline.clear_memory_cache()
  config = config_lib.QUICK.replace(stl10_train_per_class=8, stl10_test_per_class=3)
  with tfds.testing.mock_data(num_examples=150):
    try:
      data = splits.load_split("stl10", config, data_dir=str(tmp_path))
    except AdvTfError as error:  # e.g. the pipeline refuses a dataset it cannot prepare offline
      pytest.skip(f"TFDS mock data not reachable through adv_tf.data here: {error}")
  assert data.x_train.shape == (80, 96, 96, 3) and data.x_test.shape == (30, 96, 96, 3)
  assert np.bincount(data.y_train, minlength=10).tolist() == [8] * 10
  assert np.bincount(data.y_test, minlength=10).tolist() == [3] * 10
  assert "300 labelled" in data.note  # 150 train + 150 test pooled
  pipeline.clear_memory_cache()  # no mock arrays left for later tests


def test_class_interleaved_order_balances_every_prefix_and_keeps_each_class_in_split_order():
  labels = np.repeat(np.arange(10), 50)                  # sorted by class, as the local CIFAR-10 test copy
  order = splits.class_interleaved(labels)
  assert sorted(order.tolist()) == list(range(500))
  assert np.bincount(labels[order[:100]], minlength=10).tolist() == [10] * 10   # a 100-image pool: 10 per class
  assert labels[order[:6]].tolist() == [0, 1, 2, 3, 4, 5]
  for c in range(10):                                      # within a class, the split's own order
    assert np.all(np.diff(order[labels[order] == c]) > 0)
  uneven = np.array([2, 2, 2, 0, 1])                       # a class that runs out drops out of later rounds
  assert uneven[splits.class_interleaved(uneven)].tolist() == [0, 1, 2, 2, 2]


def test_a_standard_split_loads_in_class_interleaved_order_and_says_so(monkeypatch):
  labels = np.repeat(np.arange(10), 30)

  def fake_load_arrays(name, split, **kwargs):
    x = np.zeros((len(labels), 2, 2, 3), np.float32) + labels[:, None, None, None] / 10.0
    return x, labels.copy(), type("Info", (), {"num_classes": 10, "is_subset": False,
                                               "identity": lambda self: {"name": name}})()

  monkeypatch.setattr("adv_tf.data.load_arrays", fake_load_arrays)
  data = splits.load_split("cifar10", config_lib.QUICK)
  assert data.y_test[:10].tolist() == list(range(10))
  np.testing.assert_allclose(data.x_test[:, 0, 0, 0], data.y_test / 10.0)   # images stay with their labels
  assert data.identity["test_order"] == splits.TEST_ORDER and "class-interleaved" in data.note
  assert data.y_train.tolist() == labels.tolist()          # the training split keeps its order (nested subsets)
