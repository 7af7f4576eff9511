"""The one verdict engine: every claim of every study is judged here, from the study's tidy results.

`judge(claim, measure, rules)` resolves each cell's quantities with `measure(key) -> observation | None`,
picks the test the design calls for (`rules` module table), and combines the cells:

* per cell, "not testable at this scale" when a compared model is at or near chance (clean accuracy within
  `near_chance` of the way from chance to 100%) or both compared accuracies are at the same bound (within
  max(1%, 2 items) of 0% or of 100%, each item counted once however many seeds measured it: a floor or a
  ceiling cannot show a difference), or both compared bounded values (`Values.bounds`) have every item at the
  same end of their range; per-item differences of bounded values that are all equal are judged by the
  worst-case bound for identical bounded items (`rules.BoundedConstant`; no spread for a t), and those with at
  least half a side's items at one end of the range by the t bounded by the proportion test on the items rescaled
  to [0, 1] (`rules.AtEndItems`; `_item_test`);
* "does not hold" only when some cell is significantly against the claim, Holm-adjusted over the claim's
  testable cells (family-wise error `alpha`, one-sided per direction: 0.025, i.e. two-sided 5%);
* "holds" ("all" claims) when every testable cell is significantly for it: an intersection-union test, whose
  size is `alpha` without adjustment; "most" claims count Holm-adjusted significant cells (more than half);
* "tie" when every testable cell is equivalent within the claim's margin (TOST at `alpha`): a margin the
  sample cannot resolve gives "inconclusive", never "tie";
* "not testable" when no measured cell is testable (a cell with an `Untestable` side, declared or measured,
  is not testable, with its reason, unless its other side was not measured: then it is not measured);
  "not run in this profile" when none was measured;
* a claim with unit "seeds" judged with fewer than two seeds on a side reads "this model: <verdict>" and is
  not decided (`ClaimResult.decided`), unless the claim names `noise_from`: then every cell is tested with the
  seed-to-seed sd of that quantity's seeds (`rules.reference_t`, a decided verdict), whatever each side's seed
  count (se = sd sqrt(1/n_a + 1/n_b); a side's own sd, where it has >= 2 seeds, is printed beside it, and where
  it is significantly above the reference's, F test at `VARIANCE_CHECK_ALPHA`, a cell whose sides both have >= 2
  seeds falls back to Welch's t over their own seeds, and a cell with a one-seed side or a trend says so);
* "partial (tested against: ...)" when only some of the values the claim names were measured; "partial
  (testable: k of n cells)" when some of the n measured cells were not testable (the verdict rests on the k
  testable cells alone, whatever their share: a claim of 12 cells with 2 testable reads "holds, partial
  (testable: 2 of 12 cells)", never a bare "holds"); both in one parenthesis when both apply (`ClaimResult.label`);
* a claim of a sequential design (`Claim.looks` k > 1: its data grew after k - 1 earlier readings) is judged at
  alpha / 2^(k-1) in every rule above, each look at half the level of the one before, so that the chance of a
  false verdict over all its looks (at most the sum of their levels) stays below 2 alpha however many looks
  (the first reading spent alpha already). The sum bounds it where each look's added data were fixed before the
  effect they follow was seen; a count chosen from that effect leaves the pooled test's level approximate, which
  the study states; its evidence gives the level and that sum, and its "what would decide
  it" assumes the next look's level. Earlier readings published at alpha before a claim was known to be
  sequential are re-read at their look's level: one that left the claim undecided at alpha leaves it undecided
  there too, and one that decided it at alpha but not at its look's level is withdrawn by the re-reading (the
  verdict reported is always the last look's), so the readings reported follow this design;
* confounds (observation `confounds`, and clean accuracy) that differ between compared sides by more than
  the claim's `confound_limits` are attached to the evidence.
* tests on items (images, pairs) count each item once: with several seeds on a side, its outcome averaged over
  them (`rules` docstring), never once per seed. Where both sides have the same >= 2 seeds, each seed's own effect
  (what the test measures, on that seed alone) is kept beside the test
  (`CellResult.seed_effects`); where the seeds, taken alone, fall on both sides of the cell's line, the evidence
  names them (`ClaimResult.seed_disagreement`): the verdict is about the seeds' average, not every seed. Seeds
  of two independently trained sides (`Claim.seeds_paired` False) are compared by Welch's t, never paired by number.
* a `Trend` cell (declarations) is one test over the axis' measured points: the least-squares line through
  (x_i, y_i), y_i a point's mean over its seeds, each point weighted equally; effect = slope x (max x - min x), a
  linear contrast sum c_i y_i tested with the `noise_from` sd (`rules.contrast_t`: se = sd sqrt(sum c_i^2 / n_i),
  N - 1 degrees of freedom); points not measured or not testable are left out (named in the cell's note; the claim
  reads "partial"), fewer than two points left: not measured / not testable; a confound is flagged by its spread
  (max - min) over the points.
For every claim that is not decided, `ClaimResult.to_decide` says what would decide it: the effect seen, the
measured noise, and the sample size (items or seeds per side, as a multiple of today's) at which the same
rules, applied to the same effect and noise, give a decided verdict (`max_factor` at most). A "this model"
verdict says first that it needs >= 2 seeds per compared model whatever the images (the images it names then
decide it for this model alone); a test with a reference's sd (`rules.ReferenceT`) names the reference size N at
which it would be decided, or, where no N does, the seeds of each compared model (`ReferenceT.seeded`) that would, or
that none up to `max_factor` times today's would (an effect on the margin).
"""
from __future__ import annotations

import dataclasses
import functools
import math
from typing import Callable, Hashable, Mapping, Sequence

import numpy as np

from adv_tf.claims import rules as R
from adv_tf.claims.declarations import Cell, Claim, Trend
from adv_tf.claims.noise_reference import NoiseReference
from adv_tf.claims.observations import Accuracy, Exact, Observation, Scalar, Untestable, Values
from adv_tf.errors import AdvTfError
from adv_tf.report.statistics import DECIDED, partial_label

NOT_RUN = "not run in this profile"
SCALE_FACTORS = (2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024)
Measure = Callable[[Hashable], "Observation | Untestable | None"]


@dataclasses.dataclass(frozen=True)
class Rules:
  """The engine's settings: one-sided level per direction, saturation and near-chance bounds."""
  alpha: float = 0.025
  floor: float = 0.01
  saturation_items: int = 2
  near_chance: float = 0.1
  max_factor: int = 1024

  def at_look(self, k: int) -> "Rules":
    """These rules at look k of a sequential design (`Claim.looks`): alpha / 2^(k-1), so that the levels of all
    looks sum to less than 2 alpha (module docstring)."""
    return self if k == 1 else dataclasses.replace(self, alpha=self.alpha / 2 ** (k - 1))

  def levels_through(self, k: int) -> float:
    """The sum of the levels of looks 1..k (`at_look`), which bounds the chance of a false verdict over them."""
    return self.alpha * (2 - 2 ** (1 - k))


