"""What a finished cell's record must hold to count as done (issue 23): a record that parses but is damaged (a
`result` of `{}`, a config that no longer hashes to its id) is not a finished cell. The runner drops it from its
records file (once, atomically, with a warning) and runs the cell again; readers skip it.

A stage declares `ResultSchema(required=..., by_kind=...)`: the keys its `run_cell` always returns, plus, for
stages whose cells differ by `config["kind"]`, the keys of each kind.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Mapping, Optional

from adv_tf.experiment.cell_ids import cell_id

# The keys the runner writes in every record (adv_tf.experiment.runner._run_one) and what each must be.
RECORD_FIELDS = {"id": str, "config": dict, "result": dict, "index": int, "seed": int}

# (record) -> None for a sound record, else a short reason it is damaged.
RecordCheck = Callable[[dict], Optional[str]]


def record_problem(record: dict) -> Optional[str]:
  """Why a parsed record is not a finished cell (missing or mistyped runner fields, a config whose hash is not its
  id), or None."""
  for key, kind in RECORD_FIELDS.items():
    value = record.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
      return f"'{key}' is {type(value).__name__ if key in record else 'missing'}, not {kind.__name__}"
  try:
    if cell_id(record["config"]) != record["id"]:
      return "its config does not hash to its id"
  except Exception:  # noqa: BLE001  (pylint: disable=broad-except)  an unhashable config is damaged too
    return "its config is not valid JSON"
  return None


@dataclasses.dataclass(frozen=True)
class ResultSchema:
  """The result keys of one stage's records.

  Attributes:
    required: keys every result of the stage has.
    by_kind: further keys per cell kind (the record's `config["kind"]`); a kind not listed needs `required` only.
  """
  required: tuple[str, ...] = ()
  by_kind: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)

  def problem(self, record: dict) -> Optional[str]:
    """Why `record` is not a finished cell of this stage, or None."""
    reason = record_problem(record)
    if reason:
      return reason
    keys = (*self.required, *self.by_kind.get(record["config"].get("kind"), ()))
    missing = [key for key in keys if key not in record["result"]]
    return f"its result lacks {', '.join(missing)}" if missing else None
