"""One index over every study's results: `results/index.md` and `results/index.html` (issue 15).

`make reproduce-all` runs every study's quick profile, then this module's `main`, which reads only files the
studies wrote under `<results_dir>/<study with _>/<profile>/`:

  * `claims.json` (`adv_tf.report.base.CLAIMS_FILE`): the study's `ClaimVerdict` rows and its report title;
  * `run_time.json` (`adv_tf.experiment.run_time`): wall and CPU time of the invocation, whether it resumed;
  * `report.md`: linked, and rendered to `report.html` beside it so the HTML index can link into sections;
  * `published.json` (reference results, `adv_tf.report.publish`) where present: a part-way publication
    (`"finished": false`, a long profile published before all its cells ran) has its verdicts labelled
    "part-way: <recorded> of <expected> cells", as they rest on the cells recorded so far.

The Markdown index holds one table with every claim across the five papers (paper, study, claim, statement,
verdict, evidence linked to the report section it comes from), one table of the studies (status, run time,
report links) and a count of verdicts. The HTML view is the same Markdown rendered by the `markdown` package,
which TensorBoard (a dependency) already installs. A study that did not run or wrote no `claims.json` is
"missing", not an error; studies named with `--failed` (their run exited non-zero) are "failed", and the
command then exits 1 after writing the index. The paper id of a study comes from the study itself
(`Study.paper`): this generic module never imports the studies, its caller passes them (`make reproduce-all`:
`main(studies=adv_tf.studies.STUDIES)`).
"""
from __future__ import annotations

import argparse
import collections
import dataclasses
import html
import json
import os
import pathlib
import re
import sys
from typing import Iterable, Mapping, Optional, Sequence

from adv_tf.experiment.run_time import FINISHED, RUN_TIME_FILE
from adv_tf.experiment.study import Study
from adv_tf.experiment.study import results_dir as study_results_dir
from adv_tf.report.base import CLAIMS_FILE, ClaimVerdict
from adv_tf.report.publish import PUBLISHED_FILE
from adv_tf.report.statistics import DECIDED
from adv_tf.report.tables import markdown_table
from adv_tf.utils.atomic import atomic_write_text

INDEX_MD = "index.md"
INDEX_HTML = "index.html"
REPORT_MD = "report.md"
REPORT_HTML = "report.html"

OK, FAILED, MISSING = "ok", "failed", "missing"


@dataclasses.dataclass
class StudyEntry:
  """What the index knows about one study's results folder.

  Attributes:
    study: the study's name (e.g. "hyperparams").
    folder: `<results_dir>/<study with _>/<profile>`.
    status: "ok", "failed" (its run exited non-zero) or "missing" (no run, or no claims.json).
    note: why a study is failed/missing, or what else is worth knowing (e.g. an unreadable file).
    title: the report's title (claims.json, else report.md's first heading; "" when neither exists).
    paper: the study's paper id (`Study.paper`, e.g. "002"), "?" for a study the caller did not pass.
    claims: the study's claims (empty unless status is "ok").
    run_time: the parsed run_time.json, or None.
    has_report: report.md exists.
    part_way: "" for a finished run; for a part-way publication "part-way: 10 of 12 cells" (its verdicts are
      shown with it).
  """
  study: str
  folder: pathlib.Path
  status: str
  note: str = ""
  title: str = ""
  paper: str = "?"
  claims: list = dataclasses.field(default_factory=list)
  run_time: Optional[dict] = None
  has_report: bool = False
  part_way: str = ""


def github_slug(heading: str) -> str:
  """The anchor GitHub (and `report.html` here) gives a Markdown heading: lower case, punctuation dropped,
  spaces to hyphens ("## Table 5 — impact" -> "table-5--impact")."""
  text = heading.strip().lstrip("#").strip().lower()
  return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _read_json(path: pathlib.Path) -> tuple[Optional[dict], str]:
  """(payload, problem): payload None with a one-line problem when the file is absent or unreadable."""
  try:
    payload = json.loads(path.read_text("utf-8"))
  except FileNotFoundError:
    return None, f"no {path.name}"
  except (OSError, ValueError) as e:
    return None, f"{path.name} unreadable ({type(e).__name__})"
  if not isinstance(payload, dict):
    return None, f"{path.name} is not a JSON object"
  return payload, ""


