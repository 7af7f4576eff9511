"""A paper's claims as data: `Claim` (id, statement, section, cells, unit of noise, margin, combination) and
`Cell` (one comparison between two quantities of the study's tidy results, or a quantity and a constant).

Relations (effect = value(a) - value(b); for "less" and "at_most" the effect and the offset are mirrored):
  greater   a > b + offset             for: significantly above;  against: significantly below
  less      a < b - offset             (mirror of greater)
  at_least  a >= b + offset - margin   for: non-inferior (lower bound above offset - margin); against:
                                        significantly below offset - margin
  at_most   a <= b - offset + margin   (mirror of at_least)
  equal     |a - b - offset| < margin  for: equivalent (TOST); against: significantly beyond the margin
Quantities are keys (any hashable the study's `measure` function resolves to an observation) or numbers
(constants, `observations.Scalar`).

Trends: a claim that a quantity rises (or falls) along an ordered axis ("as the dropout increases, the distance
increased") is one cell whose side a is a `Trend` (the axis' points: value x, key, name) and whose side b is 0.0:
the effect is the least-squares line's change across the measured range, slope x (max x - min x), in the
quantity's units ("greater": rises, "less": falls; `equal` within the margin: flat). One test over all points, not
every pair: at one model per point, adjacent values differ by less than their noise, so pairwise comparisons
cannot decide a trend that the points together show. Points not measured (or not testable) are left out of the
fit and the claim reads "partial"; fewer than two measured points: not measured. Needs unit "seeds" with
`noise_from` (the design of a grid of models against N baselines; `rules.contrast_t`).

Units of noise (`Claim.unit`):
  images / pairs  the compared models' per-item outcomes on the same items (exact McNemar / sign test);
  seeds           a claim about a training method or a data property: its unit of replication is the trained
                  model, so per-seed values are compared (paired t, Welch, one-sample t). With fewer than two
                  seeds on a side the cell is judged on items and the verdict reads "this model: ..." and is
                  not counted as decided, unless the claim names a `noise_from` quantity whose seeds
                  estimate the seed-to-seed sd (a design that assumes every compared side shares it, e.g.
                  paper 002 §5.5's N baselines): then every side, whatever its seed count, is tested with it,
                  se = sd sqrt(1/n_a + 1/n_b) ~ t(N - 1) (one model against the mean of N: sd sqrt(1 + 1/N); two
                  single models: sd sqrt(2)); a side with >= 2 seeds whose own variance is significantly above
                  the reference's (F test, `engine.VARIANCE_CHECK_ALPHA`) leaves a cell whose sides both have
                  >= 2 seeds to Welch's t (a one-sample t against a constant).
"""
from __future__ import annotations

import dataclasses
from typing import Hashable, Mapping, Sequence

from adv_tf.errors import AdvTfError

RELATIONS = ("greater", "less", "at_least", "at_most", "equal")
UNITS = ("images", "pairs", "seeds")
MODES = ("all", "most")


@dataclasses.dataclass(frozen=True)
class Trend:
  """An ordered axis' points (x, key, name): x the axis value (a number), key what `measure` resolves, name how
  the claim's `names` and the report call the point (module docstring)."""
  points: tuple[tuple[float, Hashable, str], ...]

  def __post_init__(self):
    xs = [p[0] for p in self.points]
    if len(self.points) < 2 or len(set(xs)) < 2 or any(len(p) != 3 for p in self.points):
      raise AdvTfError(f"a Trend needs >= 2 points (x, key, name) with >= 2 distinct x, got {self.points}")
    if any(not isinstance(x, (int, float)) or isinstance(x, bool) for x in xs):
      raise AdvTfError(f"a Trend's x values must be numbers, got {xs}")

  @property
  def names(self) -> tuple[str, ...]:
    return tuple(p[2] for p in self.points)


@dataclasses.dataclass(frozen=True)
class Cell:
  """One comparison. `group`: which of the claim's named values (`Claim.names`, e.g. a dataset, or a tuple
  such as (dataset, eps)) it belongs to; `label`: how the report names it (default: built from the keys)."""
  a: Hashable
  b: Hashable | float
  relation: str = "greater"
  offset: float = 0.0
  group: str | tuple[str, ...] = ""
  label: str = ""

  @property
  def groups(self) -> tuple[str, ...]:
    return (self.group,) if isinstance(self.group, str) else tuple(self.group)

  def __post_init__(self):
    if self.relation not in RELATIONS:
      raise AdvTfError(f"unknown relation {self.relation!r}; choose one of {RELATIONS}")
    if isinstance(self.b, Trend) or (isinstance(self.a, Trend) and (
        not isinstance(self.b, (int, float)) or self.b != 0 or self.offset != 0)):
      raise AdvTfError("a Trend is side a of a cell whose side b is 0.0 (no offset): the effect is the fitted "
                       "change across the axis")

  @property
  def name(self) -> str:
    if self.label:
      return self.label
    show = lambda k: f"{k:g}" if isinstance(k, (int, float)) else "/".join(str(p) for p in (k if isinstance(
      k, tuple) else (k,)))
    return f"{show(self.a)} vs {show(self.b)}"