@dataclasses.dataclass
class CellResult:
  cell: Cell
  status: str               # for | against | tie | undecided | not testable | not measured
  test: R.Test | None = None
  note: str = ""
  this_model: bool = False
  p_for: float = 1.0
  p_against: float = 1.0
  p_tie: float = 1.0
  confounds: dict = dataclasses.field(default_factory=dict)
  groups: tuple[str, ...] | None = None   # the claim's names this cell measured, when not `cell.groups` (a Trend)
  seed_effects: tuple[tuple[int, float], ...] = ()   # (seed, the cell's effect on that seed alone): `_seed_effects`
  seeds_disagree: bool = False   # those effects lie on both sides of the cell's line (`_seeds_split`)


@dataclasses.dataclass
class ClaimResult:
  claim: Claim
  verdict: str
  cells: list[CellResult]
  tested: tuple[str, ...] = ()
  to_decide: str = ""
  confounds: str = ""
  sequential: str = ""   # the look's level, for a claim of a sequential design (`Claim.looks`)

  @property
  def this_model(self) -> bool:
    return self.verdict.startswith("this model")

  @property
  def decided(self) -> bool:
    return self.verdict in DECIDED

  @property
  def testable(self) -> str | None:
    """"testable: k of n cells" when some measured cells were not testable and some were (the verdict rests on
    the k alone), else None."""
    measured = [c for c in self.cells if c.status != "not measured"]
    k = sum(c.status != "not testable" for c in measured)
    return f"testable: {k} of {len(measured)} cells" if 0 < k < len(measured) else None

  @property
  def label(self) -> str:
    """The verdict with its "partial" note: the values the claim names that were tested (`partial_label`) and the
    cells that were testable, in one parenthesis, e.g. "holds, partial (tested against: mnist; testable: 3 of 12
    cells)"."""
    if self.verdict == NOT_RUN:
      return self.verdict
    note, testable = partial_label(self.tested, self.claim.names), self.testable
    if testable:
      note = f"{note[:-1]}; {testable})" if note else f"partial ({testable})"
    return f"{self.verdict}, {note}" if note else self.verdict

  @property
  def sample(self) -> dict:
    """What the verdict rests on, in numbers, for comparing profiles (the index says why two profiles' verdicts
    differ): the claim's cells, how many were measured and testable, and over the testable cells the [min, max] of:
    the smaller side's sample by unit ("images (smaller side)", "seeds (smaller side)"); for an item test, the
    seeds each model's item outcomes were averaged over ("seeds per model"); for a test whose noise came from a
    reference, the reference's seeds; for a trend (`ContrastT`), its points and the seeds per point. "exact": a
    cell computed exactly (no sample: nothing grows)."""
    measured = [c for c in self.cells if c.status != "not measured"]
    tests = [c.test for c in measured if c.test is not None]
    ranges: dict[str, list[float]] = {}

    def extend(key: str, *values) -> None:
      lo_hi = ranges.setdefault(key, [math.inf, -math.inf])
      lo_hi[0], lo_hi[1] = min(lo_hi[0], *values), max(lo_hi[1], *values)
    exact = 0
    for t in tests:
      while hasattr(t, "inner"):   # a mirrored test (`_Negated`), a bounded t (`AtEndItems`): the inner test's sample
        t = t.inner
      if isinstance(t, R.ExactDifference):
        exact += 1
        continue
      if isinstance(t, R.ContrastT):
        extend("trend points", float(len(t.counts)))
        extend("seeds per point", *t.counts)
      else:
        extend(f"{t.unit} (smaller side)", float(t.units))
      if isinstance(t, R.ReferenceT):
        extend("reference seeds", float(t.reference_n))
      seeds = getattr(t, "seeds", None)
      if seeds is not None:
        extend("seeds per model", *(float(s) for s in (seeds if isinstance(seeds, tuple) else (seeds,))))
    out = {"cells": len(self.cells), "measured": len(measured), "testable": len(tests),
           "ranges": {k: [_plain(v) for v in lo_hi] for k, lo_hi in ranges.items()}}
    return dict(out, exact=exact) if exact else out

  @property
  def seed_disagreement(self) -> str:
    """Cells judged on images averaged over >= 2 seeds per side whose seeds, taken one at a time, fall on both sides
    of the cell's line (`_seeds_split`): the verdict is on the seeds' average and rests on some of
    them; "" when none. Names up to `_NAMED_CELLS` cells with each seed's effect."""
    split = [c for c in self.cells if c.seeds_disagree]
    if not split:
      return ""
    shown = "; ".join(f"{c.cell.name}: " + ", ".join(f"{_fmt(self.claim, d)} (seed {s})" for s, d in c.seed_effects)
                      for c in split[:_NAMED_CELLS])
    more = f"; and {len(split) - _NAMED_CELLS} more" if len(split) > _NAMED_CELLS else ""
    with_seeds = sum(bool(c.seed_effects) for c in self.cells if c.test is not None and c.cell.relation != "equal")
    return (f"seeds disagree in {len(split)} of {with_seeds} cells judged on seed-averaged items (the verdict is on "
            f"the seeds' average; taken alone, some seeds fall on the other side of the claim's line): {shown}{more}")

  @property
  def left_out(self) -> str:
    """Which measured cells were not testable and why, when others were (the verdict rests on those others; where
    none was, "what would decide it" gives the reasons): "not testable, left out: [<cells>] <reason> | ...", up to
    `_NAMED_CELLS` cell names per reason and `_NAMED_CELLS` reasons (the rest counted; the report's cell table
    has them all)."""
    if not any(c.test is not None for c in self.cells):
      return ""
    by_reason: dict[str, list[str]] = {}
    for c in self.cells:
      if c.status == "not testable":
        by_reason.setdefault(c.note or "no reason recorded", []).append(c.cell.name)
    if not by_reason:
      return ""
    def cells(names: list[str]) -> str:
      more = len(names) - _NAMED_CELLS
      return ", ".join(names[:_NAMED_CELLS]) + (f" and {more} more" if more > 0 else "")
    groups = list(by_reason.items())
    text = " | ".join(f"[{cells(names)}] {reason}" for reason, names in groups[:_NAMED_CELLS])
    rest = sum(len(names) for _, names in groups[_NAMED_CELLS:])
    return f"not testable, left out: {text}" + (f" | and {rest} more cells for other reasons" if rest else "")

  @property
  def cell_rows(self) -> list[dict]:
    """Each cell's verdict, for claims.json (a reader checks which cells decided the claim without rerunning the
    judge), numbers in the claim's printed unit ("effect_unit"): the cell's name and groups, its relation, its
    status after Holm, the effect (A - B; for a Trend cell the fitted change across its axis), the line that
    effect must pass in A - B terms (`_a_minus_b_line`; "equal": the band's centre) and the claim's margin,
    "past_line" (`_past_line`: how far the effect lies past that line as the cell claims it, + as claimed), the
    test, its one-sided p-values before Holm (None for a cell not tested; "p_tie" None where the relation has no
    tie test), whether it is a one-model cell, and its note. Holm runs over the claim's testable cells at the
    engine's alpha, so a raw p below alpha can sit beside a status other than the one it points to."""
    def number(x: float | None) -> float | None:
      return None if x is None or not math.isfinite(x) else float(f"{x:.6g}") + 0.0   # + 0.0: no -0.0
    scale, margin = self.claim.scale, self.claim.margin
    rows = []
    for c in self.cells:
      tested = c.test is not None
      rows.append({"cell": c.cell.name, "groups": list(c.groups or c.cell.groups), "relation": c.cell.relation,
                   "status": c.status, "effect": number(scale * c.test.effect) if tested else None,
                   "line": number(scale * _a_minus_b_line(c.cell, margin)), "margin": number(scale * margin),
                   "past_line": number(scale * _past_line(c.cell, c.test.effect, margin)) if tested else None,
                   "effect_unit": self.claim.value_unit, "test": c.test.name if tested else "",
                   "p_for": number(c.p_for) if tested else None,
                   "p_against": number(c.p_against) if tested else None,
                   "p_tie": number(c.p_tie) if tested and c.cell.relation in ("greater", "less") else None,
                   "this_model": c.this_model, "note": c.note})
    return rows

  @property
  def counts(self) -> str:
    keys = ("for", "against", "tie", "undecided", "not testable", "not measured")
    n = {k: sum(c.status == k for c in self.cells) for k in keys}
    return ", ".join(f"{k} {v}" for k, v in n.items() if v)

  @property
  def evidence(self) -> str:
    parts = [self.counts]
    tests = sorted({c.test.name for c in self.cells if c.test is not None})
    if tests:
      parts.append("tests: " + ", ".join(tests) + (", Holm over cells" if len(self.cells) > 1 else ""))
    parts += [c.note for c in self.cells if isinstance(c.cell.a, Trend) and c.note and c.status != "not testable"]
    parts += [self.seed_disagreement] if self.seed_disagreement else []
    parts += [self.left_out] if self.left_out else []
    parts += [p for p in (self.confounds, self.sequential, self.to_decide) if p]
    if self.claim.conflict:
      parts.append(f"text vs figure: {self.claim.conflict} (judged against the figure)")
    return "; ".join(parts)


