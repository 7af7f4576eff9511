"""Which shard this process runs: explicit flags, else a scheduler's array variables (issue 15, cluster runs).

Sources (a registry: adding a scheduler is one function + one `@SHARD_SOURCES.register` line):

  slurm        `sbatch --array`: index SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, count SLURM_ARRAY_TASK_COUNT
               (arrays with a step, e.g. `--array=0-9:2`, are refused: their ids are not contiguous).
  kubernetes   Indexed Job: index JOB_COMPLETION_INDEX; Kubernetes exports no count, so it comes from
               --num_shards or ADV_TF_NUM_SHARDS (deploy/kubernetes sets it to `.spec.completions`).
  gcp-batch    Google Cloud Batch: BATCH_TASK_INDEX, BATCH_TASK_COUNT.
  aws-batch    AWS Batch array job: index AWS_BATCH_JOB_ARRAY_INDEX; AWS exports no size, so the count comes
               from --num_shards or ADV_TF_NUM_SHARDS.

Rules: an explicit --shard_index/--num_shards wins over the environment; a count given twice (flag or
ADV_TF_NUM_SHARDS and a scheduler) must agree; two schedulers' variables at once, a non-integer value, an index
outside [0, count) or an index without a count are one-line AdvTfErrors, raised before any data loads.
The resolved assignment (and the variables it came from) is written to `config.json` under "shard".
"""
from __future__ import annotations

import dataclasses
import os
from typing import Callable, Mapping, Optional

from adv_tf.errors import AdvTfError
from adv_tf.registry import Registry

COUNT_ENV = "ADV_TF_NUM_SHARDS"


@dataclasses.dataclass(frozen=True)
class SchedulerShard:
  """What one scheduler's variables say: the index, the count if it exports one, the variables read."""
  index: int
  count: Optional[int]
  variables: dict


@dataclasses.dataclass(frozen=True)
class ShardAssignment:
  """The shard this process runs.

  Attributes:
    index, count: --shard_index / --num_shards after resolution.
    source: "flags", "default" (one process) or the registered scheduler name (e.g. "slurm").
    variables: the environment variables the values came from.
  """
  index: int
  count: int
  source: str
  variables: dict = dataclasses.field(default_factory=dict)

  def to_dict(self) -> dict:
    return dataclasses.asdict(self)


SHARD_SOURCES: Registry[Callable[[Mapping[str, str]], Optional[SchedulerShard]]] = Registry("shard source")


def _int(env: Mapping[str, str], name: str) -> int:
  value = env[name]
  try:
    return int(value.strip())
  except ValueError:
    raise AdvTfError(f"${name}={value!r} is not an integer; fix the job's environment or pass --shard_index "
                     "and --num_shards") from None


def _read(env: Mapping[str, str], *names: str) -> dict:
  return {name: env[name] for name in names if name in env}


@SHARD_SOURCES.register("slurm")
def _slurm(env: Mapping[str, str]) -> Optional[SchedulerShard]:
  if "SLURM_ARRAY_TASK_ID" not in env:
    return None
  variables = _read(env, "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT",
                    "SLURM_ARRAY_TASK_STEP")
  if "SLURM_ARRAY_TASK_STEP" in env and _int(env, "SLURM_ARRAY_TASK_STEP") != 1:
    raise AdvTfError(f"SLURM array step {env['SLURM_ARRAY_TASK_STEP']} is not supported (task ids must be "
                     "contiguous); submit with --array=0-<N-1>")
  low = _int(env, "SLURM_ARRAY_TASK_MIN") if "SLURM_ARRAY_TASK_MIN" in env else 0
  count = _int(env, "SLURM_ARRAY_TASK_COUNT") if "SLURM_ARRAY_TASK_COUNT" in env else None
  return SchedulerShard(_int(env, "SLURM_ARRAY_TASK_ID") - low, count, variables)


@SHARD_SOURCES.register("kubernetes")
def _kubernetes(env: Mapping[str, str]) -> Optional[SchedulerShard]:
  if "JOB_COMPLETION_INDEX" not in env:
    return None
  return SchedulerShard(_int(env, "JOB_COMPLETION_INDEX"), None, _read(env, "JOB_COMPLETION_INDEX"))


@SHARD_SOURCES.register("gcp-batch")
def _gcp_batch(env: Mapping[str, str]) -> Optional[SchedulerShard]:
  if "BATCH_TASK_INDEX" not in env:
    return None
  count = _int(env, "BATCH_TASK_COUNT") if "BATCH_TASK_COUNT" in env else None
  return SchedulerShard(_int(env, "BATCH_TASK_INDEX"), count, _read(env, "BATCH_TASK_INDEX", "BATCH_TASK_COUNT"))


@SHARD_SOURCES.register("aws-batch")
def _aws_batch(env: Mapping[str, str]) -> Optional[SchedulerShard]:
  if "AWS_BATCH_JOB_ARRAY_INDEX" not in env:
    return None
  return SchedulerShard(_int(env, "AWS_BATCH_JOB_ARRAY_INDEX"), None, _read(env, "AWS_BATCH_JOB_ARRAY_INDEX"))


def detect(env: Mapping[str, str]) -> Optional[tuple[str, SchedulerShard]]:
  """(source name, its values) of the one scheduler whose variables are set; None when none is."""
  found = [(name, shard) for name in SHARD_SOURCES for shard in [SHARD_SOURCES.get(name)(env)] if shard]
  if len(found) > 1:
    raise AdvTfError(f"shard variables of several schedulers are set ({', '.join(n for n, _ in found)}); "
                     "pass --shard_index and --num_shards explicitly")
  return found[0] if found else None


def resolve_shard(shard_index: Optional[int] = None, num_shards: Optional[int] = None,
                  env: Optional[Mapping[str, str]] = None) -> ShardAssignment:
  """The shard of this process (see the module docstring).

  Args:
    shard_index, num_shards: the flags when given explicitly, else None.
    env: the environment (default: os.environ).
  """
  env = os.environ if env is None else env
  detected = detect(env)
  env_count = _int(env, COUNT_ENV) if env.get(COUNT_ENV, "").strip() else None
  counts = {f"--num_shards={num_shards}": num_shards, f"${COUNT_ENV}={env_count}": env_count}
  if detected is not None and detected[1].count is not None:
    counts[f"the {detected[0]} array size {detected[1].count}"] = detected[1].count
  given = {text: value for text, value in counts.items() if value is not None}
  if len(set(given.values())) > 1:
    raise AdvTfError(f"inconsistent shard counts: {', '.join(given)}; make them agree")
  count = next(iter(given.values()), None)
  variables = dict(detected[1].variables) if detected else {}
  if env_count is not None:
    variables[COUNT_ENV] = env.get(COUNT_ENV)
  if shard_index is not None:
    index, source = shard_index, "flags"
  elif detected is not None:
    index, source = detected[1].index, detected[0]
    if count is None:
      raise AdvTfError(f"the {detected[0]} index is set but not the number of shards; pass --num_shards or set "
                       f"${COUNT_ENV}")
  else:
    index, source = 0, ("flags" if num_shards is not None else "default")
  count = 1 if count is None else count
  if count < 1:
    raise AdvTfError(f"--num_shards (the number of shards) must be >= 1, got {count} (from {source})")
  if not 0 <= index < count:
    raise AdvTfError(f"shard index {index} is outside [0, {count - 1}] for {count} shards (from {source}); "
                     "check the array range and --num_shards")
  return ShardAssignment(index, count, source, variables)
