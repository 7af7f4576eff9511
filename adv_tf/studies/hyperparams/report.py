"""Paper 002 report: our measurements beside the published ones (tables, figures, verdicts).

Reads the records of the selection and cells stages (adv_tf.studies.hyperparams) and supplies the hooks of
`StudyReport.write`, which writes them atomically: CSV tables in the layouts of paper 002 Tables 2-6 (and
results.csv, cells/index.csv), heatmaps and figures (PNG), `report.md` and `claims.json`.
The report never adjusts a number toward the paper: it prints ours, the paper's, and the difference.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import math
import pathlib
import time
import types
from typing import Any, Mapping, Sequence

import numpy as np

from adv_tf.claims import Rules, Untestable, Values, judge_all, noise_reference, verdict_table, with_looks
from adv_tf.claims import claim_verdicts as engine_claim_verdicts
from adv_tf.report import figures, markdown, statistics
from adv_tf.report.base import StudyReport
from adv_tf.report.gap_causes import GAPS_FILE, gaps_section, gaps_table
from adv_tf.report.markdown import Section
from adv_tf.report.tables import Table, format_cell, markdown_table
from adv_tf.studies.hyperparams import cells, config, gaps, impact, measures, published
from adv_tf.studies.hyperparams import claims as claims_lib
from adv_tf.studies.hyperparams import noise as noise_lib
from adv_tf.studies.hyperparams import run as cell_runs
from adv_tf.utils.atomic import atomic_write_text

NAME = "hyperparams"
SELECTION, CELLS = "selection", "cells"  # the stage names
STATS = published.STATS
RUN_KEYS = ("profile", "wall_time", "started", "seed", "num_baseline_models", "samples_per_class", "axes",
            "kappas", "cw", "train_preset", "strategy", "versions", "data_dir")


@dataclasses.dataclass
class Row:
  """One measured grid value (or the baseline) with its statistics."""
  axis: str
  value: Any
  stats: dict | None            # mean/min/max/std over the 90 pairs; None if excluded
  train: dict
  cw_success_rate: float | None
  excluded: str | None
  record_id: str | None
  is_baseline_value: bool = False
  cw_failures: int = 0                # pairs the CW search did not solve (no impact level when > 0)
  misclassified_sources: tuple = ()   # best-estimate classes this model misclassifies (their pairs excluded)


@dataclasses.dataclass
class Summary:
  baselines: list[dict]                       # records of the N baseline models
  baseline_moments: dict[str, tuple[float, float]]  # stat -> (mean, std) over baselines that qualified
  rows: dict[str, list[Row]]                  # axis -> rows (baseline value first)
  secure: dict | None
  kappa: list[dict]                           # results of the kappa cells, by kappa
  records: list[dict] = dataclasses.field(default_factory=list)  # all records summarized

  @property
  def n_base(self) -> int:
    """Baselines with a matrix: the N behind every std (and the t degrees of freedom, N - 1)."""
    return len([b for b in self.baselines if "stats" in b["result"]])


_fmt = format_cell


def _value_key(value):
  return tuple(value) if isinstance(value, list) else value


def summarize(records: Sequence[Mapping[str, Any]], seed: int = 0) -> Summary:
  """Groups the main study's records into baselines, per-axis rows, secure model and kappa sweep.

  The baseline value of each axis is the baseline trained with the study `seed`, the variants' seed.
  """
  baselines = [r for r in records if r["stage"] == "baseline"]
  usable = [r for r in baselines if "stats" in r["result"]]
  moments = {s: impact.baseline_moments([r["result"]["stats"][s] for r in usable]) for s in STATS}
  first_baseline = next((r for r in baselines if r["config"]["seed"] == seed), None)
  rows: dict[str, list[Row]] = {}
  base_model = _base_values()
  for r in records:
    if r["stage"] != "variant":
      continue
    axis = r["config"]["axis"]
    res = r["result"]
    rows.setdefault(axis, []).append(Row(
        axis, _value_key(r["config"]["value"]), res.get("stats"), res.get("train", {}),
        res.get("cw_success_rate"), res.get("excluded"), r["id"], False, int(res.get("cw_failures", 0)),
        tuple(res.get("misclassified_sources", ()))))
  for axis, axis_rows in rows.items():
    if first_baseline is not None:
      res = first_baseline["result"]
      axis_rows.insert(0, Row(axis, base_model[axis], res.get("stats"), res.get("train", {}),
                              res.get("cw_success_rate"), res.get("excluded"), first_baseline["id"],
                              True, int(res.get("cw_failures", 0)), tuple(res.get("misclassified_sources", ()))))
  secure = next((r for r in records if r["stage"] == "secure"), None)
  kappa = sorted((r["result"] for r in records if r["stage"] == "kappa"), key=lambda k: k["kappa"])
  return Summary(baselines, moments, rows, secure, kappa, list(records))


def _base_values() -> dict:
  from adv_tf.models import LeNetConfig
  model, training = LeNetConfig(), config.train_config("quick")
  return {axis.name: _value_key(getattr(model if axis.target == "model" else training, axis.field))
          for axis in config.AXES}


def records_with_matrix(summary: Summary) -> list[Mapping[str, Any]]:
  """Every attacked model's record: baselines, variants and the secure model."""
  return [r for r in summary.records if "matrix" in r["result"]]


PAPER_N = 100  # §5.5: the paper's stds come from 100 baseline models


def _z_and_level(stats: Mapping[str, float] | None, moments: Mapping[str, tuple[float, float]],
                 stat: str, *, n: int | None = None, paper_sigma: bool = False,
                 cw_failures: int = 0) -> tuple[float, str | None]:
  """z of one statistic against the baselines and its level, calibrated for the n baselines behind the std
  (paper sigma: the paper's N = 100). No level for a model whose CW search failed on some pair (its
  statistics are over fewer pairs)."""
  if not stats:
    return math.nan, None
  mean = moments[stat][0]
  std = published.BASELINE_STD[stat] if paper_sigma else moments[stat][1]
  z = impact.std_units(stats[stat], mean, std)
  if cw_failures:
    return z, None
  n_used = PAPER_N if paper_sigma else (n if n is not None and n >= 2 else None)
  return z, impact.impact_level(z, n_used)


def axis_levels(summary: Summary, axis: str, *, paper_sigma: bool = False) -> str | None:
  """Our level for an axis: the strongest level of the mean distance over its measured values."""
  levels = [_z_and_level(row.stats, summary.baseline_moments, "mean", n=summary.n_base, paper_sigma=paper_sigma,
                         cw_failures=row.cw_failures)[1]
            for row in summary.rows.get(axis, []) if not row.is_baseline_value]
  return impact.axis_level(levels)


def paper_axis_level(axis: str) -> str | None:
  """Paper on paper: our level rule applied to the paper's own Table 5/6 numbers (each row against the
  control's 2.28 in units of the Table 2 std 0.03, N = 100), the strongest level of the axis."""
  table = {**published.TABLE5, **published.TABLE6}.get(axis)
  if not table:
    return None
  base, sigma = published.BASELINE["mean"], published.BASELINE_STD["mean"]
  return impact.axis_level([impact.impact_level(impact.std_units(row[0], base, sigma), PAPER_N)
                            for row in table.values()])


def _axis_values(axis: str) -> list:
  return [_value_key(v) for v in config.AXES_BY_NAME[axis].values]


def tidy_rows(records: Sequence[Mapping[str, Any]]) -> list[dict]:
  """results.csv as dicts: one row per cell, one column per variable (what the claims are judged on)."""
  return [dict(zip(RESULTS_HEADER, results_row(r))) for r in records]


def judge_claims(records: Sequence[Mapping[str, Any]], noise=None, looks: Sequence[str] = ()) -> tuple[list, list]:
  """(ours, paper on paper): every claim of `claims.CLAIMS` judged by adv_tf.claims on our tidy results and,
  with the same rules, on the published numbers. `noise`: a published `NoiseReference` of the baselines; `looks`:
  the profile's sequential design (`HyperparamsConfig.looks`, "C5=3": look k judged at alpha / 2^(k-1)). Both ours only:
  paper on paper keeps the paper's own 100 baselines' std and its one look."""
  return (judge_all(with_looks(claims_lib.CLAIMS, looks), ours_measure(records),
                    noise={claims_lib.BASELINES: noise} if noise is not None else None),
          judge_all(claims_lib.CLAIMS, measures.paper(_base_values())))


def ours_measure(records: Sequence[Mapping[str, Any]]) -> measures.Measure:
  """`measures.ours` over this run's records: what every claim of ours is judged on."""
  # The kappa cells attack the study seed's baseline (`cells.baseline_spec(seed)`): its model cell says if it is usable.
  kappa_results = [dict(r["result"], baseline_seed=r.get("seed") or 0) for r in records if r.get("stage") == "kappa"]
  return measures.ours(tidy_rows(records), _base_values(), kappa_results)