_NAMED_CELLS = 3   # cells named per reason in `ClaimResult.left_out`


def _plain(x: float) -> int | float:
  """A count for JSON: an integer where it is one (seed-averaged counts stay floats, to 4 digits)."""
  return int(x) if float(x).is_integer() else round(float(x), 4)


class _Negated(R.Test):
  """The mirror of a test: effect -> -effect."""

  def __init__(self, inner: R.Test):
    self.inner, self.name, self.unit, self.units = inner, inner.name, inner.unit, inner.units
    self.effect = -inner.effect

  def p_above(self, threshold):
    return self.inner.p_below(-threshold)

  def p_below(self, threshold):
    return self.inner.p_above(-threshold)

  def scaled(self, factor):
    return _Negated(self.inner.scaled(factor))

  def grown(self, factor, unit):
    return self.inner.grown(factor, unit)

  def never(self, max_factor, spread=R.raw_spread):
    return self.inner.never(max_factor, spread)

  def seeded(self, factor):
    return _Negated(self.inner.seeded(factor))

  def seeded_text(self, factor):
    return self.inner.seeded_text(factor)

  def noise_in(self, spread=R.raw_spread):
    return self.inner.noise_in(spread)


def _line(cell: Cell, margin: float) -> float:
  """The value the oriented effect (mirrored for "less" / "at_most") must exceed for the cell (`_p_values`)."""
  return cell.offset - (margin if cell.relation in ("at_least", "at_most") else 0.0)


def _a_minus_b_line(cell: Cell, margin: float) -> float:
  """The line the effect A - B must pass for the cell (`_line` before the mirroring of "less" / "at_most"): above it
  for greater / at_least, below it for less / at_most; for "equal", the centre of the band +-margin."""
  if cell.relation == "equal":
    return cell.offset
  return -_line(cell, margin) if cell.relation in ("less", "at_most") else _line(cell, margin)


def _past_line(cell: Cell, effect: float, margin: float) -> float:
  """How far `effect` lies past the cell's line in the way the cell claims (+: as claimed), as `_p_values` reads it:
  the effect mirrored for "less" / "at_most", minus the cell's line (`_line`: its offset, less the margin for
  "at_least" / "at_most"); for "equal", the margin less the distance from the offset (+: inside the band)."""
  if cell.relation == "equal":
    return margin - abs(effect - cell.offset)
  return (-effect if cell.relation in ("less", "at_most") else effect) - _line(cell, margin)


def _seeds_split(cell: Cell, effects: tuple[tuple[int, float], ...], margin: float) -> bool:
  """Whether per-seed effects lie on both sides of the cell's line (`_line`): a verdict on items averaged over seeds
  that some of the seeds, taken alone, would contradict ("equal" cells: never)."""
  if not effects or cell.relation == "equal":
    return False
  oriented = [_past_line(cell, d, margin) for _, d in effects]
  return min(oriented) < 0 < max(oriented)


def _seed_effects(claim: Claim, a, b) -> tuple[tuple[int, float], ...]:
  """(seed, effect on that seed alone) where a claim judged on items (unit "images" or "pairs") averages >= 2 seeds
  per side, both sides measured on the same seeds and those seeds a common draw (`Claim.seeds_paired`); a side may be
  a constant. A seed's effect is what the cell's test measures, on that seed: the difference of accuracies; for
  per-item values, the mean (or median, `Values.statistic`) of the per-item differences when the items are paired,
  else the difference of each side's mean (median), NaN items dropped as the item tests drop them. A seed whose
  effect is not finite is left out; fewer than two left, or any other design: (). The test stays on the
  seed-averaged items (`_item_means`); these say whether the seeds agree."""
  if claim.unit == "seeds" or not claim.seeds_paired or not all(
      isinstance(o, (Accuracy, Values, Scalar)) for o in (a, b)):
    return ()
  sides = [o for o in (a, b) if not isinstance(o, Scalar)]
  if not sides or any(len(o.seeds) < 2 or tuple(o.seeds) != tuple(sides[0].seeds) for o in sides):
    return ()
  if isinstance(a, Accuracy) or isinstance(b, Accuracy):
    if not all(isinstance(o, (Accuracy, Scalar)) for o in (a, b)):
      return ()
    va, vb = (np.full(len(sides[0].seeds), o.value) if isinstance(o, Scalar) else o.per_seed() for o in (a, b))
    effects = va - vb
  else:
    # As the item tests do: NaN items are dropped; an infinite one stays (the median's sign test counts it, the
    # mean becomes infinite and that seed is left out below).
    median = next(o for o in sides).statistic == "median"

    def reduce(v: np.ndarray) -> float:
      v = v[~np.isnan(v)]
      return float("nan") if not len(v) else float(np.median(v) if median else np.mean(v))
    per = [None if isinstance(o, Scalar) else np.asarray(o.per_seed, np.float64) for o in (a, b)]
    with np.errstate(invalid="ignore"):
      if all(p is not None for p in per) and _paired_items(a, b) is not None:
        effects = np.asarray([reduce(d) for d in per[0] - per[1]])
      else:
        def side(o, p):
          return np.full(len(sides[0].seeds), o.value) if p is None else np.asarray([reduce(v) for v in p])
        effects = side(a, per[0]) - side(b, per[1])
  out = tuple((int(s), float(d)) for s, d in zip(sides[0].seeds, effects) if math.isfinite(d))
  return out if len(out) >= 2 else ()


