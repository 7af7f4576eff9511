"""What config dataclasses share (study configs, `TrainConfig`, `LeNetConfig`): `check_fields` (one line naming
unknown fields), `flag_field` (a field whose help the CLI shows as its flag's, with a numeric field's bounds) and
`ConfigMixin` (`replace`, `to_dict`)."""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable

from adv_tf.errors import AdvTfError


def check_fields(config_class: type, names: Iterable[str]) -> None:
  """AdvTfError naming the `names` that are not fields of the dataclass `config_class`, and its fields."""
  known = {f.name for f in dataclasses.fields(config_class)}
  unknown = sorted(set(names) - known)
  if unknown:
    raise AdvTfError(f"{config_class.__name__} has no field(s) {', '.join(unknown)}; fields: "
                     f"{', '.join(sorted(known))}")


def flag_field(default: Any, help_text: str, bounds: Any = None) -> Any:
  """A config field with `help_text` (where the setting comes from: the paper's section, or our choice and
  why); list/tuple defaults become tuples, so frozen configs stay hashable. A numeric field declares its
  `bounds` (an `adv_tf.experiment.bounds.Bounds`, which the CLI checks every value against)."""
  metadata = {"help": help_text} if bounds is None else {"help": help_text, "bounds": bounds}
  if isinstance(default, (list, tuple)):
    return dataclasses.field(default=tuple(default), metadata=metadata)
  return dataclasses.field(default=default, metadata=metadata)


class ConfigMixin:
  """Mixin of a frozen config dataclass: `replace` and `to_dict`."""

  def replace(self, **overrides: Any) -> Any:
    """A copy with `overrides`; AdvTfError naming any unknown field."""
    check_fields(type(self), overrides)
    return dataclasses.replace(self, **overrides)

  def to_dict(self) -> dict[str, Any]:
    """Field name -> value, tuples as lists (JSON-able as the records store them)."""
    return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
            for f in dataclasses.fields(self)}
