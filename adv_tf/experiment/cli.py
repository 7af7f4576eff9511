"""`main(study)`: the command line of every study binary (`experiments/<study>.py`, `adv-tf-<study>`).

Flags -> typed config -> stages -> report:
  * generic flags: --profile, --output_dir, --data_dir, --seed, --shard_index, --num_shards, --max_cells,
    --only_cells, --report_only, --strategy, --tpu, --model_cache_dir, --retrain, --retrain_token, --stage,
    --deterministic;
    the shard also comes from a scheduler's array variables (`adv_tf.experiment.shards`, explicit flags win);
  * one flag per field of the study's config dataclass (except `profile`), generated from the dataclass:
    the type from the annotation (bool/int/float/str, Optional[...], tuple[...] as a comma list), the help
    from `field.metadata["help"]`, an optional `field.metadata["parse"]` (flag value -> field value); a field
    that is itself a config dataclass (`cw: CWConfig`) gives one flag per field of it, named with a dot
    (`--cw.binary_steps`). Unset flags keep the profile's value.
    A field type no flag can express (a dict, nested tuples, ...) needs a `parse`, else registration fails.
Everything is validated before any data loads; an `AdvTfError` (and a flag absl cannot parse) prints one line
`error: ...` and exits 2.
Order: flags -> config (every numeric field against its declared bounds, bounds.py; then the study's validate)
-> shard -> the path flags (path_flags.py; nothing is created) -> refusals against the output folder (another
seed's records, a missing earlier stage for --stage, another grid: compared on the cells built without data) ->
[a rerun whose config.json would not change and whose every cell is recorded: the report, without data] ->
strategy -> data -> the full grid check (cell ids may include the data identity) -> `<output_dir>/config.json` ->
cells. So nothing is written before every refusal that needs no data, and data loads only after them.
Records that parse but lack what their stage returns (`Stage.result_schema`) do not count as done: the runner
drops them from its file, with one warning, and computes their cells again (record_schema.py).

Stages (`--stage`, for clusters): `all` (default) runs every stage then the report; `<stage name>` runs only
that stage (its earlier stages must be complete in the folder, else a one-line error) and no report;
`unsharded` / `sharded` run every unsharded / sharded stage (so one cluster template fits every study: the
unsharded stages come first in each); `report` rebuilds the report only (like --report_only). See deploy/.
"""
from __future__ import annotations

import collections.abc
import contextlib
import dataclasses
import json
import logging
import os
import pathlib
import re
import signal
import sys
import threading
import time
import types
import typing
from typing import Any, Callable, Optional, Sequence

from absl import flags

from adv_tf.errors import AdvTfError
from adv_tf.experiment import bounds, path_flags, smoke
from adv_tf.experiment import shards as shards_lib
from adv_tf.experiment import study as study_lib
from adv_tf.experiment.records import load_records, records_digest
from adv_tf.experiment.run_time import RunTimer
from adv_tf.experiment.runner import CellGrid, run_study, validate_shard
from adv_tf.remote import StagedFolder, is_remote, join
from adv_tf.utils.atomic import atomic_write_text, create_exclusive_text
from adv_tf.utils.config import leaf_fields, replace_leaves
from adv_tf.utils.jsonable import to_jsonable

logger = logging.getLogger(__name__)

GENERIC_FLAGS = ("profile", "output_dir", "data_dir", "seed", "shard_index", "num_shards", "max_cells", "only_cells",
                 "report_only", "strategy", "tpu", "model_cache_dir", "retrain", "retrain_token", "stage",
                 "deterministic")
ALL_STAGES = "all"
REPORT_STAGE = "report"
# Stage groups for study-independent cluster templates: every unsharded stage / every sharded stage.
STAGE_GROUPS = {"unsharded": lambda stage: not stage.sharded, "sharded": lambda stage: stage.sharded}


