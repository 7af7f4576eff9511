"""Damaged records (issue 23, 2): a record that parses but lacks what its stage returns is not a finished cell. It
is warned about once, dropped from its file atomically and its cell runs again; readers never see it."""
from __future__ import annotations

import json
import logging

import pytest
import toy_cluster_study as toy_lib

from adv_tf.experiment import cli, records
from adv_tf.experiment.record_schema import ResultSchema, record_problem
from adv_tf.experiment.runner import Cell, CellGrid, cell_id, run_study

SCHEMA = ResultSchema(required=("y",), by_kind={"big": ("z",)})


def _record(config, result, **extra) -> dict:
  return {"id": cell_id(config), "config": config, "result": result, "index": 0, "seed": 0, **extra}


@pytest.mark.parametrize("record,reason", [
    (_record({"v": 1}, {"y": 1}), None),
    (_record({"v": 1}, {}), "its result lacks y"),
    (_record({"v": 1, "kind": "big"}, {"y": 1}), "its result lacks z"),
    (_record({"v": 1, "kind": "big"}, {"y": 1, "z": 2}), None),
    ({**_record({"v": 1}, {"y": 1}), "result": None}, "'result' is NoneType, not dict"),
    ({**_record({"v": 1}, {"y": 1}), "config": {"v": 2}}, "its config does not hash to its id"),
    ({k: v for k, v in _record({"v": 1}, {"y": 1}).items() if k != "seed"}, "'seed' is missing, not int"),
    ({**_record({"v": 1}, {"y": 1}), "index": True}, "'index' is bool, not int"),
])
def test_the_schema_says_why_a_record_is_damaged(record, reason):
  assert SCHEMA.problem(record) == reason


def test_without_a_schema_only_the_runners_fields_are_checked():
  assert record_problem(_record({"v": 1}, {})) is None
  assert ResultSchema().problem(_record({"v": 1}, {})) is None


def _study(folder, ran):
  def run_cell(cell, ctx):
    ran.append(cell.name)
    return {"y": cell.config["v"] * 2}
  return CellGrid("toy", folder, [Cell(f"v={v}", {"v": v}) for v in (1, 2, 3)], run_cell, check_record=SCHEMA.problem)


def test_a_damaged_record_is_warned_about_once_dropped_and_recomputed(tmp_path, caplog):
  ran = []
  run_study(_study(tmp_path, ran), tensorboard=False)
  path = records.records_path(tmp_path, 0, 1)
  lines = path.read_text().splitlines()
  damaged = json.loads(lines[1])
  damaged["result"] = {}
  path.write_text("\n".join([lines[0], json.dumps(damaged), "not json", lines[2]]) + "\n")
  ran.clear()
  with caplog.at_level(logging.WARNING, logger="adv_tf.experiment.records"):
    assert [r["name"] for r in records.load_records(tmp_path, check=SCHEMA.problem)] == ["v=1", "v=3"]
    run_study(_study(tmp_path, ran), tensorboard=False)
    run_study(_study(tmp_path, ran), tensorboard=False)
  assert ran == ["v=2"]
  skipped = [m for m in caplog.messages if "skipping a line" in m]
  assert len(skipped) == 2 and "its result lacks y" in skipped[0] and "not valid JSON" in skipped[1]
  assert sum("dropped that line" in m for m in caplog.messages) == 2
  kept = [json.loads(line) for line in path.read_text().splitlines()]
  assert [r["name"] for r in kept] == ["v=1", "v=3", "v=2"] and kept[2]["result"] == {"y": 4}


def test_the_cli_recomputes_a_damaged_cell_and_the_report_never_sees_it(tmp_path, capsys):
  toy = toy_lib.ToyClusterStudy()
  out = tmp_path / "out"
  argv = ["prog", f"--output_dir={out}", "--strategy=cpu", f"--model_cache_dir={tmp_path / 'cache'}",
          "--values=1,2"]
  assert cli.run_main(toy, argv) == 0
  path = records.records_path(out, 0, 1)
  lines = [json.loads(line) for line in path.read_text().splitlines()]
  lines[0]["result"] = {}
  path.write_text("".join(json.dumps(r) + "\n" for r in lines))
  toy.ran = []
  assert cli.run_main(toy, argv) == 0
  assert toy.ran == ["v=1"]
  assert (out / "report.md").read_text() == "# toy\n\nv=1: 101.0\nv=2: 104.0\n"
