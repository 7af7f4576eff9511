"""The CLI for cluster runs (issue 15): --stage, shards from the environment recorded in config.json,
refusals before config.json/data, the exclusive grid manifest, --tpu, --deterministic, --retrain with shards,
and config fields no flag can express."""
from __future__ import annotations

import dataclasses
import json
import threading
from typing import Mapping, Optional, Sequence

import pytest
import toy_cluster_study as toy_lib

from adv_tf.errors import AdvTfError
from adv_tf.experiment import cli
from adv_tf.experiment.bounds import Bounds
from adv_tf.experiment.records import load_records

SCHEDULER_VARS = ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_STEP",
                  "JOB_COMPLETION_INDEX", "BATCH_TASK_INDEX", "BATCH_TASK_COUNT", "AWS_BATCH_JOB_ARRAY_INDEX",
                  "ADV_TF_NUM_SHARDS")


@pytest.fixture
def toy(monkeypatch):
  for name in SCHEDULER_VARS:
    monkeypatch.delenv(name, raising=False)
  return toy_lib.ToyClusterStudy()


def _argv(out, *extra):
  return ["prog", f"--output_dir={out}", "--strategy=cpu", *extra]


def _config(out) -> dict:
  return json.loads((out / "config.json").read_text())


def test_stages_run_one_at_a_time_and_the_report_last(toy, tmp_path, capsys):
  out = tmp_path / "out"
  assert cli.run_main(toy, _argv(out, "--stage=selection")) == 0
  assert toy.ran == ["selection"] and not (out / "report.md").exists()
  assert "stage selection done" in capsys.readouterr().out
  for shard in (0, 1):
    assert cli.run_main(toy, _argv(out, "--stage=cells", f"--shard_index={shard}", "--num_shards=2")) == 0
  assert toy.ran == ["selection", "v=1", "v=3", "v=5", "v=2", "v=4"]  # the selection is not recomputed
  assert not (out / "report.md").exists()
  assert cli.run_main(toy, _argv(out, "--stage=report")) == 0
  assert (out / "report.md").read_text().splitlines()[2:] == [f"v={v}: {v * v + 100.0}" for v in range(1, 6)]
  assert toy.prepared == 3  # --stage=report loads no data


def test_a_cells_stage_without_its_selection_is_a_one_line_error_before_data(toy, tmp_path, capsys):
  out = tmp_path / "out"
  assert cli.run_main(toy, _argv(out, "--stage=cells", "--num_shards=2")) == 2
  err = capsys.readouterr().err.strip()
  assert err == (f"error: stage selection is not complete in {out} (1 cells missing); run --stage=selection first "
                 "(with the same flags)")
  assert toy.prepared == 0 and toy.ran == [] and not (out / "config.json").exists()
  assert cli.run_main(toy, _argv(out, "--stage=selection", "--scale=2")) == 0
  assert cli.run_main(toy, _argv(out, "--stage=cells")) == 2  # a selection of other flags
  assert "run --stage=selection first" in capsys.readouterr().err


def test_an_unknown_stage_lists_the_choices(toy, tmp_path, capsys):
  assert cli.run_main(toy, _argv(tmp_path, "--stage=cells", "--report_only")) == 2
  assert "--report_only runs no stage" in capsys.readouterr().err
  assert cli.run_main(toy, _argv(tmp_path, "--stage=training")) == 2
  assert "choose one of: all, selection, cells, unsharded, sharded, report" in capsys.readouterr().err


def test_stage_groups_make_one_template_fit_every_study(toy, tmp_path, capsys):
  out = tmp_path / "out"
  assert cli.run_main(toy, _argv(out, "--stage=sharded")) == 2  # the unsharded stages come first
  assert "run --stage=selection first" in capsys.readouterr().err
  assert cli.run_main(toy, _argv(out, "--stage=unsharded")) == 0
  assert cli.run_main(toy, _argv(out, "--stage=sharded")) == 0
  assert toy.ran == ["selection", "v=1", "v=2", "v=3", "v=4", "v=5"] and not (out / "report.md").exists()


