"""The cross-study index (results/index.md + index.html) on fake claims/run_time files, and `make reproduce-all`
run dry (issue 15)."""
from __future__ import annotations

import dataclasses
import html.parser
import json
import pathlib
import shutil
import subprocess
import types

import pytest

from adv_tf.report import index
from adv_tf.report.base import ClaimVerdict

REPO = pathlib.Path(__file__).resolve().parents[2]


def _study(root: pathlib.Path, folder: str, title: str, claims, *, run_time=None, report=None,
           study: str = "") -> pathlib.Path:
  out = root / folder / "quick"
  out.mkdir(parents=True)
  (out / "config.json").write_text(json.dumps({"study": study or folder.replace("_", "-")}))
  if claims is not None:
    (out / "claims.json").write_text(json.dumps({"title": title, "claims": [dataclasses.asdict(c) for c in claims]}))
  if run_time is not None:
    (out / "run_time.json").write_text(json.dumps(run_time))
  (out / "report.md").write_text(report or f"# {title}\n\n## Verdicts\n\ntext\n")
  return out


HYPER = [ClaimVerdict("§6.1 activation", "ReLU is more robust than sigmoid | tanh", "holds",
                      "mean 1.91 vs 1.55 [t = 4.2]", "Table 5 — impact (`quick`)"),
         ClaimVerdict("§6.2 optimizer", "SGD beats Adam", "partial (tested against: adam)", "1.2 vs 1.1", "")]
SIZE = [ClaimVerdict("C1", "More data, higher accuracy", "does not hold", "0.91 vs 0.93", "Verdicts")]


# The studies the index is told about (make reproduce-all passes adv_tf.studies.STUDIES): they give paper ids.
KNOWN = [types.SimpleNamespace(name=name, paper=paper) for name, paper in
         (("minimal-dataset", "001"), ("hyperparams", "002"), ("training-size", "004"))]


@pytest.fixture
def results(tmp_path):
  _study(tmp_path, "hyperparams", "Paper 002 reproduction: hyperparameters", HYPER,
         run_time={"wall_seconds": 725.4, "cpu_seconds": 1300.0, "resumed": True, "records_before": 4,
                   "records_after": 18, "started_utc": "2026-12-01T05:00:00+00:00",
                   "load_average_1min": {"start": 1.0, "end": 2.5}},
         report="# Paper 002 reproduction: hyperparameters\n\n## Table 5 — impact (`quick`)\n\nx\n")
  _study(tmp_path, "training_size", "Paper 004: training-set size", SIZE, run_time={"wall_seconds": 42.0,
                                                                                      "cpu_seconds": 80.0})
  _study(tmp_path, "minimal_dataset", "Paper 001 reproduction: minimal dataset", None)  # report but no claims.json
  return tmp_path


class _Table(html.parser.HTMLParser):
  """Rows of the first <table> after a heading, as lists of cell texts and hrefs."""

  def __init__(self):
    super().__init__()
    self.tables, self.hrefs, self._row, self._cell = [], [], None, None

  def handle_starttag(self, tag, attrs):
    if tag == "table":
      self.tables.append([])
    elif tag == "tr":
      self._row = []
    elif tag in ("td", "th"):
      self._cell = ""
    elif tag == "a":
      self.hrefs.append(dict(attrs).get("href"))

  def handle_endtag(self, tag):
    if tag in ("td", "th"):
      self._row.append(self._cell.strip())
      self._cell = None
    elif tag == "tr":
      self.tables[-1].append(self._row)

  def handle_data(self, data):
    if self._cell is not None:
      self._cell += data


