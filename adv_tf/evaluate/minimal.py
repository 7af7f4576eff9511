"""Minimal adversarial distances per image: DeepFool-L2 (Moosavi-Dezfooli et al. 2016) and untargeted CW-L2
(Carlini & Wagner 2017), unbounded, on the first `minimal_images` images. An image the model already misclassifies
has distance 0 and is reported apart; a failed search is recorded as such (no distance), never as 0."""
from __future__ import annotations

import numpy as np


def _per_image(inputs, result, x, y) -> dict:
  from adv_tf.attacks import predict_labels
  clean_correct = predict_labels(inputs.model, x) == y
  l2 = [float(d) if ok and s else None for d, ok, s in zip(result.l2, clean_correct, result.success)]
  return {"images": int(len(y)), "clean_correct": clean_correct.astype(int).tolist(),
          "success": np.asarray(result.success, bool).astype(int).tolist(), "l2": l2}


def minimal_images(inputs, config) -> tuple[np.ndarray, np.ndarray]:
  n = min(config.minimal_images, len(inputs.y))
  return inputs.x[:n], inputs.y[:n]


def run_deepfool(inputs, config) -> dict:
  from adv_tf.attacks import attack
  x, y = minimal_images(inputs, config)
  low, high = config.input_range
  result = attack("deepfool", inputs.model, x, y, norm=2, max_iter=config.deepfool_max_iter,
                  overshoot=config.deepfool_overshoot, clip_min=low, clip_max=high, verbose=True)
  return {"attack": "deepfool", **_per_image(inputs, result, x, y)}


def run_cw(inputs, config) -> dict:
  from adv_tf.attacks.carlini_wagner import carlini_wagner_l2
  x, y = minimal_images(inputs, config)
  low, high = config.input_range
  result = carlini_wagner_l2(inputs.model, x, y=y, clip_min=low, clip_max=high, verbose=True, **config.cw_params())
  return {"attack": "cw", **_per_image(inputs, result, x, y)}
