"""`make publish-results`: a finished run's report, claims, tables, times and small figures into docs/results."""
from __future__ import annotations

import json
import pathlib
import subprocess

import pytest

from adv_tf.errors import AdvTfError
from adv_tf.experiment.records import records_digest
from adv_tf.report import publish as publish_lib

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


def _git(repo: pathlib.Path, *args: str) -> str:
  return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def repo(tmp_path) -> tuple[pathlib.Path, str]:
  """A git checkout with one commit; returns (root, commit)."""
  root = tmp_path / "repo"
  root.mkdir()
  _git(root, "init", "-q")
  (root / "a.txt").write_text("a\n")
  _git(root, "add", "a.txt")
  _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
  return root, _git(root, "rev-parse", "HEAD")


def _judged(records: list, expected: int | None = 1, folder: str = ".") -> dict:
  """One stage's entry of claims.json "cells" for a report that read `records`."""
  ids = sorted(r["id"] for r in records)
  return {"folder": folder, "ids": ids, "sha256": records_digest(records), "recorded": len(ids),
          "expected": expected}


def _results(tmp_path, commit: str | None, dirty: bool = False, claims_commit: str | None = None,
             **skip) -> pathlib.Path:
  """A finished quick run of a study "toy-study" (one cell, "x"): report, claims (judged at `claims_commit`,
  default `commit`), run_time, tables, figures and records."""
  out = tmp_path / "results" / "toy_study" / "quick"
  (out / "figures").mkdir(parents=True)
  (out / "cells").mkdir()
  record = {"id": "x", "git": {"commit": commit, "dirty": dirty}}
  claims_commit = claims_commit or commit
  files = {
      "report.md": "# Toy\n![f](figures/fig.png)\n",
      "claims.json": json.dumps({"title": "Toy", "claims": [{"claim": "T1", "statement": "s", "verdict": "holds"}],
                                 "code": {"commit": claims_commit, "dirty": False},  # a clean --report_only
                                 "cells": {"cells": _judged([record])}}),
      "run_time.json": json.dumps({"study": "toy-study", "profile": "quick", "cpu_seconds": 3.0,
                                   "code": None if commit is None else {"commit": commit, "dirty": dirty},
                                   "machine": {"host": "h", "cpu_count": 2}}),
      "results.csv": "a,b\n1,2\n",
      "cells/index.csv": "id\nx\n",
      "records-shard0of1.jsonl": json.dumps(record) + "\n",
      "config.json": "{}",
  }
  for name, text in files.items():
    if name not in skip:
      (out / name).write_text(text)
  (out / "figures" / "fig.png").write_bytes(b"\x89PNG small")
  (out / "figures" / "huge.png").write_bytes(b"\x89PNG" + b"0" * (publish_lib.MAX_FIGURE_BYTES + 1))
  return tmp_path / "results"


def test_publishes_report_claims_tables_times_and_small_figures(tmp_path, repo):
  root, commit = repo
  results = _results(tmp_path, commit)
  target = publish_lib.publish(results, "toy-study", "quick", root / "docs" / "results", repo=root)
  assert target == root / "docs" / "results" / "toy_study" / "quick"
  got = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
  assert got == ["cells/index.csv", "claims.json", "figures/fig.png", "published.json", "report.md", "results.csv",
                 "run_time.json"]
  meta = json.loads((target / "published.json").read_text())
  assert meta["commit"] == commit and meta["study"] == "toy-study" and meta["profile"] == "quick"
  assert meta["machine"] == {"host": "h", "cpu_count": 2}
  assert meta["left_out"] and meta["left_out"][0].startswith("figures/huge.png")
  assert meta["files"]["report.md"] == publish_lib._sha256(target / "report.md")  # pylint: disable=protected-access
  assert set(meta["files"]) == set(got) - {"published.json"}
  assert meta["compute"]["records"] == 1 and meta["compute"]["cpu_seconds"] is None   # the toy record has no times


