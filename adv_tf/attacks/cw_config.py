"""`CWConfig`: the settings of one Carlini-Wagner L2 attack, declared once for every study that runs it.

A study config holds it as a nested field (`cw: CWConfig = nested_field(CWConfig, ...)`); the CLI makes each
field a flag `--cw.<field>` (`--cw.binary_steps`, `--cw.max_iterations`, ...) with the help and bounds below, and
a cell that runs the attack names `to_dict()` in its config, so any change re-keys it. The defaults are Carlini &
Wagner 2017's (Sec. V-A and their `l2_attack.py`), the values the `carlini_wagner2017` attack preset fixes.

Which studies read which field: every field is the attack's argument of the same name (`attack_kwargs`), so a study
passes all of them, except where its paper fixes one itself and its config's `validate` refuses another value
(paper 002 sweeps kappa with its own `--kappas` and measures distances at kappa 0, so hyperparams refuses a
non-zero `--cw.confidence`).
"""
from __future__ import annotations

import dataclasses
from typing import Any

from adv_tf.errors import AdvTfError
from adv_tf.utils.bounds import AT_LEAST_ONE, NON_NEGATIVE, POSITIVE
from adv_tf.utils.config import ConfigMixin, flag_field


@dataclasses.dataclass(frozen=True)
class CWConfig(ConfigMixin):
  """Carlini-Wagner L2 settings (Carlini & Wagner 2017, Sec. V-A; defaults: their `l2_attack.py`)."""
  binary_steps: int = flag_field(
      9, "CW-L2 binary search steps over the constant c (Carlini & Wagner 2017, Sec. V-A: 9).", bounds=AT_LEAST_ONE)
  max_iterations: int = flag_field(
      1000, "CW-L2 Adam iterations per search step (Carlini & Wagner 2017's code: 1000 in test_attack.py, 10000 as "
      "l2_attack.py's constant).", bounds=AT_LEAST_ONE)
  learning_rate: float = flag_field(
      1e-2, "CW-L2 Adam learning rate (Carlini & Wagner 2017: 1e-2).", bounds=POSITIVE)
  initial_const: float = flag_field(
      1e-3, "CW-L2 initial constant c, x10 while no success (Carlini & Wagner 2017: 1e-3).", bounds=POSITIVE)
  confidence: float = flag_field(
      0.0, "CW-L2 kappa, the logit margin a success must have (Carlini & Wagner 2017, Sec. V-A: 0, the minimal "
      "adversarial).", bounds=NON_NEGATIVE)
  schedule: str = flag_field(
      "carlini", "CW-L2 search schedule: carlini (Carlini & Wagner 2017's per-example binary search), fmn (FMN-L2, "
      "Carlini's search where FMN fails; ~11x less CPU), fmn-cw (two FMN runs and one short Carlini step near "
      "the kept FMN point's constant; 6.7-7.8x less CPU) or fast (warm-started); see "
      "adv_tf/attacks/carlini_wagner.py for their measured per-pair error.")
  abort_early: bool = flag_field(
      True, "CW-L2 abort-early: stop a search step when the loss stops falling (Carlini & Wagner 2017's code).")

  def validate(self) -> None:
    """AdvTfError (one line) for an unknown schedule; the numeric ranges are the fields' bounds."""
    from adv_tf.attacks.carlini_wagner import SCHEDULES  # pylint: disable=import-outside-toplevel
    if self.schedule not in SCHEDULES:
      raise AdvTfError(f"unknown --cw.schedule {self.schedule!r}; choose one of: {', '.join(SCHEDULES)}")

  def attack_kwargs(self) -> dict[str, Any]:
    """The keyword arguments of `carlini_wagner_l2` (and of `attack("cw_l2", ...)`) these settings fix."""
    return {"binary_search_steps": self.binary_steps, "max_iterations": self.max_iterations,
            "learning_rate": self.learning_rate, "initial_const": self.initial_const,
            "confidence": self.confidence, "schedule": self.schedule, "abort_early": self.abort_early}
