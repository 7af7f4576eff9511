"""Paper 004 claims C1-C12 (../shared/specs/paper004_training_size.md §004.3) as data for the shared engine
(`adv_tf.claims`): which quantities of the family curves each claim compares, the relation and the margin.
measures.py resolves the keys from analysis.py's summaries; nothing here decides a verdict.

Keys:
  ("accuracy", family, size)      test accuracy, k of the test examples per seed
  ("turning", family, metric)     per seed, the curve's value at its interior peak over its value at the largest
                                  size (turning.py); not testable when the curve peaks at the largest size (a
                                  turning point may lie beyond the sizes trained: "not testable at this scale")
                                  or at the smallest (it only falls: the turning point may lie below them), and
                                  on fewer than 3 sizes (no interior size)
  ("peak", family, metric)        the same ratio, also when the curve peaks at the largest size (not testable on
                                  fewer than 3 sizes or with the peak at the smallest, as above)
  ("spread", family, metric)      per seed, (max - min) / mean of the seed's curve over the sizes
  ("tradeoff", dataset, a, b, n)  per seed at the largest size, (accuracy a - accuracy b) x (own-correct eq. 4
                                  robustness a - robustness b): negative when the more accurate is less robust
  ("robustness", family, size, metric)  per seed, the family's eq.-4 robustness at that size
  ("success", family, norm)       successful attacks over the attacked pool images, each image once at its
                                  success averaged over the family's models (analysis.image_successes)
  ("regression", model, what)     the §2 example's test MSE / mean delta, computed exactly
Units: every claim about training-set size is about training, whose replicate is the trained model ("seeds":
one seed reads "this model: ..."); C9 is about the attacks, whose replicate is the attacked image (each pool
image once, however many models or seeds attacked it: more seeds do not decide C9, more images do); C11 is
computed exactly.
"A turning point" = the peak/last ratio significantly above 1; "no turning point" = the ratio significantly
below 1 + NO_TURNING_MARGIN (the peak at most 10% above the largest size's value).
C10 compares the conclusions of two analyses (eq. 4 vs eq. 5 turning points), not two quantities: the engine's
relations cannot express it, so it is declared not testable by this engine (the report prints both curves).
"""
from __future__ import annotations

import dataclasses

from adv_tf.claims import Cell, Claim, Untestable, check_unique
from adv_tf.studies.training_size import published
from adv_tf.studies.training_size.families import parse_family

NORMS = ("l2", "linf")
RATIO = "% of the largest size's value"
NO_TURNING_MARGIN = 0.1     # "no turning point": the interior peak within 10% of the last size's value
ACCURACY_MARGIN = 0.01      # C1 "non-decreasing, seed noise allowed": a fall of at most 1 point
SATURATION_POINTS = 0.01    # C6 "saturates early": accuracy at the middle size within 1 point of the largest's
SPREAD_LIMIT = 0.25         # C6 "changes little", C3 "roughly constant": a seed's curve (max - min) / mean below 25%
SUCCESS_MARGIN = 0.01       # C9 "100% success": read as at least 99% of the attacked images
# C7's numbers (CW-L2, read off Fig. 1; "DenseNet" is DenseNet-40 without augmentation) and the reading margin of a
# band read off a plot: a size's robustness counts as in the band within 0.05 of its ends.
C7_RANGES = {"cifar10/simple_cnn": (0.30, 0.55), "cifar10/densenet40": (0.0, 0.25)}
C7_READING_MARGIN = 0.05
MNIST_FAMILIES = ("mnist/mlp", "mnist/simple_cnn", "mnist/resnet20", "mnist/resnet20+D")
AUGMENTED_TURNING = ("cifar10/resnet32+D", "stl10/resnet20+D")   # C8's evidence (§4.2 last paragraph)
# Which section of report.md gives each claim's evidence (the index links to the heading).
VERDICTS_SECTION = "Verdicts (C1-C12)"
CLAIM_SECTIONS = {"C11": "Section 2: linear regression"}
NOT_RUN_REASON = {
    "C3": "CIFAR-10 ResNet-32 / DenseNet-40: CPU time (ResNet-32 +-D at 3 sizes x 3 seeds: an estimated ~29 h on "
          "2 cores, config.py), paper profile",
    "C4": "STL-10: no offline copy here (paper profile)",
    "C5": "Tiny ImageNet: CPU time (an estimated ~1.6 h per VGG-20, ~5 h per DenseNet-40 on 2 cores, config.py), "
          "paper profile (official split; the stand-in split runs when --families names it)",
    "C8": "no +D family with its plain family in this profile (CPU time): paper profile",
}