def test_compute_cost_sums_every_sitting_of_a_resumed_run_from_its_records(tmp_path):
  """Two stages computed over two sittings, plus a record written before records named their sitting and CPU time:
  every cell's wall seconds count once, CPU seconds and sittings only where recorded, and the counts say so."""
  old = {"id": "a", "seconds": 100.0, "started": "2026-12-05T01:00:00", "finished": "2026-12-05T01:01:40"}
  first = {"id": "b", "seconds": 10.0, "cpu_seconds": 19.5, "sitting": "2026-12-07T03:49:00 vm pid 1",
           "started": "2026-12-07T03:50:00", "finished": "2026-12-07T03:50:10"}
  second = {"id": "c", "seconds": 20.0, "cpu_seconds": 30.25, "sitting": "2026-12-07T06:49:00 vm pid 2",
            "started": "2026-12-07T06:50:00", "finished": "2026-12-07T06:50:20"}
  control = {**second, "id": "d", "started": "2026-12-07T06:51:00", "finished": "2026-12-07T06:52:00"}
  for folder, records in (("models", [old, first, second]), ("recipe_control", [control])):
    (tmp_path / folder).mkdir()
    (tmp_path / folder / "records-shard0of1.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
  # the same cell recorded again in another shard file (a grid re-sharded while a shard ran) counts once
  (tmp_path / "models" / "records-shard1of2.jsonl").write_text(json.dumps(first) + "\n")
  assert publish_lib.compute_cost(tmp_path) == {
      "records": 4, "wall_seconds": 150.0, "cpu_seconds": 80.0, "records_with_cpu": 3, "sittings": 2,
      "records_with_sitting": 3, "first_started": "2026-12-05T01:00:00", "last_finished": "2026-12-07T06:52:00"}


def test_with_records_keeps_what_a_resumed_run_reads(tmp_path, repo):
  root, commit = repo
  results = _results(tmp_path, commit)
  (results / "toy_study" / "quick" / "data-notes.json").write_text('{"mnist": "standard split"}\n')
  target = publish_lib.publish(results, "toy-study", "quick", root / "out", repo=root, with_records=True)
  assert json.loads((target / "run" / "records-shard0of1.jsonl").read_text())["id"] == "x"
  # what a report rebuilt from these records reads beside them (training-size's data notes)
  assert json.loads((target / "run" / "data-notes.json").read_text()) == {"mnist": "standard split"}
  assert (target / "run" / "config.json").exists()


def test_a_partial_run_publishes_its_records_under_their_own_commits(tmp_path, repo):
  """A long profile stopped part-way (no report yet): RECORDS=1 keeps what a later run resumes from."""
  root, commit = repo
  results = _results(tmp_path, commit, **{"report.md": 1, "claims.json": 1, "run_time.json": 1})
  with pytest.raises(AdvTfError, match="did not finish"):
    publish_lib.publish(results, "toy-study", "quick", root / "out", repo=root)
  target = publish_lib.publish(results, "toy-study", "quick", root / "out", repo=root, with_records=True)
  meta = json.loads((target / "published.json").read_text())
  assert meta["finished"] is False and meta["record_commits"] == [commit]
  assert (target / "run" / "records-shard0of1.jsonl").exists() and not (target / "report.md").exists()


CLEAN = object()  # _part_way's default code: the repo's commit, clean


def _commit_again(root: pathlib.Path) -> str:
  (root / "b.txt").write_text("b\n")
  _git(root, "add", "b.txt")
  _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "two")
  return _git(root, "rev-parse", "HEAD")


def _part_way(tmp_path, commit, code=CLEAN, judged=None, run_time: bool = False) -> pathlib.Path:
  """A run stopped part-way whose last shard process (or `--report_only`) wrote the report over 1 of 2 cells
  (`run_time`: a run_time.json too, as a process stopped by --max_cells writes)."""
  results = _results(tmp_path, commit, **({} if run_time else {"run_time.json": 1}))
  out = results / "toy_study" / "quick"
  (out / "grid-manifest.json").write_text(json.dumps({"num_cells": 2, "ids": ["x", "y"]}))
  claims = json.loads((out / "claims.json").read_text())
  code = {"commit": commit, "dirty": False} if code is CLEAN else code
  record = json.loads((out / "records-shard0of1.jsonl").read_text())
  judged = judged or {"cells": _judged([record], expected=2)}
  (out / "claims.json").write_text(json.dumps({**claims, "code": code, "cells": judged}))
  return results


def test_a_partial_run_with_a_report_publishes_it_under_the_commit_that_judged_it(tmp_path, repo):
  root, commit = repo
  later = _commit_again(root)  # the report rebuilt a commit after the records were computed
  results = _part_way(tmp_path, commit, {"commit": later, "dirty": False})
  target = publish_lib.publish(results, "toy-study", "quick", root / "out", repo=root, with_records=True)
  meta = json.loads((target / "published.json").read_text())
  assert meta["finished"] is False and meta["commit"] == commit and meta["record_commits"] == [commit]
  assert meta["report_commit"] == later and meta["run"]["cpu_seconds"] is None
  assert meta["cells"] == {"recorded": 1, "expected": 2,
                           "stages": {"cells": {"folder": ".", "recorded": 1, "expected": 2}}}
  assert json.loads((target / "claims.json").read_text())["commit"] == later
  assert (target / "report.md").exists() and (target / "run" / "records-shard0of1.jsonl").exists()