def _define_generic(study: study_lib.Study, fv: flags.FlagValues) -> None:
  names = list(study.PROFILES)
  if not names:
    raise AdvTfError(f"study {study.name!r} has no profiles")
  flags.DEFINE_enum("profile", names[0], names, "Named config of the study (see its config.py).", flag_values=fv)
  flags.DEFINE_string("output_dir", None, "Output folder (default: results/<study with _>/<profile>): records, "
                      "cells/<id>/ artifacts, tensorboard/, config.json, report.md. Rerunning resumes.",
                      flag_values=fv)
  flags.DEFINE_string("data_dir", None, "TFDS data directory (default: TFDS's, ~/tensorflow_datasets).",
                      flag_values=fv)
  flags.DEFINE_integer("seed", 0, "Seed of the run: global RNGs are reseeded with it before each cell; it is in "
                       "every record. Same seed -> identical results.", flag_values=fv)
  flags.DEFINE_integer("shard_index", None, "Which shard this process runs (cells with index % num_shards == it). "
                       "Default: from a scheduler array (SLURM, Kubernetes Indexed Job, Google Cloud Batch, AWS "
                       "Batch), else 0.", flag_values=fv)
  flags.DEFINE_integer("num_shards", None, "Split sharded stages into this many processes/machines. Default: "
                       f"the scheduler array's size or ${shards_lib.COUNT_ENV}, else 1.", flag_values=fv)
  flags.DEFINE_integer("max_cells", None, "Compute at most this many new cells of the sharded stages, then stop.",
                       flag_values=fv)
  flags.DEFINE_string("only_cells", None, "Compute only the pending cells of the sharded stages whose name matches "
                      "this regular expression (Python re.search: 'seed=1' also matches 'seed=10' and names that "
                      "go on, so anchor with $: 'c0.5 seed=1$|c2 seed=1$'), to choose what a resumed run computes "
                      "first. The grid, its manifest and the cell ids stay the profile's, so the other cells run "
                      "later into the same --output_dir; the report covers what is recorded. Combines with "
                      "--max_cells and the shard. Cell names hold spaces: where a script splits flags on spaces "
                      "(deploy/slurm's EXTRA_FLAGS), write them as '.' or '\\s'.", flag_values=fv)
  flags.DEFINE_bool("report_only", False, "Only rebuild the report from existing records (merges shards).",
                    flag_values=fv)
  flags.DEFINE_string("strategy", "auto", "tf.distribute strategy: auto|cpu|mirrored|tpu|multiworker.",
                      flag_values=fv)
  flags.DEFINE_string("tpu", None, "TPU to run on: a TPU name, a grpc:// address, or 'local' (TPU VMs, Colab's "
                      "TPU runtime). Implies --strategy=tpu.", flag_values=fv)
  flags.DEFINE_bool("deterministic", False, "Deterministic TensorFlow ops (tf.config.experimental."
                    "enable_op_determinism) and seeded RNGs: same seed -> same numbers on GPU too, slower. "
                    "Recorded in config.json.", flag_values=fv)
  flags.DEFINE_string("stage", ALL_STAGES, "Run only this stage (the study's stage names, or 'report'); default "
                      "'all': every stage, then the report. For clusters: unsharded stage once, the cells as an "
                      "array, then the report (deploy/README.md).", flag_values=fv)
  flags.DEFINE_string("model_cache_dir", None, "Trained-model cache (default: $ADV_TF_MODEL_CACHE or "
                      "~/.cache/adv_tf/models), shared by every study.", flag_values=fv)
  flags.DEFINE_bool("retrain", False, "Train models again even when the cache has them: once per model and "
                    "--retrain_token (needed with several shards, e.g. the scheduler's job id, so that every "
                    "shard of one job reuses the model the first shard retrained).", flag_values=fv)
  flags.DEFINE_string("retrain_token", None, "Identifies one --retrain job across its shards (same value in "
                      "every shard). Default with one shard: a fresh token per process.", flag_values=fv)


def _unwrap_optional(annotation) -> Any:
  if typing.get_origin(annotation) in (typing.Union, types.UnionType):
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if len(args) == 1:
      return args[0]
  return annotation


_SCALARS = (bool, int, float, str)
_SEQUENCES = (tuple, list, collections.abc.Sequence)


def _field_kind(annotation) -> tuple[str, Any]:
  """("bool"|"int"|"float"|"str"|"list", item type) of a config field's annotation; ("unsupported", annotation)
  for types no flag expresses without a `parse` (dicts, nested sequences, classes)."""
  annotation = _unwrap_optional(annotation)
  if annotation in _SCALARS:
    return annotation.__name__, annotation
  if annotation in _SEQUENCES:
    return "list", str
  if typing.get_origin(annotation) in _SEQUENCES:
    args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
    item = _unwrap_optional(args[0]) if args else str
    if item in (int, float, str) and len(set(args)) <= 1:
      return "list", item
  return "unsupported", annotation


_DEFINE = {"bool": flags.DEFINE_bool, "int": flags.DEFINE_integer, "float": flags.DEFINE_float,
           "str": flags.DEFINE_string, "list": flags.DEFINE_list}


def config_flag_fields(config_class: type) -> list[tuple[str, dataclasses.Field, Any]]:
  """(flag name, field, annotation) of the config fields that become flags: every field but `profile`, the fields
  of a nested config dataclass under dotted names (`cw: CWConfig` -> `cw.binary_steps`, ...; utils/config.py)."""
  return [leaf for leaf in leaf_fields(config_class) if leaf[0] != "profile"]


