"""--only_cells: a resumed run computes the cells a user picks first, into the same folder and grid (the rest
later), and a pattern that is no regular expression or matches no cell is refused before any work."""
from __future__ import annotations

import dataclasses
import json

import pytest

from adv_tf.errors import AdvTfError
from adv_tf.experiment import cli
from adv_tf.experiment.bounds import Bounds
from adv_tf.experiment.runner import Cell, CellGrid, run_study
from adv_tf.experiment.study import Stage, Study


@dataclasses.dataclass(frozen=True)
class PickConfig:
  profile: str
  seeds: tuple[int, ...] = dataclasses.field(default=(0, 1, 2), metadata={"help": "Seeds.", "bounds": Bounds()})

  def validate(self) -> None:
    pass


class PickStudy(Study):
  name = "pick-test"
  paper = "test"
  Config = PickConfig
  PROFILES = {"quick": PickConfig("quick")}
  computed: list = []

  def stages(self, config):
    def run_cell(cell, ctx, run):
      self.computed.append(cell.name)
      return {"y": cell.config["seed"] * 10 + cell.config["size"]}
    return [Stage("setup", lambda run: [Cell("setup", {"kind": "setup"})], lambda cell, ctx, run: {}, sharded=False),
            Stage("models", lambda run: [Cell(f"size={size} seed={seed}", {"size": size, "seed": seed})
                                         for seed in run.config.seeds for size in (14, 28)], run_cell, subdir="")]

  def report(self, run):
    path = run.output_dir / "report.md"
    path.write_text(f"{len(run.records['models'])} cells\n")
    return path


@pytest.fixture
def study():
  s = PickStudy()
  s.computed = []
  return s


def _argv(out, *extra):
  return ["prog", f"--output_dir={out}", "--strategy=cpu", f"--model_cache_dir={out.parent / 'cache'}", *extra]


def _recorded(out):
  return sorted(json.loads(line)["name"] for line in (out / "records-shard0of1.jsonl").read_text().splitlines())


def test_only_cells_computes_the_picked_cells_first_then_a_plain_run_the_rest_in_the_same_grid(study, tmp_path):
  out = tmp_path / "out"
  assert cli.run_main(study, _argv(out, "--only_cells=seed=2|size=14 seed=1")) == 0
  assert study.computed == ["size=14 seed=1", "size=14 seed=2", "size=28 seed=2"]  # grid order, the rest pending
  manifest = json.loads((out / cli.MANIFEST).read_text())
  assert manifest["num_cells"] == 6  # the profile's grid, not the picked cells
  assert (out / "report.md").read_text() == "3 cells\n"
  assert json.loads((out / "run_time.json").read_text())["only_cells"] == "seed=2|size=14 seed=1"

  study.computed.clear()
  assert cli.run_main(study, _argv(out)) == 0  # no "another grid" refusal: the same grid, its remaining cells
  assert study.computed == ["size=14 seed=0", "size=28 seed=0", "size=28 seed=1"]
  assert _recorded(out) == sorted(f"size={size} seed={seed}" for seed in (0, 1, 2) for size in (14, 28))
  assert json.loads((out / "run_time.json").read_text())["only_cells"] is None


def test_a_finished_folder_is_not_reloaded_for_an_only_cells_rerun(study, tmp_path, monkeypatch):
  """--only_cells is not part of config.json: a rerun with or without it over a finished folder loads no data."""
  out = tmp_path / "out"
  assert cli.run_main(study, _argv(out)) == 0
  monkeypatch.setattr(PickStudy, "prepare", lambda self, run: pytest.fail("loaded data for a finished folder"))
  assert cli.run_main(study, _argv(out, "--only_cells=seed=1$")) == 0
  assert cli.run_main(study, _argv(out)) == 0


def test_a_run_of_the_unsharded_stage_alone_takes_the_pattern_without_complaint(study, tmp_path, capsys):
  out = tmp_path / "out"
  assert cli.run_main(study, _argv(out, "--stage=setup", "--only_cells=seed=1$")) == 0
  assert "warning" not in capsys.readouterr().err
  assert cli.run_main(study, _argv(out, "--stage=models", "--only_cells=seed=1$")) == 0
  assert study.computed == ["size=14 seed=1", "size=28 seed=1"]


def test_a_pattern_for_another_shards_cells_computes_nothing_in_this_shard(study, tmp_path):
  out = tmp_path / "out"
  # grid order: size=14 seed=0, size=28 seed=0, size=14 seed=1, ...; shard 1 of 2 holds the size=28 cells
  assert cli.run_main(study, _argv(out, "--num_shards=2", "--shard_index=1", "--only_cells=size=14")) == 0
  assert study.computed == []
  assert cli.run_main(study, _argv(out, "--num_shards=2", "--shard_index=0", "--only_cells=size=14 seed=[01]$")) == 0
  assert study.computed == ["size=14 seed=0", "size=14 seed=1"]


