"""absl flags shared by every `experiments/*.py` binary that runs a study.

    from adv_tf.experiment import define_runner_flags, runner_kwargs_from_flags
    define_runner_flags(default_output_dir="results/hyperparams")
    ...
    summary = run_study(study, **runner_kwargs_from_flags())

Defining the flags twice (two modules importing this, or a test re-importing a binary) is harmless: a
flag that already exists in the FlagValues is left as it is.
"""
from __future__ import annotations

from absl import flags

from adv_tf.errors import AdvTfError

_HELP = {
    "output_dir": ("Study output folder: records-shard*.jsonl (one JSON line per finished cell), cells/<id>/ "
                   "artifacts, tensorboard/, progress-shard*.json. Rerunning into it resumes: cells with a "
                   "record are skipped."),
    "seed": ("Seed of the run: global RNGs are reseeded with it before each cell and it is stored in every "
             "record. Same seed -> identical results; a folder's records must share one seed."),
    "shard_index": "Which shard of the grid this process runs: cells whose index % num_shards == shard_index.",
    "num_shards": ("Split the grid into this many shards (separate jobs/machines); each writes its own "
                   "records file and the report merges them."),
    "max_cells": ("Compute at most this many not-yet-recorded cells, then exit (e.g. for a smoke test); "
                  "unset: all cells of the shard."),
}


def define_runner_flags(flag_values: flags.FlagValues = flags.FLAGS, *,
                        default_output_dir: str | None = None) -> None:
  """Defines --output_dir, --seed, --shard_index, --num_shards, --max_cells unless already defined.

  Args:
    flag_values: where to define them (absl's global FLAGS by default; tests pass a fresh FlagValues).
    default_output_dir: default of --output_dir (None: the flag is required at run time, checked by
      `runner_kwargs_from_flags` / `output_dir_from_flags`).
  """
  def missing(name: str) -> bool:
    return name not in flag_values

  if missing("output_dir"):
    flags.DEFINE_string("output_dir", default_output_dir, _HELP["output_dir"], flag_values=flag_values)
  if missing("seed"):
    flags.DEFINE_integer("seed", 0, _HELP["seed"], flag_values=flag_values)
  if missing("shard_index"):
    flags.DEFINE_integer("shard_index", 0, _HELP["shard_index"], flag_values=flag_values)
  if missing("num_shards"):
    flags.DEFINE_integer("num_shards", 1, _HELP["num_shards"], flag_values=flag_values)
  if missing("max_cells"):
    flags.DEFINE_integer("max_cells", None, _HELP["max_cells"], flag_values=flag_values)


def output_dir_from_flags(flag_values: flags.FlagValues = flags.FLAGS) -> str:
  """The --output_dir value; AdvTfError when it is unset."""
  value = flag_values["output_dir"].value
  if not value:
    raise AdvTfError("--output_dir is required: pass the folder for this study's records")
  return value


def runner_kwargs_from_flags(flag_values: flags.FlagValues = flags.FLAGS) -> dict:
  """{"shard_index", "num_shards", "seed", "max_cells"} for `run_study(**...)`, validated.

  Raises:
    AdvTfError: num_shards < 1, shard_index outside [0, num_shards).
  """
  from adv_tf.experiment.runner import validate_shard  # Local: keep this module importable alone.
  kwargs = {
      "shard_index": flag_values["shard_index"].value,
      "num_shards": flag_values["num_shards"].value,
      "seed": flag_values["seed"].value,
      "max_cells": flag_values["max_cells"].value,
  }
  validate_shard(kwargs["shard_index"], kwargs["num_shards"])
  return kwargs
