"""A study run into a remote --output_dir (issue 15): shards on two "machines" (separate local working copies)
into one URL, then the report from it; TensorFlow's in-memory `ram://` filesystem stands in for gs://."""
from __future__ import annotations

import json
import uuid

import pytest
import toy_cluster_study as toy_lib

from adv_tf.experiment import cli
from adv_tf.experiment.records import load_records
from adv_tf.remote import join

tf = pytest.importorskip("tensorflow")


def _url() -> str:
  return f"ram://adv-tf-test-{uuid.uuid4().hex[:8]}/run"


def test_a_study_runs_into_a_remote_output_dir_and_reports_from_it(tmp_path, monkeypatch, capsys):
  for name in ("SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "BATCH_TASK_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX",
               "ADV_TF_NUM_SHARDS"):
    monkeypatch.delenv(name, raising=False)
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