def transfer_text(kappa_rows: Sequence[Mapping[str, Any]], measure: measures.Measure | None = None) -> str:
  """§6.4 / Fig. 10 beside ours (the claim K1 is judged in the verdict table). `measure`: what the claims are judged
  on (`ours_measure`); a kappa whose transfer it finds not testable (a kappa model below the 98% bar, no source image
  left) gets that reason instead of a per-image mean, which no verdict would rest on."""
  by_kappa = {row["kappa"]: row["transfer_target_rate"] * 100 for row in kappa_rows}
  text = ("Paper (§6.4, Fig. 10): examples crafted on the baseline reach their target on the secure model "
          f"as rarely as {published.SECURE_TRANSFER_AT_KAPPA0:.0f}% at kappa = 0 and stay relatively low at mid "
          "kappa (claim K1).")
  if by_kappa:
    text += (" Ours, Fig. 10's pooled share of all examples (pairs weighted equally, pairs from images either model "
             "misclassifies included): " + ", ".join(f"kappa {k:g}: {v:.1f}%" for k, v in sorted(by_kappa.items()))
             + ".")
  untestable = {}
  for row in kappa_rows:
    found = measure(("transfer", row["kappa"])) if measure is not None else None
    if isinstance(found, Untestable):
      untestable[row["kappa"]] = found.reason
  per_image = {row["kappa"]: measures.transfer_per_image(row) for row in kappa_rows
               if row["kappa"] not in untestable}
  per_image = {k: v for k, v in per_image.items() if v is not None}
  if per_image:
    text += (" K1 is judged on the mean over source images of each image's share (each image weighted equally, "
             "images either model misclassifies left out): " + ", ".join(
                 f"kappa {k:g}: {v * 100:.1f}% over {n} images" for k, (v, n) in sorted(per_image.items())) + ".")
  reasons = {k: r.removeprefix(f"kappa {k:g}: ") for k, r in untestable.items()}   # per-kappa reasons name it
  for reason in dict.fromkeys(reasons.values()):
    kappas = ", ".join(f"{k:g}" for k, r in sorted(reasons.items()) if r == reason)
    text += f" Transfer not testable at kappa {kappas}: {reason}."
  if any(k > 0 for k in by_kappa):
    text += (" Kappa is CW's margin in logits (Carlini & Wagner's confidence), so a given kappa asks a larger "
             "perturbation of a model whose logits are smaller, and larger perturbations transfer more; the paper "
             "does not report its models' logit scale and gives its distortions per kappa only as plots (Figs. 8/9), "
             "so 'mid kappa' on its models and on ours need not be the same strength (compare the mean L2 per kappa "
             "in the table with the secure model's own minimal distances: an example larger than those is expected "
             "to transfer). No transfer control (the baseline's examples on the other baselines) has run: how low "
             "is 'relatively low' is not measured.")
  return text


PIXELS_FILE = "pixels_changed.csv"
PIXELS_HEADER = ("kappa", "threshold", "baseline_percent", "secure_percent", "secure_minus_baseline")


def pixels_changed_rows(summary: Summary) -> list[list]:
  """Figs. 8/9 as numbers: per kappa and threshold, the % of pixel values the baseline's and the secure model's
  examples change by more than the threshold (over the pairs each model's attack solved, pooled as the figures
  pool them)."""
  rows = []
  for k in summary.kappa:
    base, secure = (k.get(side, {}).get("pixels_changed_percent") or {} for side in ("baseline", "secure"))
    for t in base:
      if t in secure:
        rows.append([k["kappa"], float(t), base[t], secure[t], secure[t] - base[t]])
  return rows


def pixels_changed_pivot(summary: Summary) -> str:
  """`pixels_changed_rows` as a Markdown table: a row per kappa, a column per threshold, "baseline / secure"."""
  rows = pixels_changed_rows(summary)
  thresholds = sorted({r[1] for r in rows})
  by_kappa: dict[float, dict[float, str]] = {}
  for kappa, t, base, secure, _ in rows:
    by_kappa.setdefault(kappa, {})[t] = f"{base:.1f} / {secure:.1f}"
  if not by_kappa:
    return ""
  return markdown_table(["kappa", *(f"> {t:.2f}" for t in thresholds)],
                        [[f"{k:g}", *(cells.get(t, "-") for t in thresholds)] for k, cells in sorted(by_kappa.items())])


def attacked_baseline_line(summary: Summary, seed: int = 0) -> str:
  """Which baseline the kappa cells attack and where its distance sits among the baselines' (one model a side)."""
  means = {int(r["config"].get("seed") or 0): r["result"]["stats"]["mean"] for r in summary.baselines
           if (r["result"].get("stats") or {}).get("mean") is not None}
  if seed not in means:
    return f"The kappa cells attack the seed-{seed} baseline and the secure model, one model each."
  rank = sorted(means.values()).index(means[seed]) + 1
  return (f"The kappa cells attack the seed-{seed} baseline and the secure model, one model each: that baseline's mean "
          f"distance at kappa 0 is {means[seed]:.3f}, rank {rank} of {len(means)} baselines from the lowest (their "
          f"range {min(means.values()):.3f}-{max(means.values()):.3f}).")


def kappa0_agreement(summary: Summary, seed: int = 0) -> list[str]:
  """The kappa = 0 cell recomputes the baseline's and the secure model's matrices: compare them with the model
  cells' (a free determinism check; pairs finite in both)."""
  row = next((k for k in summary.kappa if k["kappa"] == 0.0), None)
  if row is None:
    return []
  cells_by_name = {"baseline": next((r for r in summary.baselines if r["config"].get("seed") == seed), None),
                   "secure": summary.secure}
  lines = []
  for name, record in cells_by_name.items():
    if name in (row.get("reused_from") or {}):
      lines.append(f"{name}: the kappa = 0 cell reused the {name} cell's attack (same run; nothing recomputed, "
                   "so no determinism check)")
      continue
    if record is None or "matrix" not in record["result"] or "matrix" not in row.get(name, {}):
      continue
    a = cell_runs.matrix_from_json(record["result"]["matrix"])
    b = cell_runs.matrix_from_json(row[name]["matrix"])
    both = np.isfinite(a) & np.isfinite(b)
    if not both.any():
      continue
    diff = np.abs(a[both] - b[both])
    same = int(np.sum(diff <= 1e-5 * np.maximum(1.0, np.abs(a[both]))))
    lines.append(f"{name}: the kappa = 0 cell's matrix agrees with the {name} cell's on {same}/{both.sum()} pairs "
                 f"(max |difference| {diff.max():.2g})")
  return lines


def recheck_disagreements(summary: Summary) -> dict[str, int]:
  """Per attacked model (and kappa side): pairs where the CW search's verdict and the model's fresh re-check
  of the returned image disagree (`run.TargetedMatrix.disagreements`)."""
  out = {r["name"]: int(r["result"].get("cw_recheck_disagreements", 0)) for r in records_with_matrix(summary)}
  for k in summary.kappa:
    for side in ("baseline", "secure"):
      if side in k and side not in (k.get("reused_from") or {}):
        out[f"kappa={k['kappa']:g} {side}"] = int(k[side].get("cw_recheck_disagreements", 0))
  return out


def recheck_summary(summary: Summary) -> str:
  """One paragraph: how many pairs the search and the re-check disagree on, per model, and their treatment."""
  counts = recheck_disagreements(summary)
  flipped = {name: n for name, n in counts.items() if n}
  where = (", ".join(f"{name}: {n}" for name, n in flipped.items()) if flipped
           else f"none on any of the {len(counts)} attacks")
  return ("Search verdict vs re-check: pairs where the CW search's verdict (Carlini's `compare`) and a fresh "
          f"forward pass on the returned image disagree — {where} (of 90 pairs per model). Treatment: such a "
          "pair counts as solved with the search's distance (at kappa = 0 the example lies on the decision "
          "boundary, within float round-off of either side); it is never dropped and never counted as a CW "
          "failure, so it does not remove a model's impact level.")