def _record(commit: str, cell: str = "x") -> dict:
  return {"id": cell, "git": {"commit": commit, "dirty": False}}


def test_a_part_way_run_counts_every_stage_and_keeps_its_last_run_time(tmp_path, repo):
  """Stages in their own folders, one not begun (its grid known: 1 cell); a run stopped by --max_cells wrote
  run_time.json, which the publication keeps."""
  root, commit = repo
  judged = {"models": _judged([_record(commit)], expected=2, folder="models"),
            "recipe_control": _judged([], expected=1, folder="recipe_control")}
  results = _part_way(tmp_path, commit, judged=judged)
  out = results / "toy_study" / "quick"
  (out / "models").mkdir()
  for name in ("grid-manifest.json", "records-shard0of1.jsonl"):
    (out / name).rename(out / "models" / name)
  (out / "run_time.json").write_text(json.dumps({"code": {"commit": commit, "dirty": False}, "cpu_seconds": 9.0}))
  with pytest.raises(AdvTfError, match="has 1 of its 3 cells recorded"):  # all three files, yet 1 of 3 cells
    publish_lib.publish(results, "toy-study", "quick", root / "out", repo=root)
  target = publish_lib.publish(results, "toy-study", "quick", root / "out", repo=root, with_records=True)
  meta = json.loads((target / "published.json").read_text())
  assert meta["finished"] is False and meta["run"]["cpu_seconds"] == 9.0 and (target / "run_time.json").exists()
  assert (meta["cells"]["recorded"], meta["cells"]["expected"]) == (1, 3)
  assert meta["cells"]["stages"]["recipe_control"] == {"folder": "recipe_control", "recorded": 0, "expected": 1}
  assert (target / "run" / "models" / "records-shard0of1.jsonl").exists()


def test_a_finished_run_whose_report_was_rebuilt_later_names_both_commits(tmp_path, repo):
  root, commit = repo
  later = _commit_again(root)
  results = _part_way(tmp_path, commit, {"commit": later, "dirty": False},
                      judged={"cells": _judged([_record(commit)], expected=1)}, run_time=True)
  out = results / "toy_study" / "quick"
  (out / "grid-manifest.json").write_text(json.dumps({"num_cells": 1, "ids": ["x"]}))
  target = publish_lib.publish(results, "toy-study", "quick", root / "out", repo=root)
  meta = json.loads((target / "published.json").read_text())
  assert meta["finished"] is True and (meta["commit"], meta["report_commit"]) == (commit, later)
  assert json.loads((target / "claims.json").read_text())["commit"] == later


@pytest.mark.parametrize("case, message", [
    ("a record changed since", "records lost or changed since"),
    ("a cell recorded since", "1 cell\\(s\\) recorded since"),
    ("malformed cells", "malformed"),
    ("no code", "does not say which commit judged it"),
    ("dirty", "judged from a dirty checkout"),
    ("foreign", "not an ancestor of HEAD"),
])
def test_a_part_way_report_that_cannot_be_trusted_is_refused(tmp_path, repo, case, message):
  root, commit = repo
  code = {"no code": None, "dirty": {"commit": commit, "dirty": True},
          "foreign": {"commit": "0" * 40, "dirty": False}}.get(case, CLEAN)
  judged = {"cells": {"folder": "."}} if case == "malformed cells" else None
  results = _part_way(tmp_path, commit, code, judged)
  records = results / "toy_study" / "quick" / "records-shard0of1.jsonl"
  if case == "a record changed since":  # cell x recomputed at another commit after the report was written
    records.write_text(json.dumps(_record("1" * 40)) + "\n")
  if case == "a cell recorded since":  # another shard recorded cell y of the grid after this report
    records.write_text(records.read_text() + json.dumps(_record(commit, "y")) + "\n")
  with pytest.raises(AdvTfError, match=message) as err:
    publish_lib.publish(results, "toy-study", "quick", root / "out", repo=root, with_records=True)
  assert "\n" not in str(err.value) and not (root / "out").exists()