def _turning_cells(family: str, claimed: bool) -> tuple[Cell, ...]:
  """A claimed turning point (peak/last > 1) or a claimed absence (peak/last < 1 + margin), both norms."""
  return tuple(Cell(("turning", family, f"eq4_{n}"), 1.0, "greater", group=family) if claimed else
               Cell(("peak", family, f"eq4_{n}"), 1.0 + NO_TURNING_MARGIN, "at_most", group=family)
               for n in NORMS)


def _constant_cells(family: str, config) -> tuple[Cell, ...]:
  """C3's "roughly constant robustness": each seed's (max - min) / mean of the curve below SPREAD_LIMIT, as C6's
  "changes little" (the peak-ratio cell alone passes a curve that rises five-fold: its interior peak is below its
  last value)."""
  del config
  return tuple(Cell(("spread", family, f"eq4_{n}"), SPREAD_LIMIT, "at_most", group=family) for n in NORMS)


def _increasing_cells(family: str, config) -> tuple[Cell, ...]:
  """C5's "robustness increases with size": the largest size's robustness above the smallest's, per seed (the
  peak-ratio cell alone passes a flat curve)."""
  sizes = config.sizes_for(parse_family(family).dataset)
  if len(sizes) < 2:
    return ()
  return tuple(Cell(("robustness", family, sizes[-1], f"eq4_{n}"), ("robustness", family, sizes[0], f"eq4_{n}"),
                    "greater", group=family) for n in NORMS)


# What a turning claim states beyond its turning points (§4.2): C3 "roughly constant", C5 "increases with size".
TREND_CELLS = {"C3": _constant_cells, "C5": _increasing_cells}


def _turning_claim(claim_id: str, config) -> Claim:
  wanted = published.TURNING_CLAIMS[claim_id]
  trend = TREND_CELLS.get(claim_id, lambda family, config: ())
  return Claim(claim_id, published.CLAIMS[claim_id], section="§4.2", unit="seeds", margin=0.0, value_unit=RATIO,
               names=tuple(wanted), cells=tuple(c for f, claimed in wanted.items()
                                                for c in (*_turning_cells(f, claimed), *trend(f, config))))


def _c7_range(config, families) -> Claim:
  """C7's numbers: each size of each named CIFAR-10 family this config trains, against the band's ends (a lower
  end of 0 is no test: an L2 robustness is never negative). Named per (family, size), so that a part-way run's
  missing sizes make the verdict "partial"."""
  ran = [(f, n) for f in C7_RANGES if f in families for n in config.sizes_for("cifar10")]
  cells = tuple(Cell(("robustness", f, n, "eq4_l2"), bound, relation, group=f"{f} n={n}",
                     label=f"{f} at n={n} {'>=' if relation == 'at_least' else '<='} {bound:g}")
                for f, n in ran for bound, relation in zip(C7_RANGES[f], ("at_least", "at_most"))
                if bound > 0 or relation == "at_most")
  return Claim("C7-range", "C7's numbers: CIFAR-10 Simple CNN eq.-4 CW-L2 robustness in [0.30, 0.55], DenseNet-40 "
               "(no augmentation) in [0, 0.25] (§4.2 bullet 4, read off Fig. 1, within 0.05; judged at every size "
               "trained; ours averages eq. 4 over the pool images every model of the family classifies correctly, at "
               "every size and seed, the paper's over its 11 models)", section="§4.2", unit="seeds",
               margin=C7_READING_MARGIN, scale=1.0, value_unit="L2",
               names=tuple(f"{f} n={n}" for f in C7_RANGES for n in config.sizes_for("cifar10")),
               cells=cells or (Cell(("robustness", "cifar10/simple_cnn", 0, "eq4_l2"), 0.30, "at_least"),))