def test_only_cells_with_max_cells_counts_only_the_picked_ones(study, tmp_path):
  out = tmp_path / "out"
  assert cli.run_main(study, _argv(out, "--only_cells=size=28", "--max_cells=2")) == 0
  assert study.computed == ["size=28 seed=0", "size=28 seed=1"]
  study.computed.clear()
  assert cli.run_main(study, _argv(out, "--only_cells=size=28")) == 0
  assert study.computed == ["size=28 seed=2"]  # left pending by --max_cells, picked by the pattern


@pytest.mark.parametrize("pattern,message", [
    ("seed=(1", "is not a regular expression"),
    ("size=56", "matches no cell of this run's sharded stages; cell names look like 'size=14 seed=0'"),
])
def test_a_bad_pattern_is_one_line_before_any_work(study, tmp_path, capsys, pattern, message):
  out = tmp_path / "out"
  assert cli.run_main(study, _argv(out, f"--only_cells={pattern}")) == 2
  err = capsys.readouterr().err
  assert message in err and len(err.strip().splitlines()) == 1
  assert study.computed == [] and not out.exists()


def test_run_study_leaves_the_cells_it_does_not_pick_pending(tmp_path):
  grid = [Cell(f"k={k}", {"k": k}) for k in range(4)]
  study = CellGrid("pick", tmp_path, grid, lambda cell, ctx: {"k": cell.config["k"]})
  lines = []
  summary = run_study(study, only_cells=lambda name: name in ("k=1", "k=3"), tensorboard=False, log=lines.append)
  assert (summary.done, summary.remaining, summary.total, summary.ran_ids) == (2, 2, 4, [grid[1].id, grid[3].id])
  assert "2 to run now (--only_cells: 2 of 4 pending cells match)" in lines[0]
  assert json.loads((tmp_path / "progress-shard0of1.json").read_text())["state"] == "stopped"
  summary = run_study(study, tensorboard=False, log=lines.append)
  assert (summary.done, summary.skipped, summary.remaining) == (2, 2, 0)


def test_cell_filter_is_a_search_not_a_full_match():
  matches = cli.cell_filter("c0.5 seed=1")
  assert matches("mnist c0.5 seed=1") and not matches("mnist c2 seed=1")
  assert matches("mnist c0.5 seed=10") and matches("mnist c0.5 seed=1 paper recipe")  # why the help says: anchor
  anchored = cli.cell_filter("c0.5 seed=1$")
  assert anchored("mnist c0.5 seed=1") and not anchored("mnist c0.5 seed=10")
  assert not anchored("mnist c0.5 seed=1 paper recipe")
  with pytest.raises(AdvTfError, match="not a regular expression"):
    cli.cell_filter("[")


class DataPickStudy(PickStudy):
  """Its cells are built from what `prepare` loads, so `preflight` cannot check the pattern before the data."""
  name = "data-pick-test"

  def prepare(self, run):
    run.resources["sizes"] = (14, 28)

  def stages(self, config):
    return [Stage("models", lambda run: [Cell(f"size={size}", {"size": size, "seed": 0})
                                         for size in run.resources["sizes"]],
                  lambda cell, ctx, run: {"y": 1}, subdir="")]


def test_a_pattern_matching_no_cell_of_a_data_built_grid_is_refused_once_the_data_loads(tmp_path, capsys):
  out = tmp_path / "out"
  assert cli.run_main(DataPickStudy(), _argv(out, "--only_cells=size=56")) == 2
  err = capsys.readouterr().err
  assert "--only_cells='size=56' matches no cell of this run's sharded stages; cell names look like 'size=14'" in err
  assert not (out / "config.json").exists() and not (out / "records-shard0of1.jsonl").exists()


class ChainedPickStudy(PickStudy):
  """Its second stage's cells are built from the first stage's records: checked only as the stages run."""
  name = "chained-pick-test"

  def stages(self, config):
    return [Stage("first", lambda run: [Cell("first", {"kind": "first"})], lambda cell, ctx, run: {"n": 2},
                  sharded=False),
            Stage("second", lambda run: [Cell(f"k={k}", {"k": k})
                                         for k in range(run.records["first"][0]["result"]["n"])],
                  lambda cell, ctx, run: {"y": 1}, subdir="second")]

  def report(self, run):
    path = run.output_dir / "report.md"
    path.write_text(f"{len(run.records['second'])} cells\n")
    return path


def test_a_pattern_matching_no_cell_of_a_grid_built_from_earlier_records_is_a_warning(tmp_path, capsys):
  out = tmp_path / "out"
  assert cli.run_main(ChainedPickStudy(), _argv(out, "--only_cells=k=9")) == 0
  assert "warning: --only_cells='k=9' matched no cell of the sharded stages" in capsys.readouterr().err
  assert not (out / "second" / "records-shard0of1.jsonl").exists()
