"""Paper 003's published numbers: figure values read from the authors' plot files (spec Tables 003-A/B, WRN
only; GoogLeNet figures were never published) and the numbers stated in the text (§III-C..E). Percent of the
50 evaluation images (drawn with replacement), so every value is a multiple of 2.
"""
from __future__ import annotations

from adv_tf.studies.imagenette_defenses.config import DGSM_EPS, FGSM_EPS

# Table 003-A: percent of the 50 images correctly classified under FGSM (WRN).
FIG3_BASE = (98, 42, 54, 56, 58, 58, 58, 52, 46, 44, 38, 34, 22)
FIG6_AVERAGING = (94, 86, 80, 74, 70, 62, 58, 54, 50, 46, 42, 38, 24)
FIG7_ADV_TRAINING = (94, 78, 58, 42, 32, 26, 26, 22, 22, 22, 20, 20, 16)
# Table 003-B: percent of the 50 images classified as n02102040 under DGSM (WRN); the averaging and AT rows are
# unpublished plots in the authors' repository.
FIG5_BASE = (12, 12, 12, 12, 32, 24, 14, 52, 96, 96, 94, 92, 98, 100, 100, 100)
DGSM_AVERAGING = (12,) * 12 + (14, 12, 12, 12)
DGSM_ADV_TRAINING = (12,) * 16

FGSM_FIGURES = {"base": FIG3_BASE, "averaging": FIG6_AVERAGING, "fgsm": FIG7_ADV_TRAINING}
DGSM_FIGURES = {"base": FIG5_BASE, "averaging": DGSM_AVERAGING, "fgsm": DGSM_ADV_TRAINING}
FIGURE_NAMES = {"base": "Fig. 3 / Fig. 5", "averaging": "Fig. 6 / repo plot", "fgsm": "Fig. 7 / repo plot"}


def paper_fgsm(kind: str) -> dict[float, float]:
  """{eps: fraction} of the WRN FGSM figure for `kind` (base, averaging, fgsm = adversarial training)."""
  return {e: v / 100 for e, v in zip(FGSM_EPS, FGSM_FIGURES[kind])}


def paper_dgsm(kind: str) -> dict[float, float]:
  """{eps: fraction classified as the target} of the WRN DGSM figure for `kind`."""
  return {e: v / 100 for e, v in zip(DGSM_EPS, DGSM_FIGURES[kind])}


# Numbers in the text.
TEXT = {
    "clean_accuracy": 0.999,  # §III-C, both models (measured on the 9,469 training images, see the report)
    "wrn_fgsm_drop_at_0.025": 0.50,  # §III-D "more than 50 points"
    "wrn_fgsm_at_0.3": 0.23,  # §III-D "as low as 23%" (Fig. 3: 22%)
    "googlenet_fgsm_drop_at_0.025": 0.73,  # §III-D "about 73%"
    "googlenet_fgsm_at_0.3": 0.20,
    "dgsm_full_success_eps": 0.014,  # §III-D "0.14" (typo), Fig. 5: 100% from 0.013
    "averaging_dgsm_max_increase": 0.02,  # §III-E "no more than 2%"
    "at_clean_accuracy": {"wrn": 0.91, "googlenet": 0.70},  # §III-E
    "at_dgsm_max_loss": {"wrn": 0.0, "googlenet": 0.04},  # §III-E
}
