"""Config helpers: unknown fields are one-line errors naming the fields; replace and to_dict keep field order."""
from __future__ import annotations

import dataclasses

import pytest

from adv_tf.errors import AdvTfError
from adv_tf.utils.config import ConfigMixin, check_fields, flag_field


@dataclasses.dataclass(frozen=True)
class _Config(ConfigMixin):
  profile: str = "quick"
  values: tuple[int, ...] = flag_field([1, 2], "Values.")
  scale: float = flag_field(1.0, "Scale.")


def test_flag_field_keeps_the_help_and_makes_sequences_tuples():
  fields = {f.name: f for f in dataclasses.fields(_Config)}
  assert _Config().values == (1, 2) and fields["scale"].metadata["help"] == "Scale."


def test_flag_field_records_bounds_and_parse_only_when_given():
  bounds, parse = object(), str.split
  assert dict(flag_field(1, "N.").metadata) == {"help": "N."}
  assert dict(flag_field(1, "N.", bounds=bounds).metadata) == {"help": "N.", "bounds": bounds}
  assert dict(flag_field((), "Pairs.", parse=parse).metadata) == {"help": "Pairs.", "parse": parse}


def test_replace_and_to_dict():
  config = _Config().replace(scale=2.0)
  assert config == _Config(scale=2.0) and config.to_dict() == {"profile": "quick", "values": [1, 2], "scale": 2.0}
  with pytest.raises(AdvTfError) as error:
    config.replace(scal=3.0, valuez=1)
  assert str(error.value) == "_Config has no field(s) scal, valuez; fields: profile, scale, values"
  check_fields(_Config, ["scale"])
