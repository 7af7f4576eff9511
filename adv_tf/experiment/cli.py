"""`main(study_name)`: the command line of every study binary (`experiments/<study>.py`, `adv-tf-<study>`).

Flags -> typed config -> stages -> report:
  * generic flags: --profile, --output_dir, --data_dir, --seed, --shard_index, --num_shards, --max_cells,
    --report_only, --strategy, --model_cache_dir, --retrain;
  * one flag per field of the study's config dataclass (except `profile`), generated from the dataclass:
    the type from the annotation (bool/int/float/str, Optional[...], tuple[...] as a comma list), the help
    from `field.metadata["help"]`, an optional `field.metadata["parse"]` (flag value -> field value).
    Unset flags keep the profile's value.
Everything is validated before any data loads; an `AdvTfError` prints one line `error: ...` and exits 2.
The resolved config is written to `<output_dir>/config.json`.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import pathlib
import sys
import time
import types
import typing
from typing import Any, Optional, Sequence

from absl import flags

from adv_tf.errors import AdvTfError
from adv_tf.experiment import study as study_lib
from adv_tf.experiment.records import load_records
from adv_tf.experiment.run_time import RunTimer
from adv_tf.experiment.runner import Study, run_study, validate_shard
from adv_tf.utils.atomic import atomic_write_text
from adv_tf.utils.jsonable import to_jsonable

logger = logging.getLogger(__name__)

GENERIC_FLAGS = ("profile", "output_dir", "data_dir", "seed", "shard_index", "num_shards", "max_cells",
                 "report_only", "strategy", "model_cache_dir", "retrain")


def _define_generic(study_name: str, fv: flags.FlagValues) -> None:
  names = study_lib.profiles(study_name)
  if not names:
    raise AdvTfError(f"study {study_name!r} has no registered profiles")
  flags.DEFINE_enum("profile", names[0], names, "Named config of the study (see its config.py).", flag_values=fv)
  flags.DEFINE_string("output_dir", None, "Output folder (default: results/<study>/<profile>): records, "
                      "cells/<id>/ artifacts, tensorboard/, config.json, report.md. Rerunning resumes.",
                      flag_values=fv)
  flags.DEFINE_string("data_dir", None, "TFDS data directory (default: TFDS's, ~/tensorflow_datasets).",
                      flag_values=fv)
  flags.DEFINE_integer("seed", 0, "Seed of the run: global RNGs are reseeded with it before each cell; it is in "
                       "every record. Same seed -> identical results.", flag_values=fv)
  flags.DEFINE_integer("shard_index", 0, "Which shard this process runs (cells with index % num_shards == it).",
                       flag_values=fv)
  flags.DEFINE_integer("num_shards", 1, "Split sharded stages into this many processes/machines.", flag_values=fv)
  flags.DEFINE_integer("max_cells", None, "Compute at most this many new cells of the sharded stages, then stop.",
                       flag_values=fv)
  flags.DEFINE_bool("report_only", False, "Only rebuild the report from existing records (merges shards).",
                    flag_values=fv)
  flags.DEFINE_string("strategy", "auto", "tf.distribute strategy: auto|cpu|mirrored|tpu|multiworker.",
                      flag_values=fv)
  flags.DEFINE_string("model_cache_dir", None, "Trained-model cache (default: $ADV_TF_MODEL_CACHE or "
                      "~/.cache/adv_tf/models), shared by every study.", flag_values=fv)
  flags.DEFINE_bool("retrain", False, "Train models again even when the cache has them.", flag_values=fv)


def _unwrap_optional(annotation) -> Any:
  if typing.get_origin(annotation) in (typing.Union, types.UnionType):
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if len(args) == 1:
      return args[0]
  return annotation


def _field_kind(annotation) -> tuple[str, Any]:
  """("bool"|"int"|"float"|"str"|"list", item type) of a config field's annotation."""
  annotation = _unwrap_optional(annotation)
  if annotation in (bool, int, float, str):
    return annotation.__name__, annotation
  if typing.get_origin(annotation) in (tuple, list, Sequence, typing.Sequence):
    args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
    return "list", (_unwrap_optional(args[0]) if args else str)
  return "str", str


_DEFINE = {"bool": flags.DEFINE_bool, "int": flags.DEFINE_integer, "float": flags.DEFINE_float,
           "str": flags.DEFINE_string, "list": flags.DEFINE_list}


def config_flag_fields(config_class: type) -> list[dataclasses.Field]:
  """The config fields that become flags (every field but `profile`)."""
  return [f for f in dataclasses.fields(config_class) if f.name != "profile"]


