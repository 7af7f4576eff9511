"""Paper 000's published numbers: the digitized bar values of Figs. 3-9 (and the three GitHub-only figures) and
the clean accuracies stated in the text (§IV-A, §IV-B).

`figures_digitized.json` (beside this file) is a copy of the shared spec file paper000_figures_digitized.json,
with its `_meta` provenance (measured from the authors' PNGs, commit 7af7bc4; precision about +-axis_max/494).
"""
from __future__ import annotations

import functools
import json
import pathlib

PATH = pathlib.Path(__file__).with_name("figures_digitized.json")
ATTACKS = ("fgsm", "bim", "pgd", "deepfool")
DEFENSES = ("none", "tvm", "jpeg")


@functools.lru_cache(maxsize=1)
def digitized() -> dict:
  return json.loads(PATH.read_text())


def meta() -> dict:
  return digitized()["_meta"]


def figure_name(key: str, prop: str) -> str:
  """e.g. ('mnist', 'size') -> 'mnist_input_size'."""
  return f"{key}_{'input_size' if prop == 'size' else 'contrast'}"


def figure(key: str, prop: str) -> dict:
  """[defense][attack][eps label] -> {setting bar label: accuracy %} of one figure."""
  d = digitized()
  name = figure_name(key, prop)
  labels = d["settings"][name]
  return {defense: {attack: {eps: dict(zip(labels, vals)) for eps, vals in per_eps.items()}
                    for attack, per_eps in per_attack.items()} for defense, per_attack in d[name].items()}


def caption(key: str, prop: str) -> str:
  return digitized()["paper_figure"][figure_name(key, prop)]


# Text numbers the claims quote (spec §2.1), in %.
TEXT = {
    "mnist_contrast_2_gap_low": "0.5x trails the others by 'around 7-8%' at eps 2/255 (§IV-B-1)",
    "mnist_contrast_2_gap_high": "1x vs 2x gap 'around 2-4%' at eps 2/255 (§IV-B-1)",
    "mnist_fgsm16_gap": "gap between 0.5x and the others 'increases to 33%' at FGSM 16/255 (§IV-B-1)",
    "mnist_jpeg_bim_boost": "a good contrast boosts JPEG vs BIM 'by more than 50% in the best case' (§IV-B-1)",
    "deepfool_56": "TVM and JPEG 'return the classifier accuracy to more than 97%' at 56x56 (§IV-A-1)",
}
