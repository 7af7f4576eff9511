"""Reference results in the repository: `make publish-results STUDY=<study> PROFILE=<profile>` (issue 22).

Copies a finished run's results folder (`results/<study with _>/<profile>/`) into
`docs/results/<study with _>/<profile>/`: `report.md`, `claims.json`, every tidy CSV table, the `run_time*.json`
files and the figures (PNG, each at most `MAX_FIGURE_BYTES`; larger ones are left out and listed), keeping their
relative paths so the report's links still work, plus `published.json`: the commits the run was computed with
(every record names its own; "commit" is the newest, "record_commits" all of them, oldest first), the commit that
judged its report ("report_commit"), the machine, the run's dates and CPU time (its `run_time.json`, and each shard
process's `run_time-shard*.json` under "shard_runs"), what computing its cells took over every sitting of a resumed
run ("compute", from the records: `compute_cost`), the cells its report rests on and a SHA-256 per copied file.
A run is finished when its report judged every cell of every stage's grid (claims.json's "cells"). Nothing there is
edited by hand: a new publication replaces the folder whole (atomically: written beside it, then swapped in).

`--with_records` also copies what a later run needs to resume or re-judge (the stages' `records-shard*.jsonl`,
`config.json`, `grid-manifest.json`, `run_identity.json`, `data-notes.json`; no checkpoints, no datasets) under
`run/`, so a long profile that did not finish in one sitting can be published part-way and resumed on a
fresh machine (S = the study's name with _, P = the profile):
`mkdir -p results/S/P && cp -r docs/results/S/P/run/. results/S/P/`.
A part-way publication also carries the part-way report when the folder has one (each shard process and
`--report_only` write it over the records present): `report.md` and `claims.json`, published under the commit
that judged them (claims.json's "code", which must be clean and in this history) and refused when the records in
the folder are not the ones it rests on (claims.json's "cells"; rebuild it with `--report_only`); `published.json`
then says how many of the grid's cells it rests on ("cells": recorded / expected, per stage), and the index labels
its verdicts part-way. A finished run's report rebuilt at a later commit is published under that commit too.

Refused with one line before anything is written: a folder without `report.md` or `claims.json`, or whose report
has not judged every cell (unless `--with_records` publishes a partial run); a claims.json that does not name the
commit and records that judged it, or whose records changed since; a
run whose `run_time.json` names no commit (computed outside a git checkout, or before the
commit was recorded), a dirty tree, or a commit that is not an ancestor of HEAD (results must come from
committed code that is part of this history).
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import tempfile
from typing import Optional, Sequence

from adv_tf.errors import AdvTfError
from adv_tf.experiment.records import load_records, read_record_file, records_digest
from adv_tf.experiment.run_time import FINISHED, RUN_TIME_FILE
from adv_tf.report.base import CLAIMS_FILE
from adv_tf.utils import provenance

PUBLISHED_FILE = "published.json"
REPORT_FILE = "report.md"
MAX_FIGURE_BYTES = 512 * 1024
RUN_SUBDIR = "run"
# What a resumed run reads (adv_tf.experiment.records / cli): records, the resolved config, grid manifests and
# hyperparams' data identity. Checkpoints live in the model cache, outside the results folder.
# A run's published noise reference (adv_tf.claims.noise_reference.NOISE_FILE; report never imports claims).
NOISE_FILE = "noise_reference.json"
MANIFEST_FILE = "grid-manifest.json"  # adv_tf.experiment.cli.MANIFEST (the CLI module is not imported here)
# training-size's data notes (how each dataset was split, which local copy): a report rebuilt from the records says
# them only with this file.
RESUME_PATTERNS = ("records-shard*.jsonl", "config.json", MANIFEST_FILE, "run_identity.json", "data-notes.json")


def _git(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess:
  env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")
  return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, env=env, check=False)


def is_ancestor(commit: str, repo: pathlib.Path) -> bool:
  """True when `commit` is HEAD or one of its ancestors in the checkout at `repo`."""
  return _git("merge-base", "--is-ancestor", commit, "HEAD", cwd=repo).returncode == 0


def run_commit(run_time: dict) -> str:
  """The commit a run was computed with (`run_time.json`'s "code"); AdvTfError when it cannot be trusted."""
  code = run_time.get("code")
  if not isinstance(code, dict) or not code.get("commit"):
    raise AdvTfError("run_time.json names no commit (the run predates commit recording or ran outside a git "
                     "checkout): rerun the profile from a clean checkout, then publish")
  if code.get("dirty"):
    raise AdvTfError(f"the run was computed from a dirty tree at {code['commit'][:12]}: commit the code, rerun, "
                     "then publish")
  return str(code["commit"])


def _read_json(path: pathlib.Path) -> dict:
  try:
    payload = json.loads(path.read_text())
  except (OSError, ValueError) as e:
    raise AdvTfError(f"{path} is not readable JSON ({e}); rerun the study to rewrite it") from None
  if not isinstance(payload, dict):
    raise AdvTfError(f"{path} holds no JSON object; rerun the study to rewrite it")
  return payload


def record_commits(source: pathlib.Path) -> list[str]:
  """The commits that computed the records under `source` (each record's "git"), oldest first; AdvTfError when a
  record has none or came from a dirty tree, or there are no records."""
  first: dict[str, str] = {}  # commit -> its earliest record's "finished" (ISO-8601 UTC sorts as time)
  for path in sorted(source.rglob("records-shard*.jsonl")):
    for record in read_record_file(path):
      commit = run_commit({"code": record.get("git")})
      first[commit] = min(first.get(commit, "~"), str(record.get("finished") or "~"))
  if not first:
    raise AdvTfError(f"{source} holds no finished record: nothing to publish yet")
  return sorted(first, key=lambda commit: (first[commit], commit))


def compute_cost(source: pathlib.Path) -> dict:
  """What computing the records under `source` took, from the records themselves (each holds its own cell's times;
  `adv_tf.experiment.runner`), one per cell id (`load_records`, per folder holding record files): {"records",
  "wall_seconds", "cpu_seconds" (over "records_with_cpu", those written since 2026-12-07; None when none has it),
  "sittings" (distinct processes among the "records_with_sitting" that name theirs), "first_started",
  "last_finished"}. Unlike `run_time.json` (the last invocation only), it covers every sitting of a resumed run,
  also one whose last process was stopped before it wrote that file. It counts the recorded cells only: not a
  process's start-up, data loading or report, not the work of a cell interrupted before its record, and a cell
  that reused a cached model counts what it spent itself."""
  folders = sorted({path.parent for path in source.rglob("records-shard*.jsonl")})
  by_id: dict = {}
  for folder in folders:
    for record in load_records(folder):
      by_id.setdefault(record["id"], record)
  records = list(by_id.values())
  timed = [r["cpu_seconds"] for r in records if isinstance(r.get("cpu_seconds"), (int, float))]
  sittings = {r["sitting"] for r in records if isinstance(r.get("sitting"), str)}
  started = [str(r["started"]) for r in records if r.get("started")]
  finished = [str(r["finished"]) for r in records if r.get("finished")]
  return {"records": len(records),
          "wall_seconds": round(sum(float(r.get("seconds") or 0) for r in records), 3),
          "cpu_seconds": round(sum(timed), 3) if timed else None, "records_with_cpu": len(timed),
          "sittings": len(sittings),
          "records_with_sitting": sum(isinstance(r.get("sitting"), str) for r in records),
          "first_started": min(started, default=None), "last_finished": max(finished, default=None)}


def report_commit(source: pathlib.Path, claims: dict) -> Optional[str]:
  """The commit that judged the folder's report (`claims`: its claims.json; "code", written since claims.json
  records it), or None when it names none; AdvTfError when that checkout was dirty."""
  code = claims.get("code")
  if not isinstance(code, dict) or not code.get("commit"):
    return None
  if code.get("dirty"):
    raise AdvTfError(f"{source / CLAIMS_FILE} was judged from a dirty checkout at {str(code['commit'])[:12]}: "
                     "rebuild the report with `--report_only` from a clean checkout (the records stay), then publish")
  return str(code["commit"])


def _manifest_ids(folder: pathlib.Path) -> Optional[set]:
  """The ids of the folder's grid manifest, or None without one."""
  manifest = folder / MANIFEST_FILE
  return set(_read_json(manifest).get("ids") or ()) if manifest.is_file() else None


_JUDGED_KEYS = {"folder": str, "ids": list, "sha256": str, "recorded": int}


def judged_cells(source: pathlib.Path, claims: dict) -> Optional[dict]:
  """The records the folder's report rests on, per stage (`claims`: its claims.json; "cells",
  `adv_tf.experiment.cli.judged_cells`), checked against the records in the folder now (`verify_judged`); None when
  claims.json does not say (written before it recorded them)."""
  cells = claims.get("cells")
  if cells is None:
    return None
  verify_judged(source, cells)
  return cells


def verify_judged(source: pathlib.Path, cells) -> None:
  """AdvTfError unless each stage folder under `source` holds exactly the records `cells` (a claims.json's
  "cells") says the report read (same ids, same content: `records_digest`) and no record of the stage's grid
  (its manifest) that the report did not read."""
  if not isinstance(cells, dict) or not all(
      isinstance(s, dict) and all(isinstance(s.get(k), kind) for k, kind in _JUDGED_KEYS.items())
      and "expected" in s and (s["expected"] is None or isinstance(s["expected"], int)) for s in cells.values()):
    raise AdvTfError(f"{source / CLAIMS_FILE} has a malformed \"cells\": rebuild the report with `--report_only`, "
                     "then publish")
  for stage, judged in cells.items():
    folder = source / judged["folder"]
    by_id = {record["id"]: record for record in (load_records(folder) if folder.is_dir() else [])}
    read = set(judged["ids"])
    grid = _manifest_ids(folder)
    since = sorted((set(by_id) & (grid or set())) - read - set(judged.get("rejected") or ()))
    lost = not read <= set(by_id)
    if lost or since or records_digest(by_id[i] for i in read) != judged["sha256"]:
      what = f"{len(since)} cell(s) recorded since" if since and not lost else "records lost or changed since"
      raise AdvTfError(f"the records of stage {stage} in {folder} are not the ones {source / CLAIMS_FILE} rests on "
                       f"({what}): rebuild the report with `--report_only` (same flags), then publish")


def cell_counts(source: pathlib.Path, judged: Optional[dict] = None) -> dict:
  """{"recorded", "expected"}, and "stages" when the report says what it rests on (`judged_cells`): the cells of
  every stage's grid and how many of them have a record. Without a report's word, the cells of every grid manifest
  written so far (a stage that has not begun has none, so "expected" then undercounts). "expected" is None when
  a stage's grid is not known yet."""
  if judged is not None:
    expected = [s["expected"] for s in judged.values()]
    return {"recorded": sum(s["recorded"] for s in judged.values()),
            "expected": None if None in expected else sum(expected),
            "stages": {name: {k: v for k, v in s.items() if k in ("folder", "recorded", "expected")}
                       for name, s in judged.items()}}
  recorded = expected = 0
  for manifest in sorted(source.rglob(MANIFEST_FILE)):
    done = {record["id"] for record in load_records(manifest.parent)}
    grid = _manifest_ids(manifest.parent)
    expected += len(grid)
    recorded += len(done & grid)
  return {"recorded": recorded, "expected": expected}


def _files(source: pathlib.Path, with_records: bool,
           with_report: bool = True) -> tuple[list[tuple[pathlib.Path, str]], list[str]]:
  """[(file, relative destination)] to copy and the figures left out for their size."""
  chosen, left_out = [], []
  for name in (REPORT_FILE, CLAIMS_FILE) if with_report else ():
    chosen.append((source / name, name))
  for path in sorted(source.rglob("*")):
    if not path.is_file():
      continue
    rel = path.relative_to(source).as_posix()
    if path.suffix == ".csv" or (path.parent == source and (path.name.startswith("run_time") and path.suffix == ".json"
                                                            or path.name == NOISE_FILE)):
      chosen.append((path, rel))
    elif path.suffix == ".png":
      if path.stat().st_size <= MAX_FIGURE_BYTES:
        chosen.append((path, rel))
      else:
        left_out.append(f"{rel} ({path.stat().st_size:,} bytes > {MAX_FIGURE_BYTES:,})")
  if with_records:
    for pattern in RESUME_PATTERNS:
      for path in sorted(source.rglob(pattern)):
        chosen.append((path, f"{RUN_SUBDIR}/{path.relative_to(source).as_posix()}"))
  return chosen, left_out


def _sha256(path: pathlib.Path) -> str:
  return hashlib.sha256(path.read_bytes()).hexdigest()


def publish(results_dir, study: str, profile: str, dest_root=None, *, with_records: bool = False,
            repo: Optional[pathlib.Path] = None, now: Optional[datetime.datetime] = None) -> pathlib.Path:
  """Publishes `<results_dir>/<study with _>/<profile>` into `<dest_root>/<study with _>/<profile>`.

  Returns the published folder. Raises AdvTfError (one line, nothing written) when the run cannot be published.
  """
  repo = provenance.repository_root() if repo is None else pathlib.Path(repo)
  dest_root = repo / "docs" / "results" if dest_root is None else pathlib.Path(dest_root)
  folder = study.replace("-", "_")
  source = pathlib.Path(results_dir) / folder / profile
  if not source.is_dir():
    raise AdvTfError(f"no results folder {source}: run `make reproduce-{study} PROFILE={profile}` first")
  missing = [n for n in (REPORT_FILE, CLAIMS_FILE, RUN_TIME_FILE) if not (source / n).is_file()]
  has_report = REPORT_FILE not in missing and CLAIMS_FILE not in missing
  claims = _read_json(source / CLAIMS_FILE) if has_report else {}
  judged = judged_cells(source, claims) if has_report else None
  judged_by = report_commit(source, claims) if has_report else None  # the commit whose code wrote the verdicts
  if has_report and (judged_by is None or judged is None):
    raise AdvTfError(f"{source / CLAIMS_FILE} does not say which commit judged it and on which records (written "
                     "before claims.json recorded them): rebuild the report with `--report_only`, then publish")
  cells = cell_counts(source, judged)  # a run stopped by --max_cells / --stop_after writes all three files
  # Finished: every stage's grid recorded and judged by the report; shard processes write run_time-shard*.json only.
  finished = has_report and cells["recorded"] == cells["expected"]
  if not finished and not with_records:
    what = (f"has no {missing[0]}" if missing and not has_report else
            f"has {cells['recorded']} of its {cells['expected']} cells recorded" if cells["expected"] is not None
            else f"has {cells['recorded']} cells recorded and a stage whose grid is not known yet")
    raise AdvTfError(f"{source} {what}: the run did not finish; rerun `make reproduce-{study} "
                     f"PROFILE={profile}` (it resumes) and publish again, or publish its records with RECORDS=1")
  run_time = {} if RUN_TIME_FILE in missing else _read_json(source / RUN_TIME_FILE)  # its last invocation's
  if run_time:
    run_commit(run_time)  # refuses a dirty or unrecorded last invocation
  commits = record_commits(source)  # every sitting of a resumed or sharded run, oldest first
  for commit in dict.fromkeys([*commits, *([judged_by] if judged_by else [])]):
    if not is_ancestor(commit, repo):
      raise AdvTfError(f"the run's commit {commit[:12]} is not an ancestor of HEAD in {repo}: publish from the "
                       "history that holds the code it ran")
  commit = commits[-1]
  shard_runs = [{"file": path.name, **{k: shard.get(k) for k in ("started_utc", "wall_seconds", "cpu_seconds",
                                                                 "machine")},
                 "commit": (shard.get("code") or {}).get("commit")}
                for path in sorted(source.glob("run_time-shard*.json")) for shard in [_read_json(path)]]
  files, left_out = _files(source, with_records, with_report=judged_by is not None)
  now = now or datetime.datetime.now(datetime.timezone.utc)
  meta = {
      "study": study, "profile": profile, "commit": commit,
      "published_utc": now.isoformat(timespec="seconds"), "finished": finished, "record_commits": commits,
      "run": {**{k: run_time.get(k) for k in ("started_utc", "ended_utc", "wall_seconds", "cpu_seconds",
                                              "load_average_1min", "num_shards", "resumed")},
              "outcome": run_time.get("outcome", FINISHED) if run_time else None},  # files before 2026-12-07: finished
      "machine": run_time.get("machine") or next((s["machine"] for s in shard_runs if s.get("machine")),
                                                  {"note": "not recorded by this run"}),
      "shard_runs": shard_runs,
      "publisher": {"host": provenance.host(), "platform": platform.platform()},
      "files": {rel: _sha256(path) for path, rel in files},
      "left_out": left_out,
      "report_commit": judged_by,  # None: a part-way publication without its report (records only); a finished
      # run's report rebuilt later (--report_only, a rerun with every cell recorded) names its own commit
  }
  meta["cells"] = cells
  meta["compute"] = compute_cost(source)
  target = dest_root / folder / profile
  target.parent.mkdir(parents=True, exist_ok=True)
  staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{profile}-", dir=target.parent))
  try:
    for path, rel in files:
      out = staging / rel
      out.parent.mkdir(parents=True, exist_ok=True)
      if rel == CLAIMS_FILE:  # the verdicts name the commit that computed them (published.json has the rest)
        out.write_text(json.dumps({**claims, "commit": judged_by}, indent=1) + "\n")
        meta["files"][rel] = _sha256(out)
      else:
        shutil.copyfile(path, out)
    (staging / PUBLISHED_FILE).write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    old = target.with_name(f".{profile}-old")
    if target.exists():
      shutil.rmtree(old, ignore_errors=True)
      target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
  finally:
    shutil.rmtree(staging, ignore_errors=True)
  return target


def main(argv: Optional[Sequence[str]] = None) -> int:
  """`python -m adv_tf.report.publish --study=S --profile=P [--results_dir=results] [--dest=docs/results]`."""
  parser = argparse.ArgumentParser(prog="python -m adv_tf.report.publish", description=__doc__.splitlines()[0])
  parser.add_argument("--study", required=True, help="study name, e.g. hyperparams")
  parser.add_argument("--profile", required=True, help="profile name, e.g. quick or cpu-full")
  parser.add_argument("--results_dir", default="results", help="where `make reproduce-<study>` wrote results")
  parser.add_argument("--dest", default=None, help="destination root (default: <checkout>/docs/results)")
  parser.add_argument("--with_records", action="store_true",
                      help="also copy the records a later run resumes from (a partial run of a long profile)")
  args = parser.parse_args(argv)
  try:
    target = publish(args.results_dir, args.study, args.profile, args.dest, with_records=args.with_records)
  except AdvTfError as e:
    print(f"error: {e}", file=sys.stderr)
    return 2
  print(f"published {args.study} {args.profile} -> {target}")
  return 0


if __name__ == "__main__":
  sys.exit(main())