def define_flags(study_name: str, fv: flags.FlagValues = flags.FLAGS) -> None:
  """Defines the generic flags and one flag per config field of `study_name` in `fv`."""
  study = study_lib.STUDIES.get(study_name)
  _define_generic(study_name, fv)
  hints = typing.get_type_hints(study.config_class)
  for field in config_flag_fields(study.config_class):
    if field.name in GENERIC_FLAGS:
      raise AdvTfError(f"config field {field.name!r} of {study_name} clashes with a generic flag; rename it")
    kind, _ = _field_kind(hints[field.name])
    help_text = field.metadata.get("help", field.name) + " Default: the profile's."
    _DEFINE[kind](field.name, None, help_text, flag_values=fv)


def _convert(field: dataclasses.Field, annotation, value) -> Any:
  if "parse" in field.metadata:
    return field.metadata["parse"](value)
  kind, item = _field_kind(annotation)
  if kind != "list":
    return value
  try:
    return tuple(item(v) if item in (int, float, str) else v for v in value)
  except ValueError:
    raise AdvTfError(f"--{field.name}: every entry must be a {item.__name__}, got {','.join(value)}") from None


def resolve_config(study_name: str, fv: flags.FlagValues) -> Any:
  """The profile's config with the set flags applied, validated."""
  study = study_lib.STUDIES.get(study_name)
  config = study_lib.get_config(f"{study_name}/{fv['profile'].value}")
  hints = typing.get_type_hints(study.config_class)
  overrides = {}
  for field in config_flag_fields(study.config_class):
    value = fv[field.name].value
    if value is not None:
      overrides[field.name] = _convert(field, hints[field.name], value)
  config = dataclasses.replace(config, **overrides)
  config.validate()
  return config


def make_run(study_name: str, fv: flags.FlagValues) -> study_lib.StudyRun:
  """Validates every flag (no data is loaded) and returns the StudyRun."""
  study = study_lib.STUDIES.get(study_name)
  config = resolve_config(study_name, fv)
  validate_shard(fv["shard_index"].value, fv["num_shards"].value)
  if fv["max_cells"].value is not None and fv["max_cells"].value < 0:
    raise AdvTfError("--max_cells must be >= 0")
  from adv_tf.distribute import STRATEGIES  # pylint: disable=import-outside-toplevel
  if fv["strategy"].value != "auto":
    STRATEGIES.get(fv["strategy"].value)
  output_dir = pathlib.Path(fv["output_dir"].value or study_lib.results_dir(study_name, config.profile))
  if not fv["report_only"].value:
    check_writable(output_dir.expanduser())
  return study_lib.StudyRun(study=study, config=config, output_dir=output_dir.expanduser(), seed=fv["seed"].value,
                            data_dir=fv["data_dir"].value, report_only=fv["report_only"].value,
                            strategy_name=fv["strategy"].value,
                            started=time.time())


def check_writable(output_dir: pathlib.Path) -> None:
  """AdvTfError (one line) when the output folder cannot be created or written, before any work."""
  try:
    output_dir.mkdir(parents=True, exist_ok=True)
  except OSError as e:
    raise AdvTfError(f"cannot create --output_dir {output_dir}: {e.strerror or e}; choose a writable folder") from None
  if not output_dir.is_dir() or not os.access(output_dir, os.W_OK | os.X_OK):
    raise AdvTfError(f"--output_dir {output_dir} is not a writable folder; choose another")


def _stage_records(run: study_lib.StudyRun, stage: study_lib.Stage) -> list[dict]:
  folder = stage.output_dir(run)
  if not folder.is_dir():
    return []
  return load_records(folder, study_name=stage.runner_name(run.study.name))


MANIFEST = "grid-manifest.json"


def grid_manifest(cells: Sequence[Any]) -> dict:
  """The grid of a stage: its cell ids in order and their sha256."""
  import hashlib  # pylint: disable=import-outside-toplevel
  ids = [c.id for c in cells]
  return {"num_cells": len(ids), "sha256": hashlib.sha256("\n".join(ids).encode()).hexdigest(), "ids": ids}


def check_manifest(folder: pathlib.Path, stage_name: str, cells: Sequence[Any]) -> None:
  """Writes `<stage folder>/grid-manifest.json` on the first run; refuses (one line) a run or shard whose
  grid differs from the folder's, so shards of different settings never share a folder."""
  manifest = grid_manifest(cells)
  path = folder / MANIFEST
  if path.exists():
    old = json.loads(path.read_text())
    if old.get("sha256") != manifest["sha256"]:
      raise AdvTfError(f"{folder} holds another grid of stage {stage_name} ({old.get('num_cells')} cells, hash "
                       f"{str(old.get('sha256'))[:12]}) than this run's ({manifest['num_cells']} cells, hash "
                       f"{manifest['sha256'][:12]}): use the flags of the first run or another --output_dir")
    return
  folder.mkdir(parents=True, exist_ok=True)
  atomic_write_text(path, json.dumps(manifest, indent=1) + "\n")