def _report_title(report: pathlib.Path) -> str:
  try:
    for line in report.read_text("utf-8").splitlines():
      if line.startswith("# "):
        return line[2:].strip()
  except OSError:
    pass
  return ""


def _claims(payload: dict) -> tuple[list[ClaimVerdict], str]:
  # The index shows no per-cell verdicts (a claims.json row's "cell_verdicts"): the reports do.
  fields = {f.name for f in dataclasses.fields(ClaimVerdict)} - {"cell_verdicts"}
  rows, bad = [], 0
  for item in payload.get("claims") or []:
    if isinstance(item, dict) and {"claim", "statement", "verdict"} <= set(item):
      row = {k: v if k == "sample" else str(v) for k, v in item.items() if k in fields}
      if "sample" in row and not _valid_sample(row["sample"]):
        del row["sample"]   # a malformed sample is left out, the row kept
      rows.append(ClaimVerdict(**row))
    else:
      bad += 1
  return rows, (f"{bad} malformed claim row(s) skipped" if bad else "")


def _valid_sample(sample) -> bool:
  """A claims.json row's `sample` as `ClaimResult.sample` writes it (else the index leaves it out)."""
  def count(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
  ranges = sample.get("ranges") if isinstance(sample, dict) else None
  return (isinstance(ranges, dict) and all(count(sample.get(k)) for k in ("cells", "measured", "testable"))
          and count(sample.get("exact", 0))
          and all(isinstance(k, str) and isinstance(v, list) and len(v) == 2 and all(map(count, v))
                  for k, v in ranges.items()))


def read_study(results_dir: pathlib.Path, study: str, profile: str, failed: bool = False,
               paper: str = "?") -> StudyEntry:
  """The index entry of one study's `<profile>` folder (never raises for absent or broken files)."""
  folder = study_results_dir(study, profile, root=os.fspath(results_dir))
  entry = StudyEntry(study=study, folder=folder, status=OK, has_report=(folder / REPORT_MD).is_file())
  entry.run_time, _ = _read_json(folder / RUN_TIME_FILE)
  entry.part_way = _part_way(folder)
  payload, problem = _read_json(folder / CLAIMS_FILE)
  entry.title = str((payload or {}).get("title") or "") or _report_title(folder / REPORT_MD)
  entry.paper = paper
  if failed:
    entry.status = FAILED
    entry.note = "its run exited non-zero" + ("; the linked report.md is from an earlier run" if entry.has_report
                                              else "")
  elif payload is None:
    entry.status = MISSING
    entry.note = "not run" if not folder.is_dir() else problem
  else:
    entry.claims, entry.note = _claims(payload)
    if not entry.claims:
      entry.status, entry.note = MISSING, "claims.json lists no claims"
    elif entry.part_way:
      entry.claims = [dataclasses.replace(c, verdict=f"{c.verdict} [{entry.part_way}]") for c in entry.claims]
      entry.note = "; ".join(filter(None, [entry.part_way, entry.note]))
  return entry


def _part_way(folder: pathlib.Path) -> str:
  """"part-way: 10 of 12 cells" when `published.json` marks a part-way publication ("part-way: 3 cells recorded,
  the grid of a stage not known yet" when it cannot count the grid), else ""."""
  published, _ = _read_json(folder / PUBLISHED_FILE)
  if not published or published.get("finished", True) is not False:
    return ""
  cells = published.get("cells")
  cells = cells if isinstance(cells, dict) else {}
  recorded, expected = cells.get("recorded"), cells.get("expected")
  if isinstance(recorded, int) and recorded == expected:
    return ""
  if isinstance(recorded, int) and isinstance(expected, int):
    return f"part-way: {recorded} of {expected} cells"
  if isinstance(recorded, int):
    return f"part-way: {recorded} cells recorded, the grid of a stage not known yet"
  return "part-way"


def discover_studies(results_dir: pathlib.Path, profile: str) -> list[str]:
  """Studies with a `<results_dir>/*/<profile>/config.json` (written by every run) or `published.json` (reference
  results under docs/results, `adv_tf.report.publish`), by name."""
  names = set()
  for name in ("config.json", "published.json"):
    for path in pathlib.Path(results_dir).glob(f"*/{profile}/{name}"):
      payload, _ = _read_json(path)
      if payload and isinstance(payload.get("study"), str):
        names.add(payload["study"])
  return sorted(names)


def collect(results_dir, names: Sequence[str] = (), profile: str = "quick", failed: Iterable[str] = (),
            studies: Sequence[Study] = ()) -> list[StudyEntry]:
  """Entries of the studies `names` (default: those found under results_dir and every study in `studies`) plus
  any failed one, sorted by paper then name; `studies` (e.g. `adv_tf.studies.STUDIES`) give the paper ids."""
  results_dir = pathlib.Path(results_dir)
  failed = set(failed)
  papers = {study.name: study.paper for study in studies}
  names = list(dict.fromkeys([*(names or [*discover_studies(results_dir, profile), *papers]), *sorted(failed)]))
  entries = [read_study(results_dir, name, profile, failed=name in failed, paper=papers.get(name, "?"))
             for name in names]
  return sorted(entries, key=lambda e: (e.paper == "?", e.paper, e.study))


# --------------------------------------------------------------------------------------------- Markdown


def _cell(text) -> str:
  """A Markdown table cell: one line, pipes escaped."""
  return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: Sequence[str], rows: Sequence[Sequence]) -> list[str]:
  return markdown_table(header, rows, cell=_cell).splitlines()