def _near_chance(obs, rules: Rules) -> str | None:
  clean, chance = getattr(obs, "clean", None), getattr(obs, "chance", None)
  if clean is None or chance is None:
    return None
  if clean <= chance + rules.near_chance * (1 - chance):
    return f"a model at or near chance (clean {100 * clean:.1f}% vs chance {100 * chance:.1f}%)"
  return None


def _bound(obs, rules: Rules) -> str | None:
  if isinstance(obs, Values):   # bounded values: every item (seed-averaged) at one end of the range
    means = _item_means(obs)
    means = means[np.isfinite(means)] if means is not None else means
    if obs.bounds is None or means is None or not len(means):
      return None
    return "floor" if np.all(means <= obs.bounds[0]) else "ceiling" if np.all(means >= obs.bounds[1]) else None
  if not isinstance(obs, Accuracy):
    return None
  s = max(rules.floor, rules.saturation_items / obs.n)   # items, not (item, seed) pairs: the unit of noise
  return "ceiling" if obs.value >= 1 - s else "floor" if obs.value <= s else None


def _seed_floor(*obs: Accuracy) -> float:
  p = float(np.mean([o.value for o in obs]))
  return math.sqrt(max(p * (1 - p), 1e-12) / obs[0].n)


def _item_means(obs: Accuracy | Values) -> np.ndarray | None:
  """Each item's outcome (or value) averaged over the side's seeds, or None when per-item outcomes were not
  recorded: the item, not the (item, seed) pair, is the unit of noise of a test on items (`rules` docstring), so
  an image measured on three seeds counts once, not three times."""
  per = obs.items if isinstance(obs, Accuracy) else obs.per_seed
  if per is None or len({len(v) for v in per}) != 1:
    return None
  with np.errstate(invalid="ignore"):   # inf and -inf on two seeds: undefined (NaN), dropped by the item tests
    return np.mean(np.asarray(per, np.float64), axis=0)


def _paired_items(a: Accuracy | Values, b: Accuracy | Values):
  """Item-paired, seed-averaged arrays (`_item_means`), or None when the sides are not the same items."""
  if a.item_set is None or a.item_set != b.item_set:
    return None
  x, y = _item_means(a), _item_means(b)
  if x is None or y is None or len(x) != len(y):
    return None
  return x, y


def _paired_table(x: np.ndarray, y: np.ndarray, seeds: tuple[int, int]) -> R.PairedProportions:
  """The 2x2 table of two sides' seed-averaged outcomes on the same images (`rules` docstring): with one seed per
  side, the counts of both right, only A, only B, both wrong."""
  both, only_a, only_b = (float(np.round(np.sum(v), 9)) for v in (np.minimum(x, y), np.maximum(x - y, 0),
                                                                     np.maximum(y - x, 0)))
  return R.PairedProportions(both, only_a, only_b, float(np.round(len(x) - both - only_a - only_b, 9)), seeds)


def _seed_values(obs: Accuracy | Values) -> np.ndarray:
  return obs.per_seed() if isinstance(obs, Accuracy) else obs.per_seed_values()


def _reference_test(claim: Claim, a, b, reference, from_reference: tuple[bool, bool]) -> R.Test:
  """value(a) - value(b) with the seed-to-seed sd of `reference` (`Claim.noise_from`); `from_reference`: whether
  a, b is that quantity itself."""
  n_b = math.inf if isinstance(b, Scalar) else len(b.seeds)
  source = "/".join(str(p) for p in claim.noise_from) if isinstance(claim.noise_from, tuple) else str(
    claim.noise_from)
  if isinstance(reference, NoiseReference):  # a published larger run's sd and N (issue 22 item 1)
    return R.reference_t_from_sd(a.value - b.value, len(a.seeds), n_b, reference.sd, reference.n,
                                 f"{source} (published run, commit {reference.commit[:12]})", from_reference,
                                 label="t over seeds, sd from a published run", published=True)
  floor = _seed_floor(reference) if isinstance(reference, Accuracy) else 0.0
  return R.reference_t(a.value - b.value, len(a.seeds), n_b, _seed_values(reference), source, floor, from_reference)


def _reference_sd(reference) -> tuple[float, int]:
  """(sd, N) of a reference with seed noise (`_has_seed_noise`): a published run's, or a measured quantity's
  seed-to-seed sd over its N seeds, an Accuracy's floored at its items' binomial sd (`_seed_floor`)."""
  if isinstance(reference, NoiseReference):
    return reference.sd, reference.n
  values = _seed_values(reference)
  floor = _seed_floor(reference) if isinstance(reference, Accuracy) else 0.0
  return max(float(np.std(values, ddof=1)), floor), len(values)


def _has_seed_noise(reference) -> bool:
  """Whether `reference` gives a seed-to-seed sd: a published one, or >= 2 seeds of a measured quantity."""
  return isinstance(reference, NoiseReference) or (
      isinstance(reference, (Accuracy, Values)) and len(reference.seeds) >= 2)


