"""Declared bounds of numeric config fields, checked in one place (issue 23).

Every numeric field of a study config (int, float, Optional of them, tuples of them) declares its range in its
metadata, `metadata["bounds"] = Bounds(...)`; `check_config` (called by the CLI for every study, before the
study's own `validate()`) refuses NaN, inf, a value of the wrong kind or one outside the range with one line
naming the flag. A numeric field without declared bounds is itself an error, so a new field cannot skip the check
(tests/experiment/test_bounds.py runs every field of every registered config through NaN, inf, -1 and 0).
"""
from __future__ import annotations

import collections.abc
import dataclasses
import math
import numbers
import types
import typing
from typing import Any, Optional

from adv_tf.errors import AdvTfError


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


def _number_type(annotation) -> Optional[type]:
  """int or float for a numeric annotation (`int`, `Optional[float]`, `tuple[int, ...]`), else None."""
  if typing.get_origin(annotation) in (typing.Union, types.UnionType):
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return _number_type(args[0]) if len(args) == 1 else None
  if annotation in (int, float):
    return annotation
  if typing.get_origin(annotation) in (tuple, list, collections.abc.Sequence):
    args = {a for a in typing.get_args(annotation) if a is not Ellipsis}
    return args.pop() if len(args) == 1 and args <= {int, float} else None
  return None


def numeric_fields(config_class: type) -> list[tuple[dataclasses.Field, type]]:
  """(field, int or float) of every numeric field of a config dataclass (bools are not numbers here)."""
  hints = typing.get_type_hints(config_class)
  out = []
  for field in dataclasses.fields(config_class):
    number = _number_type(hints[field.name])
    if number is not None:
      out.append((field, number))
  return out


def field_bounds(config_class: type, field: dataclasses.Field) -> Bounds:
  """The declared bounds of a numeric field; AdvTfError when it declares none (a config written without them)."""
  bounds = field.metadata.get("bounds")
  if not isinstance(bounds, Bounds):
    raise AdvTfError(f"config field {field.name!r} of {config_class.__name__} is numeric but declares no bounds; "
                     "add metadata['bounds'] = adv_tf.experiment.bounds.Bounds(...)")
  return bounds


def value_problem(value: Any, number: type, bounds: Bounds) -> Optional[str]:
  """Why one value of a field is refused (wrong kind, not finite, out of range), or None."""
  if isinstance(value, bool) or not isinstance(value, numbers.Real):
    return f"must be {'an integer' if number is int else 'a number'}"
  if number is int and not isinstance(value, numbers.Integral):
    return "must be an integer"
  if not bounds.contains(float(value)):
    return f"must be {bounds.describe(integer=number is int)}"
  return None


def check_config(config: Any) -> None:
  """AdvTfError (one line, naming the flag) for the first numeric field whose value, or any entry of its tuple,
  is not finite or outside its declared bounds. None (an unset Optional) is accepted."""
  for field, number in numeric_fields(type(config)):
    bounds = field_bounds(type(config), field)
    value = getattr(config, field.name)
    values = value if isinstance(value, (tuple, list)) else (value,)
    for item in values:
      if item is None:
        continue
      problem = value_problem(item, number, bounds)
      if problem:
        entry = " entries" if isinstance(value, (tuple, list)) else ""
        raise AdvTfError(f"--{field.name}{entry} {problem}, got {item!r}")