def not_run_items(cfg, reference=None) -> list[str]:
  """What this profile leaves out compared with `reference` (default: cpu-full), one line each, with the
  reason: every such line ends "not run in this profile (cpu-full runs it)"."""
  ref = reference or config.PROFILES["cpu-full"]
  if cfg == ref:
    return []
  tail = f"not run in this profile ({ref.profile} runs it)"
  items = []
  for name in ref.axes:
    axis = config.AXES_BY_NAME[name]
    ref_values = axis.values if ref.all_values else axis.quick
    if name not in cfg.axes:
      items.append(f"axis {name} (values {', '.join(cells._label(v) for v in ref_values)}): {tail}")
      continue
    base = _base_values()[name]
    ours = set(_value_key(v) for v in (axis.values if cfg.all_values else axis.quick))
    missing = [cells._label(v) for v in ref_values if _value_key(v) not in ours and _value_key(v) != base]
    if missing:
      items.append(f"{name} = {', '.join(missing)}: {tail}")
  missing_kappas = [k for k in ref.kappas if k not in cfg.kappas]
  if missing_kappas:
    items.append(f"kappa = {', '.join(f'{k:g}' for k in missing_kappas)}: {tail}")
  if cfg.num_baseline_models < ref.num_baseline_models:
    items.append(f"baselines {cfg.num_baseline_models + 1}..{ref.num_baseline_models} (levels need N >= 10): "
                 f"{tail}")
  if cfg.samples_per_class < ref.samples_per_class:
    items.append(f"best-estimate selection from {ref.samples_per_class} samples per class (this run: "
                 f"{cfg.samples_per_class}): {tail}")
  if ref.padding_control and not cfg.padding_control:
    items.append(f"the padding control ('same'-padded control LeNets and pool/stride values; claims C4-same, "
                 f"C6-same): {tail}")
  return items


CLAIM_SECTION = "Summary"
LOOKS_SEED = 0   # the study seed whose readings `HyperparamsConfig.looks` counts


def claim_verdicts(records: Sequence[Mapping[str, Any]]) -> list:
  """The claims.json rows (C1..C6 §6.3/§8, S1..S4 secure model, K1 transfer) of `records` judged on their own: this
  run's baselines' noise and one look per claim (report.md's rows also take the profile's noise reference and
  --looks: `HyperparamsReport.claims`)."""
  return engine_claim_verdicts(judge_claims(records)[0], CLAIM_SECTION)


# ---------------------------------------------------------------------------------------------------------
# Writing.


def _distance_rows(summary: Summary, table: Mapping[str, Mapping]) -> list[list]:
  """Rows in the layout of Tables 5/6: every paper row plus every measured value of those axes."""
  out = []
  for axis in table:
    measured = {r.value: r for r in summary.rows.get(axis, [])}
    values = list(table[axis]) + [v for v in measured if v not in table[axis]]
    for value in values:
      paper = published.table_row(axis, value)
      row = measured.get(value)
      ours = row.stats if row and row.stats else None
      failures = row.cw_failures if row else 0
      z, level = _z_and_level(ours, summary.baseline_moments, "mean", n=summary.n_base, cw_failures=failures)
      zp, level_p = _z_and_level(ours, summary.baseline_moments, "mean", paper_sigma=True, cw_failures=failures)
      z_pp, level_pp = (_z_and_level(paper, {"mean": (published.BASELINE["mean"], 0)}, "mean", paper_sigma=True)
                        if paper else (math.nan, None))
      out.append([
          axis, cells._label(value),
          *[paper[s] if paper else None for s in STATS],
          *[ours[s] if ours else None for s in STATS],
          *[(ours[s] - paper[s]) if (ours and paper) else None for s in STATS],
          z, level, level_p, level_pp,
          row.train.get("test_accuracy") if row else None,
          row.train.get("epochs") if row else None,
          row.cw_success_rate if row else None,
          failures,
          len(row.misclassified_sources) if row else 0,
          row.train.get("padding") if row else None,
          ("not run" if row is None else (row.excluded or ("baseline seed model" if row.is_baseline_value
                                                            else "")))])
  return out


DISTANCE_HEADER = (["axis", "value"] + [f"paper_{s}" for s in STATS] + [f"ours_{s}" for s in STATS]
                   + [f"diff_{s}" for s in STATS]
                   + ["z_mean", "level", "level_paper_sigma", "level_paper_on_paper", "test_accuracy", "epochs",
                      "cw_success_rate", "cw_failures", "misclassified_sources", "padding", "note"])


def _impact_rows(summary: Summary, table: Mapping[str, str | None]) -> list[list]:
  rows = []
  for axis, paper_level in table.items():
    paper_on_paper = paper_axis_level(axis) or "–"
    measured = [r for r in summary.rows.get(axis, []) if not r.is_baseline_value]
    if not measured:
      rows.append([axis, paper_level or "X", paper_on_paper, "not run", "", "", ""])
      continue
    ours = axis_levels(summary, axis)
    ours_p = axis_levels(summary, axis, paper_sigma=True)
    excluded = [cells._label(r.value) for r in measured if r.excluded]
    failed = [f"{cells._label(r.value)} ({r.cw_failures})" for r in measured if r.cw_failures]
    if ours is None:
      ours = "X" if excluded else "–"
    agree = "" if paper_level is None else impact.agreement_label(ours, paper_level, summary.n_base)
    notes = ([("excluded (<98%): " + ", ".join(excluded))] if excluded else []) + \
        ([("CW failures, no level: " + ", ".join(failed))] if failed else [])
    rows.append([axis, paper_level or "X", paper_on_paper, ours, ours_p or "–", agree, "; ".join(notes)])
  return rows


IMPACT_HEADER = ["axis", "paper_level", "paper_on_paper_level", "our_level", "our_level_paper_sigma", "agreement",
                 "note"]


TABLE2_HEADER = ["stat", "paper_std", "ours_std", "ours_std_95_low", "ours_std_95_high", "ours_mean",
                 "paper_baseline"]


def _sigma_interval(summary: Summary, stat: str) -> tuple[float, float]:
  """The chi-square 95% interval for sigma from our N baselines (nan below N = 2)."""
  std = summary.baseline_moments[stat][1]
  if summary.n_base < 2 or not math.isfinite(std):
    return math.nan, math.nan
  return statistics.std_interval(std, summary.n_base)


def _bounds(n: int) -> tuple[float, ...]:
  return impact.impact_thresholds(n) if n >= 2 else (math.nan,) * 3


NARROW_COLUMNS = ["axis", "value", "paper_mean", "ours_mean", "diff_mean", "z_mean", "level", "level_paper_on_paper",
                  "test_accuracy", "padding", "note"]
NARROW_LABELS = ["axis", "value", "paper mean", "ours", "difference", "z", "level", "level (paper on paper)",
                 "accuracy", "padding", "note"]


def _narrow(rows: Sequence[Sequence[Any]]) -> str:
  return Table(DISTANCE_HEADER, rows).markdown(columns=NARROW_COLUMNS, labels=NARROW_LABELS)


TABLE_FILES = {2: ("table2_baseline_variability.csv", TABLE2_HEADER), 3: ("table3_network_impact.csv", IMPACT_HEADER),
               4: ("table4_training_impact.csv", IMPACT_HEADER), 5: ("table5_network_distances.csv", DISTANCE_HEADER),
               6: ("table6_optimizer_distances.csv", DISTANCE_HEADER)}


@dataclasses.dataclass(frozen=True)
class ReportInputs:
  """What a report is built from: the combined selection (None: not run), the cell records of that selection and
  the run's meta (report_meta)."""
  selection: Mapping[str, Any] | None
  records: Sequence[Mapping[str, Any]]
  meta: Mapping[str, Any]


def write_report(output_dir: str | pathlib.Path, selection: Mapping[str, Any] | None,
                 records: Sequence[Mapping[str, Any]], meta: Mapping[str, Any]) -> pathlib.Path:
  """The report of records given directly (tests; a run's goes through `HyperparamsReport().write(run)`): tables,
  figures, report.md and claims.json under output_dir; returns the report's path."""
  run = types.SimpleNamespace(output_dir=pathlib.Path(output_dir))
  return HyperparamsReport(ReportInputs(selection, records, meta)).write(run)


RESULTS_HEADER = ["id", "name", "stage", "axis", "value", "seed", "kappa", *STATS, "test_accuracy", "epochs",
                  "train_seconds", "padding", "reached_target", "excluded", "cw_success_rate", "cw_failures",
                  "misclassified_sources", "model_cache_hit", "transfer_target_rate", "transfer_examples",
                  "seconds"]


def results_row(record: Mapping[str, Any]) -> list:
  """One flat row of results.csv (tidy: one row per cell, one column per variable)."""
  res, cfg = record["result"], record.get("config", {})
  stats, train = res.get("stats") or {}, res.get("train") or {}
  value = cfg.get("value")
  return [record["id"], record["name"], record["stage"], cfg.get("axis"),
          cells._label(_value_key(value)) if value is not None else None, cfg.get("seed"), res.get("kappa"),
          *[stats.get(s) for s in STATS], train.get("test_accuracy"), train.get("epochs"), train.get("train_seconds"),
          train.get("padding"), train.get("reached_target"), res.get("excluded"), res.get("cw_success_rate"),
          res.get("cw_failures"), " ".join(map(str, res.get("misclassified_sources", []))) or None,
          res.get("model_cache_hit"), res.get("transfer_target_rate"), _transfer_examples(res), record.get("seconds")]