def _test(claim: Claim, a, b, reference=None, from_reference: tuple[bool, bool] = (False, False),
          noisier: str = "") -> tuple[R.Test, bool, str]:
  """(test of value(a) - value(b), judged on one model only, note) for two resolved observations;
  `reference`: the resolved `Claim.noise_from` (None: not named or not measured); `from_reference`: whether a, b
  is that quantity. Tests on items count each item once, averaged over its side's seeds (`_item_means`)."""
  if isinstance(a, Scalar) and isinstance(b, Scalar):
    raise AdvTfError(f"claim {claim.id}: a cell compares two constants")
  if isinstance(a, Exact) or isinstance(b, Exact):
    if not all(isinstance(o, (Exact, Scalar)) for o in (a, b)):
      raise AdvTfError(f"claim {claim.id}: an Exact value is compared with an Exact value or a constant only")
    return R.ExactDifference(a.value - b.value), False, ""
  if isinstance(a, Scalar):
    test, this_model, note = _test(claim, b, a, reference, from_reference[::-1], noisier)
    return _Negated(test), this_model, note
  replicated = claim.unit == "seeds" and len(a.seeds) >= 2 and (isinstance(b, Scalar) or len(b.seeds) >= 2)
  this_model = claim.unit == "seeds" and not replicated
  # A claim naming `noise_from` declares that quantity's seed-to-seed sd every model's: sides with one seed or
  # several are judged with it (se = sd sqrt(1/n_a + 1/n_b)), as a Trend's points are (`rules.contrast_t`).
  # A replicated side whose own variance is significantly above the reference's (`_noisier`) breaks that assumption:
  # with both sides replicated the cell falls back to Welch's t over each side's own seeds.
  if claim.unit == "seeds" and _has_seed_noise(reference) and (isinstance(b, Scalar) or type(a) is type(b)) and (
      isinstance(reference, NoiseReference) or type(reference) is type(a)):   # an accuracy's sd for accuracies
    if not (noisier and replicated):
      note = f"{noisier} (no Welch's t: a side has one seed)" if noisier else ""
      return _reference_test(claim, a, b, reference, from_reference), False, note
    if isinstance(b, Scalar):
      return (R.one_sample_t(_seed_values(a), b.value), False,
              f"{noisier}: a one-sample t over its own seeds instead")
    floor = _seed_floor(a, b) if isinstance(a, Accuracy) else 0.0
    return (R.welch_t(_seed_values(a), _seed_values(b), floor), False,
            f"{noisier}: Welch's t over each side's own seeds instead")
  if isinstance(b, Scalar):
    if replicated:
      if isinstance(a, Accuracy):   # every seed on the same test items: their sampling noise is shared
        # The items' binomial sd at the observed accuracy or at the constant, whichever is larger: at 100% observed
        # it would vanish, and the constant is where the null hypothesis puts the accuracy.
        c = min(max(float(b.value), 0.0), 1.0)
        item_sd = max(_seed_floor(a), math.sqrt(c * (1 - c) / a.n))
        return R.one_sample_t_shared_items(a.per_seed(), b.value, item_sd), False, ""
      return R.one_sample_t(a.per_seed_values(), b.value), False, ""
    if isinstance(a, Accuracy):
      return R.OneProportion(float(np.mean(a.k)), a.n, b.value, len(a.k)), this_model, ""
    means = _item_means(a)
    if means is None:
      raise AdvTfError(f"claim {claim.id}: per-item values must cover the same items on every seed")
    return _item_test(a, means - b.value, shift=float(b.value), sides=(means,)), this_model, ""
  if type(a) is not type(b):
    raise AdvTfError(f"claim {claim.id}: a cell compares an {type(a).__name__} with a {type(b).__name__}")
  if replicated:
    va = a.per_seed() if isinstance(a, Accuracy) else a.per_seed_values()
    vb = b.per_seed() if isinstance(b, Accuracy) else b.per_seed_values()
    floor = _seed_floor(a, b) if isinstance(a, Accuracy) else 0.0
    common = [s for s in a.seeds if s in b.seeds]
    if isinstance(a, Accuracy) and a.items is not None and b.items is not None and a.item_set is not None and \
        a.item_set == b.item_set and a.n != b.n:
      raise AdvTfError(f"claim {claim.id}: two accuracies on item set {a.item_set!r} with {a.n} and {b.n} items")
    if claim.seeds_paired and len(common) >= 2 and a.item_set is not None and a.item_set == b.item_set:
      if isinstance(a, Accuracy) and a.items is not None and b.items is not None:
        items = np.asarray([np.subtract(a.items[a.seeds.index(s)], b.items[b.seeds.index(s)]) for s in common]).T
        test = R.paired_t_shared_items(items)
        if test.se == 0:   # identical outcomes item by item on every seed: the exact paired table decides (a tie)
          return _paired_table(*_paired_items(a, b), (len(a.seeds), len(b.seeds))), False, ""
        return test, False, ""
      d = [va[a.seeds.index(s)] - vb[b.seeds.index(s)] for s in common]
      return R.paired_t(d, floor), False, _shared_noise_note(a, b)
    if isinstance(a, Accuracy) and a.item_set is not None and a.item_set == b.item_set:
      if a.items is not None and b.items is not None:
        return R.welch_t_shared_items(np.asarray(a.items).T, np.asarray(b.items).T), False, ""
    return R.welch_t(va, vb, floor), False, _shared_noise_note(a, b)
  paired = _paired_items(a, b)
  seeds = (len(a.seeds), len(b.seeds))
  if isinstance(a, Accuracy):
    if paired is not None:
      return _paired_table(*paired, seeds), this_model, ""
    note = "per-item outcomes not recorded: unpaired test (conservative)" if a.item_set and a.item_set == b.item_set \
        else ""
    return R.TwoProportions(float(np.mean(a.k)), a.n, float(np.mean(b.k)), b.n, seeds), this_model, note
  if paired is None:
    raise AdvTfError(f"claim {claim.id}: per-item values of different items cannot be compared item by item")
  with np.errstate(invalid="ignore"):   # inf - inf (an attack failed on both): no difference, dropped as nan
    return _item_test(a, paired[0] - paired[1], sides=paired, side_seeds=seeds, other_bounds=b.bounds), this_model, ""


VARIANCE_CHECK_ALPHA = 0.05   # one-sided level of the F test of a replicated side's own variance (`_noisier`)


def _noisier(claim: Claim, cell: Cell, a, b, reference, from_reference: tuple[bool, bool]) -> str:
  """Which compared sides with >= 2 seeds (not the reference itself) have an own seed-to-seed variance significantly
  above the reference's (F test at `VARIANCE_CHECK_ALPHA`), as a note; empty when none or without a reference."""
  if not _has_seed_noise(reference):
    return ""
  sd, n = _reference_sd(reference)
  out = []
  for key, o, ref in ((cell.a, a, from_reference[0]), (cell.b, b, from_reference[1])):
    if ref or not isinstance(o, (Accuracy, Values)) or len(o.seeds) < 2:
      continue
    p = R.variance_above_p(_seed_values(o), sd, n)
    if p <= VARIANCE_CHECK_ALPHA:
      own = float(np.std(_seed_values(o), ddof=1))
      out.append(f"{_key_name(key)}'s own sd {_spread(claim, own)} over {len(o.seeds)} seeds is significantly above "
                 f"the reference's {_spread(claim, sd)} (F test, one-sided p = {p:.3g})")
  return "; ".join(out)


def _same(obs, reference) -> bool:
  """Whether a resolved side is the measured reference quantity itself (equal observations)."""
  return isinstance(obs, (Accuracy, Values)) and isinstance(reference, (Accuracy, Values)) and obs == reference


