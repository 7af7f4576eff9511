"""Shards from scheduler arrays (issue 15, cluster runs): SLURM, Kubernetes Indexed Jobs, Google Cloud Batch,
AWS Batch; explicit flags win; inconsistent values are one-line errors."""
from __future__ import annotations

import pytest

from adv_tf.errors import AdvTfError
from adv_tf.experiment.shards import SHARD_SOURCES, ShardAssignment, resolve_shard


def test_every_scheduler_is_a_registered_source():
  assert set(SHARD_SOURCES.names()) == {"slurm", "kubernetes", "gcp-batch", "aws-batch"}


@pytest.mark.parametrize("env,expected", [
    # sbatch --array=1-4: ids 1..4, offset by the minimum
    ({"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "4",
      "SLURM_ARRAY_TASK_STEP": "1"}, (2, 4, "slurm")),
    ({"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "2"}, (0, 2, "slurm")),
    ({"JOB_COMPLETION_INDEX": "2", "ADV_TF_NUM_SHARDS": "3"}, (2, 3, "kubernetes")),
    ({"BATCH_TASK_INDEX": "4", "BATCH_TASK_COUNT": "5"}, (4, 5, "gcp-batch")),
    ({"AWS_BATCH_JOB_ARRAY_INDEX": "1", "ADV_TF_NUM_SHARDS": "2"}, (1, 2, "aws-batch")),
    ({}, (0, 1, "default")),
    ({"ADV_TF_NUM_SHARDS": "3"}, (0, 3, "default")),
])
def test_the_shard_comes_from_the_schedulers_variables(env, expected):
  shard = resolve_shard(None, None, env)
  assert (shard.index, shard.count, shard.source) == expected
  assert all(shard.variables[k] == v for k, v in env.items() if k in shard.variables)


def test_count_only_schedulers_take_it_from_the_flag():
  shard = resolve_shard(None, 3, {"JOB_COMPLETION_INDEX": "1"})
  assert (shard.index, shard.count, shard.source) == (1, 3, "kubernetes")
  assert shard.variables == {"JOB_COMPLETION_INDEX": "1"}
  assert resolve_shard(None, 2, {"AWS_BATCH_JOB_ARRAY_INDEX": "1"}).index == 1


def test_explicit_flags_win_over_the_environment():
  env = {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"}
  assert resolve_shard(1, 4, env) == ShardAssignment(1, 4, "flags", {k: env[k] for k in env})
  assert (resolve_shard(2, None, env).index, resolve_shard(2, None, env).count) == (2, 4)
  assert resolve_shard(0, 1, {}).source == "flags"


@pytest.mark.parametrize("flags,env,message", [
    ((None, 2), {"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4"}, "inconsistent shard counts"),
    ((None, None), {"BATCH_TASK_INDEX": "0", "BATCH_TASK_COUNT": "2", "ADV_TF_NUM_SHARDS": "3"},
     "inconsistent shard counts"),
    ((None, None), {"JOB_COMPLETION_INDEX": "1"}, "not the number of shards"),
    ((None, None), {"AWS_BATCH_JOB_ARRAY_INDEX": "0"}, "not the number of shards"),
    ((None, 2), {"JOB_COMPLETION_INDEX": "2"}, "outside [0, 1]"),
    ((None, None), {"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "2"}, "is not an integer"),
    ((None, None), {"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "2",
                    "SLURM_ARRAY_TASK_STEP": "2"}, "step 2 is not supported"),
    ((None, None), {"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2", "BATCH_TASK_INDEX": "0",
                    "BATCH_TASK_COUNT": "2"}, "several schedulers"),
    ((3, 2), {}, "outside [0, 1]"),
    ((None, 0), {}, "must be >= 1"),
])
def test_inconsistent_values_are_one_line_errors(flags, env, message):
  with pytest.raises(AdvTfError, match=None) as info:
    resolve_shard(*flags, env)
  assert message in str(info.value) and "\n" not in str(info.value)
