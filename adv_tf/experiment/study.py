"""What a study is: a typed config, ordered stages of cells, and a report (issue 8).

A study subclasses `Study` (`adv_tf/studies/<name>/study.py`) and names its paper, config class, profiles,
stages and report directly; `adv_tf.studies.STUDIES` lists every study. `adv_tf.experiment.cli.main(study)` turns
flags into a config, runs the stages in order through the resumable runner and writes the report.

Stages run in order. An unsharded stage (e.g. a selection every shard needs) runs whole in every process,
resumably, before the next stage; a sharded stage's cells are split over `--num_shards` processes. A stage
writes to `<output_dir>/<subdir>/` (default: its name; "" for the output folder itself), as runner study
`<study>` (subdir "") or `<study>-<stage>`.
"""
from __future__ import annotations

import dataclasses
import pathlib
from typing import Any, Callable, ClassVar, Mapping, Optional, Sequence

from adv_tf.errors import AdvTfError
from adv_tf.experiment.record_schema import ResultSchema
from adv_tf.experiment.runner import Cell, CellContext


@dataclasses.dataclass(frozen=True)
class Stage:
  """One pass of the runner over a list of cells.

  Attributes:
    name: e.g. "selection", "cells".
    build_cells: run -> cells; may read `run.records` of earlier stages and `run.resources`.
    run_cell: (cell, ctx, run) -> the JSON-able result of one cell.
    sharded: False: every process runs the stage whole (resumable) before the next one.
    subdir: output subfolder; None: the stage's name; "": the study's output folder.
    result_schema: the keys of what `run_cell` returns: a record without them is damaged, so its cell runs
      again (record_schema.py); None: only the runner's own record fields are checked.
  """
  name: str
  build_cells: Callable[["StudyRun"], list[Cell]]
  run_cell: Callable[[Cell, CellContext, "StudyRun"], dict]
  sharded: bool = True
  subdir: Optional[str] = None
  result_schema: Optional[ResultSchema] = None

  def check_record(self, record: dict) -> Optional[str]:
    """None for a finished cell's record of this stage, else why it is damaged."""
    return (self.result_schema or ResultSchema()).problem(record)

  def output_dir(self, run: "StudyRun") -> pathlib.Path:
    return run.output_dir / (self.name if self.subdir is None else self.subdir)

  def runner_name(self, study_name: str) -> str:
    return study_name if self.subdir == "" else f"{study_name}-{self.name}"


def table_stages(names: Sequence[str], builders: Mapping[str, Callable[[Any], list[Cell]]],
                 runners: Mapping[str, Callable[[Cell, CellContext, "StudyRun"], dict]],
                 schemas: Mapping[str, ResultSchema], unsharded: Sequence[str] = ()) -> list[Stage]:
  """The stages of a study whose stages are tables keyed by stage name, in the order of `names`: stage `s`
  builds its cells with `builders[s](run.config)`, runs them with `runners[s]`, checks them against `schemas[s]`,
  and is sharded unless named in `unsharded`."""
  return [Stage(name, lambda run, build=builders[name]: build(run.config), runners[name],
                sharded=name not in unsharded, result_schema=schemas[name]) for name in names]