def format_duration(seconds) -> str:
  """42.1 s / 12 min 3 s / 2 h 5 min."""
  if not isinstance(seconds, (int, float)) or seconds != seconds or seconds < 0:
    return "?"
  if seconds < 60:
    return f"{seconds:.1f} s"
  minutes, secs = divmod(int(round(seconds)), 60)
  if minutes < 60:
    return f"{minutes} min {secs} s"
  hours, minutes = divmod(minutes, 60)
  return f"{hours} h {minutes} min"


def format_run_time(run_time: Optional[dict]) -> str:
  """"12 min 3 s wall, 20 min 5 s CPU (resumed: 4 records existed)" from a run_time.json payload."""
  if not run_time:
    return "not recorded"
  text = f"{format_duration(run_time.get('wall_seconds'))} wall, {format_duration(run_time.get('cpu_seconds'))} CPU"
  load = (run_time.get("load_average_1min") or {}).get("end")
  if isinstance(load, (int, float)):
    text += f", load {load:g}"
  if run_time.get("resumed"):
    text += f" (resumed: {run_time.get('records_before')} of {run_time.get('records_after')} records existed)"
  if run_time.get("outcome", FINISHED) != FINISHED:  # stopped by Ctrl-C or an error after recording cells
    text += f", stopped: {run_time['outcome']}"
  machine = format_machine(run_time.get("machine"))
  return f"{text}; {machine}" if machine else text


def format_machine(machine: Optional[dict]) -> str:
  """"on AMD EPYC, 2 cores, oneDNN on" from run_time.json's "machine" ("" when it names no CPU model: runs before
  2026-12-07). Quick times differ about 2x between the 2-core machines this suite has run on, and with TensorFlow's
  CPU kernels (`adv_tf.cpu_kernels`), so a time is read with its machine."""
  if not isinstance(machine, dict) or not machine.get("cpu_model"):
    return ""
  parts = [str(machine["cpu_model"])]
  if isinstance(machine.get("cpu_count"), int):
    parts.append(f"{machine['cpu_count']} cores")
  if isinstance(machine.get("onednn"), bool):
    parts.append(f"oneDNN {'on' if machine['onednn'] else 'off'}")
  return "on " + ", ".join(parts)


def _link(text: str, target: str) -> str:
  """A Markdown link whose text may hold brackets."""
  return "[" + text.replace("[", "\\[").replace("]", "\\]") + f"]({target})"


