"""The study framework: the Study/Stage contract, the CLI (flags from the config dataclass,
validation before data, one-line errors, config.json, stages in order, resume) on a toy study."""
from __future__ import annotations

import dataclasses
import json
from typing import Optional

import pytest

from adv_tf.errors import AdvTfError
from adv_tf.experiment import cli
from adv_tf.experiment.bounds import AT_LEAST_ONE, Bounds
from adv_tf.experiment.record_schema import ResultSchema
from adv_tf.experiment.records import load_records, records_digest
from adv_tf.experiment.runner import Cell
from adv_tf.experiment.study import Stage, Study, StudyRun, table_stages

# ----------------------------------------------------------------------------------------- a toy study


@dataclasses.dataclass(frozen=True)
class ToyConfig:
  profile: str
  values: tuple[int, ...] = dataclasses.field(default=(1, 2, 3), metadata={"help": "Values to square.",
                                                                           "bounds": Bounds()})
  scale: float = dataclasses.field(default=1.0, metadata={"help": "Multiplier.", "bounds": Bounds()})
  limit: Optional[int] = dataclasses.field(default=None, metadata={"help": "Keep values <= limit.",
                                                                   "bounds": AT_LEAST_ONE})
  verbose: bool = False
  pairs: tuple[tuple[int, int], ...] = dataclasses.field(
      default=((1, 2),), metadata={"help": "a:b pairs.", "parse": lambda v: tuple(tuple(map(int, p.split(":")))
                                                                                for p in v)})

  def validate(self) -> None:
    if self.scale <= 0:
      raise AdvTfError("--scale must be > 0")


class ToyStudy(Study):
  name = "toy-test"
  paper = "test"
  Config = ToyConfig
  PROFILES = {"quick": ToyConfig("quick"), "big": ToyConfig("big", values=(1, 2, 3, 4, 5))}

  def __init__(self):
    self.prepared = 0
    self.ran: list[str] = []

  def prepare(self, run: StudyRun) -> None:
    self.prepared += 1
    run.resources["offset"] = 100

  def stages(self, config):
    return [Stage("base", self._base_cells, self._run_base, sharded=False),
            Stage("cells", self._cells, self._run_cell, subdir="")]

  def _base_cells(self, run):
    return [Cell("base", {"kind": "base", "scale": run.config.scale})]

  def _run_base(self, cell, ctx, run):
    self.ran.append(cell.name)
    return {"offset": run.resources["offset"]}

  def _cells(self, run):
    values = [v for v in run.config.values if run.config.limit is None or v <= run.config.limit]
    return [Cell(f"v={v}", {"v": v, "scale": run.config.scale}) for v in values]

  def _run_cell(self, cell, ctx, run):
    self.ran.append(cell.name)
    offset = run.records["base"][0]["result"]["offset"]  # an earlier stage's records are available
    return {"y": cell.config["v"] ** 2 * run.config.scale + offset}

  def report(self, run):
    path = run.output_dir / "report.md"
    rows = [f"{r['name']}: {r['result']['y']}" for r in run.records["cells"]]
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def toy():
  return ToyStudy()


def test_the_first_profile_is_the_default_and_profile_applies_overrides(toy):
  from absl import flags
  fv = flags.FlagValues()
  cli.define_flags(toy, fv)
  assert fv["profile"].default == "quick" and fv["profile"].parser.enum_values == ["quick", "big"]
  assert ToyStudy.profile("big", scale=2.0) == ToyConfig("big", values=(1, 2, 3, 4, 5), scale=2.0)
  with pytest.raises(AdvTfError, match="unknown profile 'huge' of toy-test; choose one of: quick, big"):
    ToyStudy.profile("huge")
  with pytest.raises(AdvTfError, match="--scale must be > 0"):
    ToyStudy.profile("quick", scale=-1.0)


def test_flags_come_from_the_config_dataclass_and_override_the_profile(toy, tmp_path, capsys):
  from absl import flags
  fv = flags.FlagValues()
  cli.define_flags(toy, fv)
  assert "Values to square." in fv["values"].help
  fv(["prog", "--profile=big", "--scale=2", "--limit=3", "--pairs=3:8,7:1", "--verbose"])
  config = cli.resolve_config(toy, fv)
  assert config == ToyConfig("big", values=(1, 2, 3, 4, 5), scale=2.0, limit=3, verbose=True,
                             pairs=((3, 8), (7, 1)))


def test_a_run_writes_config_runs_stages_in_order_and_resumes(toy, tmp_path, capsys):
  out = tmp_path / "out"
  argv = ["prog", f"--output_dir={out}", "--scale=2", "--values=1,2,3", "--strategy=cpu",
          f"--model_cache_dir={tmp_path / 'cache'}"]
  assert cli.run_main(toy, argv) == 0
  assert toy.ran == ["base", "v=1", "v=2", "v=3"]
  assert (out / "report.md").read_text() == "v=1: 102.0\nv=2: 108.0\nv=3: 118.0\n"
  saved = json.loads((out / "config.json").read_text())
  assert saved["study"] == "toy-test" and saved["config"]["values"] == [1, 2, 3] and saved["config"]["scale"] == 2.0
  assert (out / "base").is_dir()  # an unsharded stage has its own folder
  assert cli.run_main(toy, argv) == 0  # resumes: nothing is computed again
  assert toy.ran == ["base", "v=1", "v=2", "v=3"]
  assert cli.run_main(toy, argv + ["--report_only"]) == 0
  assert toy.prepared == 1  # a rerun with every cell recorded and --report_only load no data


