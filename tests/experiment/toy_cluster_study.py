"""A tiny two-stage study for the cluster tests: an unsharded "selection" stage, then sharded "cells".

Run as a binary (the real `cli.main`, absl and all) by tests/experiment/test_cluster_processes.py:
`PYTHONPATH=<repo> python tests/experiment/toy_cluster_study.py --output_dir=... --num_shards=2 --stage=cells`.
Nothing here trains; each cell is arithmetic, so a process costs only its imports.
"""
from __future__ import annotations

import dataclasses
import json
import os
import time

from adv_tf.errors import AdvTfError
from adv_tf.experiment.bounds import Bounds
from adv_tf.experiment.record_schema import ResultSchema
from adv_tf.experiment.runner import Cell
from adv_tf.experiment.study import Stage, Study, StudyRun

NAME = "toy-cluster"


@dataclasses.dataclass(frozen=True)
class ToyClusterConfig:
  profile: str
  values: tuple[int, ...] = dataclasses.field(default=(1, 2, 3, 4, 5), metadata={"help": "Cell values.",
                                                                                 "bounds": Bounds()})
  scale: float = dataclasses.field(default=1.0, metadata={"help": "Multiplier.", "bounds": Bounds()})

  def validate(self) -> None:
    if self.scale <= 0:
      raise AdvTfError("--scale must be > 0")


class ToyClusterStudy(Study):
  """selection (one cell, unsharded) -> cells (one per value, sharded) -> report.md."""
  name = NAME
  paper = "toy"
  Config = ToyClusterConfig
  PROFILES = {"quick": ToyClusterConfig("quick")}

  def __init__(self):
    self.prepared = 0
    self.ran: list[str] = []

  def prepare(self, run: StudyRun) -> None:
    self.prepared += 1
    run.resources["offset"] = 100

  def stages(self, config):
    return [Stage("selection", self._selection_cells, self._run_selection, sharded=False,
                  result_schema=ResultSchema(required=("offset",))),
            Stage("cells", self._cells, self._run_cell, subdir="", result_schema=ResultSchema(required=("y",)))]

  def _selection_cells(self, run):
    return [Cell("selection", {"kind": "selection", "scale": run.config.scale})]

  def _run_selection(self, cell, ctx, run):
    self.ran.append(cell.name)
    return {"offset": run.resources["offset"] * run.config.scale}

  def _cells(self, run):
    return [Cell(f"v={v}", {"v": v, "scale": run.config.scale}) for v in run.config.values]

  def _run_cell(self, cell, ctx, run):
    self.ran.append(cell.name)
    if str(cell.config["v"]) == os.environ.get("TOY_WAIT_AT"):  # a long cell, for the SIGTERM test: says it began
      (run.output_dir / "waiting").write_text("")
      time.sleep(120)
    offset = run.records["selection"][0]["result"]["offset"]
    (ctx.output_dir / "value.txt").write_text(str(cell.config["v"]))
    return {"y": cell.config["v"] ** 2 * run.config.scale + offset}

  def report(self, run):
    path = run.output_dir / "report.md"
    rows = [f"{r['name']}: {r['result']['y']}" for r in run.records["cells"]]
    path.write_text("# toy\n\n" + "\n".join(rows) + "\n")
    (run.output_dir / "claims.json").write_text(json.dumps({"cells": len(rows)}) + "\n")
    return path


if __name__ == "__main__":
  from adv_tf.experiment import cli
  cli.main(ToyClusterStudy())