def _transfer_examples(result: Mapping[str, Any]) -> int | None:
  """A kappa cell's Fig. 10 denominator: the baseline's successful examples (of the 90 pairs)."""
  rate = (result.get("baseline") or {}).get("cw_success_rate")
  return int(round(rate * measures.PAIRS)) if rate is not None and math.isfinite(rate) else None


def cell_index(records: Sequence[Mapping[str, Any]]) -> Table:
  """`cells/index.csv`: id, name, axis, value of every cell, so `cells/<id>/` artifacts are findable."""
  rows = []
  for r in records:
    cfg = r.get("config", {})
    value = cfg.get("value", cfg.get("kappa", cfg.get("class")))
    rows.append([r["id"], r["name"], cfg.get("axis") or r["stage"],
                 cells._label(_value_key(value)) if value is not None else None])
  return Table(["id", "name", "axis", "value"], rows)


def _write_figures(out, fig_dir, selection, summary: Summary, records, meta) -> dict[str, str]:
  names = {}
  if selection and selection["result"].get("average_matrix") is not None:
    res = selection["result"]
    for key, title, fname in (
        ("average_matrix", f"Average over {res['num_samples'] // 10} samples per class (Fig. 6)",
         "fig6_average_distances.png"),
        ("best_estimate_matrix", "Best-estimate samples (Fig. 7)", "fig7_best_estimate_distances.png")):
      figures.class_distance_heatmap(cell_runs.matrix_from_json(res[key]), title, fig_dir / fname)
      names[key] = fname
  by_group: dict[str, dict[str, np.ndarray]] = {}
  for r in records:
    if "matrix" in r["result"]:
      group = (r["stage"] if r["stage"] in (cells.PADDING_CONTROL, cells.REPLICATES) else
               r["config"].get("axis") or ("baselines" if r["stage"] == "baseline" else r["stage"]))
      by_group.setdefault(group, {})[r["name"]] = cell_runs.matrix_from_json(r["result"]["matrix"])
  for group, matrices in by_group.items():  # one heat-map figure per axis (issue 10)
    fname = f"class_distances_{group}.png"
    figures.class_distance_grid(matrices, fig_dir / fname)
    names[f"heatmaps {group}"] = fname
  for axis, table in {**published.TABLE5, **published.TABLE6}.items():  # Table 5/6 rows beside ours
    measured = {r.value: r for r in summary.rows.get(axis, [])}
    if not any(r.stats for r in measured.values()):
      continue
    values = [v for v in _axis_values(axis) if v in table or v in measured]
    fname = f"mean_distance_{axis}.png"
    figures.category_plot(
        [cells._label(v) for v in values],
        {"paper (Table 5/6)": [table[v][0] if v in table else math.nan for v in values],
         "ours": [measured[v].stats["mean"] if v in measured and measured[v].stats else math.nan
                  for v in values]},
        xlabel=axis, ylabel="mean CW-L2 distance (90 pairs)", title=f"{axis}: paper vs ours",
        path=fig_dir / fname)
    names[f"paper vs ours {axis}"] = fname
  if summary.kappa:
    kappas = [k["kappa"] for k in summary.kappa]
    for model, fname, fig in (("baseline", "fig8_distortion_baseline.png", "Fig. 8"),
                              ("secure", "fig9_distortion_secure.png", "Fig. 9")):
      series = {f">{float(t) * 100:.0f}%": [k[model]["pixels_changed_percent"][t] for k in summary.kappa]
                for t in summary.kappa[0][model]["pixels_changed_percent"]}
      figures.line_plot(kappas, series, xlabel="confidence kappa", ylabel="% pixels changed by more than",
                        title=f"{model} model: distortion vs confidence ({fig})", path=fig_dir / fname)
      names[model + "_distortion"] = fname
    figures.line_plot(kappas, {"classified as target": [k["transfer_target_rate"] * 100 for k in summary.kappa],
                               "misclassified": [k["transfer_misclassified_rate"] * 100
                                                 for k in summary.kappa],
                               "paper: classified as target (§6.4, kappa 0)": [
                                   published.SECURE_TRANSFER_AT_KAPPA0 if k == 0 else math.nan for k in kappas]},
                      xlabel="confidence kappa", ylabel="% of baseline examples",
                      title="Transfer of baseline examples to the secure model (Fig. 10)",
                      path=fig_dir / "fig10_transfer.png")
    names["transfer"] = "fig10_transfer.png"
    grid = _example_grid(out, records, meta.get("figure_pairs"))
    if grid is not None:
      images, row_labels, col_labels = grid
      figures.image_grid(images, row_labels, col_labels, fig_dir / "fig11_examples.png",
                         pixel_range=config.PIXEL_RANGE)
      names["examples"] = "fig11_examples.png"
  return names


def _example_grid(out, records, pairs):
  """Fig. 11: adversarial examples of chosen (source, target) pairs at increasing kappa, both models."""
  kappa_records = sorted((r for r in records if r["stage"] == "kappa"), key=lambda r: r["result"]["kappa"])
  arrays = []
  for r in kappa_records:
    path = out / "cells" / r["id"] / "kappa.npz"
    if not path.exists():
      return None
    with np.load(path) as data:
      arrays.append({k: data[k] for k in ("baseline_x_adv", "secure_x_adv")})
  if not arrays:
    return None
  pairs = pairs or [(3, 8), (7, 1)]
  rows, labels = [], []
  for source, target in pairs:
    for model in ("baseline", "secure"):
      rows.append([a[f"{model}_x_adv"][source, target] for a in arrays])
      labels.append(f"{model} {source}->{target}")
  cols = [f"kappa={r['result']['kappa']:g}" for r in kappa_records]
  return np.asarray(rows), labels, cols


def _selection_lines(res: Mapping[str, Any], seed: int) -> list[str]:
  if res.get("average_matrix") is None:  # one candidate per class (run.py: _single_candidate)
    return [f"One candidate per class (the paper used 100): the first test image of each class that the seed-{seed} "
            f"control model classifies correctly, test indices (class 0..9) {res['best_test_indices']}. With one "
            f"candidate there is nothing to choose, so the selection runs no attack: its distances would be the "
            f"seed-{seed} baseline's matrix (the same model, images and CW), so Fig. 6 and Fig. 7 are that "
            "baseline's matrix (in the baselines' heat map)."]
  return [f"{res['num_samples']} correctly classified test images ({res['num_samples'] // 10} per class; the paper "
          f"used 100 per class), targeted CW to the 9 other classes on the seed-{seed} control model: success "
          f"{res['cw_success_rate'] * 100:.1f}%. Chosen test indices (class 0..9): {res['best_test_indices']}.", "",
          "- average matrix (Fig. 6): " + ", ".join(f"{k} {v:.2f}" for k, v in res['average_stats'].items()),
          "- best-estimate matrix (Fig. 7): "
          + ", ".join(f"{k} {v:.2f}" for k, v in res['best_estimate_stats'].items())]


