"""The template study's config and profiles: every field is a flag (`--noise_levels=0,0.4`)."""
from __future__ import annotations

import dataclasses

from adv_tf.errors import AdvTfError
from adv_tf.utils.config import ConfigMixin, flag_field


@dataclasses.dataclass(frozen=True)
class TemplateConfig(ConfigMixin):
  """Settings of the toy paper T (its §2: two Gaussian classes, 1-nearest-neighbour, flipped training labels)."""
  profile: str = "quick"
  noise_levels: tuple[float, ...] = flag_field((0.0, 0.4), "Fractions of flipped training labels (§2: 0 and 0.4).")
  seeds: int = flag_field(2, "Seeds per noise level (one generated dataset each).")
  train_size: int = flag_field(200, "Training points per seed.")
  test_size: int = flag_field(200, "Test points per seed (clean labels).")

  def validate(self) -> None:
    """One-line AdvTfError for settings the study cannot run, before any work."""
    if not all(0.0 <= p < 0.5 for p in self.noise_levels):
      raise AdvTfError("--noise_levels must lie in [0, 0.5)")
    if min(self.seeds, self.train_size, self.test_size) < 1:
      raise AdvTfError("--seeds, --train_size and --test_size must be >= 1")


PROFILES = {"quick": TemplateConfig(), "paper": TemplateConfig("paper", seeds=10, train_size=1000, test_size=1000)}
