"""Hand-made paper-003 cell results (500 held-out images, two from-scratch models, one seed, averaging N = 20, one
FGSM adversarial-training cell, counts only): the records the report reads, without training anything. CONFIG keeps
the settings these records were pinned with (the quick profile before issue 22: both models, one seed, DGSM and
averaging at eps* 0.005 and 0.015)."""
from __future__ import annotations

import dataclasses

from adv_tf.metrics.accuracy import wilson_interval
from adv_tf.studies.imagenette_defenses import config

FGSM_EPS, DGSM_EPS = (0.0, 0.025, 0.05, 0.3), (0.0, 0.005, 0.015)
CONFIG = dataclasses.replace(config.QUICK, models=("googlenet", "wrn10_2"), seeds=(0,), fgsm_eps=FGSM_EPS,
                             dgsm_eps=DGSM_EPS, averaging_dgsm_eps=(0.005, 0.015))


def curve(eps, ks, n=500):
  return [{"eps": e, "k": k, "n": n, "rate": k / n, "low": wilson_interval(k, n)[0], "high": wilson_interval(k, n)[1],
           "confidence": {"med": 0.5, "q1": 0.4, "q3": 0.6, "whislo": 0.1, "whishi": 0.9, "mean": 0.5}}
          for e, k in zip(eps, ks)]


def cell(clean, fgsm, dgsm, averaging=None):
  r = {"clean": curve([0], [clean])[0], "fgsm": curve(FGSM_EPS, fgsm), "dgsm": curve(DGSM_EPS, dgsm), "train": {
      "test_accuracy": clean / 500}, "clean_target_rate": curve([0], [50])[0]}
  if averaging:
    r["averaging"] = {"20": {"fgsm": curve(FGSM_EPS, averaging[0]), "dgsm": curve(DGSM_EPS, averaging[1])}}
  return r


def results(seed=0):
  """googlenet base + AT (fgsm), wrn10_2 base; both bases with averaging N = 20; keys (model, variant, seed)."""
  return {("googlenet", "base", seed): cell(300, [300, 60, 40, 20], [50, 300, 500],
                                            ([280, 250, 230, 100], [50, 52, 75])),
          ("googlenet", "fgsm", seed): cell(250, [250, 200, 60, 10], [50, 52, 53]),
          ("wrn10_2", "base", seed): cell(320, [320, 120, 80, 40], [50, 200, 480],
                                          ([300, 290, 270, 120], [50, 51, 51]))}


def weak_results():
  """results() with wrn10_2 at chance (52/500 clean)."""
  out = results()
  out[("wrn10_2", "base", 0)] = {**out[("wrn10_2", "base", 0)], "clean": curve([0], [52])[0]}
  return out


def base_only_results():
  """results() without the adversarial-training cell."""
  return {k: v for k, v in results().items() if k[1] == "base"}