def test_a_study_without_unsharded_stages_has_nothing_to_do_for_that_group(toy, tmp_path, monkeypatch, capsys):
  stages = toy_lib.ToyClusterStudy.stages
  monkeypatch.setattr(toy_lib.ToyClusterStudy, "stages",
                      lambda self, config: [stage for stage in stages(self, config) if stage.sharded])
  monkeypatch.setattr(toy_lib.ToyClusterStudy, "_run_cell", lambda self, cell, ctx, run: {"v": cell.config["v"]})
  out = tmp_path / "out"
  assert cli.run_main(toy, _argv(out, "--stage=unsharded")) == 0
  assert "has no unsharded stage; nothing to run" in capsys.readouterr().out
  assert toy.prepared == 0 and not (out / "config.json").exists()
  assert cli.run_main(toy, _argv(out, "--stage=sharded")) == 0
  assert len(load_records(out)) == 5


def test_the_shard_comes_from_a_slurm_array_and_is_recorded(toy, tmp_path, monkeypatch):
  out = tmp_path / "out"
  monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "6")
  monkeypatch.setenv("SLURM_ARRAY_TASK_MIN", "5")
  monkeypatch.setenv("SLURM_ARRAY_TASK_COUNT", "2")
  assert cli.run_main(toy, _argv(out)) == 0
  runtime = _config(out)["runtime"]
  assert runtime["shard"] == {"index": 1, "count": 2, "source": "slurm",
                              "variables": {"SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_MIN": "5",
                                            "SLURM_ARRAY_TASK_COUNT": "2"}}
  assert {r["name"] for r in load_records(out)} == {"v=2", "v=4"}
  assert all(r["shard"] == [1, 2] for r in load_records(out))


def test_inconsistent_scheduler_values_fail_before_anything_is_written(toy, tmp_path, monkeypatch, capsys):
  out = tmp_path / "out"
  monkeypatch.setenv("BATCH_TASK_INDEX", "0")
  monkeypatch.setenv("BATCH_TASK_COUNT", "3")
  assert cli.run_main(toy, _argv(out, "--num_shards=2")) == 2
  assert "inconsistent shard counts" in capsys.readouterr().err
  assert toy.prepared == 0 and not out.exists()


def test_a_seed_refusal_comes_before_config_json_and_data(toy, tmp_path, capsys):
  out = tmp_path / "out"
  assert cli.run_main(toy, _argv(out, "--seed=1")) == 0
  before = (out / "config.json").read_text()
  toy.prepared = 0
  assert cli.run_main(toy, _argv(out, "--seed=2", "--scale=3")) == 2
  assert "made with --seed 1" in capsys.readouterr().err
  assert toy.prepared == 0 and (out / "config.json").read_text() == before


def test_a_grid_refusal_comes_before_config_json_and_data(toy, tmp_path, capsys):
  out = tmp_path / "out"
  assert cli.run_main(toy, _argv(out, "--stage=selection")) == 0
  assert cli.run_main(toy, _argv(out, "--stage=cells", "--values=1,2")) == 0
  before = (out / "config.json").read_text()
  toy.prepared = 0
  assert cli.run_main(toy, _argv(out, "--stage=cells", "--values=1,3")) == 2
  assert "holds another grid of stage cells" in capsys.readouterr().err
  assert toy.prepared == 0 and (out / "config.json").read_text() == before
  # a grid grown at its end keeps the recorded cells' ids: it resumes, computing only the new cell
  toy.ran = []
  assert cli.run_main(toy, _argv(out, "--stage=cells", "--values=1,2,3")) == 0
  assert toy.ran == ["v=3"]
  manifest = json.loads(next(out.rglob(cli.MANIFEST)).read_text())   # the data-free hash: the grown grid's too
  assert manifest["num_cells"] == 3 and manifest["data_free_sha256"] == manifest["sha256"]
  capsys.readouterr()
  assert cli.run_main(toy, _argv(out, "--stage=cells", "--values=1,2")) == 2   # the first run's flags, now shorter
  assert "use the flags of the run that grew it" in capsys.readouterr().err


