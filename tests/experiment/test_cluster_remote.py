"""A study run into a remote --output_dir (issue 15): shards on two "machines" (separate local working copies)
into one URL, then the report from it; TensorFlow's in-memory `ram://` filesystem stands in for gs://."""
from __future__ import annotations

import json
import uuid

import pytest
import toy_cluster_study as toy_lib

from adv_tf.experiment import cli
from adv_tf.experiment.records import load_records
from adv_tf.remote import StagedFolder, join

tf = pytest.importorskip("tensorflow")


@pytest.fixture(autouse=True)
def _no_scheduler_shard(monkeypatch):
  """The shard comes from the flags here, not from a scheduler's variables in the environment."""
  for name in ("SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "BATCH_TASK_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX",
               "ADV_TF_NUM_SHARDS"):
    monkeypatch.delenv(name, raising=False)


def _url() -> str:
  return f"ram://adv-tf-test-{uuid.uuid4().hex[:8]}/run"


def test_a_study_runs_into_a_remote_output_dir_and_reports_from_it(tmp_path, monkeypatch, capsys):
  url = _url()
  for k, staging in ((0, "a"), (1, "b")):  # two machines: separate working copies, one remote folder
    monkeypatch.setenv("ADV_TF_STAGING_DIR", str(tmp_path / staging))
    assert cli.run_main(toy_lib.ToyClusterStudy(),
                     ["prog", f"--output_dir={url}", "--strategy=cpu", f"--shard_index={k}",
                                       "--num_shards=2", "--stage=unsharded" if k == 0 else "--stage=sharded",
                                       f"--model_cache_dir={tmp_path / 'cache'}"]) == 0, capsys.readouterr()
  monkeypatch.setenv("ADV_TF_STAGING_DIR", str(tmp_path / "c"))
  assert cli.run_main(toy_lib.ToyClusterStudy(),
                     ["prog", f"--output_dir={url}", "--strategy=cpu", "--shard_index=0",
                                     "--num_shards=2", "--stage=sharded"]) == 0
  monkeypatch.setenv("ADV_TF_STAGING_DIR", str(tmp_path / "d"))
  assert cli.run_main(toy_lib.ToyClusterStudy(),
                     ["prog", f"--output_dir={url}", "--stage=report"]) == 0
  gfile = tf.io.gfile
  with gfile.GFile(join(url, "report.md")) as f:
    assert f.read().splitlines()[2:] == [f"v={v}: {v * v + 100.0}" for v in range(1, 6)]
  assert json.loads(gfile.GFile(join(url, "config.json")).read())["study"] == toy_lib.NAME
  assert sorted(gfile.glob(join(url, "records-*"))) == [join(url, "records-shard0of2.jsonl"),
                                                        join(url, "records-shard1of2.jsonl")]
  assert len(load_records(next((tmp_path / "d").iterdir()))) == 5
  assert f"report: {url}/report.md" in capsys.readouterr().out


def test_a_report_includes_the_records_other_machines_uploaded_while_this_shard_ran(tmp_path, monkeypatch):
  url = _url()
  run_stages = cli.run_stages

  def shard_0_then_machine_b_runs_shard_1(run, **kwargs):
    run_stages(run, **kwargs)  # machine a's cells are done and uploaded; its report comes next
    if run.shard.index != 0:
      return
    monkeypatch.setenv("ADV_TF_STAGING_DIR", str(tmp_path / "b"))
    assert cli.run_main(toy_lib.ToyClusterStudy(),
                        ["prog", f"--output_dir={url}", "--strategy=cpu", "--shard_index=1", "--num_shards=2",
                         "--stage=cells"]) == 0

  monkeypatch.setattr(cli, "run_stages", shard_0_then_machine_b_runs_shard_1)
  monkeypatch.setenv("ADV_TF_STAGING_DIR", str(tmp_path / "a"))
  assert cli.run_main(toy_lib.ToyClusterStudy(),
                      ["prog", f"--output_dir={url}", "--strategy=cpu", "--shard_index=0", "--num_shards=2"]) == 0
  with tf.io.gfile.GFile(join(url, "report.md")) as f:
    assert f.read().splitlines()[2:] == [f"v={v}: {v * v + 100.0}" for v in range(1, 6)]
  machine_a = next((tmp_path / "a").iterdir())
  assert (machine_a / "records-shard1of2.jsonl").exists()
  assert not list(machine_a.rglob(".tmp-*"))


def test_a_remote_folder_that_cannot_be_read_for_the_report_is_a_one_line_error(tmp_path, monkeypatch, capsys):
  url = _url()

  def unreachable(self):
    raise tf.errors.UnavailableError(None, None, "connection reset\nmore detail")

  monkeypatch.setattr(StagedFolder, "refresh", unreachable)
  monkeypatch.setenv("ADV_TF_STAGING_DIR", str(tmp_path / "a"))
  assert cli.run_main(toy_lib.ToyClusterStudy(), ["prog", f"--output_dir={url}", "--strategy=cpu"]) == 2
  err = capsys.readouterr().err.strip()
  assert err.startswith("error: cannot read --output_dir ram://") and "rerun with --stage=report" in err
  assert len(err.splitlines()) == 1
  assert len(load_records(next((tmp_path / "a").iterdir()))) == 5  # every cell ran
  assert tf.io.gfile.exists(join(url, "records-shard0of1.jsonl"))  # uploaded despite the failure