def _own_sd_note(claim: Claim, cell: Cell, a, b, from_reference: tuple[bool, bool]) -> str:
  """The own seed-to-seed sd of each compared side with >= 2 seeds that is not the `noise_from` quantity itself,
  beside the reference's sd that the test assumes for it (empty when there is none)."""
  own = [f"{_key_name(key)}: {len(o.seeds)} seeds, their own sd "
         f"{_spread(claim, float(np.std(_seed_values(o), ddof=1)))}"
         for key, o, ref in ((cell.a, a, from_reference[0]), (cell.b, b, from_reference[1]))
         if not ref and isinstance(o, (Accuracy, Values)) and len(o.seeds) >= 2]
  return ("judged with the reference's sd; " + "; ".join(own)) if own else ""


def _key_name(key) -> str:
  """A quantity's key as notes print it: ('activation', 'elu') -> activation elu."""
  return " ".join(str(k) for k in key) if isinstance(key, tuple) else str(key)


def _shared_noise_note(a, b) -> str:
  """The note of a seed-level t on two sides measured on one item set whose items' shared noise it leaves out:
  accuracies without per-item outcomes, and per-seed means of per-item values (`Values`; the two-way tests take
  0/1 outcomes only, for now)."""
  if a.item_set is None or a.item_set != b.item_set:
    return ""
  if isinstance(a, Accuracy):
    return "per-item outcomes not recorded: the items' shared noise is not in the se"
  if len(a.per_seed[0]) > 1:
    return "per-seed means of per-item values on one item set: the items' shared noise is not in the se"
  return ""


def _item_test(obs: Values, diffs: np.ndarray, shift: float | None = None, sides=None,
               side_seeds: tuple[int, int] = (1, 1), other_bounds: tuple[float, float] | None = None) -> R.Test:
  """The test of per-item differences that matches the quantity's statistic: the mean's t (`rules.item_t`) or
  the median's sign test. For a bounded quantity (`Values.bounds`; one side's items `sides` = (x,), diffs = x - shift,
  against the constant `shift`, or two sides' paired items `sides` = (x, y), averaged over `side_seeds` seeds, the
  other side's bounds `other_bounds`):
  * differences that are all equal and finite (e.g. no item transfers: every rate 0) have no spread for a t to use;
    the exact worst-case bound over bounded items decides them (`rules.BoundedConstant`): a difference of two items
    lies in [low - high, high - low], one item less the constant in [low - shift, high - shift];
  * at least half the items of a side at one end of the range is a zero-inflated sample, where the t's sd rests on
    the few items off the end (paired: one such side makes the differences so, whether or not the other side is near
    that end): `rules.AtEndItems`, the t bounded by the proportion test on the items rescaled to [0, 1]
    (`OneProportion` against the rescaled constant, or `PairedProportions` on the paired table, as for seed-averaged
    outcomes: `rules` docstring).
  Two sides with other bounds keep the t (the paired table would mix units).
  Unbounded values keep the t."""
  finite = diffs[~np.isnan(diffs)]
  if obs.statistic == "median":
    return R.SignTest(diffs)
  if obs.bounds is None or len(finite) < 2 or not np.all(np.isfinite(finite)):
    return R.item_t(diffs)
  low, high = obs.bounds
  if np.ptp(finite) == 0:
    bounds = (low - high, high - low) if shift is None else (low - shift, high - shift)
    return R.BoundedConstant(float(finite[0]), len(finite), *bounds)
  span, keep = high - low, ~np.isnan(diffs)
  if sides is None or (shift is None and other_bounds != obs.bounds):
    return R.item_t(diffs)
  rescaled = [(np.asarray(v, np.float64)[keep] - low) / span for v in sides]
  rescaled = [np.clip(u, 0.0, 1.0) for u in rescaled]   # within round-off of the range (`Values` checks the rest)
  if max(max(np.sum(u <= _AT_END), np.sum(u >= 1 - _AT_END)) for u in rescaled) * 2 < len(finite):
    return R.item_t(diffs)
  if shift is not None:
    bound = R.OneProportion(float(np.round(np.sum(rescaled[0]), 9)), len(finite), (shift - low) / span,
                            len(obs.seeds))
  else:
    bound = _paired_table(*rescaled, side_seeds)
  return R.AtEndItems(R.item_t(diffs), R.Rescaled(bound, span))


_AT_END = 1e-12   # an item within this (in [0, 1] units) of an end of its range sits at that end (`_item_test`)


def _p_values(cell: Cell, test: R.Test, margin: float) -> tuple[float, float, float]:
  """(p for, p against, p tie) of one cell (relations in `declarations`)."""
  if cell.relation in ("less", "at_most"):
    test = _Negated(test)
  t = cell.offset
  if cell.relation in ("greater", "less"):
    return test.p_above(t), test.p_below(t), max(test.p_above(t - margin), test.p_below(t + margin))
  if cell.relation in ("at_least", "at_most"):
    return test.p_above(t - margin), test.p_below(t - margin), 1.0
  return (max(test.p_above(t - margin), test.p_below(t + margin)),
          min(1.0, 2 * min(test.p_above(t + margin), test.p_below(t - margin))), 1.0)


def _confounds(a, b) -> dict:
  out = {}
  for name, (x, y) in {"clean accuracy": (getattr(a, "clean", None), getattr(b, "clean", None)),
                       **{k: (v, getattr(b, "confounds", {}).get(k)) for k, v in getattr(a, "confounds", {}).items()}
                       }.items():
    if x is not None and y is not None:
      out[name] = abs(x - y)
  return out


def _resolve(side, measure: Measure):
  """A cell's side: an `Untestable` declared in the cell, a constant, or what `measure` returns for a key."""
  if isinstance(side, Untestable):
    return side
  return Scalar(float(side)) if isinstance(side, (int, float)) else measure(side)