def _markdown(summary: Summary, selection, table2, table3, table4, table5, table6, figs, meta, judged) -> str:
  lines = [f"# Paper 002 reproduction: hyperparameters vs adversarial distance ({meta.get('profile')} profile)",
           ""]
  missing = (meta.get("completeness") or {}).get("missing") or []
  if missing:
    lines += [f"> **INCOMPLETE**: {len(missing)} cell(s) of this grid have no record yet "
              f"({', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}); every number below comes from "
              "the cells present. Run the study again (it resumes) to complete it.", ""]
  for warning in meta.get("code_warnings") or []:
    lines += [f"> **{warning}**", ""]
  bm = summary.baseline_moments
  n_base = len([b for b in summary.baselines if "stats" in b["result"]])
  lines += ["## Summary", "",
            f"Control LeNet (Table 1), targeted CW-L2 kappa=0 between the 10 best-estimate samples and every "
            f"other class (90 pairs), mean over {n_base} baseline model(s) (± std across them):", "",
            "| statistic | paper | ours | ours − paper |", "|---|---|---|---|"]
  for s in STATS:
    lines.append(f"| {s} | {published.BASELINE[s]:.2f} | {_fmt(bm[s][0])} ± {_fmt(bm[s][1], 3)} | "
                 f"{_fmt(bm[s][0] - published.BASELINE[s])} |")
  model_results = [r["result"] for r in records_with_matrix(summary)]
  success = [res.get("cw_success_rate") for res in model_results if res.get("cw_success_rate") is not None]
  agree = [res["cw_prediction_agreement"] for res in model_results
           if res.get("cw_prediction_agreement") is not None and math.isfinite(res["cw_prediction_agreement"])]
  if success:
    lines += ["", f"CW success over the {len(success)} attacked models: min {min(success) * 100:.1f}%"
              + (f"; a fresh forward pass agrees with the attack's verdict on min {min(agree) * 100:.1f}% of the "
                 "successful examples (kappa = 0 examples sit on the decision boundary)." if agree else ".")]
  lines += ["", recheck_summary(summary)]
  not_run = meta.get("not_run") or []
  if not_run:
    lines += ["", "Not run in this profile (the verdicts resting on the rest say \"partial (tested against: "
              "...)\"):", ""] + [f"- {item}" for item in not_run]
  if summary.secure and summary.secure["result"].get("stats"):
    sm = summary.secure["result"]["stats"]["mean"]
    gain, paper_gain = sm - bm["mean"][0], published.SECURE["mean"] - published.BASELINE["mean"]
    trained = summary.secure["result"].get("train") or {}
    accuracy = (f"test accuracy {trained['test_accuracy'] * 100:.2f}% after {trained['epochs']:.2f} epochs, "
                if isinstance(trained.get("test_accuracy"), float) and isinstance(trained.get("epochs"), (int, float))
                else "")
    lines += ["", f"Secure model (§6.4): one model ({accuracy}the baselines' recipe); mean distance ours {sm:.2f} vs "
              f"paper {published.SECURE['mean']:.2f} "
              f"(difference {sm - published.SECURE['mean']:+.2f}); baseline mean ours {_fmt(bm['mean'][0])}; "
              f"secure minus baseline ours {gain:+.2f} vs paper {paper_gain:+.2f} (our baselines sit "
              f"{bm['mean'][0] - published.BASELINE['mean']:+.2f} from the paper's, so the gain is the comparable "
              "number). S1 and S2 judge it with the baselines' seed-to-seed sd: that assumes its own seed noise is "
              "the baselines' (a dropout model could vary more)."]
  lines += ["", "Claims of the paper, judged on our measurements and, with the same rules, on the paper's own "
            "numbers (*paper on paper*: Table 5/6 rows as single models, the control as the mean of 100 baselines "
            "with Table 2's std, §6.4's secure model 2.58):", "",
            *([f"Baseline noise of our verdicts: {meta['noise_line']} (this run's own baselines enter only as the "
               "compared mean).", ""] if meta.get("noise_line") else []), verdict_table(*judged),
            *(["", meta["padding_line"]] if meta.get("padding_line") else []),
            *(["", meta["replicates_line"]] if meta.get("replicates_line") else []),
            *(["", meta["looks_line"]] if meta.get("looks_line") else []),
            "", "Verdict rules (adv_tf.claims; the paper gives none): a hyperparameter claim is about a training "
            "choice, so its unit is the trained model; one model against the mean of N baselines is judged by "
            "t = (x − mean) / (sd·√(1+1/N)) with N − 1 degrees of freedom, two single models by sd·√2, sd = the "
            "seed-to-seed std of the mean distance over the N baselines (§5.5's z with its small-N null "
            "distribution); a model with seeds of its own (the replicates, `--replicate`) by the same sd at "
            "se = sd·√(1/n_a + 1/n_b) for n_a and n_b seeds, unless its own seed-to-seed variance is significantly "
            "above the baselines' (F test, one-sided 5%): then by Welch's t over each side's own seeds (a note where "
            "a side has one seed or the cell is a trend). A cell is significant at one-sided 2.5% at a claim's "
            "first look (a later look's level: the sequential design above) (Holm over "
            "a claim's cells for \"does not hold\"); holds when every measured cell is significant for the "
            "claim; tie when every cell is "
            "equivalent within 0.09 (§5.5's \"no impact\" bound, 3 Table-2 stds) by two one-sided tests; "
            "\"partial (tested against: ...)\" when not every value the claim names was measured. C1, C3 and C4 "
            "are trends (§6.3), each judged by one test over the axis' measured values: the least-squares line "
            "through the models' mean distances (the control's value at its baselines' mean, every value "
            "weighted equally), its change across the axis (slope × range) tested against the same sd, "
            "se = sd·√(Σ c_i²/n_i) for the line's coefficients c_i and each value's n_i models; it tests a "
            "rising (or falling) line, not that every step rises. Every larger value against every smaller one "
            "(the rule before 2026-12-06) cannot decide a trend at one model per value: the closest adjacent Table 5 "
            "values differ by only 0.02-0.06 against a single model's sd 0.03. C4-same and C6-same are C4 and C6 "
            "on the padding control (every compared model 'same'-padded; the 'valid' baselines' sd stands for "
            "theirs, an assumption; the control LeNets' own sd is printed below the table). For every claim not "
            "decided, *what would decide it* gives the effect seen, the measured noise and the seeds per side "
            "at which the same rules would decide it if the effect held. Not testable: a model below 98% (§6.1), "
            "one whose CW search failed on a pair, or fewer than 2 baselines. K1 (transfer) and S3 (pixels "
            "changed, Figs. 8/9) count each best-estimate sample once, its value the mean over its solved pairs "
            "(the 9 pairs of one image are not independent), sources either model misclassifies left out: K1 by "
            "a t over the images against 50% (the mean of the images' shares, each image weighted equally; Fig. "
            "10 plots the share of all examples), S3 by a paired t over the images, each image's percent over the "
            "pairs both models solved, for the one secure model and the one baseline, so S3 reads \"this "
            "model\"; an image-level difference with no spread (e.g. nothing transfers) is judged by the "
            "worst-case bound over images bounded in their range; where at least half of a side's images sit at "
            "0 or at the top (e.g. most shares 1), each p of the t is at least that of the same comparison on the "
            "images' values taken as 0/1 outcomes of their mean (K1, S4: the exact binomial against the constant; "
            "S3: the paired table, McNemar / Newcombe); and an S3 cell where neither model changes "
            "any pixel above its threshold is not "
            "testable (both at the floor). S4 (§6.4: fewer than 14.2% of pixels above every threshold over 0.10 "
            "'in the original model') is a t over the images the baseline classifies correctly of its percents "
            "over the pairs its attack solved (each image weighted equally; Fig. 8 plots the mean over examples) "
            "against 14.2; it reads \"this model\" and that answers it (§6.4 states it of one model); its kappas "
            "are CW margins in our model's logits, so a high kappa need not be as strong an attack on the paper's "
            "model (see the transfer paragraph). Kappa cells recorded before "
            "2026-12-06 hold only pooled numbers: their K1 counts the pairs as independent examples (exact "
            "binomial, which overstates the evidence) and their S3 and S4 are not testable (one mean per model, no "
            "noise).",
            "", "The paper's internal contradictions (stated, not resolved): on kernel size, Table 3's text says "
            "\"smaller kernel sizes cause an increase in adversarial distance\", while Table 5 (2.05 at 2x2 up to "
            "2.26 at 6x6), §6.3 (\"lower convolution kernel sizes produced lower adversarial distances\") and §8 "
            "(\"larger kernel sizes\" are a main contributor) say the opposite; Table 3 rates kernel size "
            "\"medium\" although its 2x2 row lies 7.7 Table-2 stds below the control (\"high\" by §5.5's fixed 7; "
            "\"medium\" by our bound calibrated for the paper's N = 100, 8.0). On "
            "stride, Table 3's text says \"stride of size 1 causes lower adversarial distance\", while Table 5 "
            "(1.60 at 2x2) and §6.3 (\"greater strides resulted in much lower adversarial distance\") say the "
            "opposite. Our verdicts follow §6.3/§8 (the direction the paper's numbers show)."]
  if summary.kappa:
    lines += ["", "Transfer to the secure model: " + meta["transfer_text"]]
    agreement = kappa0_agreement(summary, int(meta.get("seed", 0)))
    if agreement:
      lines += ["", "Determinism check (kappa = 0 cell vs model cells): " + "; ".join(agreement) + "."]
  lines += ["", "## Run", ""]
  lines += markdown.run_section(meta, RUN_KEYS, meta.get("notes", []))
  lines += markdown.provenance_lines(meta.get("provenance"))
  if selection:
    lines += ["", "## Best-estimate samples (§4.4)", ""]
    lines += _selection_lines(selection["result"], selection["config"]["seed"])
    lines += markdown.figure_index(figs, ("average_matrix", "best_estimate_matrix"))
  lines += ["", "## Baseline variability (Table 2)", "",
            markdown_table(["stat", "paper std (100 models)", f"ours std ({n_base} models)", "95% low", "95% high",
                       "ours mean", "paper mean"], table2)]
  if n_base < 10:
    lines.append(f"\nWith {n_base} baselines the std — the unit of every impact level below — is itself "
                 "uncertain; the `level (paper σ)` columns use the paper's Table 2 stds instead.")
  lines += ["", "## Network hyperparameters: impact (Table 3)", "", markdown_table(IMPACT_HEADER, table3),
            "", "## Training hyperparameters: impact (Table 4)", "", markdown_table(IMPACT_HEADER, table4),
            "", "Levels (§5.5) are of the mean distance, in baseline stds: none < 3, low 3–5, medium 5–7, "
            "high > 7 in normal terms, each bound calibrated for our N baselines (the Student-t(N − 1) value with "
            f"the same tail, times √(1+1/N): {', '.join(f'{b:.1f}' for b in _bounds(n_base))} at N = {n_base}); "
            "an axis takes the strongest level among its values; a model whose CW search failed on a pair gets "
            "no level. Agreement with the paper's level is printed only for N ≥ 10. *paper_on_paper_level*: "
            "the rule on the paper's own Table 5/6 numbers.",
            "", "## Distances per value (Table 5)", "", _narrow(table5),
            "", "## Optimizers (Table 6)", "", _narrow(table6),
            "", "Mean distances only; min/max/std, paper-sigma levels, CW success and failures, misclassified "
            "sources and epochs per row are in table5_network_distances.csv / table6_optimizer_distances.csv; one "
            "row per cell, flat, in results.csv; cells/index.csv maps cell ids to names."]
  if meta.get("gaps_section"):
    lines += ["", meta["gaps_section"].rstrip("\n")]
  other = [r for a, rows in summary.rows.items() if a not in published.TABLE5 and a not in published.TABLE6
           for r in rows if not r.is_baseline_value]
  if other:
    lines += ["", "## Other axes (no per-value numbers in the paper)", "",
              markdown_table(["axis", "value", *STATS, "test_accuracy", "note"],
                        [[r.axis, cells._label(r.value), *[(r.stats or {}).get(s) for s in STATS],
                          r.train.get("test_accuracy"), r.excluded or ""] for r in other])]
  if summary.kappa:
    lines += ["", "## Secure model: transfer and distortion vs confidence (Figs. 8–11)", "",
              "| kappa | CW success baseline | CW success secure | mean L2 baseline | mean L2 secure | "
              "transfer: secure predicts target | transfer: secure misclassifies | mean % distortion baseline | "
              "mean % distortion secure |", "|---|---|---|---|---|---|---|---|---|"]
    for k in summary.kappa:
      lines.append(
          f"| {k['kappa']:g} | {k['baseline']['cw_success_rate'] * 100:.0f}% | "
          f"{k['secure']['cw_success_rate'] * 100:.0f}% | "
          f"{_fmt(k['baseline']['mean_l2'])} | {_fmt(k['secure']['mean_l2'])} | "
          f"{k['transfer_target_rate'] * 100:.1f}% | {k['transfer_misclassified_rate'] * 100:.1f}% | "
          f"{_fmt(k['baseline']['mean_percent_distortion'])} | {_fmt(k['secure']['mean_percent_distortion'])} |")
    lines.append("\n" + attacked_baseline_line(summary, int(meta.get("seed", 0))) + "\n\n" + meta["transfer_text"])
    pivot = pixels_changed_pivot(summary)
    if pivot:
      lines += ["", "Pixels changed (Figs. 8/9 as numbers; claims S3, S4): % of pixel values changed by more than "
                "each threshold, baseline / secure, per kappa (pooled over each model's solved pairs; S3 compares them "
                "per source image, S4 tests the baseline's per source image against 14.2%; every value "
                f"in {PIXELS_FILE}):", "", pivot]
    if "examples" not in figs:
      lines += ["", "Fig. 11 (the adversarial examples per kappa) is not drawn: the kappa cells' example arrays "
                "(`cells/<id>/kappa.npz`) are not in this folder (a report rebuilt from published records has the "
                "records only); the run that computed the cells draws it."]
  lines += markdown.figure_index(figs, tuple(k for k in figs if k.startswith(("heatmaps ", "paper vs ours ")))
                                 + ("baseline_distortion", "secure_distortion", "transfer", "examples"))
  excluded = [r for r in summary.baselines if r["result"].get("excluded")]
  if excluded:
    lines += ["", "Baselines excluded (< 98%): " + ", ".join(r["name"] for r in excluded)]
  return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------
