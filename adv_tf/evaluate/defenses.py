"""The defense rows of papers 000 and 003 with the config's settings, judged gray-box (the papers' protocol: the
attack differentiates the undefended model) or attacked adaptively (Athalye et al. 2018: the preset's PGD through
the defense, BPDA for JPEG, EOT for the randomized TVM and averaging)."""
from __future__ import annotations

from typing import Any

import numpy as np

from adv_tf.evaluate.config import ADAPTIVE_MODES
from adv_tf.evaluate.crafting import craft


def defense_objects(config) -> dict[str, Any]:
  """{row name: defense object (None for "none")} for `config.defenses`, in that order."""
  from adv_tf.defenses import Jpeg, PredictionAveraging, TotalVarMin
  make = {"none": lambda: None,
          "jpeg": lambda: Jpeg(quality=config.jpeg_quality),
          "tvm": lambda: TotalVarMin(keep_prob=config.tvm_keep_prob, weight=config.tvm_weight,
                                     iterations=config.tvm_iterations),
          "averaging": lambda: PredictionAveraging(n=config.averaging_n,
                                                   eps_max=config.averaging_eps * config.range_width)}
  return {name: make[name]() for name in config.defenses}


def judge(model, x, y, defenses: dict, config, seed: int) -> dict[str, dict]:
  """{row: accuracy, its 95% Wilson interval, counts} of `x` classified through each defense (seed + 1, as
  `adv_tf.defenses.evaluate` judges)."""
  from adv_tf.defenses.evaluate import judge_many
  low, high = config.input_range
  judged = judge_many(model, x, y, defenses, clip_min=low, clip_max=high, seed=seed + 1,
                      batch_size=config.judge_batch)
  return {name: {"accuracy": j.accuracy, "low": j.estimate.low, "high": j.estimate.high,
                 "correct": int(j.correct.sum()), "n": int(len(j.correct))} for name, j in judged.items()}


def run_adaptive(inputs, config, defense_name: str, eps: float, seed: int) -> dict:
  """One defense at one budget: the preset's PGD crafted on the undefended model (gray-box) and through the
  defense (adaptive, `ADAPTIVE_MODES`), both judged by the defense."""
  from adv_tf.attacks.presets import PRESETS
  from adv_tf.defenses.base import defended_model
  defense = defense_objects(config.replace(defenses=(defense_name,)))[defense_name]
  low, high = config.input_range
  n = min(config.adaptive_images, len(inputs.y))
  x, y = inputs.x[:n], inputs.y[:n]
  preset = PRESETS.get(config.attack_preset)
  eps_pixels = eps * config.range_width
  mode = ADAPTIVE_MODES[defense_name]
  wrapped = defended_model(inputs.model, defense, mode, clip_min=low, clip_max=high, seed=seed,
                           eot_samples=config.eot_samples)
  rows = {}
  for protocol, attacked in (("gray_box", inputs.model), ("adaptive", wrapped.attack_model)):
    x_adv = np.clip(craft(preset, "pgd", attacked, x, y, eps_pixels, seed, (low, high)), low, high)
    rows[protocol] = judge(inputs.model, x_adv, y, {defense_name: defense}, config, seed)[defense_name]
  return {"defense": defense_name, "mode": mode, "eps": eps, "eps_pixels": eps_pixels, "images": int(n),
          "eot_samples": config.eot_samples if mode == "eot" else None, **rows}