def _trend_cell(claim: Claim, cell: Cell, measure: Measure, rules: Rules,
                noise: Mapping[Hashable, NoiseReference] | None) -> CellResult:
  """A `Trend` cell (module docstring): the least-squares change across the measured points, one contrast t."""
  points, left_out, measured = [], [], []
  for x, key, name in cell.a.points:
    obs = measure(key)
    if obs is None:
      continue
    measured.append(name)
    reason = obs.reason if isinstance(obs, Untestable) else _near_chance(obs, rules)
    if reason is None and not isinstance(obs, (Accuracy, Values)):
      raise AdvTfError(f"claim {claim.id}: a Trend point is an Accuracy or Values, got {type(obs).__name__}")
    if reason:
      left_out.append(f"{name}: {reason}")
    else:
      points.append((float(x), key, name, obs))
  note = "left out of the trend: " + "; ".join(left_out) if left_out else ""
  if len({p[0] for p in points}) < 2:
    status = "not testable" if left_out else "not measured"
    return CellResult(cell, status, note=note or "fewer than two measured points", groups=tuple(measured))
  measured_reference = measure(claim.noise_from)   # this run's own: a point that is it is not F-tested
  reference = (noise or {}).get(claim.noise_from) or measured_reference
  if not _has_seed_noise(reference):
    return CellResult(cell, "not testable", note=f"no seed-to-seed sd: {claim.noise_from} has < 2 seeds",
                      groups=tuple(measured))
  if not isinstance(reference, NoiseReference) and any(type(p[3]) is not type(reference) for p in points):
    return CellResult(cell, "not testable", note=f"{claim.noise_from} is another kind of quantity than the trend's "
                      "points: its seed-to-seed sd does not stand for theirs", groups=tuple(measured))
  xs = np.asarray([p[0] for p in points])
  ys = np.asarray([p[3].value for p in points])
  weights = (xs - xs.mean()) / np.sum((xs - xs.mean()) ** 2) * (xs.max() - xs.min())
  counts = [len(p[3].seeds) for p in points]
  source = "/".join(str(p) for p in claim.noise_from) if isinstance(claim.noise_from, tuple) else str(
    claim.noise_from)
  sd_from, (sd, n_ref) = "a reference", _reference_sd(reference)
  if isinstance(reference, NoiseReference):
    source, sd_from = f"{source} (published run, commit {reference.commit[:12]})", "a published run"
  test = R.contrast_t(weights, float(weights @ ys), counts, sd, n_ref, source,
                      [p[3] == reference for p in points],   # a published sd: no point is that run's seeds
                      label=f"linear trend t over seeds (least-squares change across the axis), sd from {sd_from}")
  noisier = [p[2] for p in points if p[3] != measured_reference and isinstance(p[3], (Accuracy, Values)) and
             len(p[3].seeds) >= 2 and R.variance_above_p(_seed_values(p[3]), sd, n_ref) <= VARIANCE_CHECK_ALPHA]
  if noisier:   # the trend keeps the reference's sd: said, not corrected (`_noisier` for a two-sided cell)
    note = "; ".join(x for x in (note, f"own seed-to-seed sd significantly above the reference's (F test, one-sided "
                                       f"{VARIANCE_CHECK_ALPHA:g}) at {', '.join(noisier)}: the trend assumes the "
                                       "reference's") if x)
  p_for, p_against, p_tie = _p_values(cell, test, claim.margin)
  confounds = {}
  for name in {k for p in points for k in getattr(p[3], "confounds", {})}:
    found = [p[3].confounds[name] for p in points if name in p[3].confounds]
    confounds[name] = max(found) - min(found)
  return CellResult(cell, "undecided", test, note, False, p_for, p_against, p_tie, confounds,
                    groups=tuple(p[2] for p in points))


def judge_cell(claim: Claim, cell: Cell, measure: Measure, rules: Rules = Rules(),
               noise: Mapping[Hashable, NoiseReference] | None = None) -> CellResult:
  """The cell's test and p-values (status is set by `combine`, which knows the claim's other cells). `noise`: a
  published run's seed-to-seed sd per `noise_from` key (`noise_reference`), used instead of measuring that key's
  own seeds."""
  if isinstance(cell.a, Trend):
    return _trend_cell(claim, cell, measure, rules, noise)
  a, b = _resolve(cell.a, measure), _resolve(cell.b, measure)
  if a is None or b is None:   # a side this run did not measure: not run here, whatever the other side is
    return CellResult(cell, "not measured")
  untestable = [o.reason for o in (a, b) if isinstance(o, Untestable)]
  if untestable:
    return CellResult(cell, "not testable", note="; ".join(dict.fromkeys(untestable)))
  sides = [o for o in (a, b) if not isinstance(o, Scalar)]
  reasons = [r for r in (_near_chance(o, rules) for o in sides) if r]
  bounds = {_bound(o, rules) for o in sides}
  if len(sides) == 2 and len(bounds) == 1 and None not in bounds:
    reasons.append(f"both compared {'accuracies' if isinstance(a, Accuracy) else 'values'} at the {bounds.pop()}")
  if reasons:
    return CellResult(cell, "not testable", note="; ".join(reasons), confounds=_confounds(a, b))
  reference = measured_reference = None
  if claim.noise_from is not None:
    measured_reference = measure(claim.noise_from)
    reference = (noise or {}).get(claim.noise_from) or measured_reference
  # a side is the reference when the cell names it, or resolves to this run's own measurement of it (e.g. a paper-002
  # axis' control value is the baselines, also where a published sd replaces theirs): it grows with the reference in
  # "what would decide it" and is no compared model of its own
  from_reference = tuple(claim.noise_from is not None and (key == claim.noise_from or _same(o, measured_reference))
                         for key, o in ((cell.a, a), (cell.b, b)))
  noisier = _noisier(claim, cell, a, b, reference, from_reference) if claim.noise_from is not None else ""
  test, this_model, note = _test(claim, a, b, reference, from_reference, noisier)
  if _seedable(test):
    note = "; ".join(n for n in (note, _own_sd_note(claim, cell, a, b, from_reference)) if n)
  p_for, p_against, p_tie = _p_values(cell, test, claim.margin)
  effects = _seed_effects(claim, a, b)
  return CellResult(cell, "undecided", test, note, this_model, p_for, p_against, p_tie, _confounds(a, b),
                    seed_effects=effects, seeds_disagree=_seeds_split(cell, effects, claim.margin))


def combine(claim: Claim, cells: list[CellResult], rules: Rules = Rules()) -> str:
  """Sets each cell's status and returns the claim's verdict (module docstring)."""
  measured = [c for c in cells if c.status != "not measured"]
  testable = [c for c in measured if c.status != "not testable"]
  if not measured:
    return NOT_RUN
  if not testable:
    return "not testable"
  against = [p <= rules.alpha for p in R.holm([c.p_against for c in testable])]
  if claim.mode == "most":
    supported = [p <= rules.alpha for p in R.holm([c.p_for for c in testable])]
  else:
    supported = [c.p_for <= rules.alpha for c in testable]
  for c, f, x in zip(testable, supported, against):
    c.status = "against" if x else "for" if f else "tie" if c.p_tie <= rules.alpha else "undecided"
  n, n_for, n_against = len(testable), sum(c.status == "for" for c in testable), sum(against)
  if claim.mode == "most":
    verdict = "holds" if 2 * n_for > n else "does not hold" if 2 * n_against >= n else "inconclusive"
  elif n_against:
    verdict = "does not hold"
  elif n_for == n:
    verdict = "holds"
  elif all(c.status == "tie" for c in testable):
    verdict = "tie"
  else:
    verdict = "inconclusive"
  if any(c.this_model for c in testable):
    verdict = f"this model: {verdict}"
  return verdict


def _fmt(claim: Claim, x: float) -> str:
  return f"{claim.scale * x:+.3g} {claim.value_unit}".rstrip()


def _spread(claim: Claim, x: float) -> str:
  """A spread (sd, se) in the units `_fmt` prints the claim's effects in (no sign)."""
  return f"{claim.scale * x:.3g} {claim.value_unit}".rstrip()


def _mixed(claim: Claim) -> bool:
  """Whether a claim's cells claim different things of their effects (some above, some below or equal, or lines at
  different offsets), so that their raw effects cannot share one median (`_to_decide`)."""
  ways = {("below" if c.relation in ("less", "at_most") else "equal" if c.relation == "equal" else "above", c.offset)
          for c in claim.cells}
  return len(ways) > 1