def _middle_size(sizes) -> int:
  """C6's "early": the middle of the sizes trained (of an even count, the lower middle). The paper names no size;
  ours is a position in the profile's list (cpu-full: 10,000 of 1,000 / 10,000 / 54,210)."""
  return sizes[(len(sizes) - 1) // 2]


def _middle(config) -> str:
  sizes = config.sizes_for("mnist")
  return f"n={_middle_size(sizes):,} of {', '.join(f'{n:,}' for n in sizes)}" if len(sizes) >= 2 else "none trained"


def claims(config) -> tuple[Claim, ...]:
  """C1-C12 for the config's families and sizes."""
  families = list(config.families)
  parsed = {f: parse_family(f) for f in families}
  by_dataset: dict[str, list[str]] = {}
  for f, p in parsed.items():
    if not p.augment:
      by_dataset.setdefault(p.dataset, []).append(f)
  pairs = [(d, a, b) for d, fs in by_dataset.items() for i, a in enumerate(fs) for b in fs[i + 1:]]
  c1 = tuple(Cell(("accuracy", f, big), ("accuracy", f, small), "at_least", group=f)
             for f in families for small, big in zip(config.sizes_for(parsed[f].dataset),
                                                     config.sizes_for(parsed[f].dataset)[1:]))
  c6 = []
  for f in (f for f in families if f in MNIST_FAMILIES):
    sizes = config.sizes_for("mnist")
    if len(sizes) >= 2:   # the middle size (of two, the smaller) against the largest; one size compares nothing
      c6.append(Cell(("accuracy", f, _middle_size(sizes)), ("accuracy", f, sizes[-1]), "at_least",
                     offset=-SATURATION_POINTS, group=f))
    c6 += [Cell(("spread", f, f"eq4_{n}"), SPREAD_LIMIT, "at_most", group=f) for n in NORMS]
  # C8 pairs only the +D families of the paper's sentence (ResNet on CIFAR-10 / STL-10), whose plain family the
  # paper says has no turning point (C3, C4): STL-10 DenseNet-40 has one either way (C4), Tiny ImageNet DenseNet-40+D
  # none (C5), and the paper states nothing of MNIST's turning points by architecture.
  c8 = tuple(c for f in families if f in AUGMENTED_TURNING and f.removesuffix("+D") in families
             for c in (*_turning_cells(f, True), *(dataclasses.replace(c, group=f) for c in _turning_cells(
                 f.removesuffix("+D"), False))))
  all_turning = {f: claimed for cid in ("C2", "C3", "C4", "C5") for f, claimed in published.TURNING_CLAIMS[cid].items()}
  out = (
      Claim("C1", published.CLAIMS["C1"], section="Abstract, §4.2, §6", unit="seeds", margin=ACCURACY_MARGIN,
            names=tuple(families), cells=c1 or (Cell(("accuracy", "none", 0), ("accuracy", "none", 1), "at_least"),)),
      *(_turning_claim(cid, config) for cid in ("C2", "C3", "C4", "C5")),
      Claim("C6", published.CLAIMS["C6"] + f" (judged, our rule: accuracy at the middle size, {_middle(config)}, "
            f"within {SATURATION_POINTS * 100:g} point of the largest size's; each seed's robustness (max - min) / "
            f"mean below {SPREAD_LIMIT:g})", section="§4.2, Fig. 2", unit="seeds", margin=0.0, names=MNIST_FAMILIES,
            cells=tuple(c6) or (Cell(("spread", "mnist/mlp", "eq4_l2"), SPREAD_LIMIT, "at_most", group="mnist/mlp"),)),
      Claim("C7", published.CLAIMS["C7"] + " (judged: at the largest size, each pair of architectures of a dataset)",
            section="§4.2", unit="seeds", margin=0.0, scale=1.0, value_unit="",
            names=tuple(dict.fromkeys(("cifar10", *(d for d, _, _ in pairs)))),
            cells=tuple(Cell(("tradeoff", d, a, b, n), 0.0, "less", group=d) for d, a, b in pairs for n in NORMS)
            or (Cell(("tradeoff", "cifar10", "none", "none", "l2"), 0.0, "less"),)),
      _c7_range(config, families),
      Claim("C8", published.CLAIMS["C8"] + " (judged: a turning point with +D and none without)", section="§4.2",
            unit="seeds", margin=0.0, names=AUGMENTED_TURNING, value_unit=RATIO,
            cells=c8 or (Cell(("turning", AUGMENTED_TURNING[0], "eq4_l2"), 1.0, "greater"),)),
      Claim("C9", published.CLAIMS["C9"] + " (judged: >= 99% of all attacked images per family)", section="§4.1",
            margin=SUCCESS_MARGIN, names=tuple(families),
            cells=tuple(Cell(("success", f, n), 1.0, "at_least", group=f) for f in families for n in NORMS)
            or (Cell(("success", "none", "l2"), 1.0, "at_least"),)),
      Claim("C10", published.CLAIMS["C10"], section="Appendix",
            cells=(Cell(Untestable("compares the conclusions of two analyses (eq. 4 vs eq. 5 turning points), not "
                                   "two quantities: not expressible by the claims engine's relations"), 0.0),)),
      Claim("C11", published.CLAIMS["C11"], section="§2", margin=0.0, scale=1.0, value_unit="",
            cells=(Cell(("regression", "M2", "mse"), ("regression", "M1", "mse"), "less"),
                   Cell(("regression", "M2", "mean_delta"), ("regression", "M1", "mean_delta"), "less"))),
      Claim("C12", published.CLAIMS["C12"] + " (judged: every family of C2-C5 shows, or lacks, a turning point as "
            "the paper says)", section="Abstract, §4.2, §6", unit="seeds", margin=0.0, names=tuple(all_turning),
            value_unit=RATIO,
            cells=tuple(c for f, claimed in all_turning.items() for c in _turning_cells(f, claimed))),
  )
  check_unique(out)
  return out

