"""Remote folders (issue 15): gs:// URLs stay intact, and a remote --output_dir / model cache works through a
local working copy, tested on TensorFlow's in-memory `ram://` filesystem (a stand-in for gs://)."""
from __future__ import annotations

import uuid

import pytest

from adv_tf.data.pipeline import resolve_data_dir
from adv_tf.remote import StagedFolder, is_remote, join

tf = pytest.importorskip("tensorflow")


def _url() -> str:
  return f"ram://adv-tf-test-{uuid.uuid4().hex[:8]}/run"


@pytest.mark.parametrize("path,remote", [("gs://b/x", True), ("s3://b/x", True), ("ram://b", True),
                                         ("/tmp/x", False), ("results/x", False), ("file:///tmp/x", False),
                                         ("C:\\data", False)])
def test_urls_are_told_from_local_paths(path, remote):
  assert is_remote(path) is remote


def test_gs_data_dirs_are_kept_intact(monkeypatch, tmp_path):
  monkeypatch.delenv("ADV_TF_DATA_DIR", raising=False)
  assert resolve_data_dir("gs://bucket/tfds") == "gs://bucket/tfds"  # pathlib made it gs:/bucket/tfds
  monkeypatch.setenv("ADV_TF_DATA_DIR", "gs://bucket/env")
  assert resolve_data_dir(None) == "gs://bucket/env"
  monkeypatch.setenv("HOME", str(tmp_path))
  assert resolve_data_dir("~/tfds") == str(tmp_path / "tfds")
  assert join("gs://b/x/", "cells", "id") == "gs://b/x/cells/id"


def test_a_staged_folder_uploads_only_what_this_process_wrote(tmp_path):
  url = _url()
  gfile = tf.io.gfile
  gfile.makedirs(join(url, "cells/abc"))
  for name, text in (("records-shard1of2.jsonl", "{}\n"), ("cells/abc/x.txt", "x")):
    with gfile.GFile(join(url, name), "w") as f:
      f.write(text)
  staged = StagedFolder(url, tmp_path / "copy")
  local = staged.download()
  assert (local / "cells/abc/x.txt").read_text() == "x"
  (local / "records-shard0of2.jsonl").write_text('{"id": "a"}\n')
  (local / ".lock-shard0of2").write_text("pid")
  (local / "cells/.partial-def").mkdir()
  (local / "cells/.partial-def/y").write_text("y")
  (local / "report.md").write_text("# r\n")
  assert staged.upload() == ["records-shard0of2.jsonl", "report.md"]  # records first; no locks, no partials
  assert staged.upload() == []
  with gfile.GFile(join(url, "records-shard0of2.jsonl")) as f:
    assert f.read() == '{"id": "a"}\n'
  assert not gfile.exists(join(url, ".lock-shard0of2")) and not gfile.exists(join(url, "cells/.partial-def"))


def test_a_remote_model_cache_is_shared_through_its_url(tmp_path, monkeypatch):
  import keras

  from adv_tf.training import ModelCache, TrainConfig
  from adv_tf.training.config import TrainResult
  url = _url()
  calls = []

  def get(cache):
    def train(builder):
      calls.append(1)
      return builder(), TrainResult(test_accuracy=0.5, epochs=1.0, seconds=0.0, reached_target=None, history={})
    return cache.get_or_train(model_name="tiny", model_config={}, train_config=TrainConfig(),
                              data_identity={"d": 1}, train=train,
                              build=lambda: keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))

  monkeypatch.setenv("ADV_TF_STAGING_DIR", str(tmp_path / "machine-a"))
  first = ModelCache(url)
  get(first)
  monkeypatch.setenv("ADV_TF_STAGING_DIR", str(tmp_path / "machine-b"))
  second = ModelCache(url)  # another machine: an empty local copy, the same URL
  model, result = get(second)
  assert calls == [1] and second.last_hit and result.test_accuracy == 0.5
  assert first.remote_root == url and str(second.root).startswith(str(tmp_path / "machine-b"))
  assert sorted(p.rsplit("/", 1)[1] for p in tf.io.gfile.glob(url + "/*")) == sorted(
      p.name for p in first.paths(first.key(model_name="tiny", model_config={}, train_config=TrainConfig(),
                                            data_identity={"d": 1})))


def test_refresh_fetches_what_others_wrote_and_keeps_this_process_files(tmp_path):
  url = _url()
  gfile = tf.io.gfile

  def write_remote(name, text):
    gfile.makedirs(join(url, name.rsplit("/", 1)[0]) if "/" in name else url)
    with gfile.GFile(join(url, name), "w") as f:
      f.write(text)

  write_remote("records-shard1of2.jsonl", '{"id": "b1"}\n')
  write_remote("config.json", "{}")
  write_remote("tensorboard/events", "e1")
  staged = StagedFolder(url, tmp_path / "copy")
  local = staged.download()
  (local / "tensorboard/events").unlink()  # deleted here (the runner clears a cell's tensorboard run)
  assert staged.refresh() == []  # nothing changed since the download
  (local / "records-shard0of2.jsonl").write_text('{"id": "a"}\n')
  assert staged.upload() == ["records-shard0of2.jsonl"]
  (local / "config.json").write_text('{"mine": 1}')  # changed here, not uploaded yet
  other = StagedFolder(url, tmp_path / "other")  # another machine
  other.download()
  (other.local / "records-shard1of2.jsonl").write_text('{"id": "b1"}\n{"id": "b2"}\n')
  (other.local / "records-shard0of2.jsonl").write_text("overwritten elsewhere\n")
  (other.local / "config.json").write_text('{"theirs": 1}')
  (other.local / "tensorboard/events").write_text("e2")
  (other.local / "cells/b2").mkdir(parents=True)
  (other.local / "cells/b2/x.txt").write_text("x")
  other.upload()
  assert sorted(staged.refresh()) == ["cells/b2/x.txt", "records-shard1of2.jsonl"]
  assert (local / "records-shard1of2.jsonl").read_text() == '{"id": "b1"}\n{"id": "b2"}\n'
  assert (local / "records-shard0of2.jsonl").read_text() == '{"id": "a"}\n'  # this process's upload stays
  assert (local / "config.json").read_text() == '{"mine": 1}'  # a local change stays
  assert not (local / "tensorboard/events").exists()  # so does a deletion
  assert (local / "cells/b2/x.txt").read_text() == "x"
  assert staged.refresh() == [] and not list(local.rglob(".tmp-*"))


def test_a_failed_fetch_leaves_no_temporary_file(tmp_path, monkeypatch):
  url = _url()
  with tf.io.gfile.GFile(join(url, "records-shard1of2.jsonl"), "w") as f:
    f.write("{}\n")
  staged = StagedFolder(url, tmp_path / "copy")

  def copy_then_fail(source, target, overwrite=False):
    with open(target, "w") as f:
      f.write("half")
    raise tf.errors.UnavailableError(None, None, "connection reset")

  monkeypatch.setattr(tf.io.gfile, "copy", copy_then_fail)
  with pytest.raises(tf.errors.UnavailableError):
    staged.download()
  assert [p.name for p in (tmp_path / "copy").iterdir()] == []