def test_every_claim_is_one_row_linked_to_its_report_section(results):
  md_path, html_path, entries = index.write_index(results, ["hyperparams", "training-size", "minimal-dataset",
                                                            "never-run-test"], studies=KNOWN)
  text = md_path.read_text()
  assert "| 002 | hyperparams | §6.1 activation | ReLU is more robust than sigmoid \\| tanh | holds |" in text
  assert "(hyperparams/quick/report.md#table-5--impact-quick)" in text
  assert "[1.2 vs 1.1](hyperparams/quick/report.md)" in text  # no section: the report itself
  assert "| 004 | training-size | C1 | More data, higher accuracy | does not hold |" in text
  assert "[mean 1.91 vs 1.55 \\[t = 4.2\\]]" in text
  assert "| 001 | minimal-dataset | — | — | missing | no claims.json |" in text
  assert "| ? | never-run-test | — | — | missing | not run |" in text
  assert "3 claims from 2 of 4 studies: 1 holds, 1 partial, 1 does not hold." in text
  # Sorted by paper; the studies table has run times and report links.
  assert [e.study for e in entries] == ["minimal-dataset", "hyperparams", "training-size", "never-run-test"]
  assert "12 min 5 s wall, 21 min 40 s CPU, load 2.5 (resumed: 4 of 18 records existed)" in text
  assert "42.0 s wall, 1 min 20 s CPU" in text
  assert "All 2 recorded runs together: 12 min 47 s wall, 23 min 0 s CPU." in text
  assert "[report.md](training_size/quick/report.md) · [html](training_size/quick/report.html)" in text

  page = _Table()
  page.feed(html_path.read_text())
  claims, studies = page.tables
  assert claims[0] == ["paper", "study", "claim", "statement", "verdict", "evidence"]
  assert len(claims) == 1 + 3 + 2 and all(len(row) == 6 for row in claims)  # the escaped pipe stays in its cell
  assert claims[2][3] == "ReLU is more robust than sigmoid | tanh"  # row 1: paper 001 (missing)
  assert len(studies) == 1 + 4
  # The HTML view links to report.html, whose headings carry the same anchors.
  assert "hyperparams/quick/report.html#table-5--impact-quick" in page.hrefs
  report_html = (results / "hyperparams" / "quick" / "report.html").read_text()
  assert 'id="table-5--impact-quick"' in report_html


def test_a_failed_study_is_listed_and_the_command_exits_non_zero(results, capsys):
  failed = results / "failed.txt"
  failed.write_text("training-size\n")
  assert index.main([f"--results_dir={results}", "--studies=hyperparams training-size",
                     f"--failed_file={failed}"], studies=KNOWN) == 1
  assert "training-size" in capsys.readouterr().err
  text = (results / "index.md").read_text()
  assert "| 004 | training-size | — | — | failed | its run exited non-zero; the linked report.md is from an " \
         "earlier run |" in text
  assert "More data" not in text  # an earlier run's claims are not shown as this run's
  assert index.main([f"--results_dir={results}", "--studies=hyperparams,training-size",
                     f"--failed_file={results / 'absent.txt'}"]) == 0


def test_the_paper_id_comes_from_the_study_never_from_a_title(tmp_path):
  _study(tmp_path, "titled_test", "Paper 007 reproduction: a title naming a paper", [SIZE[0]])
  entries = index.collect(tmp_path, ["titled-test", "known-test"],
                          studies=[types.SimpleNamespace(name="known-test", paper="009")])
  assert [(e.study, e.paper, e.status) for e in entries] == [("known-test", "009", "missing"),
                                                              ("titled-test", "?", "ok")]


def test_without_a_study_list_the_folders_with_a_config_are_indexed(results):
  names = [e.study for e in index.collect(results)]
  assert {"hyperparams", "training-size", "minimal-dataset"} <= set(names)
  names = [e.study for e in index.collect(results, studies=[*KNOWN, types.SimpleNamespace(name="new", paper="9")])]
  assert {"hyperparams", "training-size", "minimal-dataset", "new"} == set(names)  # plus every known study


def test_broken_files_make_a_missing_study_not_an_error(tmp_path):
  out = _study(tmp_path, "hyperparams", "t", None)
  (out / "claims.json").write_text("{not json")
  (out / "run_time.json").write_text("[1, 2]")
  entry = index.read_study(tmp_path, "hyperparams", "quick")
  assert entry.status == "missing" and "claims.json unreadable" in entry.note and entry.run_time is None
  (out / "claims.json").write_text(json.dumps({"title": "Paper 002 x", "claims": [{"claim": "A"}, "junk"]}))
  entry = index.read_study(tmp_path, "hyperparams", "quick", paper="002")
  assert entry.status == "missing" and entry.paper == "002"


@pytest.mark.parametrize("heading,slug", [
    ("Verdicts (C1-C12)", "verdicts-c1-c12"),
    ("## Section 2: linear regression", "section-2-linear-regression"),
    ("Table 5 — impact (`quick`)", "table-5--impact-quick"),
    ("snake_case & Ünïcode", "snake_case--ünïcode"),
])
def test_github_slug(heading, slug):
  assert index.github_slug(heading) == slug


