"""Paper 003 measures: every cell sees the same held-out images, so with the per-image outcomes recorded two
quantities are compared image by image (exact McNemar), over the seeds of a (model, variant); records with counts
only fall back to the unpaired Newcombe interval and say so."""
from __future__ import annotations

import numpy as np

from adv_tf.claims import Cell, Claim, judge
from adv_tf.studies.imagenette_defenses import measures, run

N = 500
CLEAN, FGSM = ("wrn10_2", "base", "none", "clean", 0.0), ("wrn10_2", "base", "none", "fgsm", 0.025)
DROP = Claim("X", "FGSM lowers accuracy", cells=(Cell(CLEAN, FGSM, "greater"),))


def hits(correct):
  out = np.zeros(N, bool)
  out[list(correct)] = True
  return out


def result(clean, fgsm, averaging=None):
  """A cell result as run_model_cell writes it (rates from `run.rate`, so with per-image outcomes)."""
  out = {"clean": run.rate(clean), "fgsm": [{"eps": 0.0, **run.rate(clean)}, {"eps": 0.025, **run.rate(fgsm)}],
         "dgsm": []}
  if averaging is not None:
    out["averaging"] = {"20": {"fgsm": [{"eps": 0.0, **run.rate(averaging)}], "dgsm": []}}
  return out


def counts_only(res):
  strip = lambda e: {k: v for k, v in e.items() if k != "items"}
  return {**res, "clean": strip(res["clean"]), "fgsm": [strip(e) for e in res["fgsm"]]}


def test_rate_keeps_the_per_image_outcomes():
  h = hits(range(0, N, 3))
  entry = run.rate(h)
  obs = measures.results_measure({("wrn10_2", "base", 0): result(h, h)})(CLEAN)
  assert entry["k"] == h.sum() and obs.items == (tuple(int(x) for x in h),)


def test_the_same_images_are_compared_paired_and_decide_what_the_unpaired_interval_cannot():
  # 250 of 500 right when clean; FGSM turns 18 of them wrong and no wrong one right: 3.6 points, all one way.
  res = result(hits(range(250)), hits(range(232)))
  paired = judge(DROP, measures.results_measure({("wrn10_2", "base", 0): res}))
  assert paired.verdict == "holds" and "McNemar" in paired.cells[0].test.name
  unpaired = judge(DROP, measures.results_measure({("wrn10_2", "base", 0): counts_only(res)}))
  assert unpaired.verdict == "inconclusive" and "Newcombe" in unpaired.cells[0].test.name
  assert "per-item outcomes not recorded" in unpaired.cells[0].note


def test_a_model_and_variant_give_one_count_per_seed_in_seed_order():
  results = {("wrn10_2", "base", s): result(hits(range(200 + 10 * s)), hits(range(20 + s))) for s in (2, 0, 1)}
  results[("wrn10_2", "fgsm", 0)] = result(hits(range(100)), hits(range(90)))
  obs = measures.results_measure(results)(FGSM)
  assert obs.seeds == (0, 1, 2) and obs.k == (20, 21, 22) and len(obs.items) == 3
  assert obs.clean == np.mean([0.4, 0.42, 0.44]) and obs.item_set == measures.HELD_OUT


def test_a_quantity_missing_on_one_seed_is_not_measured():
  results = {("wrn10_2", "base", 0): result(hits(range(200)), hits(range(20)), averaging=hits(range(100))),
             ("wrn10_2", "base", 1): result(hits(range(210)), hits(range(21)))}
  measure = measures.results_measure(results)
  assert measure(("wrn10_2", "base", "averaging N=20", "clean", 0.0)) is None
  assert measure(CLEAN).k == (200, 210)