def define_flags(study: study_lib.Study, fv: flags.FlagValues = flags.FLAGS) -> None:
  """Defines the generic flags and one flag per config field of `study` in `fv`."""
  study_name = study.name
  _define_generic(study, fv)
  for name, field, annotation in config_flag_fields(study.Config):
    if name in GENERIC_FLAGS:
      raise AdvTfError(f"config field {name!r} of {study_name} clashes with a generic flag; rename it")
    kind, _ = _field_kind(annotation)
    if kind == "unsupported":
      if "parse" not in field.metadata:
        raise AdvTfError(f"config field {name!r} of {study_name} has type {annotation} that no flag "
                         "expresses; give it metadata={'parse': fn} (comma list -> value)")
      kind = "list"
    help_text = field.metadata.get("help", name) + " Default: the profile's."
    _DEFINE[kind](name, None, help_text, flag_values=fv)


def _convert(name: str, field: dataclasses.Field, annotation, value) -> Any:
  if "parse" in field.metadata:
    try:
      return field.metadata["parse"](value)
    except (ValueError, TypeError) as e:
      raise AdvTfError(f"--{name}={','.join(map(str, value)) if isinstance(value, list) else value}: "
                       f"{e}") from None
  kind, item = _field_kind(annotation)
  if kind != "list":
    return value
  try:
    return tuple(item(v) if item in (int, float, str) else v for v in value)
  except ValueError:
    raise AdvTfError(f"--{name}: every entry must be a {item.__name__}, got {','.join(value)}") from None


def resolve_config(study: study_lib.Study, fv: flags.FlagValues) -> Any:
  """The profile's config with the set flags applied (nested fields by their dotted names), validated: every
  numeric field against its declared bounds (bounds.py), then the config's own `validate()` and the study's
  `check_config`."""
  config = study.PROFILES[fv["profile"].value]
  overrides = {}
  for name, field, annotation in config_flag_fields(study.Config):
    value = fv[name].value
    if value is not None:
      overrides[name] = _convert(name, field, annotation, value)
  config = replace_leaves(config, overrides)
  bounds.check_config(config)
  config.validate()
  study.check_config(config)
  return config


def _stage_names(study: Any, config: Any) -> list[str]:
  return [stage.name for stage in study.stages(config)]


def make_run(study: study_lib.Study, fv: flags.FlagValues) -> study_lib.StudyRun:
  """Validates every flag (no data is loaded) and returns the StudyRun."""
  study_name = study.name
  config = resolve_config(study, fv)
  shard = shards_lib.resolve_shard(fv["shard_index"].value, fv["num_shards"].value)
  validate_shard(shard.index, shard.count)
  if fv["max_cells"].value is not None and fv["max_cells"].value < 0:
    raise AdvTfError("--max_cells must be >= 0")
  only_cells = fv["only_cells"].value or None
  if only_cells is not None:
    cell_filter(only_cells)  # a one-line error for a pattern that does not compile
  stage = fv["stage"].value
  choices = [ALL_STAGES, *_stage_names(study, config), *STAGE_GROUPS, REPORT_STAGE]
  if stage not in choices:
    raise AdvTfError(f"--stage={stage!r} is not a stage of {study_name}; choose one of: {', '.join(choices)}")
  if fv["report_only"].value and stage not in (ALL_STAGES, REPORT_STAGE):
    raise AdvTfError(f"--report_only runs no stage; drop it or --stage={stage}")
  report_only = fv["report_only"].value or stage == REPORT_STAGE
  from adv_tf.distribute import STRATEGIES  # pylint: disable=import-outside-toplevel
  strategy_name = fv["strategy"].value
  if fv["tpu"].value:
    if strategy_name not in ("auto", "tpu"):
      raise AdvTfError(f"--tpu={fv['tpu'].value} needs --strategy=tpu (or auto), not {strategy_name}")
    strategy_name = "tpu"
  if strategy_name != "auto":
    STRATEGIES.get(strategy_name)
  if fv["retrain"].value and shard.count > 1 and not fv["retrain_token"].value and stage != REPORT_STAGE:
    raise AdvTfError("--retrain with several shards needs --retrain_token=<job id> (the same in every shard), "
                     "so each model is retrained once per job, not once per shard")
  staged = None
  if is_remote(fv["output_dir"].value or ""):
    staged = StagedFolder(fv["output_dir"].value)  # gs://...: a local working copy, uploaded as stages finish
    output_dir = staged.local
  else:
    output_dir = pathlib.Path(fv["output_dir"].value or study_lib.results_dir(study_name, config.profile))
  if not report_only:
    path_flags.check_output_dir(output_dir.expanduser())
    path_flags.check_data_dir(fv["data_dir"].value)
    path_flags.check_model_cache_dir(fv["model_cache_dir"].value)
  return study_lib.StudyRun(study=study, config=config, output_dir=output_dir.expanduser(), seed=fv["seed"].value,
                            data_dir=fv["data_dir"].value, report_only=report_only,
                            strategy_name=strategy_name, started=time.time(), shard=shard,
                            stage=ALL_STAGES if stage == REPORT_STAGE else stage,
                            deterministic=fv["deterministic"].value, tpu=fv["tpu"].value, staged=staged,
                            only_cells=only_cells)