def test_durations():
  assert index.format_duration(42.06) == "42.1 s"
  assert index.format_duration(3 * 3600 + 125) == "3 h 2 min"
  assert index.format_duration(None) == "?"
  assert index.format_run_time(None) == "not recorded"


def test_run_time_names_the_machine_when_the_run_recorded_it():
  run = {"wall_seconds": 600.0, "cpu_seconds": 900.0, "load_average_1min": {"end": 2.0},
         "machine": {"cpu_model": "AMD EPYC", "cpu_count": 2, "onednn": True}}
  assert index.format_run_time(run) == "10 min 0 s wall, 15 min 0 s CPU, load 2; on AMD EPYC, 2 cores, oneDNN on"
  assert index.format_machine({"cpu_model": "Xeon", "onednn": False}) == "on Xeon, oneDNN off"
  older = dict(run, machine={"host": "vm", "cpu_count": 2})   # written before cpu_model was recorded
  assert index.format_run_time(older) == "10 min 0 s wall, 15 min 0 s CPU, load 2"
  stopped = dict(older, outcome="interrupted", resumed=True, records_before=3, records_after=4)
  assert index.format_run_time(stopped) == ("10 min 0 s wall, 15 min 0 s CPU, load 2 (resumed: 3 of 4 records "
                                            "existed), stopped: interrupted")


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_reproduce_all_runs_every_study_then_the_index(tmp_path):
  out = tmp_path / "results"
  listing = subprocess.run(["make", "-n", "reproduce-all", f"OUTPUT_DIR={out}", "RAW_DIR=/raw"], cwd=REPO,
                           capture_output=True, text=True, timeout=120, check=True).stdout
  studies = sorted(p.stem.replace("_", "-") for p in (REPO / "experiments").glob("*.py")
                   if p.stem not in ("__init__", "evaluate"))  # evaluate.py: adv-tf-evaluate, not a study
  assert len(studies) >= 5
  lines = listing.splitlines()
  runs = [i for i, line in enumerate(lines) if " -m experiments." in line]
  assert [lines[i].split(" -m experiments.")[1].split()[0] for i in runs] == [s.replace("-", "_") for s in studies]
  for study in studies:  # each failure is recorded, and the next study still runs
    assert f"reproduce-{study} PROFILE=quick || echo {study} >> \"{out}/reproduce-all-failed.txt\"" in listing
  last = max(i for i, line in enumerate(lines) if "adv_tf.report.index" in line)
  assert last > max(runs) and "--studies=\"" + " ".join(studies) + "\"" in listing
  assert "--dataset=\"mnist fashion_mnist\"" in listing  # one import of both datasets
  assert not out.exists()  # a dry run writes nothing


def test_published_profiles_are_shown_side_by_side_claim_by_claim(tmp_path):
  """docs/results holds published.json instead of config.json; quick and cpu-full verdicts per claim, linked."""
  for profile, verdict in (("quick", "inconclusive"), ("cpu-full", "does not hold")):
    out = tmp_path / "training_size" / profile
    out.mkdir(parents=True)
    (out / "published.json").write_text(json.dumps({"study": "training-size", "profile": profile}))
    claim = dataclasses.replace(SIZE[0], verdict=verdict)
    (out / "claims.json").write_text(json.dumps({"title": "Paper 004: size", "claims": [dataclasses.asdict(claim)]}))
    (out / "report.md").write_text("# Paper 004: size\n\n## Verdicts\n")
  paper_004 = types.SimpleNamespace(name="training-size", paper="004")
  assert index.main([f"--results_dir={tmp_path}", "--profile=quick", "--compare=cpu-full"], studies=[paper_004]) == 0
  text = (tmp_path / "index.md").read_text()
  side = text[text.index("## Claims by profile"):]
  row = next(line for line in side.splitlines() if line.startswith("| 004 | training-size | C1 |"))
  assert "[inconclusive](training_size/quick/report.md#verdicts)" in row
  assert "[does not hold](training_size/cpu-full/report.md#verdicts)" in row
  assert row.rstrip(" |").endswith("cells not run in the smaller profile)")


