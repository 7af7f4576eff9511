"""`evaluate(model, dataset, ...)`: the command `adv-tf-evaluate` for notebooks, on the same flags and folder."""
from __future__ import annotations

import pathlib
from typing import Any, Optional

from adv_tf.errors import AdvTfError


def _flag(name: str, value: Any) -> str:
  if isinstance(value, (tuple, list)):
    value = ",".join(map(str, value))
  return f"--{name}={value}"


def evaluate(model, dataset: str, *, profile: str = "quick", output_dir: Optional[str] = None, seed: int = 0,
             data_dir: Optional[str] = None, strategy: Any = None, **settings: Any) -> pathlib.Path:
  """Evaluates `model` (a .keras path, or a Keras model, saved as `<output_dir>/model.keras`) on `dataset`
  ("mnist" or "mnist:test[:1000]") and returns the path of report.md.

  `settings` are the command's flags (adv_tf/evaluate/config.py), e.g. input_range=(-0.5, 0.5), eps=(0.1,).
  Bad input raises AdvTfError with one line saying what to do; a rerun on the same folder resumes.
  """
  from absl import flags

  from adv_tf.evaluate.config import PROFILES
  from adv_tf.evaluate.study import EvaluateStudy
  from adv_tf.experiment import cli
  from adv_tf.experiment.study import results_dir
  folder = pathlib.Path(output_dir) if output_dir else results_dir(EvaluateStudy.name, profile)
  if not isinstance(model, (str, pathlib.Path)):
    if profile not in PROFILES:
      raise AdvTfError(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.keras"
    model.save(path)
    model = path
  argv = ["evaluate", _flag("model", model), _flag("dataset", dataset), _flag("profile", profile),
          _flag("output_dir", folder), _flag("seed", seed)] + ([_flag("data_dir", data_dir)] if data_dir else [])
  argv += [_flag(name, value) for name, value in settings.items()]
  fv = flags.FlagValues()
  study = EvaluateStudy()
  cli.define_flags(study, fv)
  try:
    fv(argv)
  except flags.Error as e:
    raise AdvTfError(str(e).splitlines()[0]) from None
  return cli.execute(study, fv, strategy)
