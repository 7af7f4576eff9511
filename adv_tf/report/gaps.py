"""Which paper | ours rows differ by more than the noise (issue 22 item 5): a row's noise and the stated rule.

A study's report turns each row of its paper | ours | diff tables into a `GapRow`: the published value, ours, and
the noise of each (`Noise`, in the row's unit). `GapRule` then calls a row's gap "beyond the noise" when

  |ours - paper| > t_threshold(z, S) * sqrt(se_ours^2 + se_paper^2)   and   |ours - paper| > margin,

z = 2 (two-sided 95%) by default, turned into Student's t with S - 1 degrees of freedom when se_ours rests on a
seed-to-seed sd of S seeds (`statistics.t_threshold`: an sd of 3 seeds is itself uncertain), and a practical
margin (5 pp by default) so that a tiny but resolved gap is not called one. Each row is judged on its own (no
correction for the number of rows: with a hundred rows a few flags at the bound are expected by chance; the margin
keeps the small ones out). Which declared cause could explain each flagged row is `gap_causes`' concern.

`accuracy_noise` is the noise of an accuracy when a row has nothing better: the binomial se on its test images
(Agresti-Coull: nonzero at 0% and 100%, where a ceiling hides a gap), plus the seed-to-seed sd when >= 2 seeds.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Mapping, Sequence

from adv_tf.errors import AdvTfError
from adv_tf.report.statistics import difference_standard_error, t_threshold

DIRECTIONS = ("above", "below")  # ours above / below the paper


@dataclasses.dataclass(frozen=True)
class Noise:
  """A value's standard error and where it comes from.

  Attributes:
    se: the standard error, in the row's unit (>= 0, finite).
    source: one line saying what it is (e.g. "seed sd 1.2 over 3 seeds + binomial on 100 images").
    seeds: how many seeds an sd in `se` was estimated from (its t has seeds - 1 df); None: no estimated sd in it.
  """
  se: float
  source: str
  seeds: int | None = None

  def __post_init__(self):
    if not (self.se >= 0 and math.isfinite(self.se)):
      raise AdvTfError(f"a noise se must be a finite number >= 0, got {self.se}")
    if self.seeds is not None and self.seeds < 2:
      raise AdvTfError(f"an sd needs >= 2 seeds, got {self.seeds}; pass seeds=None for a known se")


def accuracy_noise(values: Sequence[float], images: int, scale: float = 100.0, note: str = "") -> Noise:
  """The noise of a mean accuracy over seeds (values in [0, scale], e.g. %) measured on `images` test images, as
  compared with one published model:

  * images: the binomial se of the mean, Agresti-Coull adjusted: p~ = (k + 2) / (n + 4), se = sqrt(p~ (1 - p~) /
    (n + 4)), k = mean * n (so a 100% on 100 images still has se 1.9 pp instead of 0);
  * seeds (>= 2 values): the seed-to-seed sd s, times sqrt(1 + 1/S) (our mean of S models against one model of
    the paper drawn from the same spread, `statistics.difference_standard_error`); with one value the seed term is
    unmeasured and `source` says so.
  """
  if not values:
    raise AdvTfError("accuracy_noise needs at least one value")
  if images < 1:
    raise AdvTfError(f"accuracy_noise needs images >= 1, got {images}")
  mean = sum(values) / len(values) / scale
  p = (mean * images + 2) / (images + 4)
  image_se = scale * math.sqrt(p * (1 - p) / (images + 4))
  terms, notes = [f"binomial on {images:,} images"], [note] if note else []
  seed_se, seeds = 0.0, None
  if len(values) >= 2:
    sd = math.sqrt(sum((v - mean * scale) ** 2 for v in values) / (len(values) - 1))
    seed_se, seeds = difference_standard_error(sd, len(values), 1), len(values)
    terms.insert(0, f"seed sd {sd:.2g} over {seeds} seeds")
  else:
    notes.insert(0, "one seed: seed-to-seed noise unmeasured")
  return Noise(math.hypot(image_se, seed_se), " + ".join(terms) + "".join(f"; {n}" for n in notes), seeds)


@dataclasses.dataclass(frozen=True)
class GapRow:
  """One paper | ours row.

  Attributes:
    label: the row as the report names it (e.g. "no defense, bim, 8/255, 28").
    fields: the row's coordinates, strings (e.g. {"attack": "bim", "eps": "8/255"}): what causes select on.
    paper, ours: the two values, in the rule's unit.
    noise: our value's noise; paper_noise: the published value's (None: taken as exact).
  """
  label: str
  fields: Mapping[str, str]
  paper: float
  ours: float
  noise: Noise
  paper_noise: Noise | None = None

  @property
  def diff(self) -> float:
    return self.ours - self.paper

  @property
  def direction(self) -> str:
    return DIRECTIONS[0] if self.diff > 0 else DIRECTIONS[1]

  @property
  def se(self) -> float:
    """The combined se of ours - paper."""
    return math.hypot(self.noise.se, self.paper_noise.se if self.paper_noise else 0.0)


@dataclasses.dataclass(frozen=True)
class GapRule:
  """Beyond the noise: |diff| > t_threshold(z, seeds) x combined se AND |diff| > margin (module docstring)."""
  z: float = 2.0
  margin: float = 5.0
  unit: str = "pp"
  decimals: int = 1  # how the report prints values, differences and bounds in `unit`
  without_seed_sd: str = ("the binomial se of the accuracy on its images (Agresti-Coull), seed-to-seed noise "
                          "unmeasured")  # what se_ours is for a row with no seed sd (the rule's description)

  def __post_init__(self):
    if not (self.z > 0 and self.margin >= 0 and self.decimals >= 0):
      raise AdvTfError(f"a gap rule needs z > 0, margin >= 0 and decimals >= 0, got z={self.z}, "
                       f"margin={self.margin}, decimals={self.decimals}")

  def bound(self, row: GapRow) -> float:
    """The smallest |diff| beyond the noise for this row."""
    return max(t_threshold(self.z, row.noise.seeds) * row.se, self.margin)

  def beyond(self, row: GapRow) -> bool:
    return abs(row.diff) > self.bound(row)

  def format(self, value: float, signed: bool = False) -> str:
    """A value in the rule's unit as the report prints it."""
    return f"{value:{'+' if signed else ''}.{self.decimals}f}"

  def describe(self) -> str:
    return (f"a row's gap is beyond the noise when |ours - paper| exceeds both {self.z:g} x the combined standard "
            f"error sqrt(se_ours^2 + se_paper^2) (two-sided; where se_ours rests on a seed-to-seed sd of S seeds, "
            f"{self.z:g} is replaced by Student's t quantile with S - 1 df at the same level: "
            f"{t_threshold(self.z, 3):.2f} at 3 seeds, {t_threshold(self.z, 10):.2f} at 10) and a practical margin "
            f"of {self.margin:g} {self.unit}; "
            f"each row on its own, no correction for the number of rows. se_ours where a row has no seed sd: "
            f"{self.without_seed_sd}")
