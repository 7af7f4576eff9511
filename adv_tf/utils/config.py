"""What config dataclasses share (study configs, `TrainConfig`, `LeNetConfig`, `CWConfig`): `check_fields` (one
line naming unknown fields), `flag_field` (a field whose help the CLI shows as its flag's, with a numeric field's
bounds), `nested_field` (a config dataclass inside a config, e.g. a study's `cw: CWConfig`), `leaf_fields` /
`replace_leaves` (the dotted names `cw.binary_steps` of the flags such a config gets) and `ConfigMixin`
(`replace`, `to_dict`)."""
from __future__ import annotations

import dataclasses
import typing
from typing import Any, Iterable, Mapping

from adv_tf.errors import AdvTfError


def check_fields(config_class: type, names: Iterable[str]) -> None:
  """AdvTfError naming the `names` that are not fields of the dataclass `config_class`, and its fields."""
  known = {f.name for f in dataclasses.fields(config_class)}
  unknown = sorted(set(names) - known)
  if unknown:
    raise AdvTfError(f"{config_class.__name__} has no field(s) {', '.join(unknown)}; fields: "
                     f"{', '.join(sorted(known))}")


def flag_field(default: Any, help_text: str, bounds: Any = None, parse: Any = None) -> Any:
  """A config field with `help_text` (where the setting comes from: the paper's section, or our choice and
  why); list/tuple defaults become tuples, so frozen configs stay hashable. A numeric field declares its
  `bounds` (an `adv_tf.utils.bounds.Bounds`, which the CLI checks every value against); a field of a type no
  flag can express declares `parse` (flag value -> field value, e.g. "3:8,7:1" -> ((3, 8), (7, 1)))."""
  metadata = {"help": help_text}
  if bounds is not None:
    metadata["bounds"] = bounds
  if parse is not None:
    metadata["parse"] = parse
  if isinstance(default, (list, tuple)):
    return dataclasses.field(default=tuple(default), metadata=metadata)
  return dataclasses.field(default=default, metadata=metadata)


def nested_field(config_class: type, help_text: str, **defaults: Any) -> Any:
  """A field holding a config dataclass (`cw: CWConfig = nested_field(CWConfig, "...")`): the CLI makes each
  of its fields a flag `<field>.<its field>` (`--cw.binary_steps`); `defaults` change the nested defaults."""
  return dataclasses.field(default_factory=lambda: config_class(**defaults), metadata={"help": help_text})


def is_config_class(annotation: Any) -> bool:
  """Whether a field's annotation is a nested config dataclass (its fields become dotted flags)."""
  return isinstance(annotation, type) and dataclasses.is_dataclass(annotation)


def leaf_fields(config_class: type, prefix: str = "") -> list[tuple[str, dataclasses.Field, Any]]:
  """(dotted name, field, annotation) of every field of a config dataclass, nested configs walked into: a study
  config's `cw: CWConfig` gives `cw.binary_steps`, `cw.max_iterations`, ... (one flag each)."""
  hints = typing.get_type_hints(config_class)
  out = []
  for field in dataclasses.fields(config_class):
    annotation = hints[field.name]
    if is_config_class(annotation):
      out.extend(leaf_fields(annotation, f"{prefix}{field.name}."))
    else:
      out.append((prefix + field.name, field, annotation))
  return out


def leaf_value(config: Any, name: str) -> Any:
  """The value of a dotted leaf name (`leaf_value(config, "cw.binary_steps")`)."""
  for part in name.split("."):
    config = getattr(config, part)
  return config


def replace_leaves(config: Any, changes: Mapping[str, Any]) -> Any:
  """A copy of a (frozen) config with dotted leaf names set (`{"cw.binary_steps": 3, "seed": 1}`)."""
  direct: dict[str, Any] = {}
  nested: dict[str, dict[str, Any]] = {}
  for name, value in changes.items():
    head, dot, rest = name.partition(".")
    if dot:
      nested.setdefault(head, {})[rest] = value
    else:
      direct[head] = value
  for head, sub in nested.items():
    direct[head] = replace_leaves(getattr(config, head), sub)
  return dataclasses.replace(config, **direct)


def _plain(value: Any) -> Any:
  if dataclasses.is_dataclass(value) and not isinstance(value, type):
    return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
  return list(value) if isinstance(value, tuple) else value


class ConfigMixin:
  """Mixin of a frozen config dataclass: `replace` and `to_dict`."""

  def replace(self, **overrides: Any) -> Any:
    """A copy with `overrides`; AdvTfError naming any unknown field."""
    check_fields(type(self), overrides)
    return dataclasses.replace(self, **overrides)

  def to_dict(self) -> dict[str, Any]:
    """Field name -> value, tuples as lists, nested configs as dicts (JSON-able as the records store them)."""
    return _plain(self)
