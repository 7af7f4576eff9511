"""Clean accuracy and the eps sweeps: each attack of the named preset crafted once on the undefended model at one
budget, then judged by every defense row (gray-box, craft once / judge many; papers 000 and 003)."""
from __future__ import annotations

import numpy as np

from adv_tf.evaluate.crafting import craft
from adv_tf.evaluate.defenses import defense_objects, judge


def eval_images(inputs, config) -> tuple[np.ndarray, np.ndarray]:
  n = min(config.eval_images, len(inputs.y))
  return inputs.x[:n], inputs.y[:n]


def run_clean(inputs, config, seed: int) -> dict:
  x, y = eval_images(inputs, config)
  return {"images": int(len(y)), "data": inputs.info.identity(),
          "judged": judge(inputs.model, x, y, defense_objects(config), config, seed)}


def run_attack(inputs, config, attack: str, eps: float, seed: int) -> dict:
  """One (attack, eps) cell: accuracy of every defense row on the adversarial images, and their L-inf size."""
  from adv_tf.attacks.presets import PRESETS
  x, y = eval_images(inputs, config)
  low, high = config.input_range
  eps_pixels = eps * config.range_width
  x_adv = np.clip(craft(PRESETS.get(config.attack_preset), attack, inputs.model, x, y, eps_pixels, seed,
                        (low, high)), low, high)
  return {"attack": attack, "eps": eps, "eps_pixels": eps_pixels, "images": int(len(y)),
          "linf": float(np.max(np.abs(x_adv - x))) if len(y) else 0.0,
          "judged": judge(inputs.model, x_adv, y, defense_objects(config), config, seed)}