def test_a_grid_that_differs_only_with_the_data_is_refused_after_it_loads(toy, tmp_path, monkeypatch, capsys):
  """Cell ids may include the data identity (hyperparams'): such a grid is checked once the data loaded, still
  before config.json and any cell."""
  out = tmp_path / "out"
  monkeypatch.setattr(toy_lib.ToyClusterStudy, "_cells", lambda self, run: [
      toy_lib.Cell(f"v={v}", {"v": v, "data": run.resources.get("offset")}) for v in run.config.values])
  assert cli.run_main(toy, _argv(out)) == 0
  before = (out / "config.json").read_text()
  monkeypatch.setattr(toy_lib.ToyClusterStudy, "prepare", lambda self, run: run.resources.update(offset=7))
  toy.ran = []
  assert cli.run_main(toy, _argv(out)) == 2
  assert "holds another grid of stage cells (5 cells, hash" in capsys.readouterr().err
  assert toy.ran == [] and (out / "config.json").read_text() == before


def _racing_shards(folder, monkeypatch, grids) -> list[str]:
  """Runs `check_manifest` for each grid in its own thread, the manifest's exclusive create reached by all at the
  same moment; returns the refusals."""
  from adv_tf.utils import atomic
  barrier = threading.Barrier(len(grids))
  real_link = atomic.os.link

  def racing_link(src, dst):  # every thread reaches the create at the same moment
    barrier.wait(timeout=10)
    return real_link(src, dst)

  monkeypatch.setattr(atomic.os, "link", racing_link)
  errors = []

  def shard(grid):
    try:
      cli.check_manifest(folder, "cells", grid)
    except AdvTfError as e:
      errors.append(str(e))

  threads = [threading.Thread(target=shard, args=(g,)) for g in grids]
  for t in threads:
    t.start()
  for t in threads:
    t.join()
  return errors


def test_two_shards_creating_the_manifest_at_once_agree(tmp_path, monkeypatch):
  """Both shards see one complete manifest: one creates it, the other compares; a differing grid is refused."""
  from adv_tf.experiment.runner import Cell
  cells = [Cell(f"c{i}", {"i": i}) for i in range(3)]
  errors = _racing_shards(tmp_path, monkeypatch, (cells, cells[1:]))   # neither extends the other
  assert len(errors) == 1 and "holds another grid" in errors[0]
  assert json.loads((tmp_path / cli.MANIFEST).read_text())["num_cells"] in (2, 3)
  assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def test_a_shard_of_a_grid_and_one_of_its_growth_starting_at_once_end_on_the_grown_grid(tmp_path, monkeypatch):
  """The shorter grid creates first and the longer grows it (both run: the short one's cells are the long one's
  first), or the longer creates first and the shorter is refused; either way the manifest is the grown grid."""
  from adv_tf.experiment.runner import Cell
  cells = [Cell(f"c{i}", {"i": i}) for i in range(3)]
  errors = _racing_shards(tmp_path, monkeypatch, (cells, cells[:2]))
  assert all("holds another grid of stage cells (3 cells" in e and "this run's (2 cells" in e for e in errors)
  assert len(errors) <= 1 and json.loads((tmp_path / cli.MANIFEST).read_text())["num_cells"] == 3


def test_tpu_and_determinism_flags_reach_the_strategy_and_config_json(toy, tmp_path, monkeypatch):
  from adv_tf import distribute
  calls = []
  monkeypatch.setattr(distribute, "strategy", lambda kind, tpu=None: calls.append((kind, tpu)))
  monkeypatch.setattr(distribute, "enable_determinism", lambda seed: calls.append(("deterministic", seed)))
  out = tmp_path / "out"
  assert cli.run_main(toy, ["prog", f"--output_dir={out}", "--tpu=local", "--deterministic",
                                     "--seed=3"]) == 0
  assert calls == [("deterministic", 3), ("tpu", "local")]
  runtime = _config(out)["runtime"]
  assert (runtime["tpu"], runtime["strategy"], runtime["deterministic"]) == ("local", "tpu", True)


def test_enable_determinism_turns_on_deterministic_ops(monkeypatch):
  from adv_tf import distribute
  called = []
  monkeypatch.setattr(distribute.tf.config.experimental, "enable_op_determinism", lambda: called.append(True))
  distribute.enable_determinism(5)
  assert called == [True]


def test_tpu_with_another_strategy_is_refused(toy, tmp_path, capsys):
  assert cli.run_main(toy, _argv(tmp_path, "--tpu=local")) == 2
  assert "--tpu=local needs --strategy=tpu" in capsys.readouterr().err