@dataclasses.dataclass(frozen=True)
class Claim:
  """A claim of the paper, as the engine judges it.

  Attributes:
    id: the spec's id (one id per separately evidenced sub-claim).
    statement: the paper's statement in one line; section: where the paper makes it.
    cells: the comparisons; unit: "images", "pairs" or "seeds" (module docstring).
    margin: the equivalence / tolerance margin (same units as the values, e.g. 0.01 = 1 pp of accuracy).
    mode: "all" (every cell) or "most" (more than half of the testable cells).
    names: the values the claim names (e.g. datasets); a verdict resting on some of them is "partial".
    conflict: where the paper's text contradicts its own figure (printed; judged against the figure).
    confound_limits: {confound: largest difference between compared sides that is not flagged}.
    scale, value_unit: how effects are printed (default: accuracies as percentage points).
    noise_from: unit "seeds" only: the key of a quantity with >= 2 seeds whose seed-to-seed sd stands for every
      compared side's, whatever its seed count (`rules.reference_t`: a side with one seed is tested with it
      instead of reading "this model"; a replicated side much noisier than it, F test, falls back to Welch's t,
      module docstring). None: no such assumption.
    seeds_paired: whether seed s is the same draw on both sides (common initialisation, data order or subsets: a
      model and its retrained copy, one recipe at two subset sizes). Unit "seeds": sides measured on the same items
      with >= 2 common seeds are compared by a paired t over the per-seed differences; False where the sides are
      trained independently (two architectures: a shared seed number shares nothing that cancels): Welch's t.
      Other units: the per-seed effects beside an item test (`engine._seed_effects`) pair seed s with seed s only
      when True.
    one_model: unit "seeds" only: why the claim is about one particular model rather than a training method (e.g.
      "§6.4: 'in the original model'"), so that its "this model" verdict answers it and "what would decide it" does
      not ask for more seeds; "" (default): a method claim, whose one-seed verdict needs seeds.
    looks: how many readings of this claim its data has had, this one included (a sequential design: seeds or
      images added after earlier readings, e.g. replicates run after a part-way run left it undecided): 1 (default)
      for a fixed design. The engine judges look k at alpha / 2^(k-1) (`Rules.at_look`: the levels of all looks
      sum to less than 2 alpha) and says so in the evidence.
  """
  id: str
  statement: str
  cells: tuple[Cell, ...]
  section: str = ""
  unit: str = "images"
  margin: float = 0.01
  mode: str = "all"
  names: tuple[str, ...] = ()
  conflict: str = ""
  confound_limits: Mapping[str, float] = dataclasses.field(default_factory=dict)
  scale: float = 100.0
  value_unit: str = "pp"
  noise_from: Hashable | None = None
  seeds_paired: bool = True
  one_model: str = ""
  looks: int = 1

  def __post_init__(self):
    if self.unit not in UNITS:
      raise AdvTfError(f"claim {self.id}: unknown unit {self.unit!r}; choose one of {UNITS}")
    if self.mode not in MODES:
      raise AdvTfError(f"claim {self.id}: unknown mode {self.mode!r}; choose one of {MODES}")
    if not self.margin >= 0:
      raise AdvTfError(f"claim {self.id}: margin must be >= 0, got {self.margin}")
    if not self.cells:
      raise AdvTfError(f"claim {self.id} has no cells")
    if isinstance(self.looks, bool) or not isinstance(self.looks, int) or self.looks < 1:
      raise AdvTfError(f"claim {self.id}: looks must be a whole number >= 1, got {self.looks!r}")
    if self.noise_from is not None and self.unit != "seeds":
      raise AdvTfError(f"claim {self.id}: noise_from needs unit 'seeds', got {self.unit!r}")
    if self.one_model and self.unit != "seeds":
      raise AdvTfError(f"claim {self.id}: one_model needs unit 'seeds' (a claim on items is about its models "
                       f"already), got {self.unit!r}")
    if any(isinstance(c.a, Trend) for c in self.cells) and self.noise_from is None:
      raise AdvTfError(f"claim {self.id}: a Trend cell needs unit 'seeds' and noise_from (the seed-to-seed sd its "
                       "points share)")
    keys = [(c.a, c.b, c.relation, c.offset) for c in self.cells]
    twice = sorted({str(k[:2]) for k in keys if keys.count(k) > 1})
    if twice:
      raise AdvTfError(f"claim {self.id} compares the same quantities twice: {', '.join(twice)}")


def check_unique(claims: Sequence[Claim]) -> None:
  """One id per claim."""
  seen = [c.id for c in claims]
  dup = sorted({i for i in seen if seen.count(i) > 1})
  if dup:
    raise AdvTfError(f"claim ids must be unique, repeated: {dup}")


def with_looks(claims: Sequence[Claim], entries: Sequence[str], flag: str = "looks") -> tuple[Claim, ...]:
  """`claims` with `Claim.looks` set from "<claim id>=<k>" entries (a profile's sequential design, e.g. "C5=3");
  AdvTfError, naming what to write (messages start with `flag`), for an unknown id, a repeated one or a count that
  is not a whole number >= 1."""
  looks: dict[str, int] = {}
  ids = [c.id for c in claims]
  for entry in entries:
    cid, _, count = entry.partition("=")
    if cid not in ids:
      raise AdvTfError(f"{flag} entry {entry!r}: no claim {cid!r}; write <claim id>=<looks>, ids: {', '.join(ids)}")
    if cid in looks:
      raise AdvTfError(f"{flag} entry {entry!r}: claim {cid} is named twice")
    if not (count.isascii() and count.isdigit()) or int(count) < 1:
      raise AdvTfError(f"{flag} entry {entry!r}: the count after '=' must be a whole number >= 1 (e.g. {cid}=2)")
    looks[cid] = int(count)
  return tuple(dataclasses.replace(c, looks=looks[c.id]) if c.id in looks else c for c in claims)
