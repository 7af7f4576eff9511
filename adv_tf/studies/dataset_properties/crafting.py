"""Crafting adversarial images with the study's attack preset on an (undefended or defended) model, for the
main grid (`run.py`) and the adaptive attacks (`adaptive.py`)."""
from __future__ import annotations

import numpy as np

# Attacks whose search does not depend on eps: the eps only projects the found point afterwards (Foolbox 3's
# L-inf DeepFool and adv_tf's `deepfool(eps=...)` both clip the unbounded search result elementwise to
# [-eps, eps] and to [0, 1]). The study searches once per model and projects per eps: the same adversarial
# images as one full call per eps (tested), at a quarter of the cost.
SEARCH_THEN_PROJECT = ("deepfool",)


def craft(preset, attack: str, model, x, y, eps: float | None, seed: int) -> np.ndarray:
  """The preset's attack on the undefended model; a seed only where the attack draws (PGD's random start).
  eps=None runs an attack of SEARCH_THEN_PROJECT without the final projection."""
  import inspect

  from adv_tf.attacks.base import ATTACKS
  extra = {"seed": seed} if "seed" in inspect.signature(ATTACKS.get(attack)).parameters else {}
  return np.asarray(preset.run(attack, model, x, y, eps=None if eps is None else float(eps), **extra).x_adv,
                    np.float32)


def project_linf(x: np.ndarray, x_found: np.ndarray, eps: float) -> np.ndarray:
  """x + clip(x_found - x, -eps, eps), clipped to [0, 1]: the final step of L-inf DeepFool at budget eps."""
  eps32 = np.float32(eps)
  return np.clip(x + np.clip(x_found - x, -eps32, eps32), np.float32(0), np.float32(1))


def adversarials(preset, attack: str, model, x, y, eps_list, seed: int):
  """Yields (eps, x_adv) for every eps; SEARCH_THEN_PROJECT attacks search once and project per eps."""
  found = craft(preset, attack, model, x, y, None, seed) if attack in SEARCH_THEN_PROJECT else None
  for eps in eps_list:
    yield eps, (project_linf(x, found, eps) if found is not None else craft(preset, attack, model, x, y, eps, seed))