def test_a_part_way_publication_labels_its_verdicts_with_the_cells_they_rest_on(tmp_path):
  """published.json "finished": false (a long profile published part-way, adv_tf.report.publish): every verdict
  says how many of the grid's cells it rests on; the counts group it with the finished label."""
  for profile, published in (("quick", {}), ("cpu-full", {"finished": False, "cells": {"recorded": 8,
                                                                                          "expected": 12}})):
    out = tmp_path / "training_size" / profile
    out.mkdir(parents=True)
    (out / "published.json").write_text(json.dumps({"study": "training-size", "profile": profile, **published}))
    (out / "claims.json").write_text(json.dumps({"title": "Paper 004: size", "claims": [dataclasses.asdict(SIZE[0])]}))
    (out / "report.md").write_text("# Paper 004: size\n\n## Verdicts\n")
  paper_004 = types.SimpleNamespace(name="training-size", paper="004")
  assert index.main([f"--results_dir={tmp_path}", "--profile=cpu-full"], studies=[paper_004]) == 0
  text = (tmp_path / "index.md").read_text()
  assert "1 claims from 1 of 1 studies: 1 does not hold." in text
  assert "| does not hold [part-way: 8 of 12 cells] |" in text
  assert "| ok: part-way: 8 of 12 cells |" in text
  assert index.main([f"--results_dir={tmp_path}", "--profile=quick", "--compare=cpu-full"], studies=[paper_004]) == 0
  side = (tmp_path / "index.md").read_text().split("## Claims by profile")[1]
  row = next(line for line in side.splitlines() if line.startswith("| 004 | training-size | C1 |"))
  assert "[does not hold \\[part-way: 8 of 12 cells\\]](training_size/cpu-full/report.md#verdicts)" in row
  assert row.rstrip(" |").endswith("| yes (a part-way run)")


@pytest.mark.parametrize("quick, full, agree", [
    ("not run in this profile", "holds", "— (not run in one profile)"),
    ("not run in this profile", "not run in this profile", "—"),
    ("holds", "does not hold", "no: a part-way run, its verdict rests on the cells recorded so far"),
])
def test_agreement_counts_only_profiles_that_judged_the_claim(tmp_path, quick, full, agree):
  for profile, verdict, published in (("quick", quick, {}), ("cpu-full", full, {"finished": False, "cells": {
      "recorded": 8, "expected": 12}})):
    out = tmp_path / "training_size" / profile
    out.mkdir(parents=True)
    (out / "published.json").write_text(json.dumps({"study": "training-size", "profile": profile, **published}))
    claim = dataclasses.replace(SIZE[0], verdict=verdict)
    (out / "claims.json").write_text(json.dumps({"title": "Paper 004: size", "claims": [dataclasses.asdict(claim)]}))
    (out / "report.md").write_text("# Paper 004: size\n\n## Verdicts\n")
  paper_004 = types.SimpleNamespace(name="training-size", paper="004")
  assert index.main([f"--results_dir={tmp_path}", "--profile=quick", "--compare=cpu-full"], studies=[paper_004]) == 0
  side = (tmp_path / "index.md").read_text().split("## Claims by profile")[1]
  row = next(line for line in side.splitlines() if line.startswith("| 004 | training-size | C1 |"))
  assert row.rstrip(" |").endswith("| " + agree)


def _write_profiles(tmp_path, rows: dict, published: dict | None = None) -> str:
  """claims.json per profile (`rows`: profile -> claim rows) -> the "Claims by profile" section over them."""
  for profile, claims in rows.items():
    out = tmp_path / "training_size" / profile
    out.mkdir(parents=True)
    if published and profile in published:
      (out / "published.json").write_text(json.dumps({"study": "training-size", "profile": profile,
                                                      **published[profile]}))
    (out / "claims.json").write_text(json.dumps({"title": "Paper 004: size", "claims": claims}))
    (out / "report.md").write_text("# Paper 004: size\n\n## Verdicts\n")
  paper_004 = types.SimpleNamespace(name="training-size", paper="004")
  others = ",".join(p for p in rows if p != "quick")
  assert index.main([f"--results_dir={tmp_path}", "--profile=quick", f"--compare={others}"], studies=[paper_004]) == 0
  return (tmp_path / "index.md").read_text().split("## Claims by profile")[1]


