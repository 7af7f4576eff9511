"""`to_jsonable`: the suite's one converter to plain JSON types (records, cache keys, configs, reports)."""
from __future__ import annotations

import dataclasses
import json
import pathlib
import sys
from typing import Any, Mapping

from adv_tf.errors import AdvTfError


def to_jsonable(value: Any, where: str = "value") -> Any:
  """Converts NumPy scalars/arrays, tensors, tuples, paths and dataclasses to plain JSON types.

  Tuples become lists (so a tuple and a list give the same cell id / cache key); dataclasses become dicts
  of their fields; non-string dict keys that are numbers/bools/None become their JSON text.

  Raises:
    AdvTfError: a value of another type, naming where it sits (`where`).
  """
  if value is None or isinstance(value, (bool, str)):
    return value
  if isinstance(value, int):
    return int(value)
  if isinstance(value, float):
    return float(value)
  if isinstance(value, Mapping):
    out = {}
    for key, item in value.items():
      if not isinstance(key, str):
        if isinstance(key, (int, float, bool)) or key is None:
          key = json.dumps(key)
        else:
          raise AdvTfError(f"{where}: dict keys must be strings, got {type(key).__name__}")
      out[key] = to_jsonable(item, f"{where}.{key}")
    return out
  if isinstance(value, (list, tuple)):
    return [to_jsonable(item, f"{where}[{i}]") for i, item in enumerate(value)]
  if dataclasses.is_dataclass(value) and not isinstance(value, type):
    return to_jsonable({f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, where)
  if isinstance(value, pathlib.PurePath):
    return str(value)
  numpy = sys.modules.get("numpy")
  if numpy is not None:
    if isinstance(value, numpy.generic):
      return to_jsonable(value.item(), where)
    if isinstance(value, numpy.ndarray):
      return to_jsonable(value.tolist(), where)
  if hasattr(value, "numpy") and callable(value.numpy):  # tf.Tensor / tf.Variable
    return to_jsonable(value.numpy(), where)
  raise AdvTfError(f"{where}: {type(value).__name__} is not JSON-serialisable; use plain numbers, "
                   "strings, lists and dicts (save big arrays to files)")


def stable_hash(value: Any, length: int = 20) -> str:
  """sha256 of the sorted-key JSON of `to_jsonable(value)`, first `length` hex digits (same in every process)."""
  import hashlib
  text = json.dumps(to_jsonable(value, "key"), sort_keys=True, separators=(",", ":"))
  return hashlib.sha256(text.encode()).hexdigest()[:length]