def test_a_run_finished_by_shard_processes_is_finished_and_lists_their_times(tmp_path, repo):
  """Shard processes write run_time-shard<k>of<n>.json, never run_time.json; the last one's report judged every
  cell."""
  root, commit = repo
  results = _part_way(tmp_path, commit, judged={"cells": _judged([_record(commit)], expected=1)})
  out = results / "toy_study" / "quick"
  (out / "grid-manifest.json").write_text(json.dumps({"num_cells": 1, "ids": ["x"]}))
  (out / "run_time-shard1of2.json").write_text(json.dumps(
      {"started_utc": "2026-12-06T05:00:00+00:00", "wall_seconds": 60.0, "cpu_seconds": 100.0,
       "machine": {"cpu_count": 2}, "code": {"commit": commit, "dirty": False}}))
  target = publish_lib.publish(results, "toy-study", "quick", root / "out", repo=root)
  meta = json.loads((target / "published.json").read_text())
  assert meta["finished"] is True and meta["cells"]["recorded"] == meta["cells"]["expected"] == 1
  assert meta["machine"] == {"cpu_count": 2} and meta["shard_runs"] == [
      {"file": "run_time-shard1of2.json", "started_utc": "2026-12-06T05:00:00+00:00", "wall_seconds": 60.0,
       "cpu_seconds": 100.0, "machine": {"cpu_count": 2}, "commit": commit}]


def test_a_record_the_stages_check_rejected_is_not_a_cell_recorded_since(tmp_path, repo):
  """Cell y's record is of another schema: the report skipped it (claims.json "rejected"), so it is not a record
  the report missed (which would ask for a rebuild that cannot help); without that list it would be."""
  root, commit = repo
  record = _record(commit)
  for rejected, refused in (([], True), (["y"], False)):
    results = _part_way(tmp_path / str(refused), commit,
                        judged={"cells": {**_judged([record], expected=2), "rejected": rejected}})
    records = results / "toy_study" / "quick" / "records-shard0of1.jsonl"
    records.write_text(records.read_text() + json.dumps({**_record(commit, "y"), "result": "old schema"}) + "\n")
    if refused:
      with pytest.raises(AdvTfError, match="recorded since"):
        publish_lib.publish(results, "toy-study", "quick", root / "out", repo=root, with_records=True)
    else:
      meta = json.loads((publish_lib.publish(results, "toy-study", "quick", root / "out", repo=root,
                                             with_records=True) / "published.json").read_text())
      assert (meta["cells"]["recorded"], meta["cells"]["expected"]) == (1, 2)


def test_record_commits_are_oldest_first_whatever_the_file_order(tmp_path):
  """A resumed, re-sharded run: the newest commit's records can sit in a file that sorts first."""
  (tmp_path / "records-shard0of2.jsonl").write_text(json.dumps(
      {"id": "b", "finished": "2026-12-06T06:00:00+00:00", "git": {"commit": "b" * 40, "dirty": False}}) + "\n")
  (tmp_path / "records-shard1of2.jsonl").write_text("".join(json.dumps(
      {"id": cell, "finished": when, "git": {"commit": "a" * 40, "dirty": False}}) + "\n"
      for cell, when in (("a", "2026-12-05T06:00:00+00:00"), ("c", "2026-12-06T06:00:00+00:00"))))
  assert publish_lib.record_commits(tmp_path) == ["a" * 40, "b" * 40]


def test_a_new_publication_replaces_the_old_folder_whole(tmp_path, repo):
  root, commit = repo
  results = _results(tmp_path, commit)
  dest = root / "docs" / "results"
  publish_lib.publish(results, "toy-study", "quick", dest, repo=root)
  (results / "toy_study" / "quick" / "results.csv").unlink()
  target = publish_lib.publish(results, "toy-study", "quick", dest, repo=root)
  assert not (target / "results.csv").exists()
  assert sorted(p.name for p in target.parent.iterdir()) == ["quick"]  # no staging or old folders left


