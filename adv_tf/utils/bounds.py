"""`Bounds`: the declared range of a numeric config field, and the named ranges configs use.

A value type of the bottom layer, so config dataclasses of every layer (the attacks' `CWConfig`, the studies')
declare their ranges with it; `adv_tf.experiment.bounds.check_config` checks a whole config against them.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Optional


@dataclasses.dataclass(frozen=True)
class Bounds:
  """A finite range: `low` < or <= value < or <= `high` (None: unbounded on that side, still finite)."""
  low: Optional[float] = None
  high: Optional[float] = None
  low_open: bool = False
  high_open: bool = False

  def describe(self, integer: bool = False) -> str:
    """E.g. 'a finite number in (0, 1]', 'a finite number > 0' or (integer) 'an integer >= 1'."""
    kind = "an integer" if integer else "a finite number"
    if self.low is not None and self.high is not None:
      return f"{kind} in {'(' if self.low_open else '['}{self.low:g}, {self.high:g}{')' if self.high_open else ']'}"
    if self.low is not None:
      return f"{kind} {'>' if self.low_open else '>='} {self.low:g}"
    if self.high is not None:
      return f"{kind} {'<' if self.high_open else '<='} {self.high:g}"
    return kind

  def contains(self, value: float) -> bool:
    """Whether `value` is finite and inside the range."""
    if not math.isfinite(value):
      return False
    if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
      return False
    return self.high is None or not (value > self.high or (self.high_open and value == self.high))


POSITIVE = Bounds(0, low_open=True)
AT_LEAST_ONE = Bounds(1)
NON_NEGATIVE = Bounds(0)
UNIT_OPEN = Bounds(0, 1, low_open=True, high_open=True)
UNIT_CLOSED = Bounds(0, 1)
UNIT_LOW_OPEN = Bounds(0, 1, low_open=True)