def _report_target(entry: StudyEntry, results_dir: pathlib.Path, section: str = "") -> str:
  target = (entry.folder / REPORT_MD).relative_to(results_dir).as_posix()
  return target + (f"#{github_slug(section)}" if section.strip() else "")


NOT_RUN = "not run in this profile"  # the studies' label for a claim a profile has no cells for
PARTIAL = ", partial"   # a verdict on part of what the claim names (`adv_tf.report.statistics.partial_label`)


def _agreement(groups: Mapping[str, str], part_way: bool, samples: Mapping[str, Mapping] | None = None) -> str:
  """Whether the profiles that published a claim agree, counting only those that judged it (`groups`: profile ->
  verdict group); where they disagree, what each verdict rests on (`samples`: profile -> the claim's
  `ClaimVerdict.sample`, where its claims.json recorded one)."""
  judged = [g for g in groups.values() if not g.startswith(NOT_RUN)]
  if len(groups) < 2 or not judged:
    return "—"
  if len(judged) < len(groups):
    return "— (not run in one profile)"
  if len({g.removesuffix(PARTIAL) for g in judged}) == 1:   # the same verdict, on all or on part of the claim
    notes = ([f"partial in {', '.join(p for p, g in groups.items() if g.endswith(PARTIAL))}"]
             if len(set(judged)) > 1 else []) + (["a part-way run"] if part_way else [])
    return f"yes ({'; '.join(notes)})" if notes else "yes"
  samples = samples or {}
  why = "; ".join(f"{p}: {_sample_text(samples[p]) if p in samples else 'not recorded (see its report)'}"
                  for p in groups) if samples else ""
  if part_way:
    part_way_text = "no: a part-way run, its verdict rests on the cells recorded so far"
    return f"{part_way_text} ({why})" if why else part_way_text
  return f"no; they rest on {why}" if why else "no: see the reports (sample size, cells not run in the smaller profile)"


def _number(v: float) -> str:
  return f"{int(v):,}" if float(v).is_integer() else f"{v:.4g}"


def _span(lo_hi) -> str:
  lo, hi = (_number(v) for v in lo_hi)
  return lo if lo == hi else f"{lo}-{hi}"


def _sample_text(sample: Mapping) -> str:
  """`ClaimVerdict.sample` in words, e.g. "10 of 12 cells measured, 9 testable, 90-100 images (smaller side),
  1-3 seeds per model"."""
  parts = [f"{_number(sample['measured'])} of {_number(sample['cells'])} cells measured, "
           f"{_number(sample['testable'])} testable"]
  for key, lo_hi in sample["ranges"].items():
    span = _span(lo_hi)
    if key == "reference seeds":
      parts.append(f"reference N = {span} seeds")
      continue
    noun, _, rest = key.partition(" ")   # "seeds per model", "images (smaller side)", "trend points"
    if key == "trend points":
      noun, rest = "points", "on the trend"
    noun = noun[:-1] if span == "1" and noun.endswith("s") else noun   # "1 seed per model"
    parts.append(f"{span} {noun} {rest}")
  if sample.get("exact"):
    parts.append(f"{_number(sample['exact'])} computed exactly")
  return ", ".join(parts)


def _verdict_group(verdict: str) -> str:
  """"holds, partial (tested against: x) [part-way: ...]" -> "holds, partial"; labels are counted by their first
  part."""
  return re.split(r"[(\[]", verdict)[0].strip() or "?"