def test_retrain_with_several_shards_needs_a_token(toy, tmp_path, capsys):
  assert cli.run_main(toy, _argv(tmp_path, "--retrain", "--num_shards=2")) == 2
  assert "--retrain_token" in capsys.readouterr().err
  assert cli.run_main(toy, _argv(tmp_path, "--retrain", "--num_shards=2", "--retrain_token=j1",
                                          f"--model_cache_dir={tmp_path / 'cache'}")) == 0


# ------------------------------------------------------------------------- config fields -> flags


@dataclasses.dataclass(frozen=True)
class SeqConfig:
  profile: str
  steps: Sequence[int] = dataclasses.field(default=(1, 2), metadata={"help": "Steps.", "bounds": Bounds()})
  rates: Optional[list[float]] = dataclasses.field(default=None, metadata={"bounds": Bounds()})

  def validate(self) -> None:
    pass


class SeqStudy(toy_lib.ToyClusterStudy):
  name = "seq-test"
  Config = SeqConfig
  PROFILES = {"quick": SeqConfig("quick")}


def test_sequence_fields_are_parsed_as_typed_lists():
  from absl import flags
  fv = flags.FlagValues()
  cli.define_flags(SeqStudy(), fv)
  fv(["prog", "--steps=3,4", "--rates=0.5"])
  assert cli.resolve_config(SeqStudy(), fv) == SeqConfig("quick", steps=(3, 4), rates=(0.5,))
  fv = flags.FlagValues()
  cli.define_flags(SeqStudy(), fv)
  fv(["prog", "--steps=3,x"])
  with pytest.raises(AdvTfError, match="--steps: every entry must be a int"):
    cli.resolve_config(SeqStudy(), fv)


@pytest.mark.parametrize("annotation", [Mapping[str, int], dict, tuple[tuple[int, int], ...], tuple[int, str]])
def test_fields_no_flag_expresses_are_refused_unless_parsed(annotation):
  from absl import flags
  bad = dataclasses.make_dataclass("Bad", [("profile", str), ("odd", annotation, dataclasses.field(default=None))],
                                   frozen=True, namespace={"validate": lambda self: None})
  parsed = dataclasses.make_dataclass(
      "Parsed", [("profile", str), ("odd", annotation, dataclasses.field(default=None, metadata={"parse": tuple}))],
      frozen=True, namespace={"validate": lambda self: None})

  class BadStudy(SeqStudy):
    name = "bad-test"
    Config = bad
    PROFILES = {"quick": bad("quick")}

  class ParsedStudy(SeqStudy):
    name = "parsed-test"
    Config = parsed
    PROFILES = {"quick": parsed("quick")}

  with pytest.raises(AdvTfError, match="config field 'odd' of bad-test has type .* that no flag expresses"):
    cli.define_flags(BadStudy(), flags.FlagValues())
  cli.define_flags(ParsedStudy(), flags.FlagValues())


class _IdentityFileStudy(toy_lib.ToyClusterStudy):
  """Like hyperparams: `prepare` writes an identity file that data-free cell ids read when it exists."""
  name = "toy-identity"

  def prepare(self, run):
    super().prepare(run)
    (run.output_dir / "identity.txt").write_text("data-v1")

  def stages(self, config):
    return [toy_lib.Stage("cells", self._cells, self._run_cell, subdir="")]

  def _cells(self, run):
    ident = run.resources.get("ident")
    path = run.output_dir / "identity.txt"
    ident = ident or (path.read_text() if path.exists() else "placeholder")
    return [toy_lib.Cell(f"v={v}", {"v": v, "identity": ident}) for v in run.config.values]

  def _run_cell(self, cell, ctx, run):
    return {"y": cell.config["v"]}


def test_the_same_flags_resume_in_the_same_folder_when_prepare_writes_identity_files(tmp_path):
  study = _IdentityFileStudy()
  assert cli.run_main(study, _argv(tmp_path)) == 0
  assert cli.run_main(study, _argv(tmp_path)) == 0  # a plain rerun resumes (was: another grid)
  assert cli.run_main(study, _argv(tmp_path, "--values=1,2")) == 2  # other flags are still refused