def _to_decide(claim: Claim, cells: list[CellResult], verdict: str, rules: Rules, level: str = "") -> str:
  testable = [c for c in cells if c.test is not None]
  if verdict == NOT_RUN or verdict in DECIDED:
    return ""
  if not testable:
    reasons = sorted({c.note for c in cells if c.note})
    return "not testable at this scale (" + "; ".join(reasons) + "): no sample size decides it" if reasons else ""
  # Cells that claim different things (e.g. S3 of paper 002: more pixels above one threshold, fewer below it): a
  # median of their raw effects mixes signs that mean opposite things, so each is read past its own line.
  mixed = _mixed(claim)
  effects = [_past_line(c.cell, c.test.effect, claim.margin) if mixed else c.test.effect for c in testable]
  spread = functools.partial(_spread, claim)
  weakest = max(testable, key=lambda c: min(c.p_for, c.p_against, c.p_tie))
  seen = (f"effect seen {_fmt(claim, float(np.median(effects)))} (median over {len(effects)} cells, range "
          f"{_fmt(claim, min(effects))} to {_fmt(claim, max(effects))}"
          f"{'; each cell past its own line, + as that cell claims' if mixed else ''}); "
          f"noise: {weakest.test.noise_in(spread)}")
  unit = weakest.test.unit if claim.unit == "seeds" or weakest.test.unit == "seeds" else claim.unit
  alone = ""
  if verdict.startswith("this model"):
    if claim.one_model:
      why = (f"a claim about one model ({claim.one_model}): the verdict is about ours, one reproduction of it on one "
             "seed; more seeds would test the training recipe, which the claim does not state")
      alone = " (as 'this model')"
    else:
      why = ("needs >= 2 seeds per compared model (a claim about a training method: a model with one seed stays "
             "'this model' whatever the number of images, and its seed-to-seed noise is unmeasured, so how many seeds "
             "it needs beyond two cannot be computed)")
      alone = (" (as 'this model')" if weakest.this_model else
               " (as 'this model': that count is for the compared models with seeds; the one-seed model still needs "
               ">= 2)")
    seen = f"{why}; {seen}"
    if verdict.removeprefix("this model: ") in DECIDED:
      return f"{seen}; on these images the verdict for this model is decided"
  for factor in SCALE_FACTORS:
    if factor > rules.max_factor:
      break
    scaled = [dataclasses.replace(c, test=c.test.scaled(factor), status="undecided") for c in testable]
    for c in scaled:
      c.p_for, c.p_against, c.p_tie = _p_values(c.cell, c.test, claim.margin)
    outcome = combine(claim, scaled + [c for c in cells if c.test is None], rules).removeprefix("this model: ")
    if outcome in DECIDED:
      return (f"{seen}; the same rules would read '{outcome}'{alone} at {weakest.test.grown(factor, unit)} if the "
              f"effect held{level}")
  never = f"{seen}; {weakest.test.never(rules.max_factor, spread)}{alone}"
  if not _seedable(weakest.test):
    return never
  for factor in SCALE_FACTORS:   # a reference's sd: seeds of the compared models decide what no reference does
    if factor > rules.max_factor:
      break
    scaled = [dataclasses.replace(c, test=c.test.seeded(factor) if _seedable(c.test) else c.test, status="undecided")
              for c in testable]
    for c in scaled:
      c.p_for, c.p_against, c.p_tie = _p_values(c.cell, c.test, claim.margin)
    outcome = combine(claim, scaled + [c for c in cells if c.test is None], rules).removeprefix("this model: ")
    if outcome in DECIDED:
      return (f"{never}; the same rules would read '{outcome}' at {weakest.test.seeded_text(factor)} if the effect "
              f"held{level}")
  return (f"{never}; nor would seeds of each compared model, up to {rules.max_factor}x today's, at this effect (it "
          "sits where neither side of the claim's line can be shown)")


def _seedable(test) -> bool:
  """Whether `test` judges its compared models with a reference's sd (`rules.ReferenceT`), so that seeds of those
  models (`seeded`) shrink its se."""
  return isinstance(test.inner if isinstance(test, _Negated) else test, R.ReferenceT)


def judge(claim: Claim, measure: Measure, rules: Rules = Rules(),
          noise: Mapping[Hashable, NoiseReference] | None = None) -> ClaimResult:
  """The claim's verdict from `measure` (the study's tidy results, or the paper's numbers); `noise`: published
  seed-to-seed noise per `noise_from` key (`judge_cell`). A claim of a sequential design (`Claim.looks` k > 1) is
  judged at alpha / 2^(k-1) throughout (`Rules.at_look`), and its "what would decide it" at the next look's level
  (more data is another look)."""
  base, rules = rules, rules.at_look(claim.looks)
  cells = [judge_cell(claim, c, measure, rules, noise) for c in claim.cells]
  verdict = combine(claim, cells, rules)
  tested = tuple(n for n in claim.names if any(
      n in (c.cell.groups if c.groups is None else c.groups) and c.status != "not measured" for c in cells))
  flagged = []
  for name, limit in claim.confound_limits.items():
    gaps = [c.confounds[name] for c in cells if name in c.confounds]
    if gaps and max(gaps) > limit:
      flagged.append(f"{name} differs by up to {max(gaps):.3g} between compared sides (flagged above {limit:g})")
  ahead = base.at_look(claim.looks + 1) if claim.looks > 1 else rules   # more data is the next look
  level = f" (at look {claim.looks + 1}'s level, {ahead.alpha:.4g})" if claim.looks > 1 else ""
  to_decide = _to_decide(claim, cells, verdict, ahead, level)
  return ClaimResult(claim, verdict, cells, tested, to_decide,
                     "confounds: " + "; ".join(flagged) if flagged else "", _sequential_note(claim, base.alpha))


def _sequential_note(claim: Claim, alpha: float) -> str:
  """A sequential design's look (`Rules.at_look`): its level and the levels' sum over the looks so far, which
  bounds the chance of a false verdict over them; empty for a fixed design."""
  k = claim.looks
  if k == 1:
    return ""
  return (f"sequential: look {k} (its data grew after {k - 1} earlier reading{'s' if k > 2 else ''}), judged at "
          f"{alpha:g}/{2 ** (k - 1)} = {alpha / 2 ** (k - 1):.4g} per direction, each look at half the level of the "
          f"one before: over its {k} looks a false verdict has a chance of at most "
          f"{Rules(alpha=alpha).levels_through(k):.4g} "
          f"per direction (the sum of their levels; below {2 * alpha:g} however many looks)")


def judge_all(claims: Sequence[Claim], measure: Measure, rules: Rules = Rules(),
              noise: Mapping[Hashable, NoiseReference] | None = None) -> list[ClaimResult]:
  return [judge(c, measure, rules, noise) for c in claims]