def markdown_index(entries: Sequence[StudyEntry], results_dir, profile: str = "quick") -> str:
  """The index as Markdown (links relative to results_dir, where index.md lives)."""
  results_dir = pathlib.Path(results_dir)
  claims = [(e, c) for e in entries for c in e.claims]
  counts = collections.Counter(_verdict_group(c.verdict) for _, c in claims)
  status_counts = collections.Counter(e.status for e in entries)
  lines = [f"# Results index: every study's claims (profile `{profile}`)", "",
           f"{len(claims)} claims from {status_counts[OK]} of {len(entries)} studies"
           + (": " + ", ".join(f"{n} {label}" for label, n in counts.most_common()) if counts else "") + "."]
  if claims:
    lines[-1] += f" {_decided_text(_decided_counts([c for _, c in claims]))}."
  if status_counts[FAILED] or status_counts[MISSING]:
    lines[-1] += f" Failed: {status_counts[FAILED]}, missing: {status_counts[MISSING]} (see Studies)."
  lines += ["", "Verdicts are the studies' own labels (adv_tf.report.statistics); each evidence cell links to the "
            "report section it comes from.", "", "## Claims", ""]
  rows = []
  for entry in entries:
    if entry.status != OK:
      rows.append([entry.paper, entry.study, "—", "—", entry.status, entry.note])
      continue
    for claim in entry.claims:
      evidence = claim.evidence or "see report"
      rows.append([entry.paper, entry.study, claim.claim, claim.statement, claim.verdict,
                   _link(evidence, _report_target(entry, results_dir, claim.section))])
  lines += _table(["paper", "study", "claim", "statement", "verdict", "evidence"], rows)
  lines += ["", "## Studies", ""]
  rows = []
  for entry in entries:
    report = (_link("report.md", _report_target(entry, results_dir)) + " · " +
              _link("html", (entry.folder / REPORT_HTML).relative_to(results_dir).as_posix())
              if entry.has_report else "—")
    status = entry.status + (f": {entry.note}" if entry.note else "")
    started = (entry.run_time or {}).get("started_utc", "—")
    rows.append([entry.paper, entry.study, entry.title or "—", status, len(entry.claims),
                 format_run_time(entry.run_time), started, report])
  lines += _table(["paper", "study", "report title", "status", "claims", "run time", "started (UTC)", "report"], rows)
  timed = [e.run_time for e in entries if e.run_time]
  if timed:
    total = {key: sum(t.get(key) or 0 for t in timed) for key in ("wall_seconds", "cpu_seconds")}
    lines += ["", f"All {len(timed)} recorded runs together: {format_duration(total['wall_seconds'])} wall, "
              f"{format_duration(total['cpu_seconds'])} CPU."]
  lines += ["", "Run time: the last invocation of the study's run that computed cells (`run_time.json`; 'stopped: ...' "
            "when Ctrl-C, SIGTERM or an error ended it), wall and process CPU seconds; "
            "wall time depends on what else shared the machine (the 1-minute load average at the end is shown) and "
            "on the machine itself (its CPU model and TensorFlow's kernels, where run_time.json names them)."]
  return "\n".join(lines) + "\n"


THIS_MODEL = "this model: "   # a verdict on the models measured, not on the method (one seed)


def _decided_counts(claims: Sequence[ClaimVerdict]) -> dict[str, int]:
  """How many claims a profile decided (holds / does not hold / tie, on all or part of the claim), how many of
  those only on part of it, how many only for the one model measured ("this model: holds"), and how many it did
  not run."""
  groups = [_verdict_group(c.verdict) for c in claims]
  decided = [g for g in groups if g.removesuffix(PARTIAL) in DECIDED]
  return {"decided": len(decided), "partial": sum(g.endswith(PARTIAL) for g in decided),
          "this model": sum(g.removeprefix(THIS_MODEL).removesuffix(PARTIAL) in DECIDED
                            for g in groups if g.startswith(THIS_MODEL)),
          "not run": sum(g.startswith(NOT_RUN) for g in groups), "claims": len(claims)}


def _decided_text(counts: Mapping[str, int], part_way: str = "") -> str:
  """E.g. "6 of 12 decided (3 on part of the claim); 1 for this model only; 4 not run [part-way: 40 of 87 cells]"."""
  text = f"{counts['decided']} of {counts['claims']} decided"
  text += f" ({counts['partial']} on part of the claim)" if counts["partial"] else ""
  text += f"; {counts['this model']} for this model only" if counts["this model"] else ""
  text += f"; {counts['not run']} not run" if counts["not run"] else ""
  return text + (f" [{part_way}]" if part_way else "")