def _stage_records(run: study_lib.StudyRun, stage: study_lib.Stage) -> list[dict]:
  folder = stage.output_dir(run)
  if not folder.is_dir():
    return []
  return load_records(folder, study_name=stage.runner_name(run.study.name), check=stage.check_record)


MANIFEST = "grid-manifest.json"


def grid_manifest(cells: Sequence[Any]) -> dict:
  """The grid of a stage: its cell ids in order and their sha256."""
  import hashlib  # pylint: disable=import-outside-toplevel
  ids = [c.id for c in cells]
  return {"num_cells": len(ids), "sha256": hashlib.sha256("\n".join(ids).encode()).hexdigest(), "ids": ids}


def _grew(old: dict, cells: Sequence[Any], key: str) -> bool:
  """Whether `cells` extend the manifest `old`'s grid at its end: more cells, the first ones the old grid (their
  hash `old[key]`), so every record of the folder keeps its cell (a profile that adds cells after a part-way run)."""
  n = old.get("num_cells")
  return (isinstance(n, int) and 0 < n < len(cells) and old.get(key) is not None
          and grid_manifest(cells[:n])["sha256"] == old[key])


def check_manifest(folder: pathlib.Path, stage_name: str, cells: Sequence[Any],
                   data_free_sha256: Optional[str] = None) -> None:
  """Creates `<stage folder>/grid-manifest.json` on the first run (an exclusive create: of two shards starting
  at once on a fresh folder one writes it, the other checks against it); refuses (one line) a run or shard
  whose grid differs from the folder's, so shards of different settings never share a folder. A grid that
  extends the folder's at its end (`_grew`) replaces the manifest: its recorded cells keep their ids.

  `data_free_sha256`: the hash of the same stage's cells built before any data loaded (`preflight` compares it,
  so most grid mismatches are refused before the data loads); stored in the manifest when given. A grown grid
  without it (grown where the stage builds only with data) drops the old one, which described the shorter grid.
  The manifest lists the grids it grew from (`grown_from`); of two shards growing one folder to two different
  grids at once, the one whose manifest did not land is refused (re-read after the write)."""
  manifest = grid_manifest(cells)
  if data_free_sha256 is not None:
    manifest["data_free_sha256"] = data_free_sha256
  path = folder / MANIFEST
  if create_exclusive_text(path, json.dumps(manifest, indent=1) + "\n"):
    return
  old = json.loads(path.read_text())
  if _grew(old, cells, "sha256"):
    manifest["grown_from"] = [*old.get("grown_from", []), {"num_cells": old["num_cells"], "sha256": old["sha256"]}]
    atomic_write_text(path, json.dumps(manifest, indent=1) + "\n")
    logging.info("stage %s: the grid grew from %d to %d cells (the %d recorded keep their ids)", stage_name,
                 old["num_cells"], manifest["num_cells"], old["num_cells"])
    old = json.loads(path.read_text())   # another shard's different growth may have landed after ours
  if old.get("sha256") != manifest["sha256"]:
    raise AdvTfError(f"{folder} holds another grid of stage {stage_name} ({old.get('num_cells')} cells, hash "
                     f"{str(old.get('sha256'))[:12]}) than this run's ({manifest['num_cells']} cells, hash "
                     f"{manifest['sha256'][:12]}): use the flags of {_whose(old)} or another --output_dir")


def _whose(manifest: dict) -> str:
  """The run whose flags made a folder's grid: the run that grew it, or the first."""
  return "the run that grew it" if manifest.get("grown_from") else "the first run"


def _early_cells(run: study_lib.StudyRun, stage: study_lib.Stage) -> Optional[list]:
  """The stage's cells when they can be built from the records in the folder alone (no data), else None."""
  try:
    return stage.build_cells(run)
  except Exception:  # noqa: BLE001  (pylint: disable=broad-except)
    return None  # needs data or earlier records: checked when it runs


def check_seed(run: study_lib.StudyRun, stage: study_lib.Stage) -> None:
  """Refuses (one line) a folder whose records of `stage` were made with another --seed."""
  seeds = sorted({r.get("seed") for r in _stage_records(run, stage) if r.get("seed") != run.seed}, key=repr)
  if seeds:
    raise AdvTfError(f"--output_dir {run.output_dir} holds records of stage {stage.name} made with --seed "
                     f"{', '.join(map(repr, seeds))}; rerun with that seed or choose another --output_dir")


def selected_stages(run: study_lib.StudyRun, stages: Sequence[study_lib.Stage]) -> list[str]:
  """Names of the stages this process runs: all, one, or a group (`STAGE_GROUPS`), in run order."""
  if run.stage == ALL_STAGES:
    return [stage.name for stage in stages]
  if run.stage in STAGE_GROUPS:
    return [stage.name for stage in stages if STAGE_GROUPS[run.stage](stage)]
  return [run.stage]


