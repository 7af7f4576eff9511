"""The template study's config and profiles: every field is a flag (`--noise_levels=0,0.4`)."""
from __future__ import annotations

import dataclasses

from adv_tf.experiment.bounds import AT_LEAST_ONE, Bounds, check_config
from adv_tf.utils.config import ConfigMixin, flag_field


@dataclasses.dataclass(frozen=True)
class TemplateConfig(ConfigMixin):
  """Settings of the toy paper T (its §2: two Gaussian classes, 1-nearest-neighbour, flipped training labels)."""
  profile: str = "quick"
  noise_levels: tuple[float, ...] = flag_field((0.0, 0.4), "Fractions of flipped training labels (§2: 0 and 0.4).",
                                               bounds=Bounds(0, 0.5, high_open=True))
  seeds: int = flag_field(2, "Seeds per noise level (one generated dataset each).", bounds=AT_LEAST_ONE)
  train_size: int = flag_field(200, "Training points per seed.", bounds=AT_LEAST_ONE)
  test_size: int = flag_field(200, "Test points per seed (clean labels).", bounds=AT_LEAST_ONE)

  def validate(self) -> None:
    """One-line AdvTfError for settings the study cannot run, before any work (numeric ranges: the fields'
    bounds, adv_tf/experiment/bounds.py)."""
    check_config(self)


# smoke: checks an install and decides nothing (its claims come out "not decided", adv_tf/experiment/smoke.py).
PROFILES = {"quick": TemplateConfig(), "paper": TemplateConfig("paper", seeds=10, train_size=1000, test_size=1000),
            "smoke": TemplateConfig("smoke", seeds=1, train_size=20, test_size=20)}