def markdown_decided(by_profile: dict[str, Sequence[StudyEntry]]) -> list[str]:
  """A "Decided claims" table: per study and profile, how many claims its published verdicts decide (issue 22:
  the count a researcher asks first), with a total row over the studies each profile published."""
  profiles = list(by_profile)
  studies: dict[tuple, dict] = {}
  totals = {p: collections.Counter() for p in profiles}
  for profile, entries in by_profile.items():
    for entry in entries:
      row = studies.setdefault((entry.paper, entry.study), {})
      if entry.status != OK:
        row[profile] = "not published" if entry.status == MISSING else entry.status
        continue
      counts = _decided_counts(entry.claims)
      row[profile] = _decided_text(counts, entry.part_way)
      totals[profile].update(counts)
      totals[profile]["studies"] += 1
  rows = [[paper, study, *(row.get(p, "not published") for p in profiles)]
          for (paper, study), row in sorted(studies.items())]
  def total(p: str) -> str:
    n = totals[p]["studies"]
    return f"{_decided_text(totals[p])} ({n} {'study' if n == 1 else 'studies'})" if n else "not published"
  rows.append(["", "all", *(total(p) for p in profiles)])
  return (["", "## Decided claims", "", "Per study and profile: claims whose verdict is holds, does not hold or tie "
           "(on all of the claim or, \"partial\", on the part a profile tested); \"for this model only\": decided "
           "for the one seed measured, not for the method; \"not run\": no cell of the claim in that profile. A "
           "part-way run's counts rest on the cells recorded so far. A sub-claim (an id with a suffix: a control such "
           "as C4-same, a part such as B1-part2, a second reading such as D4-ratio or C2-6.3) counts as a claim of "
           "its own.", ""]
          + _table(["paper", "study", *profiles], rows))


def _compute_text(compute: Optional[dict], key: str, with_key: str) -> str:
  """"2 h 5 min (12 of 15 records)" for one of published.json's "compute" sums; "not recorded" without it."""
  if not isinstance(compute, dict) or not compute.get(with_key, 1) or not isinstance(compute.get(key), (int, float)):
    return "not recorded"
  text = format_duration(compute[key])
  part, total = compute.get(with_key), compute.get("records")
  return text + (f" ({part} of {total} records)" if with_key != "records" and part != total else "")


def markdown_reference_runs(by_profile: dict[str, Sequence[StudyEntry]]) -> list[str]:
  """A "Reference runs" table (issue 22 item 2): per published study and profile, the cells recorded of its grid,
  what computing them took summed from the records over every sitting (published.json "compute", written since
  2026-12-07: cell time, CPU time and sittings where the records name them), the commits it ran at and when it was
  published. Nothing when no profile has a published.json."""
  rows = []
  for profile, entries in by_profile.items():
    for entry in entries:
      published, _ = _read_json(entry.folder / PUBLISHED_FILE)
      if not published:
        continue
      cells = published.get("cells") if isinstance(published.get("cells"), dict) else {}
      recorded, expected = cells.get("recorded"), cells.get("expected")
      grid = (f"{recorded} of {expected}" if isinstance(recorded, int) and isinstance(expected, int) else
              f"{recorded}" if isinstance(recorded, int) else "not recorded")
      if published.get("finished") is False and isinstance(recorded, int):
        grid += " (part-way)"
      compute = published.get("compute")
      sittings = (f"{compute['sittings']} ({compute['records_with_sitting']} of {compute['records']} records name "
                  "theirs)" if isinstance(compute, dict) and compute.get("records_with_sitting") else "not recorded")
      if isinstance(compute, dict) and compute.get("records") and \
          compute.get("records_with_sitting") == compute.get("records"):
        sittings = str(compute.get("sittings", "not recorded"))
      commits = published.get("record_commits")
      rows.append([entry.paper, entry.study, profile, grid, _compute_text(compute, "wall_seconds", "records"),
                   _compute_text(compute, "cpu_seconds", "records_with_cpu"), sittings,
                   len(commits) if isinstance(commits, list) else "not recorded",
                   str(published.get("published_utc") or "—")[:10]])
  if not rows:
    return []
  return (["", "## Reference runs", "", "Each published run in `docs/results/`: the cells of its grid recorded, and "
           "what computing them took, summed from the records over every sitting of a resumed run (cell time: the "
           "records' wall seconds, summed over cells, so shards that ran in parallel add up: not elapsed time; CPU: "
           "their process CPU seconds, recorded since 2026-12-07; sittings: the processes that computed them, named "
           "since 2026-12-07; commits: those the records were computed at, a lower bound on the sittings). Start-up, "
           "data loading and reports are not in these sums, and a cell that reused a cached model counts only its own "
           "time. Machines differ (each report and published.json names its own).", ""]
          + _table(["paper", "study", "profile", "cells", "cell time", "CPU", "sittings", "commits", "published"],
                   sorted(rows, key=lambda r: (r[0], r[1], r[2]))))


