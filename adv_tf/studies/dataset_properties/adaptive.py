"""Beyond the paper: adaptive evaluation of the JPEG and TVM defenses (Athalye et al. 2018).

The paper judges defenses gray-box only (adversarial images crafted on the undefended model). Here the same
attack (the preset's PGD, full strength) is crafted THROUGH the defense with the library's `DefendedModel`
(adv_tf/defenses/base.py):
  * jpeg: BPDA (forward = JPEG at the dataset's quality, backward = identity);
  * tvm_tf: the library's differentiable TF TVM (`TotalVarMin`: isotropic TV, squared fidelity, random keep
    mask; a different objective from ART's, weight stated), BPDA + EOT over `eot_samples` keep masks per step.
    Its adversarial images are also judged by the paper's ART TVM (channels-first quirk) as a transfer check;
    BPDA through ART TVM itself costs ~40x more per step (measured) and is left to larger profiles.
Gray-box accuracy of the same defense on the gray-box PGD images is recorded beside each adaptive accuracy.
"""
from __future__ import annotations

from typing import Any

import numpy as np

ADAPTIVE_DEFENSES = ("jpeg", "tvm_tf")
MODES = {"jpeg": "bpda", "tvm_tf": "eot"}


def adaptive_defenses(config, jpeg_quality: int) -> dict[str, Any]:
  from adv_tf.defenses.jpeg import Jpeg
  from adv_tf.defenses.tvm import TotalVarMin
  return {"jpeg": Jpeg(quality=jpeg_quality),
          "tvm_tf": TotalVarMin(keep_prob=0.8, weight=config.adaptive_tvm_weight, iterations=25)}


def run_adaptive(model, x, y, gray_adv: dict, gray_judged: dict, preset, config, jpeg_quality: int, transfer: dict,
                 seed: int, judge) -> dict:
  """{defense: {eps_label: {...}}}: gray-box vs adaptive accuracy of each defense, PGD at every eps.

  gray_adv: {eps_label: gray-box adversarial images of `config.adaptive_attack`} (already crafted);
  gray_judged: {eps_label: {defense: {"accuracy": ...}}}: the main grid's judgements of those images, reused (the
    judge seeds every defense alike, so judging again would give the same numbers); only defenses the grid does
    not judge (the TF TVM) judge them here;
  transfer: {name: defense} that also judge the adaptive images of tvm_tf (the paper's ART TVM);
  judge(images, defenses) -> {name: {"accuracy": ...}} (the study's gray-box judge, seed + 1).
  """
  from adv_tf.defenses.base import defended_model
  from adv_tf.studies.dataset_properties.config import eps_label
  from adv_tf.studies.dataset_properties.crafting import craft
  out: dict[str, Any] = {}
  for name, defense in adaptive_defenses(config, jpeg_quality).items():
    dm = defended_model(model, defense, MODES[name], seed=seed, eot_samples=config.adaptive_eot_samples)
    out[name] = {}
    for eps in config.eps:
      label = eps_label(eps)
      x_adv = np.clip(craft(preset, config.adaptive_attack, dm.attack_model, x, y, eps, seed), 0.0, 1.0)
      judges = {name: defense, **(transfer if name == "tvm_tf" else {})}
      adaptive = judge(x_adv, judges)
      known = gray_judged.get(label, {})
      missing = {k: d for k, d in judges.items() if k not in known}
      gray = {**{k: known[k] for k in judges if k in known}, **(judge(gray_adv[label], missing) if missing else {})}
      out[name][label] = {"mode": MODES[name], "linf": float(np.max(np.abs(x_adv - x))) if len(x) else 0.0,
                          "gray_box": {k: v["accuracy"] for k, v in gray.items()},
                          "adaptive": {k: v["accuracy"] for k, v in adaptive.items()}}
  return out
