"""Path flags checked before anything is written (issue 23): output, data, model cache, TensorBoard."""
from __future__ import annotations

import pytest
import toy_cluster_study as toy_lib

from adv_tf.errors import AdvTfError
from adv_tf.experiment import cli, path_flags


@pytest.fixture
def toy():
  return toy_lib.ToyClusterStudy()


def test_a_missing_folder_under_a_writable_one_is_accepted_and_not_created(tmp_path):
  target = tmp_path / "a" / "b"
  path_flags.check_creatable_folder(target, "--output_dir")
  assert not (tmp_path / "a").exists()


@pytest.mark.parametrize("relative,message", [
    ("file", "exists and is not a folder"),
    ("file/sub/deeper", "is a file, not a folder"),
])
def test_a_file_where_a_folder_belongs_is_refused(tmp_path, relative, message):
  (tmp_path / "file").write_text("x")
  with pytest.raises(AdvTfError, match=message):
    path_flags.check_creatable_folder(tmp_path / relative, "--model_cache_dir")


def test_a_tensorboard_file_in_the_output_folder_is_refused(tmp_path):
  (tmp_path / "tensorboard").write_text("x")
  with pytest.raises(AdvTfError, match="TensorBoard folder"):
    path_flags.check_output_dir(tmp_path)


def test_data_dir_must_exist_and_be_a_folder(tmp_path):
  path_flags.check_data_dir(None)
  path_flags.check_data_dir(str(tmp_path))
  path_flags.check_data_dir("gs://bucket/tfds")  # remote: left to TFDS
  with pytest.raises(AdvTfError, match="does not exist"):
    path_flags.check_data_dir(str(tmp_path / "missing"))
  (tmp_path / "file").write_text("x")
  with pytest.raises(AdvTfError, match="is a file"):
    path_flags.check_data_dir(str(tmp_path / "file"))


def test_the_model_cache_root_comes_from_the_flag_then_the_environment(tmp_path, monkeypatch):
  monkeypatch.setenv("ADV_TF_MODEL_CACHE", str(tmp_path / "env"))
  assert path_flags.model_cache_root(None) == str(tmp_path / "env")
  assert path_flags.model_cache_root(str(tmp_path / "flag")) == str(tmp_path / "flag")
  (tmp_path / "env").write_text("x")
  with pytest.raises(AdvTfError, match=r"\$ADV_TF_MODEL_CACHE"):
    path_flags.check_model_cache_dir(None)


def test_a_model_cache_file_is_refused_before_anything_is_written_and_leaves_nothing(toy, tmp_path, capsys):
  """Issue 23, 1: a traceback after config.json and grid-manifest.json were written; those leftovers then made a
  later good run with another grid refuse."""
  (tmp_path / "cache-file").write_text("x")
  out = tmp_path / "out"
  argv = ["prog", f"--output_dir={out}", "--strategy=cpu"]
  assert cli.run_main(toy, argv + [f"--model_cache_dir={tmp_path / 'cache-file'}", "--values=1,2"]) == 2
  err = capsys.readouterr().err.strip()
  assert err.startswith("error: --model_cache_dir") and "\n" not in err
  assert not out.exists() and toy.prepared == 0
  assert cli.run_main(toy, argv + [f"--model_cache_dir={tmp_path / 'cache'}", "--values=3"]) == 0
  assert toy.ran == ["selection", "v=3"]