@pytest.mark.parametrize("case, message", [
    ("no claims", "has no claims.json"),
    ("no commit", "names no commit"),
    ("dirty", "dirty tree"),
    ("foreign commit", "not an ancestor of HEAD"),
    ("no folder", "no results folder"),
    ("cells missing", "has 1 of its 2 cells recorded"),
    ("claims without code", "does not say which commit judged it"),
])
def test_refusals_are_one_line_and_write_nothing(tmp_path, repo, case, message):
  root, commit = repo
  commit_for = {"no commit": None, "foreign commit": "0" * 40}.get(case, commit)
  skip = {"claims.json": True} if case == "no claims" else {}
  results = _results(tmp_path, commit_for, dirty=case == "dirty",
                     claims_commit=commit if case == "no commit" else None, **skip)  # run_time names no commit
  out = results / "toy_study" / "quick"
  if case == "cells missing":  # stopped by --max_cells: report, claims and run_time written, a cell not run
    (out / "grid-manifest.json").write_text(json.dumps({"ids": ["x", "y"]}))
    claims = json.loads((out / "claims.json").read_text())
    claims["cells"]["cells"]["expected"] = 2
    (out / "claims.json").write_text(json.dumps(claims))
  if case == "claims without code":  # written before claims.json recorded the commit that judged it
    claims = json.loads((out / "claims.json").read_text())
    (out / "claims.json").write_text(json.dumps({k: v for k, v in claims.items() if k != "code"}))
  study = "other-study" if case == "no folder" else "toy-study"
  dest = root / "docs" / "results"
  with pytest.raises(AdvTfError, match=message) as err:
    publish_lib.publish(results, study, "quick", dest, repo=root)
  assert "\n" not in str(err.value)
  assert not dest.exists()


def test_main_prints_one_error_line_and_exits_2(tmp_path, capsys):
  assert publish_lib.main(["--study=toy-study", "--profile=quick", f"--results_dir={tmp_path}"]) == 2
  err = capsys.readouterr().err.strip().splitlines()
  assert len(err) == 1 and err[0].startswith("error: no results folder")


def _published() -> list[pathlib.Path]:
  return sorted((REPO_ROOT / "docs" / "results").glob(f"*/*/{publish_lib.PUBLISHED_FILE}"))


@pytest.mark.parametrize("published", _published(), ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_every_published_result_parses_and_comes_from_this_history(published):
  """A finished publication's verdicts parse and name its commit; a part-way one (`--with_records`, finished
  false) has records whose commits it lists (a resumed run: one per sitting, the last being the publication's)
  and, where it carries a part-way report, verdicts naming the commit that judged them; every file is as published;
  every commit is in this history."""
  folder = published.parent
  meta = json.loads(published.read_text())
  commits = [meta["commit"]]
  if meta.get("finished", True):
    claims = json.loads((folder / "claims.json").read_text())
    assert claims["claims"] and all({"claim", "verdict"} <= set(c) for c in claims["claims"])
    # the verdicts name the commit that judged them: the run's, or a later one that rebuilt its report
    assert claims["commit"] == (meta.get("report_commit") or meta["commit"])
    commits.append(claims["commit"])
  else:
    if meta.get("report_commit"):
      claims = json.loads((folder / "claims.json").read_text())
      assert claims["claims"] and claims["commit"] == meta["report_commit"]
      assert claims["code"] == {"commit": meta["report_commit"], "dirty": False}
      assert meta["cells"]["stages"] == {name: {k: s[k] for k in ("folder", "recorded", "expected")}
                                         for name, s in claims["cells"].items()}
      # the published records are the ones the report rests on
      publish_lib.verify_judged(folder / publish_lib.RUN_SUBDIR, claims["cells"])
      assert 0 < meta["cells"]["recorded"] < (meta["cells"]["expected"] or float("inf"))
    else:
      assert not (folder / "claims.json").exists()
    # (a study with stages keeps them in their own folders: run/<stage>/records-shard*.jsonl)
    records = sorted(folder.glob(f"{publish_lib.RUN_SUBDIR}/**/records-shard*.jsonl"))
    assert records, "a part-way publication keeps its records"
    in_records = {json.loads(line)["git"]["commit"] for f in records for line in f.read_text().splitlines() if line}
    assert sorted(in_records) == sorted(meta["record_commits"]) and meta["commit"] in in_records
    commits = sorted(in_records) + ([meta["report_commit"]] if meta.get("report_commit") else [])
  for rel, digest in meta["files"].items():
    assert publish_lib._sha256(folder / rel) == digest, f"{rel} was edited after publication"  # pylint: disable=protected-access
  if _git(REPO_ROOT, "rev-parse", "--is-shallow-repository") == "true":
    pytest.skip("shallow clone: the commit's ancestry cannot be checked")
  for commit in commits:
    assert publish_lib.is_ancestor(commit, REPO_ROOT), f"{commit} is not an ancestor of HEAD"