def test_judged_cells_count_each_stages_grid_and_its_valid_records(toy, tmp_path, capsys):
  """What a report rests on (claims.json "cells", read by `make publish-results`): per stage its grid and how many
  of its cells have a record; a stage whose cells cannot be built yet and that has no manifest counts records only."""
  out = tmp_path / "out"
  argv = ["prog", f"--output_dir={out}", "--values=1,2,3", "--strategy=cpu", f"--model_cache_dir={tmp_path / 'c'}"]
  assert cli.run_main(toy, argv) == 0
  records = out / "records-shard0of1.jsonl"
  lines = records.read_text().splitlines()
  records.write_text("\n".join(lines[:2]) + "\n")  # the v=3 cell's record lost: a run stopped part-way
  run = StudyRun(toy, ToyStudy.profile("quick", values=(1, 2, 3)), out)
  run.records = {"base": load_records(out / "base"), "cells": load_records(out)}

  def counts(judged):
    return {name: {k: s[k] for k in ("folder", "recorded", "expected")} for name, s in judged.items()}
  judged = cli.judged_cells(run)
  assert counts(judged) == {"base": {"folder": "base", "recorded": 1, "expected": 1},
                            "cells": {"folder": ".", "recorded": 2, "expected": 3}}
  assert judged["cells"]["ids"] == sorted(r["id"] for r in run.records["cells"])
  assert judged["cells"]["sha256"] == records_digest(run.records["cells"])
  # What the report read, not the folder: a shard whose records were loaded before another shard's last one.
  run.records["cells"] = run.records["cells"][:1]
  assert counts(cli.judged_cells(run))["cells"]["recorded"] == 1
  run.records["cells"] = load_records(out)

  def needs_data(run):
    raise KeyError("data")
  toy._cells = needs_data  # pylint: disable=protected-access  (cells that need the data, as hyperparams' do)
  assert counts(cli.judged_cells(run))["cells"] == {"folder": ".", "recorded": 2, "expected": 3}  # the manifest's
  (out / cli.MANIFEST).unlink()
  assert counts(cli.judged_cells(run))["cells"] == {"folder": ".", "recorded": 2, "expected": None}


def test_a_rerun_loads_data_only_when_a_cell_is_missing_or_the_run_differs(toy, tmp_path, capsys):
  """Issue 23, 5: a rerun with nothing to do loaded the data. It still does when config.json would change (here
  --data_dir: cell ids may include the data identity, known only after loading)."""
  out = tmp_path / "out"
  (tmp_path / "d1").mkdir()
  (tmp_path / "d2").mkdir()
  argv = ["prog", f"--output_dir={out}", "--values=1,2", "--strategy=cpu", f"--model_cache_dir={tmp_path / 'cache'}"]
  assert cli.run_main(toy, argv + [f"--data_dir={tmp_path / 'd1'}"]) == 0
  assert cli.run_main(toy, argv + [f"--data_dir={tmp_path / 'd1'}"]) == 0
  assert toy.prepared == 1 and "every cell is recorded" in capsys.readouterr().out
  assert cli.run_main(toy, argv + [f"--data_dir={tmp_path / 'd2'}"]) == 0
  assert toy.prepared == 2 and toy.ran == ["base", "v=1", "v=2"]


@pytest.mark.parametrize("flag,message", [
    ("--scale=-1", "--scale must be > 0"),
    ("--values=1,x", "--values: every entry must be a int"),
    ("--num_shards=0", "num_shards"),
    ("--profile=huge", "profile"),
    ("--strategy=quantum", "unknown distribution strategy 'quantum'"),
    ("--nosuchflag=1", "nosuchflag"),
])
def test_bad_flags_are_one_line_errors_before_any_data_loads(toy, tmp_path, capsys, flag, message):
  assert cli.run_main(toy, ["prog", f"--output_dir={tmp_path}", flag]) == 2
  err = capsys.readouterr().err.strip()
  assert err.startswith("error: ") and message in err and "\n" not in err
  assert toy.prepared == 0 and not (tmp_path / "config.json").exists()


def test_a_config_field_may_not_shadow_a_generic_flag(toy):
  @dataclasses.dataclass(frozen=True)
  class Clash:
    profile: str
    seed: int = 0

  class ClashStudy(ToyStudy):
    name = "clash-test"
    Config = Clash
    PROFILES = {"quick": Clash("quick")}

  from absl import flags
  with pytest.raises(AdvTfError, match="clashes with a generic flag"):
    cli.define_flags(ClashStudy(), flags.FlagValues())


def test_table_stages_follow_the_names_and_wire_each_stage_from_its_tables(tmp_path):
  schemas = {"pick": ResultSchema(required=("picked",)), "grid": ResultSchema(required=("value",))}
  runners = {"pick": lambda cell, ctx, run: {"picked": 1}, "grid": lambda cell, ctx, run: {"value": 2}}
  builders = {"grid": lambda config: [Cell("g", {"n": len(config.values)})],
              "pick": lambda config: [Cell("p", {"scale": config.scale})]}
  stages = table_stages(("pick", "grid"), builders, runners, schemas, unsharded=("pick",))
  run = StudyRun(study=None, config=ToyConfig("quick", scale=2.0), output_dir=tmp_path)
  assert [(s.name, s.sharded, s.result_schema) for s in stages] == [("pick", False, schemas["pick"]),
                                                                     ("grid", True, schemas["grid"])]
  assert [s.build_cells(run)[0].config for s in stages] == [{"scale": 2.0}, {"n": 3}]
  assert [s.run_cell(None, None, run) for s in stages] == [{"picked": 1}, {"value": 2}]
