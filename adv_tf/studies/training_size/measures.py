"""The quantities paper 004's claims compare (keys in claims.py), resolved from the family summaries
(analysis.py) and the §2 example, or from the paper's published numbers, as `adv_tf.claims` observations.
Measurement only: the engine judges.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from adv_tf.claims import Accuracy, Exact, Untestable, Values
from adv_tf.studies.training_size import analysis, linear_regression, published, turning

TEST_ITEMS = "test split"


def _values(summary: analysis.FamilySummary, per_seed, item_set: str) -> Values | None:
  finite = [(s, float(v)) for s, v in zip(summary.seeds, per_seed) if np.isfinite(v)]
  if not finite:
    return None
  return Values(tuple((v,) for _, v in finite), seeds=tuple(s for s, _ in finite), item_set=item_set)


def _accuracy(s: analysis.FamilySummary, size: int) -> Accuracy | None:
  if size not in s.sizes or not s.test_examples:
    return None
  n = s.test_examples
  return Accuracy(tuple(int(round(a * n)) for a in s.values["test_accuracy"][s.sizes.index(size)]), n,
                  seeds=tuple(s.seeds), item_set=TEST_ITEMS)


def _peak(s: analysis.FamilySummary, metric: str, turning_claimed: bool):
  p = s.curves[metric]
  if not p.finite:
    return None
  if len(s.sizes) < 3:   # no interior size: two points can neither show a turning point nor rule one out
    return Untestable(f"{s.family} {metric}: {len(s.sizes)} sizes trained, so no size lies between the smallest and "
                      "the largest and no turning point can show or be ruled out: a grid of >= 3 sizes (the paper "
                      "profile) tests it")
  if turning_claimed and p.at_end:
    return Untestable(f"{s.family} {metric}: peak at the largest size n={p.size}; a turning point may lie beyond "
                      "the sizes trained")
  if p.index == 0:   # a turning point is a peak inside the sizes (rising, then falling); a fall alone is neither
    return Untestable(f"{s.family} {metric}: peak at the smallest size n={p.size}, the curve only falls over the "
                      "sizes trained; a turning point may lie below them")
  return _values(s, p.ratios, f"{s.family} sizes")


def _tradeoff(families, dataset: str, a: str, b: str, norm: str) -> Values | None:
  sa, sb = families.get(a), families.get(b)
  if sa is None or sb is None:
    return None
  seeds = [s for s in sa.seeds if s in sb.seeds]

  def last(summary, metric, seed):
    return summary.values[metric][-1][summary.seeds.index(seed)]
  products = [(last(sa, "test_accuracy", s) - last(sb, "test_accuracy", s))
              * (last(sa, f"own_{norm}", s) - last(sb, f"own_{norm}", s)) for s in seeds]
  finite = [(s, p) for s, p in zip(seeds, products) if np.isfinite(p)]
  if not finite:
    return None
  return Values(tuple((p,) for _, p in finite), seeds=tuple(s for s, _ in finite), item_set=f"{dataset} pairs")


def results_measure(families: Mapping[str, analysis.FamilySummary]):
  """measure(key) over this run's family summaries (None: not measured in this run)."""
  regression = {r.name: r for r in linear_regression.run_example()}

  def family(name, get):
    return None if name not in families else get(families[name])

  def success(s, norm):
    k, n = s.attacks[norm]
    return Accuracy((k,), n) if n else None

  resolve = {
      "regression": lambda model, what: Exact(regression[model].mse if what == "mse" else
                                              regression[model].mean_delta[linear_regression.VERDICT_READING]),
      "tradeoff": lambda *rest: _tradeoff(families, *rest),
      "accuracy": lambda f, size: family(f, lambda s: _accuracy(s, size)),
      "turning": lambda f, metric: family(f, lambda s: _peak(s, metric, True)),
      "peak": lambda f, metric: family(f, lambda s: _peak(s, metric, False)),
      "spread": lambda f, metric: family(f, lambda s: _values(s, turning.seed_spreads(s.values[metric]),
                                                              f"{s.family} sizes")),
      "success": lambda f, norm: family(f, lambda s: success(s, norm)),
      "robustness": lambda f, size, metric: family(f, lambda s: _values(
          s, s.values[metric][s.sizes.index(size)], f"{s.family} n={size}") if size in s.sizes else None),
  }
  return lambda key: resolve[key[0]](*key[1:])


def published_measure(key):
  """The paper's numbers: the §2 example's MSEs and mean deltas; its curves are figures only (not digitized)."""
  if key[0] != "regression":
    return None
  _, model, what = key
  return Exact(published.REGRESSION[model][what])
