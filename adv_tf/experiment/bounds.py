"""Declared bounds of numeric config fields, checked in one place (issue 23).

Every numeric field of a study config (int, float, Optional of them, tuples of them; the fields of a nested config
such as `cw: CWConfig` too) declares its range in its metadata, `metadata["bounds"] = Bounds(...)`
(adv_tf/utils/bounds.py); `check_config` (called by the CLI for every study, before the study's own `validate()`)
refuses NaN, inf, a value of the wrong kind or one outside the range with one line naming the flag. A numeric field
without declared bounds is itself an error, so a new field cannot skip the check (tests/experiment/test_bounds.py
runs every field of every registered config, nested ones included, through NaN, inf, -1 and 0).
"""
from __future__ import annotations

import collections.abc
import dataclasses
import numbers
import types
import typing
from typing import Any, Optional

from adv_tf.errors import AdvTfError
from adv_tf.utils.bounds import (  # noqa: F401  (the ranges are re-exported: configs import them with check_config)
  AT_LEAST_ONE,
  NON_NEGATIVE,
  POSITIVE,
  UNIT_CLOSED,
  UNIT_LOW_OPEN,
  UNIT_OPEN,
  Bounds,
)
from adv_tf.utils.config import leaf_fields, leaf_value


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


def numeric_fields(config_class: type) -> list[tuple[str, dataclasses.Field, type]]:
  """(flag name, field, int or float) of every numeric field of a config dataclass (bools are not numbers here),
  nested config dataclasses walked into under dotted names (`cw.learning_rate`, utils/config.py)."""
  out = []
  for name, field, annotation in leaf_fields(config_class):
    number = _number_type(annotation)
    if number is not None:
      out.append((name, field, number))
  return out


def field_bounds(config_class: type, field: dataclasses.Field) -> Bounds:
  """The declared bounds of a numeric field; AdvTfError when it declares none (a config written without them)."""
  bounds = field.metadata.get("bounds")
  if not isinstance(bounds, Bounds):
    raise AdvTfError(f"config field {field.name!r} of {config_class.__name__} is numeric but declares no bounds; "
                     "add metadata['bounds'] = adv_tf.utils.bounds.Bounds(...)")
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
  is not finite or outside its declared bounds; the fields of nested configs too (`--cw.learning_rate`). None
  (an unset Optional) is accepted."""
  for name, field, number in numeric_fields(type(config)):
    bounds = field_bounds(type(config), field)
    value = leaf_value(config, name)
    values = value if isinstance(value, (tuple, list)) else (value,)
    for item in values:
      if item is None:
        continue
      problem = value_problem(item, number, bounds)
      if problem:
        entry = " entries" if isinstance(value, (tuple, list)) else ""
        raise AdvTfError(f"--{name}{entry} {problem}, got {item!r}")