def check_earlier_stages(run: study_lib.StudyRun, stages: Sequence[study_lib.Stage]) -> None:
  """For `--stage=<name or group>`: every stage before the first selected one must be complete in the folder
  (their records are loaded into `run.records`); otherwise one line saying which `--stage` to run first,
  instead of recomputing an unsharded stage in every array task."""
  selected = selected_stages(run, stages)
  for stage in stages:
    if stage.name in selected:
      return
    run.records[stage.name] = _stage_records(run, stage)
    done = {r["id"] for r in run.records[stage.name]}
    cells = _early_cells(run, stage)
    if cells is None:
      manifest = stage.output_dir(run) / MANIFEST
      expected = set(json.loads(manifest.read_text())["ids"]) if manifest.exists() else None
    else:
      expected = {c.id for c in cells}
    if expected is None or not expected <= done:
      missing = "?" if expected is None else len(expected - done)
      raise AdvTfError(f"stage {stage.name} is not complete in {run.output_dir} ({missing} cells missing); "
                       f"run --stage={stage.name} first (with the same flags)")


def preflight(run: study_lib.StudyRun, stages: Sequence[study_lib.Stage]) -> dict[str, str]:
  """The refusals that need no data, before config.json is written or data loads: records of another seed,
  (for --stage) an incomplete earlier stage, and a grid whose data-free hash differs from the manifest's.

  Returns the data-free grid hash of each selected sharded stage that builds without data (for
  `check_grids`, which stores it in a new manifest)."""
  for stage in stages:
    check_seed(run, stage)
  if run.stage != ALL_STAGES:
    check_earlier_stages(run, stages)
  hashes = {}
  selected = selected_stages(run, stages)
  for stage in stages:
    cells = _early_cells(run, stage) if stage.sharded and stage.name in selected else None
    if cells is None:
      continue
    hashes[stage.name] = grid_manifest(cells)["sha256"]
    path = stage.output_dir(run) / MANIFEST
    old = json.loads(path.read_text()) if path.exists() else {}
    if old.get("data_free_sha256") not in (None, hashes[stage.name]) and not _grew(old, cells, "data_free_sha256"):
      raise AdvTfError(f"{stage.output_dir(run)} holds another grid of stage {stage.name} ({old.get('num_cells')} "
                       f"cells) than this run's: use the flags of {_whose(old)} or another --output_dir")
  check_only_cells(run, stages)
  return hashes


def check_only_cells(run: study_lib.StudyRun, stages: Sequence[study_lib.Stage]) -> None:
  """Refuses (one line) an --only_cells pattern that matches no cell of the selected sharded stages, when each of
  them can be built now (`preflight`: without data; `_execute` again once the data is loaded). A run that selects
  no sharded stage (--stage=unsharded) has nothing to filter and is not refused."""
  if run.only_cells is None:
    return
  selected = selected_stages(run, stages)
  names = []
  for stage in stages:
    if stage.sharded and stage.name in selected:
      cells = _early_cells(run, stage)
      if cells is None:
        return  # built from earlier records: checked as it runs (`run_stages`)
      names += [c.name for c in cells]
  matches = cell_filter(run.only_cells)
  if names and not any(matches(name) for name in names):
    raise AdvTfError(f"--only_cells={run.only_cells!r} matches no cell of this run's sharded stages; cell names "
                     f"look like {', '.join(repr(n) for n in names[:3])}")


def cell_filter(pattern: str) -> Callable[[str], bool]:
  """`--only_cells`: whether a cell name matches the regular expression (re.search); AdvTfError if it is none."""
  try:
    compiled = re.compile(pattern)
  except re.error as e:
    raise AdvTfError(f"--only_cells={pattern!r} is not a regular expression ({e}); e.g. 'seed=1' or "
                     "'c0.5 seed=1|c2 seed=1'") from None
  return lambda name: compiled.search(name) is not None


def all_cells_recorded(run: study_lib.StudyRun, stages: Sequence[study_lib.Stage]) -> bool:
  """Whether this run would compute nothing, judged without data: the folder's config.json is the one this run
  would write (same config, seed, --data_dir, strategy: cell ids that include the data identity or the replica
  count then match too) and every cell of every stage has a record, each stage's cells built from the records of
  the stages before it (filled into `run.records`). False as soon as a stage cannot be built without data or
  misses a cell; then the run loads its data and runs as usual."""
  path = run.output_dir / "config.json"
  if not path.is_file() or path.read_text() != config_text(run):
    return False
  for stage in stages:
    run.records[stage.name] = _stage_records(run, stage)
    cells = _early_cells(run, stage)
    if cells is None or not {c.id for c in cells} <= {r["id"] for r in run.records[stage.name]}:
      return False
  return True


