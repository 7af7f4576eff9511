"""Evaluate a defense against an attack, in gray-box (papers' default), BPDA or EOT mode."""
from __future__ import annotations

import numpy as np

from adv_tf.attacks.base import attack as run_attack, predict_labels
from adv_tf.defenses.base import defended_model, predict_defended


def evaluate_defense(model, defense, attack_name: str, x, y, *, mode: str = "gray_box", eps=None,
                     clip_min: float = 0.0, clip_max: float = 1.0, seed: int = 0, eot_samples: int = 8,
                     **attack_params) -> dict:
  """Attacks per `mode` and classifies the adversarial images with the defended model.

  Returns a dict: mode, attack, eps, clean_accuracy (defended model on x), adversarial_accuracy
  (defended model on x_adv), undefended_adversarial_accuracy (bare model on x_adv), x_adv.
  """
  dm = defended_model(model, defense, mode, clip_min=clip_min, clip_max=clip_max, seed=seed,
                      eot_samples=eot_samples)
  x = np.asarray(x, np.float32)
  y = np.asarray(y)
  res = run_attack(attack_name, dm.attack_model, x, y, eps=eps, clip_min=clip_min, clip_max=clip_max,
                   **attack_params)
  # Classify with a fresh wrapper (plain forward, same seed) so gray-box and adaptive numbers match.
  judge = defended_model(model, defense, "gray_box", clip_min=clip_min, clip_max=clip_max, seed=seed + 1)
  return {
      "mode": mode,
      "attack": attack_name,
      "eps": eps,
      "clean_accuracy": float(np.mean(predict_defended(judge, x) == y)),
      "adversarial_accuracy": float(np.mean(predict_defended(judge, res.x_adv) == y)),
      "undefended_adversarial_accuracy": float(np.mean(predict_labels(model, res.x_adv) == y)),
      "x_adv": res.x_adv,
  }
