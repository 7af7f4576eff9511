"""The quantities paper 002's claims compare (keys in `claims`), resolved as `adv_tf.claims` observations from
our tidy results (results.csv rows) or from the published numbers.

* ours: a model's mean CW-L2 class distance is one value per seed (`Values`); the control's value of an axis
  and `BASELINES` are the N baselines. A model below the 98% bar (§6.1), one whose CW search failed on some
  pair (its mean is over fewer pairs), and every model when fewer than 2 baselines give no seed-to-seed sd,
  are `Untestable` with the reason; the share of 'same'-padded models is a confound. The transfer share of
  Fig. 10 is k of n examples (n: the baseline's successful examples at that kappa). Figs. 8/9's distortion
  is recorded as one mean per model, with no per-example values and no second seed, so it has no noise to
  judge a difference by: `Untestable`.
* paper: each Table 5/6 row is one model; the control is the mean of 100 baselines with Table 2's std,
  represented as 100 per-seed values with exactly that mean and std (all a t test uses of them); the secure
  model is §6.4's 2.58; Figs. 8-10 are plots whose values are not transcribed (`Untestable`).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Hashable, Mapping, Sequence

import numpy as np

from adv_tf.claims import Accuracy, Untestable, Values
from adv_tf.studies.hyperparams import cells as grid
from adv_tf.studies.hyperparams import claims, published

PAIRS = 90           # 10 best-estimate samples x 9 targets (§4.4)
PAPER_BASELINES = 100  # §5.5
Measure = Callable[[Hashable], "Values | Accuracy | Untestable | None"]


def _finite(x) -> bool:
  return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def _models(rows: Sequence[Mapping[str, Any]], name: str) -> Values | Untestable | None:
  """One value per seed of the rows' mean distance, or why they cannot be compared."""
  if not rows:
    return None
  usable = [r for r in rows if not r.get("excluded") and not r.get("cw_failures") and _finite(r.get("mean"))]
  if not usable:
    r = rows[0]
    if r.get("excluded"):
      return Untestable(f"{name} excluded: {r['excluded']} (§6.1: below 98% a model is not compared)")
    if r.get("cw_failures"):
      return Untestable(f"{name}: the CW search failed on {r['cw_failures']} of its pairs, so its mean distance is "
                        "over fewer pairs")
    return Untestable(f"{name}: no distance measured")
  same = float(np.mean([r.get("padding") == "same" for r in usable]))
  return Values(tuple((float(r["mean"]),) for r in usable), seeds=tuple(int(r.get("seed") or 0) for r in usable),
                confounds={claims.PADDING: same})


def ours(tidy: Sequence[Mapping[str, Any]], base_values: Mapping[str, Any]) -> Measure:
  """`measure(key)` over results.csv rows (dicts keyed by its header); `base_values`: axis -> control value."""
  by_stage: dict[str, list] = {}
  for row in tidy:
    by_stage.setdefault(row["stage"], []).append(row)
  baselines = _models(by_stage.get("baseline", []), "baselines")
  enough = isinstance(baselines, Values) and len(baselines.seeds) >= 2

  def distance(rows, name):
    found = _models(rows, name)
    if isinstance(found, Values) and not enough:
      return Untestable("fewer than 2 usable baselines: no seed-to-seed sd to judge a model by (§5.5)")
    return found

  def measure(key):
    if key == claims.BASELINES:
      return distance(by_stage.get("baseline", []), "baselines")
    if key == claims.SECURE:
      return distance(by_stage.get("secure", []), "secure model")
    if key[0] == "transfer":
      return _transfer(by_stage.get("kappa", []), key[1])
    if key[0] == "pixels changed":
      ran = any(_finite(r.get("kappa")) and float(r["kappa"]) == key[2] for r in by_stage.get("kappa", []))
      return Untestable("one model each, and only the mean over the examples is recorded: no noise to judge "
                        "the difference by") if ran else None
    axis, value = key
    if grid._label(value) == grid._label(base_values[axis]):
      return measure(claims.BASELINES)
    rows = [r for r in by_stage.get("variant", []) if r["axis"] == axis and r["value"] == grid._label(value)]
    return distance(rows, f"{axis}={grid._label(value)}")
  return measure


def _transfer(kappa_rows, kappa: float) -> Accuracy | None:
  row = next((r for r in kappa_rows if _finite(r.get("kappa")) and float(r["kappa"]) == kappa), None)
  if row is None or not _finite(row.get("transfer_target_rate")) or not row.get("transfer_examples"):
    return None
  n = int(row["transfer_examples"])
  return Accuracy((int(round(row["transfer_target_rate"] * n)),), n)


def _paper_baselines() -> Values:
  z = np.linspace(-1.0, 1.0, PAPER_BASELINES)
  z = (z - z.mean()) / z.std(ddof=1)
  values = published.BASELINE["mean"] + published.BASELINE_STD["mean"] * z
  return Values(tuple((float(v),) for v in values), seeds=tuple(range(PAPER_BASELINES)))


def paper(base_values: Mapping[str, Any]) -> Measure:
  """`measure(key)` on the published numbers (module docstring)."""
  baselines = _paper_baselines()
  tables = {**published.TABLE5, **published.TABLE6}

  def measure(key):
    if key == claims.BASELINES:
      return baselines
    if key == claims.SECURE:
      return Values(((published.SECURE["mean"],),))
    if key[0] == "transfer":
      return Untestable("the paper prints Fig. 10 values only in its plot (text: 2% at kappa 0)")
    if key[0] == "pixels changed":
      return Untestable("the paper's Figs. 8/9 are plots only (no values transcribed)")
    axis, value = key
    row = tables.get(axis, {}).get(value)
    if row is not None:
      return Values(((row[0],),))
    return baselines if value == base_values[axis] else None
  return measure
