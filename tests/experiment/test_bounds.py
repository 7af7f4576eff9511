"""Declared bounds of numeric config fields (issue 23): one check for every field of every registered config.

The generated test below tries NaN, inf, -1 and 0 on every numeric field of every registered study config and
expects, wherever the field's bounds refuse the value, one `error:` line naming the flag and exit 2 before any
work; the fields of nested configs (`--cw.learning_rate`, ...) too. Among them the values issue 23 found passing:
imagenette --learning_rate / --averaging_eps_max, training-size --cw.learning_rate / --cw.confidence (then
--cw_learning_rate / --cw_confidence), hyperparams --cw.learning_rate / --cw.initial_const, dataset-properties
--learning_rate / --adaptive_tvm_weight, minimal-dataset --contrast_factor / --learning_rate set to NaN or inf.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Optional

import pytest

from adv_tf.errors import AdvTfError
from adv_tf.evaluate.study import EvaluateStudy
from adv_tf.experiment import bounds, cli
from adv_tf.studies import STUDIES

TRIED = ("nan", "inf", "-1", "0")
# The five studies and adv-tf-evaluate (the same CLI machinery, not a registered study).
BY_NAME = {study.name: study for study in (*STUDIES, EvaluateStudy())}
STUDY_NAMES = sorted(BY_NAME)


def _refused(number: type, field_bounds: bounds.Bounds, text: str) -> bool:
  value = float(text)
  return (number is int and not math.isfinite(value)) or not field_bounds.contains(value)


def _cases() -> list:
  cases = []
  for name in STUDY_NAMES:
    for flag, field, number in bounds.numeric_fields(BY_NAME[name].Config):
      field_bounds = field.metadata.get("bounds")
      for text in TRIED:
        if field_bounds is None or _refused(number, field_bounds, text):
          cases.append(pytest.param(name, flag, text, id=f"{name}-{flag}={text}"))
  return cases


CASES = _cases()


def test_the_five_studies_and_evaluate_are_swept_and_the_sweep_is_not_empty():
  assert len(STUDIES) == 5 and len(STUDY_NAMES) == 6
  assert len(CASES) > 300  # ~100 numeric fields, most refusing at least 3 of the 4 values


def test_the_sweep_covers_the_nested_cw_fields_of_the_three_cw_studies():
  """The CW settings are one nested `CWConfig` (`--cw.learning_rate`, ...); its numeric fields are swept too."""
  swept = {(study, flag) for study, flag, _ in (case.values for case in CASES)}
  for study in ("hyperparams", "minimal-dataset", "training-size", "evaluate"):
    for flag in ("cw.binary_steps", "cw.max_iterations", "cw.learning_rate", "cw.initial_const", "cw.confidence"):
      assert (study, flag) in swept


@pytest.mark.parametrize("study_name", STUDY_NAMES)
def test_every_numeric_field_declares_bounds(study_name):
  config_class = BY_NAME[study_name].Config
  fields = bounds.numeric_fields(config_class)
  assert fields
  for flag, field, _ in fields:
    assert isinstance(bounds.field_bounds(config_class, field), bounds.Bounds), flag


@pytest.mark.parametrize("study_name", STUDY_NAMES)
def test_every_registered_profile_is_inside_its_bounds(study_name):
  for config in BY_NAME[study_name].PROFILES.values():
    bounds.check_config(config)


@pytest.mark.parametrize("study_name,field_name,text", CASES)
def test_a_value_outside_a_fields_bounds_is_one_error_line_before_any_work(study_name, field_name, text, tmp_path,
                                                                           capsys):
  out = tmp_path / "out"
  status = cli.run_main(BY_NAME[study_name], ["prog", f"--output_dir={out}", f"--data_dir={tmp_path / 'no-data'}",
                                     f"--{field_name}={text}"])
  err = capsys.readouterr().err.strip()
  assert status == 2, err
  assert err.startswith("error: ") and "\n" not in err, err
  assert f"--{field_name}" in err, err
  assert not out.exists()


@dataclasses.dataclass(frozen=True)
class _Config:
  profile: str = "p"
  rate: float = dataclasses.field(default=0.5, metadata={"bounds": bounds.UNIT_OPEN})
  steps: tuple[int, ...] = dataclasses.field(default=(1, 2), metadata={"bounds": bounds.AT_LEAST_ONE})
  cap: Optional[int] = dataclasses.field(default=None, metadata={"bounds": bounds.NON_NEGATIVE})
  flag: bool = True
  name: str = "x"


@pytest.mark.parametrize("changes,message", [
    ({"rate": float("nan")}, "--rate must be a finite number in (0, 1), got nan"),
    ({"rate": float("inf")}, "--rate must be a finite number in (0, 1), got inf"),
    ({"rate": 1.0}, "--rate must be a finite number in (0, 1), got 1.0"),
    ({"rate": 0.0}, "--rate must be a finite number in (0, 1), got 0.0"),
    ({"steps": (1, 0)}, "--steps entries must be an integer >= 1, got 0"),
    ({"steps": (1, 2.5)}, "--steps entries must be an integer, got 2.5"),
    ({"cap": -1}, "--cap must be an integer >= 0, got -1"),
    ({"rate": True}, "--rate must be a number, got True"),
])
def test_check_config_names_the_flag_and_the_range(changes, message):
  with pytest.raises(AdvTfError) as error:
    bounds.check_config(dataclasses.replace(_Config(), **changes))
  assert str(error.value) == message


def test_values_inside_the_bounds_and_unset_optionals_pass():
  bounds.check_config(_Config())
  bounds.check_config(_Config(rate=0.999, steps=(1, 10**6), cap=0))
  assert [name for name, _, _ in bounds.numeric_fields(_Config)] == ["rate", "steps", "cap"]


@dataclasses.dataclass(frozen=True)
class _Outer:
  profile: str = "p"
  inner: _Config = dataclasses.field(default_factory=_Config)
  scale: float = dataclasses.field(default=1.0, metadata={"bounds": bounds.POSITIVE})


def test_check_config_walks_into_nested_configs_and_names_the_dotted_flag():
  assert [name for name, _, _ in bounds.numeric_fields(_Outer)] == ["inner.rate", "inner.steps", "inner.cap", "scale"]
  bounds.check_config(_Outer())
  with pytest.raises(AdvTfError) as error:
    bounds.check_config(_Outer(inner=_Config(rate=float("nan"))))
  assert str(error.value) == "--inner.rate must be a finite number in (0, 1), got nan"


def test_a_numeric_field_without_bounds_is_refused():
  @dataclasses.dataclass(frozen=True)
  class Forgotten:
    profile: str = "p"
    learning_rate: float = 0.1

  with pytest.raises(AdvTfError, match="learning_rate.*declares no bounds"):
    bounds.check_config(Forgotten())


@pytest.mark.parametrize("field_bounds,inside,outside,text", [
    (bounds.Bounds(0, 1), (0.0, 1.0), (-1e-9, 1.5), "a finite number in [0, 1]"),
    (bounds.Bounds(0, 0.5, low_open=True, high_open=True), (0.25,), (0.0, 0.5), "a finite number in (0, 0.5)"),
    (bounds.Bounds(high=3, high_open=True), (-5.0,), (3.0, -math.inf), "a finite number < 3"),
    (bounds.Bounds(), (-1e300, 1e300), (math.nan, math.inf), "a finite number"),
])
def test_bounds_contain_and_describe(field_bounds, inside, outside, text):
  assert all(field_bounds.contains(v) for v in inside)
  assert not any(field_bounds.contains(v) for v in outside)
  assert field_bounds.describe() == text
  assert field_bounds.describe(integer=True) == text.replace("a finite number", "an integer")
