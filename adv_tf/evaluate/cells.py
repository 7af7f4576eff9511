"""The evaluation's stages and cells (no TensorFlow, no data: the model file's hash names the model).

Stage `selection` (unsharded, `<output_dir>/selection/`): one cell per class, the best-estimate samples of the
class-distance matrix (paper 002 §4.4). Stage `cells` (sharded, `<output_dir>/`): clean accuracy; one cell per
(attack, eps); DeepFool and CW minimal distances; the class-distance matrix; one cell per (defense, adaptive eps).
A cell's config holds every setting that changes its result, so a changed setting recomputes only its cells.
"""
from __future__ import annotations

from typing import Any

from adv_tf.evaluate.config import ADAPTIVE_MODES
from adv_tf.evaluate.inputs import model_sha256
from adv_tf.experiment import Cell

SELECTION = "selection"
CELLS = "cells"


def _data(config) -> dict[str, Any]:
  return {"model_sha256": model_sha256(config.model), "dataset": config.dataset_name, "split": config.split,
          "input_range": list(config.input_range), "strip_softmax": config.strip_softmax}


def _defenses(config) -> dict[str, Any]:
  fields = ("defenses", "jpeg_quality", "tvm_keep_prob", "tvm_weight", "tvm_iterations", "averaging_n",
            "averaging_eps", "judge_batch")
  return {k: v for k, v in config.to_dict().items() if k in fields}


def _cw(config) -> dict[str, Any]:
  return {"cw": config.cw_params()}


def selection_cells(config) -> list[Cell]:
  from adv_tf.data.datasets import DATASETS
  if not config.samples_per_class:
    return []
  base = {"kind": "selection", **_data(config), **_cw(config), "samples_per_class": config.samples_per_class}
  return [Cell(f"selection class {c}", {**base, "class": c}, stage=SELECTION)
          for c in range(DATASETS.get(config.dataset_name).num_classes)]


def grid_cells(config) -> list[Cell]:
  data = _data(config)
  sweep = {**data, **_defenses(config), "eval_images": config.eval_images}
  out = [Cell("clean", {"kind": "clean", **sweep})]
  out += [Cell(f"{attack} eps={eps:.4g}", {"kind": "attack", "attack": attack, "eps": eps,
                                           "attack_preset": config.attack_preset, **sweep})
          for attack in config.attacks for eps in config.eps]
  if config.minimal_images:
    out.append(Cell("deepfool minimal", {"kind": "deepfool", **data, "minimal_images": config.minimal_images,
                                         "max_iter": config.deepfool_max_iter,
                                         "overshoot": config.deepfool_overshoot}))
    out.append(Cell("cw minimal", {"kind": "cw", **data, **_cw(config), "minimal_images": config.minimal_images}))
  if config.samples_per_class:
    out.append(Cell("class distance", {"kind": "matrix", **data, **_cw(config),
                                       "samples_per_class": config.samples_per_class}))
  out += [Cell(f"adaptive {name} eps={eps:.4g}",
               {"kind": "adaptive", "defense": name, "eps": eps, "attack_preset": config.attack_preset,
                "adaptive_images": config.adaptive_images, "eot_samples": config.eot_samples, **data,
                **_defenses(config.replace(defenses=(name,)))})
          for name in config.defenses if name in ADAPTIVE_MODES for eps in config.adaptive_eps]
  return out