def _agree(side: str, claim: str) -> str:
  row = next(line for line in side.splitlines() if line.startswith(f"| 004 | training-size | {claim} |"))
  return row.rstrip(" |").rsplit("| ", 1)[1]


QUICK_SAMPLE = {"cells": 10, "measured": 2, "testable": 2, "ranges": {"seeds (smaller side)": [1, 1],
                                                                     "reference seeds": [10, 10]}}
FULL_SAMPLE = {"cells": 10, "measured": 10, "testable": 9, "ranges": {"images (smaller side)": [90, 1000],
                                                                      "seeds per model": [1, 3]}, "exact": 1}


def _row(claim: str, verdict: str, sample=None) -> dict:
  row = dataclasses.asdict(dataclasses.replace(SIZE[0], claim=claim, verdict=verdict))
  if sample is None:
    del row["sample"]   # a claims.json written before samples existed
  else:
    row["sample"] = sample
  return row


def test_where_finished_profiles_disagree_agree_says_what_each_verdict_rests_on(tmp_path):
  bad_ranges = dict(FULL_SAMPLE, ranges={"images (smaller side)": [90]})
  bad_exact = dict(FULL_SAMPLE, exact="two")
  side = _write_profiles(tmp_path, {
      "quick": [_row("C1", "inconclusive", QUICK_SAMPLE), _row("C2", "inconclusive", QUICK_SAMPLE),
                _row("C3", "inconclusive"), _row("C4", "holds", QUICK_SAMPLE),
                _row("C5", "inconclusive", QUICK_SAMPLE)],
      "cpu-full": [_row("C1", "holds", FULL_SAMPLE), _row("C2", "holds", bad_ranges), _row("C3", "holds"),
                   _row("C4", "holds", FULL_SAMPLE), _row("C5", "holds", bad_exact)]})
  assert _agree(side, "C1") == (
      "no; they rest on quick: 2 of 10 cells measured, 2 testable, 1 seed (smaller side), reference N = 10 seeds; "
      "cpu-full: 10 of 10 cells measured, 9 testable, 90-1,000 images (smaller side), 1-3 seeds per model, "
      "1 computed exactly")
  # A malformed sample (here its ranges) is left out, never an error; that profile says where to look.
  for claim in ("C2", "C5"):   # bad ranges; a bad count of exact cells
    assert _agree(side, claim) == ("no; they rest on quick: 2 of 10 cells measured, 2 testable, 1 seed (smaller "
                                   "side), reference N = 10 seeds; cpu-full: not recorded (see its report)")
  # Neither profile recorded one (claims.json written before 2026-12-06): the reports say it.
  assert _agree(side, "C3") == "no: see the reports (sample size, cells not run in the smaller profile)"
  assert _agree(side, "C4") == "yes"


def test_the_same_verdict_on_part_of_a_claim_agrees_and_says_where_it_was_partial(tmp_path):
  side = _write_profiles(tmp_path, {"quick": [_row("C1", "holds, partial (tested against: 0.0, 0.5)", QUICK_SAMPLE),
                                              _row("C2", "does not hold, partial (tested against: x)", QUICK_SAMPLE)],
                                    "cpu-full": [_row("C1", "holds", FULL_SAMPLE), _row("C2", "holds", FULL_SAMPLE)]},
                         {"cpu-full": {"finished": False, "cells": {"recorded": 8, "expected": 12}}})
  assert _agree(side, "C1") == "yes (partial in quick; a part-way run)"
  assert _agree(side, "C2").startswith("no: a part-way run")


def test_a_part_way_disagreement_says_what_each_verdict_rests_on_so_far(tmp_path):
  side = _write_profiles(tmp_path, {"quick": [_row("C1", "inconclusive", QUICK_SAMPLE)],
                                    "cpu-full": [_row("C1", "holds", FULL_SAMPLE)]},
                         {"cpu-full": {"finished": False, "cells": {"recorded": 8, "expected": 12}}})
  assert _agree(side, "C1").startswith("no: a part-way run, its verdict rests on the cells recorded so far (quick: 2 "
                                       "of 10 cells measured")
  assert _agree(side, "C1").endswith("1 computed exactly)")