@dataclasses.dataclass
class StudyRun:
  """Everything one invocation of a study knows.

  Attributes:
    study: the `Study`.
    config: the resolved, validated (frozen) config.
    output_dir: the study's output folder.
    seed: the run's seed (--seed).
    strategy: the tf.distribute strategy (None for --report_only).
    strategy_name: the --strategy flag (auto|cpu|mirrored|tpu|multiworker).
    model_cache: the ModelCache (None for --report_only).
    data_dir: TFDS data directory (None: TFDS's default).
    resources: what `study.prepare(run)` loaded (data, models, ...); empty for --report_only.
    records: finished records per stage name, filled as stages complete (and for --report_only).
    report_only: only the report is being rebuilt (--report_only or --stage=report).
    started: time.time() at the start of the invocation.
    shard: the `shards.ShardAssignment` of this process (flags or a scheduler array); None outside the CLI.
    stage: "all", or the one stage this process runs (--stage).
    deterministic: --deterministic (deterministic TF ops, seeded RNGs).
    tpu: the --tpu flag (a TPU name, "local" or None).
    staged: for a remote --output_dir (gs://...), its `adv_tf.remote.StagedFolder`; `output_dir` is then
      the local working copy.
    judged_cells: set just before the report is written (`cli.judged_cells`): per stage the cells its records
      cover, which claims.json keeps so a published report says what it rests on.
    only_cells: --only_cells, a regular expression: this process computes only the pending cells of its sharded
      stages whose name it matches (None: every pending cell); the grid stays the profile's.
  """
  study: Any
  config: Any
  output_dir: pathlib.Path
  seed: int = 0
  strategy: Any = None
  strategy_name: str = "auto"
  model_cache: Any = None
  data_dir: Optional[str] = None
  resources: dict = dataclasses.field(default_factory=dict)
  records: dict = dataclasses.field(default_factory=dict)
  report_only: bool = False
  started: float = 0.0
  shard: Any = None
  stage: str = "all"
  deterministic: bool = False
  tpu: Optional[str] = None
  staged: Any = None
  judged_cells: Optional[dict] = None
  only_cells: Optional[str] = None


class Study:
  """Base class of every study: a subclass names its parts directly, no registry stands between them.

  Class attributes (set by every subclass):
    name: e.g. "hyperparams": the binary (`experiments/<name with _>.py`), the results folder, the records.
    paper: the paper's id, e.g. "002" (the cross-study index shows it).
    Config: the config dataclass; every field but `profile` is a flag (`adv_tf.experiment.cli`).
    PROFILES: profile name -> frozen `Config` instance; the first one is the default `--profile`.
    Report: the report class (an `adv_tf.report.base.StudyReport`); its `claims(run)` gives the verdict on each
      of the paper's claims, written to claims.json beside report.md.

  Subclasses implement `stages` and, when the cells share data, `prepare`.
  """
  name: ClassVar[str]
  paper: ClassVar[str]
  Config: ClassVar[type]
  PROFILES: ClassVar[Mapping[str, Any]]
  Report: ClassVar[type]

  def prepare(self, run: StudyRun) -> None:
    """Loads data (and anything else the cells share) into `run.resources`; not called for --report_only."""

  def stages(self, config: Any) -> Sequence[Stage]:
    """The stages, in run order."""
    raise NotImplementedError

  @classmethod
  def check_config(cls, config: Any) -> None:
    """Checks of `config` that need the study's other parts (e.g. a field naming its claims), run after
    `config.validate()` and before any data loads; AdvTfError saying what to write. Default: none."""

  def report(self, run: StudyRun) -> pathlib.Path:
    """Writes `<output_dir>/report.md` (+ CSV tables, figures, claims.json) from `run.records`; returns its path."""
    return self.Report().write(run)

  @classmethod
  def profile(cls, name: str, **overrides: Any) -> Any:
    """The profile's config with `overrides` applied, validated; AdvTfError naming the profiles otherwise."""
    if name not in cls.PROFILES:
      raise AdvTfError(f"unknown profile {name!r} of {cls.name}; choose one of: {', '.join(cls.PROFILES)}")
    config = dataclasses.replace(cls.PROFILES[name], **overrides)
    config.validate()
    cls.check_config(config)
    return config


# The file beside report.md with the study's verdict on each of the paper's claims (`Study.Report.claims`).
CLAIMS_FILE = "claims.json"


def results_dir(study_name: str, profile: str, root: str = "results") -> pathlib.Path:
  """The default output folder: `results/<name with _>/<profile>`."""
  return pathlib.Path(root) / study_name.replace("-", "_") / profile
