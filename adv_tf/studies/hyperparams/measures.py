"""The quantities paper 002's claims compare (keys in `claims`), resolved as `adv_tf.claims` observations from
our tidy results (results.csv rows) or from the published numbers.

* ours: a model's mean CW-L2 class distance is one value per seed (`Values`); the control's value of an axis and
  `BASELINES` are the N baselines; a variant or the secure model named in `--replicate` has the grid's seed-`seed`
  model and its replicates' seeds (stage `replicates`; a replicate without an axis is the secure model's). A model
  below the 98% bar (§6.1), one whose CW search failed on some pair (its mean is over fewer pairs), and every model
  when fewer than 2 baselines give no seed-to-seed sd, are `Untestable` with the reason; the exclusion is per trained
  model, so a seed of a replicated model that fails is left out and the others judged (the report's replicates line
  names the seeds left out); the share of 'same'-padded models is a confound. The transfer share of Fig. 10 and Figs.
  8/9's pixels changed are judged per source image (`Values`, one item per best-estimate sample: its 9 pairs share the
  image, so they are not independent items), each image's value the mean over its pairs that the attack solved: the
  share that reaches its target on the secure model (K1: the mean of the images' shares, each image weighted equally,
  where Fig. 10 plots the share of all examples) and the percent of pixel values changed above a threshold (S3, over
  the pairs both models solved; one model each, so "this model"); sources either model misclassifies are left out
  (their pairs start on another class). Kappa records written before 2026-12-06 hold only the pooled numbers: their
  transfer is k of n examples (counting pairs as independent, which overstates the evidence) and their distortion has
  no noise to judge a difference by (`Untestable`).
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


def _per_source(values: Sequence, sources: Sequence[int], left_out: set[int] = frozenset()) -> tuple[float, ...]:
  """Per source image, the mean of its pairs' values (None: the attack failed, left out); NaN for an image whose
  pairs all failed or that is `left_out` (dropped by the item tests)."""
  out = []
  for source in sorted(set(sources)):
    got = [float(v) for v, s in zip(values, sources) if s == source and v is not None]
    out.append(float(np.mean(got)) if got and source not in left_out else math.nan)
  return tuple(out)


def _misclassified(result: Mapping[str, Any], sides: Sequence[str] = ("baseline", "secure")) -> set[int]:
  """Sources that any of `sides` (default: either model) misclassifies (their pairs start on another class)."""
  return {int(i) for side in sides for i in (result.get(side) or {}).get("misclassified_source_indices", ())}


def _kappa_result(kappa_results: Sequence[Mapping[str, Any]], kappa: float) -> Mapping[str, Any] | None:
  return next((r for r in kappa_results if _finite(r.get("kappa")) and float(r["kappa"]) == kappa), None)


def _pixels_changed(result: Mapping[str, Any], model: str, kappa: float, threshold: float,
                    paired: bool = True) -> Values | Untestable | None:
  """Per source image, the % of pixel values `model`'s examples change above `threshold`. `paired` (S3): over the
  pairs both models' attacks solved (so the two sides average the same pairs), sources either model misclassifies
  left out; else (S4, one model alone): over the pairs `model`'s attack solved, the sources it misclassifies left
  out."""
  sources, key = result.get("pair_sources"), f"{threshold:.2f}"
  sides = ("baseline", "secure") if paired else (model,)
  lists = [((result.get(m) or {}).get("pixels_changed_per_pair") or {}).get(key) for m in sides]
  if any(v is None for v in lists) or not sources:
    return None
  side = result[model]
  scale = 100.0 / side["pixel_values_per_example"]
  solved = [all(v is not None for v in pair) for pair in zip(*lists)]
  percents = [c * scale if ok else None for c, ok in zip(side["pixels_changed_per_pair"][key], solved)]
  means = _per_source(percents, sources, _misclassified(result, sides))
  if not any(math.isfinite(m) for m in means):
    return Untestable(f"kappa {kappa:g}: no source image left to judge (every image misclassified by "
                      f"{'a model' if paired else 'the model'} or no pair solved by {'both' if paired else 'it'})")
  return Values((means,), item_set=f"kappa {kappa:g} best-estimate samples", bounds=(0.0, 100.0))


def _transfer_per_source(result: Mapping[str, Any], kappa: float) -> Values | Untestable | None:
  per_pair, sources = result.get("transfer_on_target_per_pair"), result.get("pair_sources")
  if per_pair is None or not sources:
    return None
  means = _per_source([None if v is None else float(v) for v in per_pair], sources, _misclassified(result))
  if not any(math.isfinite(m) for m in means):
    return Untestable(f"kappa {kappa:g}: no source image left to judge (every image misclassified by a model or "
                      "every baseline attack failed)")
  return Values((means,), item_set=f"kappa {kappa:g} best-estimate samples", bounds=(0.0, 1.0))


def transfer_per_image(result: Mapping[str, Any]) -> tuple[float, int] | None:
  """(mean over source images of each image's transfer share, images) as K1 judges it; None for a kappa record
  without per-pair lists (written before 2026-12-06) or with no image left."""
  per_source = _transfer_per_source(result, float(result.get("kappa", 0.0)))
  if not isinstance(per_source, Values):
    return None
  shares = [v for v in per_source.per_seed[0] if math.isfinite(v)]
  return float(np.mean(shares)), len(shares)


def ours(tidy: Sequence[Mapping[str, Any]], base_values: Mapping[str, Any],
         kappa_results: Sequence[Mapping[str, Any]] = ()) -> Measure:
  """`measure(key)` over results.csv rows (dicts keyed by its header); `base_values`: axis -> control value;
  `kappa_results`: the kappa cells' record results, whose per-pair lists the transfer and distortion claims
  are judged on (module docstring)."""
  by_stage: dict[str, list] = {}
  for row in tidy:
    by_stage.setdefault(row["stage"], []).append(row)
  baselines = _models(by_stage.get("baseline", []), "baselines")
  replicates = by_stage.get(grid.REPLICATES, [])
  enough = isinstance(baselines, Values) and len(baselines.seeds) >= 2

  def distance(rows, name):
    found = _models(rows, name)
    if isinstance(found, Values) and not enough:
      return Untestable("fewer than 2 usable baselines: no seed-to-seed sd to judge a model by (§5.5)")
    return found

  def _same_padding(axis, value):
    """The padding control's model of (axis, value) at 'same' padding, or the grid's own when it pads 'same'."""
    control = by_stage.get(grid.PADDING_CONTROL, [])
    if grid._label(value) == grid._label(base_values[axis]):
      return distance([r for r in control if not r.get("axis")], "'same'-padded control LeNets") if control else None
    rows = [r for r in control if r.get("axis") == axis and r.get("value") == grid._label(value)]
    if not rows:
      rows = [r for r in by_stage.get("variant", []) + replicates
              if r["axis"] == axis and r["value"] == grid._label(value) and r.get("padding") == "same"]
    return distance(rows, f"{axis}={grid._label(value)} ('same')") if rows else None

  def _unusable_kappa_models(result, alone: str = "") -> Untestable | None:
    """Why a kappa cell's models cannot be judged: the baseline it attacked (the study seed's) or the secure model
    below the 98% bar (§6.1), as their model cells recorded; `alone` ("baseline" or "secure"): that model only (S4
    reads the baseline alone, so an excluded secure model does not block it). None when they are usable."""
    seed = int(result.get("baseline_seed") or 0)
    attacked = {"baseline": ("the attacked baseline",
                             [r for r in by_stage.get("baseline", []) if int(r.get("seed") or 0) == seed]),
                "secure": ("the secure model", by_stage.get("secure", []))}
    for side, (name, rows) in attacked.items():
      excluded = next((r["excluded"] for r in rows if r.get("excluded")), None)
      if excluded and alone in ("", side):
        return Untestable(f"{name} excluded: {excluded} (§6.1: below 98% a model is not compared)")
    return None

  def measure(key):
    if key == claims.BASELINES:
      return distance(by_stage.get("baseline", []), "baselines")
    if key == claims.SECURE:
      return distance(by_stage.get("secure", []) + [r for r in replicates if not r.get("axis")], "secure model")
    if key[0] == "transfer":
      result = _kappa_result(kappa_results, key[1])
      if result and (unusable := _unusable_kappa_models(result)):
        return unusable
      per_source = _transfer_per_source(result, key[1]) if result else None
      return per_source or _transfer(by_stage.get("kappa", []), key[1])
    if key[0] in (claims.PIXELS_CHANGED, claims.PIXELS_CHANGED_ALONE):
      result = _kappa_result(kappa_results, key[2])
      paired = key[0] == claims.PIXELS_CHANGED
      if result and (unusable := _unusable_kappa_models(result, "" if paired else key[1])):
        return unusable
      per_source = _pixels_changed(result, key[1], key[2], key[3], paired) if result else None
      if per_source is not None:
        return per_source
      ran = any(_finite(r.get("kappa")) and float(r["kappa"]) == key[2] for r in by_stage.get("kappa", []))
      return Untestable("only the mean over the examples is recorded (a kappa cell written before 2026-12-06): "
                        "no noise to judge the difference by") if ran else None
    if key[0] == claims.SAME_PADDING:
      return _same_padding(key[1], key[2])
    axis, value = key
    if grid._label(value) == grid._label(base_values[axis]):
      return measure(claims.BASELINES)
    rows = [r for r in by_stage.get("variant", []) + replicates
            if r["axis"] == axis and r["value"] == grid._label(value)]
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
    if key[0] in (claims.PIXELS_CHANGED, claims.PIXELS_CHANGED_ALONE):
      return Untestable("the paper's Figs. 8/9 are plots only (no values transcribed)")
    if key[0] == claims.SAME_PADDING:
      return Untestable("the paper states no padding and has no padding control")
    axis, value = key
    row = tables.get(axis, {}).get(value)
    if row is not None:
      return Values(((row[0],),))
    return baselines if value == base_values[axis] else None
  return measure