def test_reference_runs_say_what_each_published_run_took_over_its_sittings(tmp_path):
  compute = {"records": 15, "wall_seconds": 7200.0, "cpu_seconds": 5400.0, "records_with_cpu": 3, "sittings": 2,
             "records_with_sitting": 3}
  _write_profiles(tmp_path, {"quick": [_row("C1", "holds")], "cpu-full": [_row("C1", "holds")]},
                  {"cpu-full": {"finished": False, "cells": {"recorded": 15, "expected": 30}, "compute": compute,
                                "record_commits": ["a", "b", "c"], "published_utc": "2026-12-07T08:00:00+00:00"},
                   "quick": {"finished": True, "record_commits": ["a"],
                             "published_utc": "2026-12-05T08:00:00+00:00"}})
  table = (tmp_path / "index.md").read_text().split("## Reference runs")[1].split("## Claims by profile")[0]
  assert ("| 004 | training-size | cpu-full | 15 of 30 (part-way) | 2 h 0 min | 1 h 30 min (3 of 15 records) | "
          "2 (3 of 15 records name theirs) | 3 | 2026-12-07 |") in table
  # published before published.json counted cells and summed the records' times
  assert ("| 004 | training-size | quick | not recorded | not recorded | not recorded | not recorded | 1 | "
          "2026-12-05 |") in table


def test_decided_claims_are_counted_per_study_and_profile(tmp_path):
  """Decided = holds / does not hold / tie, on all or part of a claim; "this model: holds" (one seed) and
  "inconclusive" are not; a profile that did not publish a study says so; the total counts published studies."""
  rows = {"quick": [_row("C1", "holds, partial (tested against: x)"), _row("C2", "inconclusive"),
                    _row("C3", "this model: holds"), _row("C4", "not run in this profile"),
                    _row("C5", "tie")],
          "cpu-full": [_row("C1", "holds"), _row("C2", "does not hold"), _row("C3", "this model: inconclusive"),
                       _row("C4", "inconclusive, partial (tested against: y)"), _row("C5", "tie")]}
  _write_profiles(tmp_path, rows, {"cpu-full": {"finished": False, "cells": {"recorded": 8, "expected": 12}}})
  text = (tmp_path / "index.md").read_text()
  assert ". 2 of 5 decided (1 on part of the claim); 1 for this model only; 1 not run." in text
  table = text.split("## Decided claims")[1].split("## Claims by profile")[0]
  assert ("| 004 | training-size | 2 of 5 decided (1 on part of the claim); 1 for this model only; 1 not run | "
          "3 of 5 decided [part-way: 8 of 12 cells] |") in table
  assert "|  | all | 2 of 5 decided (1 on part of the claim); 1 for this model only; 1 not run (1 study) | " in table
  # A study the other profile never published.
  paper_001 = types.SimpleNamespace(name="minimal-dataset", paper="001")
  _study(tmp_path, "minimal_dataset", "Paper 001", [ClaimVerdict("M1", "x", "holds")])
  paper_004 = types.SimpleNamespace(name="training-size", paper="004")
  assert index.main([f"--results_dir={tmp_path}", "--profile=quick", "--compare=cpu-full"],
                    studies=[paper_001, paper_004]) == 0
  table = (tmp_path / "index.md").read_text().split("## Decided claims")[1].split("## Claims by profile")[0]
  assert "| 001 | minimal-dataset | 1 of 1 decided | not published |" in table
  assert "|  | all | 3 of 6 decided" in table and "(2 studies) | 3 of 5 decided (1 study) |" in table


def test_a_claim_whose_statement_differs_between_publications_says_what_each_judged(tmp_path):
  """A statement built from a profile's settings, or one published before the claim was redefined (paper 000's C10,
  moved onto A2's datasets on 2026-12-07), differs between profiles: "agree" names both statements; a claim its
  published claims.json lacks (added since) says so instead of "not published"."""
  old = dict(_row("C1", "does not hold"), statement="C1 as first declared")
  side = _write_profiles(tmp_path, {"quick": [_row("C1", "not run in this profile"), _row("C1-control", "holds")],
                                    "cpu-full": [old]})
  assert _agree(side, "C1").startswith("— (not run in one profile) (the statements differ: quick: ")
  assert _agree(side, "C1").endswith("; cpu-full: C1 as first declared)")
  row = next(line for line in side.splitlines() if line.startswith("| 004 | training-size | C1-control |"))
  assert "| not in its claims.json (judged before the claim existed) |" in row
