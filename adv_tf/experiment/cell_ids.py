"""A cell's id: the first 12 hex digits of the sha256 of its config's canonical JSON (runner.py and
record_schema.py both read it, so it lives below both)."""
from __future__ import annotations

import hashlib
import json
from typing import Mapping

from adv_tf.errors import AdvTfError

ID_LENGTH = 12


def canonical_json(config: Mapping) -> str:
  """`json.dumps(config, sort_keys=True)`: the text a cell id is the hash of."""
  try:
    return json.dumps(config, sort_keys=True, allow_nan=False)
  except (TypeError, ValueError) as e:
    raise AdvTfError(f"cell config must be JSON-serialisable (str/int/float/bool/None, lists, dicts with "
                     f"str keys; no NaN): {e}") from None


def cell_id(config: Mapping) -> str:
  """Short stable id of a cell: first 12 hex digits of sha256(json.dumps(config, sort_keys=True)).

  Independent of key order, process and Python hash seed; tuples and lists give the same id.
  """
  return hashlib.sha256(canonical_json(config).encode("utf-8")).hexdigest()[:ID_LENGTH]
