"""Grids of settings: the full product of axes, or one axis changed at a time (ceteris paribus)."""
from __future__ import annotations

import itertools
from typing import Any, Mapping, Sequence


def product(**axes: Sequence) -> list[dict]:
  """Every combination of the axes' values, as dicts, in a deterministic order (last axis fastest).

  >>> product(a=[1, 2], b=["x"])
  [{'a': 1, 'b': 'x'}, {'a': 2, 'b': 'x'}]
  """
  names = list(axes)
  return [dict(zip(names, values)) for values in itertools.product(*(list(axes[n]) for n in names))]


def one_at_a_time(base: Mapping[str, Any], axes: Mapping[str, Sequence]) -> list[dict]:
  """`base` with one axis changed at a time, axes in the given order; the base's own value is skipped
  (that setting is the base itself), so each dict differs from `base` in exactly one key.

  >>> one_at_a_time({"a": 1, "b": 2}, {"a": [1, 3], "b": [4]})
  [{'a': 3, 'b': 2}, {'a': 1, 'b': 4}]
  """
  out = []
  for name, values in axes.items():
    for value in values:
      if name in base and base[name] == value:
        continue
      out.append({**base, name: value})
  return out