def check_grids(run: study_lib.StudyRun, stages: Sequence[study_lib.Stage],
                data_free: Optional[dict[str, str]] = None) -> None:
  """Grid refusals after `study.prepare` (cell ids may include the data identity and replica count) but before
  config.json and any cell: every selected sharded stage whose cells can be built now is checked against (or
  creates) its grid manifest; the others are checked when they run."""
  selected = selected_stages(run, stages)
  for stage in stages:
    if stage.sharded and stage.name in selected:
      cells = _early_cells(run, stage)
      if cells is not None:
        # The data-free hash to store is the one a later process's `preflight` will compute: `prepare` may
        # have written files into the output folder that data-free cell ids read (a study's record of its data
        # identity, for --report_only), so it is built again now, without resources.
        free = _early_cells(dataclasses.replace(run, resources={}), stage)
        free_hash = grid_manifest(free)["sha256"] if free is not None else (data_free or {}).get(stage.name)
        check_manifest(stage.output_dir(run), stage.name, cells, free_hash)


def run_stages(run: study_lib.StudyRun, *, shard_index: int = 0, num_shards: int = 1,
               max_cells: Optional[int] = None) -> None:
  """Runs the stages in order (unsharded ones whole; only `run.stage` unless it is "all"), filling
  `run.records`. Call `preflight` first (`execute` does): it refuses mismatched folders before any cell."""
  stages = list(run.study.stages(run.config))
  selected = selected_stages(run, stages)
  matches = None if run.only_cells is None else cell_filter(run.only_cells)
  matched = matches is None or not any(s.sharded and s.name in selected for s in stages)
  for stage in stages:
    if stage.name not in selected:
      if stage.name not in run.records:
        run.records[stage.name] = _stage_records(run, stage)
      continue
    cells = stage.build_cells(run)
    if stage.sharded:
      check_manifest(stage.output_dir(run), stage.name, cells)

    def run_cell(cell, ctx, stage=stage):
      return stage.run_cell(cell, ctx, run)

    sharding = ({"shard_index": shard_index, "num_shards": num_shards, "max_cells": max_cells,
                 "only_cells": matches} if stage.sharded else {})
    if stage.sharded and not matched:
      matched = any(matches(c.name) for c in cells)
    summary = run_study(CellGrid(stage.runner_name(run.study.name), stage.output_dir(run), cells, run_cell,
                                 check_record=stage.check_record), seed=run.seed, **sharding)
    logger.info("stage %s: %s", stage.name, summary)
    run.records[stage.name] = _stage_records(run, stage)
    if run.staged is not None:
      run.staged.upload()
  if not matched:  # stages built from earlier stages' records are only checked here (`check_only_cells`: the rest)
    print(f"warning: --only_cells={run.only_cells!r} matched no cell of the sharded stages; none of them was "
          "computed", file=sys.stderr)


def config_text(run: study_lib.StudyRun) -> str:
  """The text of `<output_dir>/config.json` for this process (see `write_config`)."""
  payload = {"study": run.study.name, "seed": run.seed, "config": to_jsonable(run.config, "config"),
             "data_dir": run.data_dir,
             "runtime": {"shard": run.shard.to_dict() if run.shard else None, "stage": run.stage,
                         "strategy": run.strategy_name, "tpu": run.tpu, "deterministic": run.deterministic}}
  return json.dumps(payload, indent=1, sort_keys=True) + "\n"


def write_config(run: study_lib.StudyRun) -> pathlib.Path:
  """`<output_dir>/config.json`: the study, the resolved config, the seed, --data_dir and how this process ran
  (shard and where it came from, stage, strategy, TPU, determinism). Each process rewrites it (the last one wins)."""
  return atomic_write_text(run.output_dir / "config.json", config_text(run))


def execute(study: study_lib.Study, fv: flags.FlagValues, strategy: Any = None) -> Optional[pathlib.Path | str]:
  """Runs a study from parsed flags; returns the report's path (its URL for a remote --output_dir; None for
  `--stage=<a stage>`: no report). `strategy`: a tf.distribute strategy built by the caller (a notebook)
  instead of --strategy/--tpu. Writes `<output_dir>/run_time.json` when it computed cells, also when stopped
  (run_time.py).

  A remote --output_dir (gs://...) is downloaded into a local working copy first and the files this process
  wrote are uploaded after each stage and at the end, also after a failure (see adv_tf/remote.py).
  """
  run = make_run(study, fv)
  if run.staged is None:
    return _execute(run, fv, strategy)
  try:
    run.staged.download()
  except Exception as e:  # noqa: BLE001  tf.errors.OpError and friends of every filesystem
    raise AdvTfError(f"cannot read --output_dir {run.staged.remote}: {type(e).__name__}: "
                     f"{str(e).splitlines()[0] if str(e) else ''}; check the URL and credentials") from None
  try:
    path = _execute(run, fv, strategy)
  finally:
    run.staged.upload()
  return None if path is None else join(run.staged.remote, path.relative_to(run.output_dir).as_posix())


