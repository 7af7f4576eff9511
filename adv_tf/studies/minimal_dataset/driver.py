"""Runs the study's stages with today's generic runner (`adv_tf.experiment.run_study`), then the report.

Stages `selection` and `calibration` run whole in every process (resumable: a recorded cell is skipped);
`models` is split across --num_shards. Records of one stage are read back before the next stage starts.
This is the wiring until the framework's StudyDef/Stage/cli land (then `__init__` registers the same
stage functions there).
"""
from __future__ import annotations

import json
import pathlib
from typing import Callable

from adv_tf.experiment import Study, load_records, run_study
from adv_tf.studies.minimal_dataset import cells as cells_lib
from adv_tf.studies.minimal_dataset import data as data_lib
from adv_tf.studies.minimal_dataset import report as report_lib
from adv_tf.studies.minimal_dataset.run import RUNNERS, LocalRun, prepare

STUDY_NAME = "minimal-dataset"


def _stage_records(folder: pathlib.Path, stage_cells) -> list[dict]:
  order = {c.id: i for i, c in enumerate(stage_cells)}
  recs = [r for r in load_records(folder) if r["id"] in order] if folder.is_dir() else []
  return sorted(recs, key=lambda r: order[r["id"]])


def run_all(config, output_dir, *, data_dir: str | None = None, seed: int = 0, model_cache=None,
            retrain: bool = False, report_only: bool = False, shard_index: int = 0, num_shards: int = 1,
            max_cells: int | None = None, loader: Callable = data_lib.load_mnist,
            log: Callable[[str], None] | None = None) -> pathlib.Path:
  """Validates, runs every stage (unless report_only) and writes <output_dir>/report.md; returns its path."""
  config = config.validate()
  folder = pathlib.Path(output_dir).expanduser()
  run = LocalRun(config=config, output_dir=folder, seed=seed, model_cache=model_cache, data_dir=data_dir,
                 retrain=retrain)
  if not report_only:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config.to_dict(), indent=1, sort_keys=True) + "\n")
    prepare(run, loader)
  for stage in cells_lib.STAGES:
    stage_cells = cells_lib.BUILDERS[stage](config)
    if not report_only:
      sharded = stage == "models"
      runner = RUNNERS[stage]
      run_study(Study(STUDY_NAME, folder, stage_cells, lambda c, ctx, fn=runner: fn(c, ctx, run)),
                shard_index=shard_index if sharded else 0, num_shards=num_shards if sharded else 1,
                seed=seed, max_cells=max_cells if sharded else None, lock_timeout=None, log=log)
    run.records[stage] = _stage_records(folder, stage_cells)
  return report_lib.write_report(run)