def run_stages(run: study_lib.StudyRun, *, shard_index: int = 0, num_shards: int = 1,
               max_cells: Optional[int] = None) -> None:
  """Runs every stage in order (unsharded ones whole), filling `run.records`.

  Every sharded stage whose cells can be built before the earlier stages ran is checked against its grid
  manifest first, so a shard with a differing grid is refused before any cell runs.
  """
  stages = list(run.study.stages(run.config))
  for stage in stages:
    if stage.sharded:
      try:
        early = stage.build_cells(run)
      except Exception:  # noqa: BLE001  (pylint: disable=broad-except)
        continue  # needs earlier stages' records: checked when it runs
      check_manifest(stage.output_dir(run), stage.name, early)
  for stage in stages:
    cells = stage.build_cells(run)
    if stage.sharded:
      check_manifest(stage.output_dir(run), stage.name, cells)

    def run_cell(cell, ctx, stage=stage):
      return stage.run_cell(cell, ctx, run)

    sharding = ({"shard_index": shard_index, "num_shards": num_shards, "max_cells": max_cells}
                if stage.sharded else {})
    summary = run_study(Study(stage.runner_name(run.study.name), stage.output_dir(run), cells, run_cell),
                        seed=run.seed, **sharding)
    logger.info("stage %s: %s", stage.name, summary)
    run.records[stage.name] = _stage_records(run, stage)


def write_config(run: study_lib.StudyRun) -> pathlib.Path:
  """`<output_dir>/config.json`: the study, the resolved config and the seed."""
  payload = {"study": run.study.name, "seed": run.seed, "config": to_jsonable(run.config, "config")}
  return atomic_write_text(run.output_dir / "config.json", json.dumps(payload, indent=1, sort_keys=True) + "\n")


def execute(study_name: str, fv: flags.FlagValues, strategy: Any = None) -> pathlib.Path:
  """Runs a study from parsed flags; returns the report's path. `strategy`: a tf.distribute strategy built
  by the caller (a notebook) instead of --strategy. Writes `<output_dir>/run_time.json` (run_time.py)."""
  run = make_run(study_name, fv)
  timer = RunTimer(run, shard_index=fv["shard_index"].value, num_shards=fv["num_shards"].value)
  if not run.report_only:
    from adv_tf import distribute  # pylint: disable=import-outside-toplevel
    from adv_tf.training.cache import ModelCache  # pylint: disable=import-outside-toplevel
    run.output_dir.mkdir(parents=True, exist_ok=True)
    write_config(run)
    run.strategy = strategy if strategy is not None else distribute.strategy(fv["strategy"].value)
    run.strategy_name = run.strategy_name if strategy is None else f"{type(strategy).__name__} (built by the caller)"
    run.model_cache = ModelCache(fv["model_cache_dir"].value, retrain=fv["retrain"].value)
    run.study.prepare(run)
    run_stages(run, shard_index=fv["shard_index"].value, num_shards=fv["num_shards"].value,
               max_cells=fv["max_cells"].value)
  else:
    for stage in run.study.stages(run.config):
      run.records[stage.name] = _stage_records(run, stage)
  path = run.study.report(run)
  timer.write(run)
  return path


def run_main(study_name: str, argv: Sequence[str], strategy: Any = None) -> int:
  """In-process entry (tests, notebooks): parses `argv` (argv[0] is the program) into fresh flags and runs the
  study, under `strategy` when given (a tf.distribute strategy the caller built) instead of --strategy.

  The study must be registered (import `adv_tf.studies` first; this generic layer never imports it).

  Returns the exit status: 0, or 2 after printing `error: ...` for an AdvTfError.
  """
  try:
    fv = flags.FlagValues()
    define_flags(study_name, fv)
    try:
      fv(list(argv))
    except flags.Error as e:
      raise AdvTfError(str(e).splitlines()[0]) from None
    path = execute(study_name, fv, strategy)
  except AdvTfError as error:
    print(f"error: {error}", file=sys.stderr)
    return 2
  print(f"report: {path}")
  return 0


def main(study_name: str, argv: Optional[Sequence[str]] = None) -> None:
  """The binary: `experiments/<study>.py` and the `adv-tf-<study>` entry point call this after importing
  `adv_tf.studies` (which registers every study)."""
  from absl import app  # pylint: disable=import-outside-toplevel
  os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
  before = set(flags.FLAGS)
  try:
    define_flags(study_name, flags.FLAGS)
  except AdvTfError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(2)
  for name in set(flags.FLAGS) - before:  # `--help` lists the study's flags (absl shows the main module's)
    flags.FLAGS.register_key_flag_for_module(sys.argv[0], flags.FLAGS[name])

  def _app_main(_argv):
    from adv_tf.logging_setup import quiet_logging  # pylint: disable=import-outside-toplevel
    quiet_logging()  # absl/TFDS INFO lines only with an explicit --verbosity
    try:
      path = execute(study_name, flags.FLAGS)
    except AdvTfError as error:
      print(f"error: {error}", file=sys.stderr)
      sys.exit(2)
    print(f"report: {path}")
    sys.exit(0)

  app.run(_app_main, argv=list(argv) if argv is not None else None)