def _execute(run: study_lib.StudyRun, fv: flags.FlagValues, strategy: Any = None) -> Optional[pathlib.Path]:
  study_name = run.study.name
  timer = RunTimer(run)
  stages = list(run.study.stages(run.config))
  if not run.report_only and not selected_stages(run, stages):
    print(f"{study_name} has no {run.stage} stage; nothing to run")
    return None
  if not run.report_only:
    from adv_tf import distribute  # pylint: disable=import-outside-toplevel
    from adv_tf.training.cache import ModelCache  # pylint: disable=import-outside-toplevel
    data_free = preflight(run, stages)
    run.output_dir.mkdir(parents=True, exist_ok=True)
    if run.stage == ALL_STAGES and all_cells_recorded(run, stages):
      print(f"{study_name}: every cell is recorded in {run.output_dir}; rebuilding the report (no data loaded)")
      write_config(run)
      return write_report(run)   # computes no cell: no run_time.json (run_time.py)
    if run.deterministic:
      distribute.enable_determinism(run.seed)
    run.strategy = strategy if strategy is not None else distribute.strategy(run.strategy_name, tpu=run.tpu)
    if strategy is not None:
      run.strategy_name = f"{type(strategy).__name__} (built by the caller)"
    run.model_cache = ModelCache(fv["model_cache_dir"].value, retrain=fv["retrain"].value,
                                 retrain_token=fv["retrain_token"].value)
    run.study.prepare(run)
    check_grids(run, stages, data_free)
    check_only_cells(run, stages)  # grids built from the data: refused here, before config.json and any cell
    write_config(run)
    try:
      with sigterm_as_interrupt():
        run_stages(run, shard_index=run.shard.index, num_shards=run.shard.count, max_cells=fv["max_cells"].value)
    except BaseException as stop:  # Ctrl-C or a failure: the cells it recorded keep their time (run_time.py)
      timer.write_stopped(run, stop)
      raise
    timer.write(run)  # before the report too: a report that fails still leaves the time of the cells
    if run.stage != ALL_STAGES:
      return None
  else:
    for stage in stages:
      run.records[stage.name] = _stage_records(run, stage)
  path = write_report(run)
  timer.write(run)
  return path


class Terminated(KeyboardInterrupt):
  """The run was stopped by SIGTERM (`sigterm_as_interrupt`); the binary exits with 143 (128 + SIGTERM)."""


TERMINATED_EXIT = 143


@contextlib.contextmanager
def sigterm_as_interrupt():
  """While the stages run, SIGTERM (`kill <pid>`, `timeout`, a scheduler's pre-emption notice) stops the run as
  Ctrl-C does (`Terminated`, a KeyboardInterrupt): the cell in progress dropped, finished cells kept, `run_time.json`
  written with "outcome": "interrupted". It takes effect at the next Python step (a long TensorFlow op finishes
  first). A shell starts background jobs (`cmd &`) with SIGINT ignored, so `kill` is how a background run is
  stopped. Left alone where SIGTERM is ignored or handled from C, and off the main thread (Python runs signal
  handlers in the main thread only)."""
  if (threading.current_thread() is not threading.main_thread()
      or signal.getsignal(signal.SIGTERM) in (signal.SIG_IGN, None)):
    yield
    return
  def interrupt(signum, frame):
    del frame
    raise Terminated(f"stopped by signal {signum} (SIGTERM)")
  previous = signal.signal(signal.SIGTERM, interrupt)
  try:
    yield
  finally:
    signal.signal(signal.SIGTERM, previous)


def _grid_ids(run: study_lib.StudyRun, stage: study_lib.Stage, folder: pathlib.Path) -> Optional[set]:
  """The ids of a stage's grid: its `grid-manifest.json` (the grid its records were computed for), else its cells
  built now (`_early_cells`), else None."""
  try:
    return set(json.loads((folder / MANIFEST).read_text()).get("ids") or ())
  except (OSError, ValueError, AttributeError):
    cells = _early_cells(run, stage)
    return None if cells is None else {cell.id for cell in cells}


def judged_cells(run: study_lib.StudyRun) -> dict:
  """Per stage, the records the report rests on (`run.records`): {"folder": the stage's folder relative to the
  output dir, "ids": their cell ids, "sha256": `records_digest` of them, "rejected": ids of records in the folder
  that the stage's check skips (damaged or of another schema), "recorded": how many of "ids" are cells of the
  stage's grid, "expected": cells in the grid (`_grid_ids`; None when not known yet)}."""
  judged = {}
  for stage in run.study.stages(run.config):
    folder = stage.output_dir(run)
    records = run.records.get(stage.name) or []
    ids = {record["id"] for record in records}
    grid = _grid_ids(run, stage, folder)
    everything = {record["id"] for record in (load_records(folder) if folder.is_dir() else [])}
    try:
      where = folder.relative_to(run.output_dir).as_posix()
    except ValueError:  # a stage folder outside the output dir
      where = os.fspath(folder)
    judged[stage.name] = {"folder": where, "ids": sorted(ids), "sha256": records_digest(records),
                          "rejected": sorted(everything - ids),
                          "recorded": len(ids if grid is None else ids & grid),
                          "expected": None if grid is None else len(grid)}
  return judged