def markdown_side_by_side(by_profile: dict[str, Sequence[StudyEntry]], results_dir) -> list[str]:
  """A "Claims by profile" section: one row per claim, one verdict column per profile (e.g. quick and
  cpu-full), each linked to its report, and whether the profiles agree (by the verdict's first part)."""
  results_dir = pathlib.Path(results_dir)
  profiles = list(by_profile)
  rows: dict[tuple, dict] = {}
  published = {profile: {entry.study for entry in entries if entry.claims} for profile, entries in by_profile.items()}
  for profile, entries in by_profile.items():
    for entry in entries:
      for claim in entry.claims:
        row = rows.setdefault((entry.paper, entry.study, claim.claim), {"statement": claim.statement})
        row.setdefault("statements", {})[profile] = claim.statement
        row[profile] = _link(claim.verdict, _report_target(entry, results_dir, claim.section))
        row.setdefault("groups", {})[profile] = _verdict_group(claim.verdict)
        if claim.sample:
          row.setdefault("samples", {})[profile] = claim.sample
  table = []
  for (paper, study, claim), row in sorted(rows.items()):
    part_way = any("[part-way" in str(row.get(p, "")) for p in row["groups"])
    agree = _agreement(row["groups"], part_way, row.get("samples"))
    if len(set(row["statements"].values())) > 1:
      # a statement built from the profile's settings (e.g. "the first 6 of the paper's 100 CW images"), or one
      # published before the claim was redefined (re-judge it from its records): either way, say what each judged
      agree += " (the statements differ: " + "; ".join(f"{p}: {text}" for p, text in row["statements"].items()) + ")"
    cells = [row.get(p) or ("not in its claims.json (judged before the claim existed)" if study in published[p]
                            else "not published") for p in profiles]
    table.append([paper, study, claim, row["statement"], *cells, agree])
  return (["", "## Claims by profile", "", "Each verdict links to its profile's report. Where the profiles disagree, "
           "\"agree\" says what each verdict rests on (the claim's cells measured and testable, the smaller side's "
           "sample, the reference's seeds), as each profile's claims.json records it (since 2026-12-06; an older one "
           "reads \"not recorded\", and where none records it the reports say it in their evidence).", ""]
          + _table(["paper", "study", "claim", "statement", *profiles, "agree"], table))


# ------------------------------------------------------------------------------------------------- HTML

_STYLE = ("body{font-family:sans-serif;margin:2em;max-width:110em}table{border-collapse:collapse;margin:1em 0}"
          "th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}th{background:#f4f4f4}"
          "img{max-width:100%}code{background:#f4f4f4}")


def markdown_to_html(text: str, title: str) -> str:
  """A standalone HTML page of Markdown text (tables, fenced code, GitHub-style heading anchors)."""
  import markdown  # pylint: disable=import-outside-toplevel  (installed with tensorboard)
  body = markdown.markdown(text, extensions=["tables", "fenced_code", "toc"],
                           extension_configs={"toc": {"slugify": lambda value, separator: github_slug(value)}})
  return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
          f"<style>{_STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")


def _html_links(text: str) -> str:
  """The index's Markdown with links into report.md pointing at report.html instead (same anchors)."""
  return re.sub(r"\]\(([^)#\s]*)/report\.md(#[^)\s]*)?\)", r"](\1/report.html\2)", text)