# The report of a run.


class HyperparamsReport(StudyReport):
  """Paper 002's report: the records of this run's settings, our numbers beside the published ones."""
  title = "Paper 002 reproduction: hyperparameters vs adversarial distance"

  def __init__(self, inputs: ReportInputs | None = None):
    self._inputs = inputs
    self._judged: tuple[list, list] | None = None

  def prepare(self, run) -> None:
    if self._inputs is None:
      self._inputs = run_inputs(run)
    records, meta = self._inputs.records, self._inputs.meta
    self._summary = summary = summarize(records, int(meta.get("seed", 0)))
    table2 = [[s, published.BASELINE_STD[s], summary.baseline_moments[s][1], *_sigma_interval(summary, s),
               summary.baseline_moments[s][0], published.BASELINE[s]] for s in STATS]
    self._rows = {2: table2, 3: _impact_rows(summary, published.TABLE3), 4: _impact_rows(summary, published.TABLE4),
                  5: _distance_rows(summary, published.TABLE5), 6: _distance_rows(summary, published.TABLE6)}
    cfg, seed = getattr(run, "config", None), int(meta.get("seed", 0))
    self._noise = noise_lib.reference(cfg, seed) if cfg is not None else None
    looks = cfg.looks if cfg is not None and seed == LOOKS_SEED else ()   # another seed: a fixed design
    self._judged = judge_claims(records, self._noise, looks)
    baselines = measures.ours(tidy_rows(records), _base_values())(claims_lib.BASELINES)
    self._own_noise = (noise_lib.measured(baselines.per_seed_values(), records, cfg, seed)
                       if cfg is not None and hasattr(baselines, "per_seed_values") and len(baselines.seeds) >= 2
                       else None)

  def tables(self, run) -> dict[str, Table]:
    records = self._inputs.records
    return {**{name: Table(header, self._rows[k]) for k, (name, header) in TABLE_FILES.items()},
            "cells/index.csv": cell_index(records),
            "results.csv": Table(RESULTS_HEADER, [results_row(r) for r in records]),
            PIXELS_FILE: Table(list(PIXELS_HEADER), pixels_changed_rows(self._summary)),
            GAPS_FILE: gaps_table(gaps.gap_rows(self._summary, self._noise), gaps.CAUSES, gaps.RULE)}

  def write_artifacts(self, run) -> None:
    out = pathlib.Path(run.output_dir)
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    self._figures = _write_figures(out, fig_dir, self._inputs.selection, self._summary, self._inputs.records,
                                   self._inputs.meta)
    if self._own_noise is not None:  # what a smaller run may name as --noise_reference once published
      atomic_write_text(out / noise_reference.NOISE_FILE, json.dumps(self._own_noise.to_json(), indent=1) + "\n")

  def markdown(self, run) -> str:
    rows = self._rows
    meta = {**self._inputs.meta, "noise_line": self._noise.describe() if self._noise is not None else "",
            "padding_line": padding_control_line(self._inputs.records),
            "replicates_line": replicates_line(self._inputs.records, self._noise),
            "looks_line": looks_line(self._judged[0]),
            "gaps_section": gaps_of(self._summary, self._inputs.selection, self._noise).render(),
            "transfer_text": transfer_text(self._summary.kappa, ours_measure(self._inputs.records))}
    return _markdown(self._summary, self._inputs.selection, rows[2], rows[3], rows[4], rows[5], rows[6],
                     self._figures, meta, self._judged)

  def claims(self, run) -> list:
    """One ClaimVerdict per claim (C1..C6 §8, S1..S4 secure model, K1 transfer) from this run's records."""
    if self._judged is None:  # called on its own, not by write: the same inputs (this grid's cells, the noise
      self.prepare(run)       # reference) as the report's, never a second way to pick the records
    rows = engine_claim_verdicts(self._judged[0], CLAIM_SECTION)
    missing = (self._inputs.meta.get("completeness") or {}).get("missing") or []
    unmeasured = {r.claim.id for r in self._judged[0]          # a cell, or a trend's value, not measured yet
                  if any(c.status == "not measured" for c in r.cells) or set(r.tested) < set(r.claim.names)}
    return [dataclasses.replace(row, evidence=f"{row.evidence}; {part_way_note(len(missing))}")
            if missing and row.claim in unmeasured else row for row in rows]


def padding_control_line(records: Sequence[Mapping[str, Any]]) -> str:
  """The padding control's 'same'-padded control LeNets beside the 'valid' baselines (mean and seed-to-seed sd of
  the mean distance): C4-same and C6-same use the 'valid' baselines' sd for them, an assumption this shows."""
  def moments(rows):   # over the models the claims judge with (`measures._models`)
    usable = measures._models(tidy_rows(rows), "models")
    means = usable.per_seed_values() if isinstance(usable, Values) else []
    sd = f", sd {np.std(means, ddof=1):.3f}" if len(means) >= 2 else ""
    return f"{np.mean(means):.3f}{sd} over {len(means)} seed(s)" if len(means) else "none measured"
  same = [r for r in records if r["stage"] == cells.PADDING_CONTROL and not r["config"].get("axis")]
  if not same:
    return ""
  valid = [r for r in records if r["stage"] == "baseline"]
  return (f"Padding control: the 'same'-padded control LeNets' mean distance {moments(same)}; the 'valid' baselines' "
          f"{moments(valid)} (C4-same and C6-same judge with the 'valid' baselines' sd).")