def write_report(run: study_lib.StudyRun) -> pathlib.Path:
  """The study's report; for the smoke profile marked as deciding nothing (adv_tf/experiment/smoke.py)."""
  # Every shard's records in the folder now, not only those present when this shard ended; for a remote
  # --output_dir, those other machines uploaded since this process downloaded its working copy too.
  if run.staged is not None:
    try:
      run.staged.refresh()
    except Exception as e:  # noqa: BLE001  tf.errors.OpError and friends of every filesystem
      raise AdvTfError(f"cannot read --output_dir {run.staged.remote} to gather every shard's records for the "
                       f"report: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}; this process's "
                       "records are uploaded: rerun with --stage=report") from None
  for stage in run.study.stages(run.config):
    run.records[stage.name] = _stage_records(run, stage)
  run.judged_cells = judged_cells(run)
  path = run.study.report(run)
  if run.config.profile == smoke.SMOKE_PROFILE:
    smoke.mark_undecided(run.output_dir)
  return path


def run_main(study: study_lib.Study, argv: Sequence[str], strategy: Any = None) -> int:
  """In-process entry (tests, notebooks): parses `argv` (argv[0] is the program) into fresh flags and runs the
  study, under `strategy` when given (a tf.distribute strategy the caller built) instead of --strategy.

  Returns the exit status: 0, or 2 after printing `error: ...` for an AdvTfError. Ctrl-C (KeyboardInterrupt) and
  SIGTERM while the stages run (`Terminated`) propagate, as a notebook's interrupt expects; finished cells are kept.
  """
  try:
    fv = flags.FlagValues()
    define_flags(study, fv)
    try:
      rest = fv(list(argv))
    except flags.Error as e:
      raise AdvTfError(str(e).splitlines()[0]) from None
    _refuse_arguments(rest)
    path = execute(study, fv, strategy)
  except AdvTfError as error:
    print(f"error: {error}", file=sys.stderr)
    return 2
  print(f"report: {path}" if path else f"stage {fv['stage'].value} done (no report: run --stage=report)")
  return 0


def main(study: study_lib.Study, argv: Optional[Sequence[str]] = None) -> None:
  """The binary: `experiments/<study>.py` and the `adv-tf-<study>` entry point call this with their study."""
  from absl import app  # pylint: disable=import-outside-toplevel
  os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
  before = set(flags.FLAGS)
  try:
    define_flags(study, flags.FLAGS)
  except AdvTfError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(2)
  for name in set(flags.FLAGS) - before:  # `--help` lists the study's flags (absl shows the main module's)
    flags.FLAGS.register_key_flag_for_module(sys.argv[0], flags.FLAGS[name])

  def _app_main(_argv):
    from adv_tf.logging_setup import quiet_logging  # pylint: disable=import-outside-toplevel
    quiet_logging()  # absl/TFDS INFO lines only with an explicit --verbosity
    try:
      path = execute(study, flags.FLAGS)
    except AdvTfError as error:
      print(f"error: {error}", file=sys.stderr)
      sys.exit(2)
    except Terminated:
      print("stopped by SIGTERM: finished cells are kept; the same command resumes", file=sys.stderr)
      sys.exit(TERMINATED_EXIT)
    print(f"report: {path}" if path else f"stage {flags.FLAGS.stage} done (no report: run --stage=report)")
    sys.exit(0)

  app.run(_app_main, argv=list(argv) if argv is not None else None, flags_parser=_parse_flags_or_exit)


def _parse_flags_or_exit(argv: Sequence[str]) -> list[str]:
  """absl's flag parsing with the CLI's contract for bad flags (an unknown flag or profile, a value of the wrong
  type): one line `error: ...` and exit 2, instead of absl's usage text and exit 1."""
  try:
    rest = flags.FLAGS(list(argv))
    _refuse_arguments(rest)
  except flags.Error as e:
    print(f"error: {str(e).splitlines()[0]}", file=sys.stderr)
    sys.exit(2)
  except AdvTfError as e:
    print(f"error: {e}", file=sys.stderr)
    sys.exit(2)
  return rest


def _refuse_arguments(rest: Sequence[str]) -> None:
  """The binaries take flags only: a word left after parsing is refused (e.g. the second half of an unquoted
  `--only_cells=c0.5 seed=1`, which would otherwise run with the pattern 'c0.5' and ignore 'seed=1')."""
  if len(rest) > 1:
    raise AdvTfError(f"unexpected argument(s) {' '.join(repr(a) for a in rest[1:])}: the binary takes flags only; "
                     "quote a flag value that holds spaces (e.g. --only_cells='c0.5 seed=1$')")