def render_report_html(folder: pathlib.Path) -> Optional[pathlib.Path]:
  """`report.html` beside `report.md` (figures keep their relative links), or None without a report."""
  report = folder / REPORT_MD
  if not report.is_file():
    return None
  text = report.read_text("utf-8")
  return atomic_write_text(folder / REPORT_HTML, markdown_to_html(text, _report_title(report) or folder.name))


def write_index(results_dir, names: Sequence[str] = (), profile: str = "quick", failed: Iterable[str] = (),
                studies: Sequence[Study] = (), compare: Sequence[str] = ()
                ) -> tuple[pathlib.Path, pathlib.Path, list[StudyEntry]]:
  """Writes `<results_dir>/index.md`, `index.html` and every present study's `report.html` (see `collect`); with
  `compare` (other profiles, e.g. ["cpu-full"]), also the claims side by side across `profile` and those."""
  results_dir = pathlib.Path(results_dir)
  results_dir.mkdir(parents=True, exist_ok=True)
  entries = collect(results_dir, names, profile, failed, studies)
  for entry in entries:
    render_report_html(entry.folder)
  text = markdown_index(entries, results_dir, profile)
  if compare:
    by_profile = {profile: entries}
    for other in compare:
      by_profile[other] = collect(results_dir, names, other, (), studies)
      for entry in by_profile[other]:
        render_report_html(entry.folder)
    text += "\n".join(markdown_decided(by_profile) + markdown_reference_runs(by_profile)
                      + markdown_side_by_side(by_profile, results_dir)) + "\n"
  md_path = atomic_write_text(results_dir / INDEX_MD, text)
  html_path = atomic_write_text(results_dir / INDEX_HTML, markdown_to_html(_html_links(text), "Results index"))
  return md_path, html_path, entries


def _names(values: Optional[Sequence[str]]) -> list[str]:
  """Names from flags that may hold several space- or comma-separated names each."""
  return [name for value in values or () for name in re.split(r"[\s,]+", value) if name]


def main(argv: Optional[Sequence[str]] = None, studies: Sequence[Study] = ()) -> int:
  """`--results_dir=results --profile=quick --studies="a b" --failed_file=F`; `studies`: the `Study` objects
  that give the paper ids (`make reproduce-all` passes `adv_tf.studies.STUDIES`)."""
  parser = argparse.ArgumentParser(prog="python -m adv_tf.report.index", description=__doc__.splitlines()[0])
  parser.add_argument("--results_dir", default="results", help="Folder holding <study>/<profile>/ (default: results).")
  parser.add_argument("--profile", default="quick", help="Profile whose folders are indexed (default: quick).")
  parser.add_argument("--studies", action="append", help="Studies to list, also when missing (default: every "
                      "study with a config.json under results_dir). Space- or comma-separated; repeatable.")
  parser.add_argument("--failed", action="append", help="Studies whose run failed (space/comma-separated).")
  parser.add_argument("--failed_file", help="A file with one failed study per line (absent: none failed).")
  parser.add_argument("--compare", action="append", help="Other profiles to show side by side with --profile, "
                      "claim by claim (e.g. cpu-full). Space- or comma-separated; repeatable.")
  args = parser.parse_args(argv)
  failed = _names(args.failed)
  if args.failed_file and pathlib.Path(args.failed_file).is_file():
    failed += _names(pathlib.Path(args.failed_file).read_text("utf-8").splitlines())
  md_path, html_path, entries = write_index(args.results_dir, _names(args.studies), args.profile, failed, studies,
                                            _names(args.compare))
  print(f"index: {md_path} and {html_path} ({sum(len(e.claims) for e in entries)} claims, {len(entries)} studies)")
  bad = [e.study for e in entries if e.status == FAILED]
  if bad:
    print(f"error: study runs failed: {', '.join(bad)} (listed as failed in the index)", file=sys.stderr)
    return 1
  return 0


if __name__ == "__main__":
  sys.exit(main())