def looks_line(ours: Sequence[Any], rules: Rules = Rules()) -> str:
  """The sequential design (`HyperparamsConfig.looks`) of the judged claims `ours`, with its levels and caveats, for
  the report itself; empty when every claim is a fixed design."""
  by_look: dict[int, list[str]] = {}
  for r in ours:
    if r.claim.looks > 1:
      by_look.setdefault(r.claim.looks, []).append(r.claim.id)
  if not by_look:
    return ""
  alpha = rules.alpha
  looks = "; ".join(f"{', '.join(ids)} at look {k}, read at {alpha:g}/{2 ** (k - 1)} = {rules.at_look(k).alpha:.4g} "
                    f"per direction (over its {k} looks a false verdict has a chance of at most "
                    f"{rules.levels_through(k):.4g})" for k, ids in sorted(by_look.items()))
  return ("Sequential design (`--looks`): seeds (the replicates) were added to this run after earlier readings of "
          f"it left claims undecided, so those claims are judged as looks, look k at {alpha:g}/2^(k-1), each at half "
          f"the level of the one before (the levels sum below {2 * alpha:g} however many looks): {looks}. A reading "
          "published before at a higher level is withdrawn where this one differs. A look whose added seed count "
          "was chosen from the effect seen before it (cpu-full's third look at C5: 9 seeds, the count 'what would "
          "decide it' gave on the second look's data at a draft level, 0.025/3) holds its level only approximately "
          "for the pooled t (worst case about twice: Proschan & Hunsberger 1995). The looks count the readings of "
          "seed 0's run; a run at another --seed is a fixed design.")


def replicates_line(records: Sequence[Mapping[str, Any]], noise=None) -> str:
  """The models with replicates (stage `replicates`, `HyperparamsConfig.replicate`): per model the mean distance
  over its usable seeds (the grid's study-seed model and its replicates, as the claims resolve it,
  `measures.ours`) and their own sd, beside the baselines' sd the claims judge them with (an assumption this shows:
  that a model's seed-to-seed noise is the control LeNet's); `noise`: the published noise reference the claims use
  instead of this run's baselines (None: this run's). Empty without replicates."""
  replicates = [r for r in records if r["stage"] == cells.REPLICATES]
  if not replicates:
    return ""
  def key_of(record):    # the claims' key of a model record: (axis, value) of a variant, SECURE of the secure model
    axis = record["config"].get("axis")
    return (axis, _value_key(record["config"]["value"])) if axis else claims_lib.SECURE

  measure, keys = ours_measure(records), {key_of(r) for r in replicates}
  models: dict[str, tuple] = {}       # name -> (claims key, seeds recorded)
  for r in records:
    if r["stage"] in ("variant", "secure", cells.REPLICATES) and key_of(r) in keys:
      key = key_of(r)
      name = f"{key[0]}={cells._label(key[1])}" if key != claims_lib.SECURE else "secure"
      models.setdefault(name, (key, []))[1].append(int(r["config"].get("seed") or 0))   # the model's seed
  parts = []
  for name, (key, seeds) in models.items():
    found = measure(key)
    if not isinstance(found, Values):
      parts.append(f"{name}: {getattr(found, 'reason', 'not measured')} (seeds {', '.join(map(str, sorted(seeds)))})")
      continue
    means = found.per_seed_values()
    left = sorted(set(seeds) - set(found.seeds))
    sd = f", own sd {np.std(means, ddof=1):.3f}" if len(means) >= 2 else ""
    parts.append(f"{name}: {np.mean(means):.3f}{sd} over seeds {', '.join(map(str, found.seeds))}"
                 + (f" (seed(s) {', '.join(map(str, left))} below 98% or with CW failures: left out, §6.1)"
                    if left else ""))
  base = measure(claims_lib.BASELINES)
  if noise is not None:
    base_sd = f"the published noise reference's sd {noise.sd:.3f} over {noise.n} baselines (commit {noise.commit[:12]})"
  elif isinstance(base, Values) and len(base.seeds) >= 2:
    base_sd = f"the baselines' sd {np.std(base.per_seed_values(), ddof=1):.3f} over {len(base.seeds)} seeds"
  else:
    base_sd = "the baselines' sd"
  return ("Replicates (the mean distance of each model over its seeds, the grid's study-seed model and its "
          "replicates; the claims judge each with " + base_sd + ", se = sd·√(1/n_a + 1/n_b), assuming its own "
          "seed-to-seed sd is the control LeNet's, unless its own sd is significantly larger (the cell's note "
          "says so); each model's own sd is printed for comparison; the tables and figures show the study-seed "
          "model alone): " + "; ".join(parts) + ".")


def part_way_note(missing: int) -> str:
  """What a claim with unmeasured cells says when the run is part-way (its grid has cells with no record yet)."""
  return (f"part-way run: {missing} cell(s) of this profile's grid have no record yet, so cells not measured here "
          "may come with the rest of the run (rerun with the same --output_dir to resume)")


def gaps_of(summary: Summary, selection: Mapping[str, Any] | None, noise=None) -> Section:
  """"Gaps to the paper beyond the noise" over every published distance statistic (`gaps.gap_rows`, causes
  `gaps.CAUSES`, rule `gaps.RULE`); `noise`: the published noise reference the claims use (its sd serves the mean
  rows), None: this run's own baselines."""
  return gaps_section(gaps.gap_rows(summary, noise), gaps.CAUSES, gaps.RULE,
                      ran=gaps.controls_ran(selection), intro=(
      "Rows: the control LeNet (the mean over this run's baselines against the paper's mean over its 100, §5.5), "
      "every Table 5/6 value this run measured (one model each, the study seed; the rows of a measured axis' "
      "baseline value, e.g. 5x5 kernels, 2x2 pools, are all the study-seed baseline model, beside the paper's own "
      "model for each) and the secure model's mean (§6.4), each of mean/min/max/std over the 90 pairs, in L2 "
      "units. Paper noise: Table 2's sd over 100 baselines (/ sqrt(100) for the control's mean); ours: the sd "
      "over this run's baselines (/ sqrt(N) for the control's mean of N)"
      + (", for the mean rows the published noise reference the claims use" if noise is not None else "")
      + ". Margin: 0.09 L2, §5.5's smallest impact on the mean ('low': 3 Table-2 sds). Models below 98% have no "
      "statistics; a model whose statistics cover fewer than 90 pairs keeps its rows (cause 'statistics over "
      "fewer than 90 pairs')."))


def run_inputs(run) -> ReportInputs:
  """A run's report inputs: the combined selection of this run's settings, the cell records of that selection
  (records of other settings in the folder are left out) and the meta (completeness, provenance, wall time)."""
  from adv_tf.studies.hyperparams.identity import selection_id
  cfg = run.config
  sid = selection_id(run)
  class_records = cells.selection_records(run.records.get(SELECTION, []), sid)
  selection = {"result": cell_runs.combine_selection(class_records),
               "config": recorded_selection_config(class_records),
               "seconds": sum(r.get("seconds", 0) for r in class_records)}
  expected = {stage.name: stage.build_cells(run) for stage in run.study.stages(cfg)}
  completeness = grid_completeness(expected, run.records)
  for line in completeness["lines"]:
    print(line)
  records = [r for stage in (cells.PADDING_CONTROL, cells.REPLICATES, CELLS)   # their models too (stage column)
             for r in grid_records(run.records.get(stage, []), sid, expected.get(stage, []))]
  check_one_selection(records, selection["result"]["best_test_indices"])
  meta = report_meta(run)
  meta["completeness"] = completeness
  meta["not_run"] = not_run_items(cfg)
  meta["code_warnings"] = code_version_warnings(class_records + records)
  meta["wall_time"] = (f"{time.time() - run.started:.0f} s this invocation; "
                       f"{sum(r.get('seconds', 0) for r in records) + selection['seconds']:.0f} s of cell time "
                       "in the records of this report")
  study_data = run.resources.get("data")
  meta["provenance"] = (getattr(study_data.info, "provenance", None) if study_data is not None else None) \
      or selection["result"].get("data_provenance")
  return ReportInputs(selection, records, meta)


