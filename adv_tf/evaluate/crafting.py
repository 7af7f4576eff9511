"""Crafting adversarial images with a named attack preset (adv_tf.attacks.presets), shared by the eps sweeps and
the adaptive defense rows."""
from __future__ import annotations

import inspect

import numpy as np


def craft(preset, attack: str, model, x, y, eps_pixels: float, seed: int, clip) -> np.ndarray:
  """The preset's attack at budget `eps_pixels`; the run's seed where the attack draws (PGD's random start)."""
  from adv_tf.attacks.base import ATTACKS
  extra = {"seed": seed} if "seed" in inspect.signature(ATTACKS.get(attack)).parameters else {}
  result = preset.run(attack, model, x, y, eps=float(eps_pixels), clip_min=clip[0], clip_max=clip[1], **extra)
  return np.asarray(result.x_adv, np.float32)