def grid_records(records: Sequence[Mapping[str, Any]], sid: str, grid: Sequence[Any]) -> list:
  """The cell records of selection `sid` whose cells are in this profile's `grid`. A folder may hold cells of an
  earlier, wider grid on the same selection (e.g. the quick profile's ELU and AdaDelta cells before 2026-12-06):
  `grid_completeness` counts them as extra, and they are left out so that the verdicts and the report's "not
  run" list describe the same cells."""
  ids = {c.id for c in grid}
  return [r for r in records if r["config"].get("selection") == sid and r["id"] in ids]


def recorded_selection_config(class_records: Sequence[Mapping[str, Any]]) -> dict:
  """The selection's shared config (`cells.selection_base_config`: candidates per class, CW, training profile,
  seed, ...) as its class records carry it (`cells.selection_records` returns all ten), without the per-class
  keys."""
  shared = {k: v for k, v in class_records[0]["config"].items() if k not in ("class", "selection")}
  return {**shared, "kind": "selection"}


def grid_completeness(expected: Mapping[str, Sequence[Any]], records: Mapping[str, Sequence[Mapping]]) -> dict:
  """Expected / present / missing / extra cells per stage (issue 10): `--report_only` prints it and
  report.md opens with an INCOMPLETE banner when cells are missing; extra cells (`run_inputs` leaves them out)
  are named."""
  lines, missing_names = [], []
  for stage, stage_cells in expected.items():
    want = {c.id: c.name for c in stage_cells}
    have = {r["id"]: r["name"] for r in records.get(stage, [])}
    missing = [name for cid, name in want.items() if cid not in have]
    extra = [name for cid, name in have.items() if cid not in want]
    missing_names += missing
    lines.append(f"cells of stage {stage}: expected {len(want)}, present {len(want) - len(missing)}, "
                 f"missing {len(missing)}, extra {len(extra)}"
                 + (f"; missing: {', '.join(missing[:20])}{' ...' if len(missing) > 20 else ''}" if missing else "")
                 + (f"; extra (not in this profile's grid, left out of the report): {', '.join(extra[:20])}"
                    f"{' ...' if len(extra) > 20 else ''}" if extra else ""))
  return {"lines": lines, "missing": missing_names}


def check_one_selection(records: Sequence[Mapping[str, Any]], best_test_indices: Sequence[int]) -> None:
  """Refuses records computed on other best-estimate samples than the selection's (issue 10)."""
  from adv_tf.errors import AdvTfError
  want = sorted(int(i) for i in best_test_indices)
  for r in records:
    used = r["result"].get("best_test_indices")
    if used is not None and sorted(int(i) for i in used) != want:
      raise AdvTfError(f"cell {r['name']} ({r['id']}) used best-estimate samples {used}, the selection has {want}; "
                       "these records mix selections: rerun that cell in a fresh --output_dir")


def code_version_warnings(records: Sequence[Mapping[str, Any]]) -> list[str]:
  """Warnings when the records come from more than one code version or from a dirty tree (issue 10)."""
  commits = sorted({(r.get("git") or {}).get("commit") or "unknown" for r in records})
  versions = sorted({str((r.get("versions") or {}).get("adv_tf")) for r in records})
  dirty = [r["name"] for r in records if (r.get("git") or {}).get("dirty")]
  out = []
  if len(commits) > 1 or len(versions) > 1:
    out.append(f"WARNING: these records come from {max(len(commits), len(versions))} code versions "
               f"(git commits {', '.join(c[:10] for c in commits)}; adv_tf {', '.join(versions)}): numbers of "
               "different code may be mixed.")
  if dirty:
    out.append(f"WARNING: {len(dirty)} record(s) were computed from a git tree with uncommitted changes "
               f"(e.g. {', '.join(dirty[:3])}): the code behind them is not in any commit.")
  return out


def choice_notes(cfg) -> list[str]:
  """Every choice of ours that moves a number, stated in report.md (issue 10)."""
  from adv_tf.attacks.carlini_wagner import SCHEDULE_QUALITY
  from adv_tf.models import LeNetConfig
  from adv_tf.studies.hyperparams import models
  cw = cfg.cw
  train = models.resolve_train_config(cells.baseline_spec(0), cfg.train_profile, target_accuracy=cfg.target_accuracy,
                                      max_epochs=cfg.max_epochs)
  when = (f"every {train.eval_every_steps} training steps (and after each epoch)" if train.eval_every_steps
          else "after each epoch")
  return [
      f"CW-L2: schedule \"{cw.schedule}\" ({SCHEDULE_QUALITY[cw.schedule]}), {cw.max_iterations:,} Adam "
      f"iterations per binary-search step x {cw.binary_steps} steps, learning rate {cw.learning_rate:g}, "
      f"initial c {cw.initial_const:g}, abort_early {cw.abort_early}; Carlini's own code uses 10,000 iterations "
      "(paper 002 gives no count). Fewer iterations can only overestimate a minimal distance; each schedule's "
      "per-pair error is measured in adv_tf/attacks/carlini_wagner.py and `make bench`.",
      f"Stop rule: training stops at the first evaluation on the MNIST test split with accuracy >= "
      f"{train.target_accuracy:g}, evaluated {when}, at most {train.epochs} epochs (§5.1 says \"until it reaches "
      "at least 98%\"; the interval and cap are ours). The same test split supplies the best-estimate "
      "candidates (§4.4), so the stop rule has seen the images the distances are measured on.",
      f"Regularizer strength {LeNetConfig().regularizer_strength:g} for the L1/L2 kernel and activity "
      "regularizers (the paper gives none; chosen so that the regularized models train to 98%): where the "
      "paper's Table 3 prints \"X\" (no activity-regularized model reached 98%), we report measured rows, "
      "which describe weaker regularization than the paper's.",
      "Best-estimate sample (§4.4, \"the smallest difference in adversarial distance to the average\"): per "
      "class, the candidate whose distances to the 9 targets have the smallest L1 difference from the "
      "class's average distances (adv_tf.metrics.best_estimate_samples).",
      "Secure model (§6.4): input dropout 0.4, dense dropout 0.1, kernel 6x6, stride 1, pool 2x2, ReLU, and the "
      "random-uniform initializer on every kernel (convolutions and dense layers), where the paper names only "
      "the convolution kernels; the paper justifies the random initializer with a \"low impact\", the level "
      "Table 3 gives bias (not weight) initializers.",
      "Training recipe (learning rate 0.01, batch 128, up to 50 epochs; SGD with momentum 0.9 and cross "
      "entropy from Table 1) comes from Carlini & Wagner's train_models.py, which §5.3.2 says the code is "
      "adapted from; paper 002 itself gives no learning rate, batch size or epoch count.",
  ]


def report_meta(run) -> dict[str, Any]:
  """The report's run section and notes (what the run did and every choice the paper leaves open)."""
  from adv_tf.utils import provenance
  cfg, seed = run.config, run.seed
  meta: dict[str, Any] = {
      "profile": cfg.profile, "seed": seed, "num_baseline_models": cfg.num_baseline_models,
      "samples_per_class": cfg.samples_per_class, "axes": ", ".join(cfg.axes),
      "kappas": ", ".join(f"{k:g}" for k in cfg.kappas), "cw": cfg.cw.to_dict(),
      "train_preset": f"paper002_lenet ({cfg.train_profile})",
      "strategy": run.strategy_name,
      "versions": provenance.versions(), "data_dir": run.data_dir or "TFDS default",
      "started": datetime.datetime.fromtimestamp(run.started or time.time(), datetime.timezone.utc).isoformat(
          timespec="seconds"),
      "figure_pairs": [list(p) for p in cfg.figure_pairs],
      "notes": [
          "Models that valid padding would leave without a feature map (e.g. pool 6, stride 2) use "
          "'same' padding on every convolution and pooling layer; the `padding` column says which.",
          f"Variants are trained with the study seed ({seed}), so a variant differs from the "
          f"seed-{seed} baseline only in its one hyperparameter (plus padding, see above); the baseline "
          f"value of each axis is that seed-{seed} baseline.",
          "The optimizer axis uses each optimizer's Keras 2 default learning rate (the paper gives none; "
          "SGD keeps 0.01): " + ", ".join(f"{k} {v:g}" for k, v in config.OPTIMIZER_LEARNING_RATES.items()) + ".",
          "Every model is trained until >= 98% MNIST test accuracy (or recorded as not reaching it and "
          "excluded, §6.1); CW runs with the settings above on every model (success rate per row)."]}
  meta["notes"] += choice_notes(cfg)
  if cfg.target_accuracy != config.TARGET_ACCURACY:
    meta["notes"].append(f"target accuracy {cfg.target_accuracy} instead of the paper's 0.98.")
  if cfg.train_take or cfg.test_take:
    meta["notes"].append(f"SMOKE RUN: train_take={cfg.train_take}, test_take={cfg.test_take}; "
                         "numbers are not comparable with the paper.")
  return meta
