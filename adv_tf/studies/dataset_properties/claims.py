"""The claims of paper 000 (spec §000-3: A1-A2, B1-B12, C1-C11, D1-D3) as cell comparisons, and their verdicts.

A claim is a list of comparisons "value A > value B" (`greater`), "A >= B" (`at_least`: a tie counts for it)
or "A == B" (`equal`), each between two figure cells (figure, defense, attack, eps, bar) or a cell and a
constant. Each comparison is judged with `adv_tf.report.statistics.claim_verdict`:
  * tie margin = max(1 pp, 2x the seed-to-seed std of the difference) (spec §000-3);
  * standard error = the binomial standard error of the difference over the attacked images, combined with the
    seed-to-seed std when there are >= 2 seeds; significance at 2 standard errors (t with n - 1 dof for seeds);
  * not testable when every compared value is < 1% (saturated);
and the claim's verdict aggregates the cells: "does not hold" if some cell is significantly against it (for a
`most` claim: if fewer than half of the testable cells are for it), "holds" if every testable cell is for it
(`most`: more than half), "tie" if every testable cell is a tie, "not testable" if no cell is testable, else
"inconclusive". A claim on a figure whose dataset was not run is "not run in this profile".
The same comparisons are counted on the paper's digitized values (no noise model: sign beyond 1 pp) so the
report shows how strongly the figure itself supports each claim.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Callable, Iterable, Sequence

from adv_tf.report import statistics as st

# A cell key: (dataset key, property, defense, attack, eps label, bar label); or ("clean", dataset key, bar).
Key = tuple
EPS = ("2/255", "4/255", "8/255", "16/255")
ATTACKS = ("fgsm", "bim", "pgd", "deepfool")
MARGIN_PP = 1.0
BOUND = 2.0


@dataclasses.dataclass(frozen=True)
class Cmp:
  a: Key
  b: Key | float
  kind: str = "greater"   # greater | at_least (a >= b) | at_most (a <= b) | equal
  offset: float = 0.0     # claim: a > b + offset (pp)

  def name(self) -> str:
    def show(k):
      return f"{k:g}" if isinstance(k, float) else "/".join(str(p) for p in k[2:] if p is not None)
    return f"{self.a[0]} {self.a[1]}: {show(self.a)} vs {show(self.b)}"


@dataclasses.dataclass(frozen=True)
class Claim:
  id: str
  text: str
  comparisons: tuple[Cmp, ...]
  datasets: tuple[str, ...]
  mode: str = "all"        # all | most
  conflict: str = ""       # where the paper's text contradicts its figure (judged against the figure)


@dataclasses.dataclass(frozen=True)
class Value:
  """Our value of a cell: mean %, std % over seeds (None with one seed), images per seed, seeds."""
  mean: float
  std: float | None
  n: int
  seeds: int


def _cells(ds: str, prop: str, defenses: Iterable[str], attacks: Iterable[str], eps: Iterable[str], a: str,
           b: str, kind: str = "greater") -> list[Cmp]:
  return [Cmp((ds, prop, d, t, e, a), (ds, prop, d, t, e, b), kind) for d in defenses for t in attacks for e in eps]


def _chain(ds, prop, defenses, attacks, eps, bars: Sequence[str], kind="greater") -> list[Cmp]:
  out = []
  for lo, hi in zip(bars, bars[1:]):
    out += _cells(ds, prop, defenses, attacks, eps, hi, lo, kind)
  return out


SIZES = {"mnist": ("14", "28", "56"), "fmnist": ("14", "28", "56"), "cifar10": ("16", "32", "64"),
         "cifar100": ("16", "32", "64"), "imagenet": ("56", "112", "224")}
CON = ("0.5", "1", "2")
ALL_KEYS = tuple(SIZES)
DEFENDED = ("tvm", "jpeg")
NO_DF = ("fgsm", "bim", "pgd")


def _attack_pair(ds, prop, bars, defense, eps, hi, lo, kind) -> list[Cmp]:
  return [Cmp((ds, prop, defense, hi, e, bar), (ds, prop, defense, lo, e, bar), kind) for e in eps for bar in bars]


def _build() -> list[Claim]:
  c: list[Claim] = []
  a1 = []
  for ds in ALL_KEYS:
    for prop, bars in (("size", SIZES[ds]), ("contrast", CON)):
      a1 += _attack_pair(ds, prop, bars, "none", EPS, "pgd", "bim", "at_least")
  c.append(Claim("A1", "BIM is at least as strong as PGD in every no-defense cell: acc(BIM) <= acc(PGD)",
                 tuple(a1), ALL_KEYS))
  a2 = [Cmp((ds, prop, d, "deepfool", "16/255", bar), (ds, prop, d, "deepfool", "2/255", bar), "equal")
        for ds in ("cifar10", "cifar100", "imagenet") for prop, bars in (("size", SIZES[ds]), ("contrast", CON))
        for d in DEFENDED for bar in bars]
  c.append(Claim("A2", "DeepFool-defended accuracy does not depend on eps (CIFAR-10, CIFAR-100, ImageNet; "
                 "16/255 vs 2/255)", tuple(a2), ("cifar10", "cifar100", "imagenet"),
                 conflict="text: MNIST/F-MNIST DeepFool-defended accuracy 'roughly the same regardless of eps'; "
                 "figure: not at 14x14 (spread up to 19 pp; see A2-mnist)"))
  a2b = [Cmp((ds, "size", d, "deepfool", "16/255", bar), (ds, "size", d, "deepfool", "2/255", bar), "equal")
         for ds in ("mnist", "fmnist") for d in DEFENDED for bar in SIZES[ds]]
  c.append(Claim("A2-mnist", "(control, expected NOT to hold at small sizes) the same on MNIST/F-MNIST sizes",
                 tuple(a2b), ("mnist", "fmnist")))
  b1 = []
  for ds in ("mnist", "fmnist"):
    b1 += _cells(ds, "size", ["none"], ATTACKS, EPS, "14", "56")
    b1 += _cells(ds, "size", ["none"], ATTACKS, EPS, "28", "56")
  c.append(Claim("B1", "No defense, MNIST and F-MNIST: the largest size (56) is the least robust", tuple(b1),
                 ("mnist", "fmnist"), conflict="text: 14x14 'consistently better with only one outlier'; figure: "
                 "two MNIST FGSM cells and F-MNIST 2/255 for all attacks (B1-part2); text calls MNIST '32x32' "
                 "(it is 28x28)"))
  b1b = []
  for ds in ("mnist", "fmnist"):
    b1b += _cells(ds, "size", ["none"], ATTACKS, EPS, "14", "28", "at_least")
  c.append(Claim("B1-part2", "No defense, MNIST and F-MNIST: 14 >= 28 in most cells", tuple(b1b),
                 ("mnist", "fmnist"), mode="most"))
  b2 = []
  for ds in ("mnist", "fmnist"):
    b2 += _chain(ds, "size", DEFENDED, ATTACKS, ["2/255"], SIZES[ds])
  b2 += _chain("mnist", "size", DEFENDED, ATTACKS, ["4/255"], SIZES["mnist"])
  c.append(Claim("B2", "TVM or JPEG, MNIST and F-MNIST, eps 2/255 (MNIST also 4/255): 14 < 28 < 56 for every "
                 "attack", tuple(b2), ("mnist", "fmnist")))
  b3 = [Cmp(("mnist", "size", "none", t, e, "14"), ("mnist", "size", "tvm", t, e, "14")) for t in ATTACKS
        for e in EPS[:3]]
  c.append(Claim("B3", "MNIST 14x14, eps 2-8/255: TVM accuracy < no-defense accuracy ('TVM does more damage than "
                 "the attack')", tuple(b3), ("mnist",)))
  b4 = _cells("mnist", "size", ["tvm"], ["bim", "pgd"], ["16/255"], "14", "56")
  b4 += _cells("fmnist", "size", DEFENDED, NO_DF, ["16/255"], "14", "56")
  b4 += _cells("imagenet", "size", ["jpeg"], ["bim"], ["16/255"], "56", "224")
  c.append(Claim("B4", "Large eps reverses B2: at 16/255, 56 < 14 (MNIST TVM-BIM/PGD; F-MNIST TVM/JPEG vs "
                 "FGSM/BIM/PGD; ImageNet JPEG-BIM 56 > 224)", tuple(b4), ("mnist", "fmnist", "imagenet")))
  b5 = [Cmp(("mnist", "size", d, "deepfool", e, "56"), 97.0, "greater") for d in DEFENDED for e in EPS]
  c.append(Claim("B5", "DeepFool at 56x56, MNIST: TVM and JPEG accuracy > 97% at every eps", tuple(b5), ("mnist",),
                 conflict="text '> 97%' for TVM; the figure shows TVM 96.7 (borderline), JPEG 97.6"))
  b6 = _cells("cifar100", "size", ["none"], ATTACKS, EPS, "32", "16") + \
      _cells("cifar100", "size", ["none"], ATTACKS, EPS, "32", "64")
  c.append(Claim("B6", "CIFAR-100, no defense: 32 is best for every attack and eps", tuple(b6), ("cifar100",)))
  b7 = _cells("cifar100", "size", ["tvm"], NO_DF, EPS, "32", "16") + \
      _cells("cifar100", "size", ["tvm"], NO_DF, EPS, "32", "64") + \
      _cells("cifar100", "size", ["tvm"], ["deepfool"], EPS, "64", "32")
  c.append(Claim("B7", "CIFAR-100, TVM: 32 is best except against DeepFool (where 64 is best)", tuple(b7),
                 ("cifar100",)))
  b8 = _chain("cifar100", "size", ["jpeg"], NO_DF, ["2/255"], SIZES["cifar100"])
  b8 += _cells("cifar100", "size", ["jpeg"], ["fgsm", "bim"], ["16/255"], "32", "64")
  b8 += _cells("cifar100", "size", ["jpeg"], ["fgsm", "bim"], ["16/255"], "16", "64")
  b8 += _cells("cifar100", "size", ["jpeg"], ["pgd"], ["16/255"], "64", "16")
  c.append(Claim("B8", "CIFAR-100, JPEG: 2/255 accuracy increases with size (FGSM/BIM/PGD); at 16/255 64 is the "
                 "lowest for FGSM/BIM, 16 for PGD", tuple(b8), ("cifar100",),
                 conflict="text: 'smallest size most robust for BIM at 16/255'; figure: 19.4 (16) < 20.9 (32)"))
  b9 = [Cmp(("imagenet", "size", "none", t, e, bar), 3.5, "at_most") for t in ATTACKS for e in EPS
        for bar in SIZES["imagenet"]]
  c.append(Claim("B9", "ImageNet, no defense: accuracy <= ~3% in every cell (reproduction check; tested: <= 3.5%)",
                 tuple(b9), ("imagenet",)))
  b10 = _chain("imagenet", "size", ["tvm"], ATTACKS, EPS, SIZES["imagenet"])
  c.append(Claim("B10", "ImageNet, TVM: 56 < 112 < 224 for every attack and eps", tuple(b10), ("imagenet",)))
  b11 = _cells("imagenet", "size", ["jpeg"], ["bim", "pgd"], ["8/255", "16/255"], "56", "224") + \
      _cells("imagenet", "size", ["jpeg"], ["bim", "pgd"], ["8/255", "16/255"], "112", "224") + \
      _cells("imagenet", "size", ["jpeg"], ["fgsm"], ["8/255"], "56", "224") + \
      _cells("imagenet", "size", ["jpeg"], ["fgsm"], ["8/255"], "112", "224")
  c.append(Claim("B11", "ImageNet, JPEG, 8 and 16/255: 224 is the worst size vs BIM and PGD (and FGSM at 8/255)",
                 tuple(b11), ("imagenet",)))
  b12 = _cells("cifar10", "size", ["none"], ATTACKS, EPS, "32", "16", "at_least") + \
      _cells("cifar10", "size", ["none"], ATTACKS, EPS, "32", "64", "at_least") + \
      _cells("cifar10", "size", ["tvm"], NO_DF, EPS, "32", "16") + \
      _cells("cifar10", "size", ["tvm"], NO_DF, EPS, "32", "64")
  c.append(Claim("B12", "CIFAR-10 (GitHub figure, resized models fine-tuned): 32 is best in every no-defense and "
                 "TVM (FGSM/BIM/PGD) cell", tuple(b12), ("cifar10",)))
  c1 = [Cmp(("clean", ds, s), ("clean", ds, "1"), "equal", 0.0) for ds in ALL_KEYS for s in ("0.5", "2")]
  c.append(Claim("C1", "Clean accuracy is roughly the same across contrasts (abs. difference <= 2.5 pp)", tuple(c1),
                 ALL_KEYS, conflict="text: MNIST original model 98.39% (§IV-A-1) vs 98.34% (§IV-B-1)"))
  c2 = _chain("mnist", "contrast", ["none"], ATTACKS, EPS, CON) + _chain("fmnist", "contrast", ["none"], ATTACKS,
                                                                        EPS, CON)
  c.append(Claim("C2", "MNIST (and F-MNIST), no defense: 0.5x < 1x < 2x in every attack x eps cell", tuple(c2),
                 ("mnist", "fmnist"), conflict="text: MNIST and F-MNIST contrast results 'very similar'; figure: "
                 "F-MNIST has 2x best almost everywhere incl. defended 16/255, MNIST has 2x < 1x there (C5)"))
  c3 = _chain("mnist", "contrast", ["none"], ATTACKS, ["2/255"], CON)
  c.append(Claim("C3", "MNIST, no defense, 2/255: 1x > 0.5x and 2x > 1x (signs; magnitudes in the table)",
                 tuple(c3), ("mnist",), conflict="text: 0.5x trails by 'around 7-8%'; figure: 8.9-15.8 pp; text "
                 "'2-4%' for 2x vs 1x; figure 0.9-1.6 pp at 2/255"))
  c.append(Claim("C4", "MNIST FGSM 16/255: acc(1x) - acc(0.5x) is large (text '33%'; tested: > 20 pp)",
                 (Cmp(("mnist", "contrast", "none", "fgsm", "16/255", "1"),
                      ("mnist", "contrast", "none", "fgsm", "16/255", "0.5"), "greater", 20.0),), ("mnist",)))
  c5 = _cells("mnist", "contrast", ["tvm"], ATTACKS, ["16/255"], "1", "2") + \
      _cells("mnist", "contrast", ["jpeg"], ATTACKS, ["8/255", "16/255"], "1", "2")
  c.append(Claim("C5", "MNIST with defenses: 2x falls below 1x at large eps (TVM 16/255; JPEG 8 and 16/255)",
                 tuple(c5), ("mnist",), conflict="text: 2x < 1x 'in several cases when eps = 2/255'; figure: "
                 "2x >= 1x in 8/8 defended 2/255 cells (see C5-2/255)"))
  c.append(Claim("C5-2/255", "MNIST defended, 2/255: 2x >= 1x (the figure; contradicts the text)",
                 tuple(_cells("mnist", "contrast", DEFENDED, ATTACKS, ["2/255"], "2", "1", "at_least")), ("mnist",)))
  c.append(Claim("C6", "MNIST JPEG-BIM 16/255: the best contrast beats 0.5x by > 50 pp",
                 (Cmp(("mnist", "contrast", "jpeg", "bim", "16/255", "1"),
                      ("mnist", "contrast", "jpeg", "bim", "16/255", "0.5"), "greater", 50.0),), ("mnist",)))
  c7 = _chain("cifar10", "contrast", ["none", "tvm", "jpeg"], ATTACKS, EPS, CON)
  c.append(Claim("C7", "CIFAR-10: accuracy increases with contrast in most cells", tuple(c7), ("cifar10",),
                 mode="most"))
  c8 = _chain("imagenet", "contrast", ["tvm"], NO_DF, EPS, CON)
  c.append(Claim("C8", "ImageNet TVM: 0.5x < 1x < 2x for FGSM/BIM/PGD at every eps", tuple(c8), ("imagenet",)))
  c9 = []
  for t, eps in (("bim", EPS[:3]), ("pgd", EPS)):
    c9 += _cells("imagenet", "contrast", ["jpeg"], [t], eps, "0.5", "1") + \
        _cells("imagenet", "contrast", ["jpeg"], [t], eps, "2", "1")
  c.append(Claim("C9", "ImageNet JPEG vs BIM and PGD: 1x is the lowest contrast", tuple(c9), ("imagenet",)))
  c10 = [Cmp((ds, "contrast", d, "deepfool", "16/255", bar), (ds, "contrast", d, "deepfool", "2/255", bar), "equal")
         for ds in ALL_KEYS for d in DEFENDED for bar in CON]
  c.append(Claim("C10", "Defended accuracy against DeepFool does not vary with eps (contrast figures)", tuple(c10),
                 ALL_KEYS, mode="most"))
  c11 = _chain("cifar100", "contrast", ["none", "jpeg"], ATTACKS, EPS, CON) + \
      _cells("cifar100", "contrast", ["tvm"], ATTACKS, EPS, "1", "2")
  c.append(Claim("C11", "CIFAR-100 contrast ('very similar' to CIFAR-10): none/JPEG monotone; TVM 2x < 1x",
                 tuple(c11), ("cifar100",), mode="most",
                 conflict="text: 'very similar' to CIFAR-10; figure: TVM 2x < 1x in 14/16 cells"))
  d1 = []
  for ds in ALL_KEYS:
    for prop, bars in (("size", SIZES[ds]), ("contrast", CON)):
      for t in NO_DF:
        for d in DEFENDED:
          d1 += [Cmp((ds, prop, d, "deepfool", "16/255", bar), (ds, prop, d, t, "16/255", bar), "at_least")
                 for bar in bars]
  c.append(Claim("D1", "DeepFool is easily defended: at 16/255 defended acc(DeepFool) >= acc(FGSM/BIM/PGD)",
                 tuple(d1), ALL_KEYS))
  c.append(Claim("D2", "Smaller images improve robustness without defense (= B1, MNIST/F-MNIST)", tuple(b1),
                 ("mnist", "fmnist")))
  d3 = []
  for ds in ALL_KEYS:
    d3 += _chain(ds, "contrast", ["none", "tvm", "jpeg"], ATTACKS, EPS, CON)
  c.append(Claim("D3", "Higher contrast usually gives better robustness, with or without defenses", tuple(d3),
                 ALL_KEYS, mode="most"))
  return c


CLAIMS: tuple[Claim, ...] = tuple(_build())
EQUAL_MARGIN = {"C1": 2.5}


def _margin(claim_id: str, std: float | None) -> float:
  base = EQUAL_MARGIN.get(claim_id, MARGIN_PP)
  return max(base, 2 * std) if std is not None and math.isfinite(std) else base


def _mean(v: Value | float) -> float:
  return v if isinstance(v, float) else v.mean


def judge_cell(cmp: Cmp, a: Value | None, b: Value | float | None, claim_id: str) -> str:
  """One comparison's verdict from our values (see the module docstring)."""
  if a is None or b is None:
    return "not measured"
  hi, lo = (b, a) if cmp.kind == "at_most" else (a, b)
  if _mean(a) < 1.0 and _mean(b) < 1.0:
    return "not testable"
  values = [v for v in (a, b) if isinstance(v, Value)]
  stds = [v.std for v in values if v.std is not None]
  seed_std = math.sqrt(sum(s * s for s in stds)) if stds else None
  margin = _margin(claim_id, seed_std)
  var = sum(v.mean * (100 - v.mean) / max(v.n * v.seeds, 1) for v in values)
  seeds = min(v.seeds for v in values)
  se = math.sqrt(max(var, 1e-6) + (seed_std ** 2 / max(seeds, 1) if seed_std else 0.0))
  d_hi = _mean(hi) - (cmp.offset if hi is a else -cmp.offset)
  if cmp.kind == "equal":  # "equal within the margin": beyond it only when significantly beyond
    excess = abs(d_hi - _mean(lo)) - margin
    if excess <= 0:
      return "holds"
    return "does not hold" if excess / se >= st.t_threshold(BOUND, seeds if seeds >= 2 else None) else "inconclusive"
  v = st.claim_verdict([st.Comparison(cmp.name(), d_hi, _mean(lo), se, seeds if seeds >= 2 else None)],
                       claim="greater", bound=BOUND, tie_margin=margin)
  if cmp.kind in ("at_least", "at_most") and v.verdict in ("tie", "inconclusive"):
    return "holds" if d_hi >= _mean(lo) - margin else v.verdict
  return v.verdict


def paper_cell(cmp: Cmp, a: float | None, b: float | None, claim_id: str) -> str:
  """The same comparison on the paper's digitized values (sign beyond the margin; no noise model)."""
  if a is None or b is None:
    return "not measured"
  if a < 1.0 and b < 1.0:
    return "not testable"
  d = a - cmp.offset - b
  m = _margin(claim_id, None)
  if cmp.kind == "equal":
    return "holds" if abs(d) <= m else "does not hold"
  if cmp.kind == "at_least":
    return "holds" if d >= -m else "does not hold"
  if cmp.kind == "at_most":
    return "holds" if d <= m else "does not hold"
  return "holds" if d > m else ("tie" if abs(d) <= m else "does not hold")


def aggregate(verdicts: Sequence[str], mode: str) -> str:
  tested = [v for v in verdicts if v not in ("not measured", "not testable")]
  if not tested:
    return "not testable" if any(v == "not testable" for v in verdicts) else "not measured"
  k_for = sum(v == "holds" for v in tested)
  k_against = sum(v == "does not hold" for v in tested)
  if mode == "most":
    if k_for * 2 > len(tested):
      return "holds"
    return "does not hold" if k_against * 2 >= len(tested) or k_for * 2 < len(tested) - sum(
        v == "tie" for v in tested) else "inconclusive"
  if k_against:
    return "does not hold"
  if k_for == len(tested):
    return "holds"
  if all(v == "tie" for v in tested):
    return "tie"
  return "inconclusive"


def counts(verdicts: Sequence[str]) -> str:
  keys = ("holds", "does not hold", "tie", "inconclusive", "not testable", "not measured")
  return ", ".join(f"{k} {sum(v == k for v in verdicts)}" for k in keys if any(v == k for v in verdicts))


def evaluate(claim: Claim, ours: Callable[[Key], Value | None], paper: Callable[[Key], float | None],
             run_keys: Sequence[str]) -> dict:
  """{'ours': verdict, 'ours_counts', 'paper': verdict, 'paper_counts', 'cells': [(name, ours, paper)]}."""
  def val(k, fn):
    return float(k) if isinstance(k, float) else fn(k)
  p = [paper_cell(c, val(c.a, paper), val(c.b, paper), claim.id) for c in claim.comparisons]
  missing = [ds for ds in claim.datasets if ds not in run_keys]
  if len(missing) == len(claim.datasets):
    return {"ours": "not run in this profile", "ours_counts": f"datasets not run: {', '.join(missing)}",
            "paper": aggregate(p, claim.mode), "paper_counts": counts(p), "cells": []}
  o = [judge_cell(c, val(c.a, ours), val(c.b, ours), claim.id) for c in claim.comparisons]
  verdict = aggregate(o, claim.mode)
  if verdict == "not measured":
    verdict = "not run in this profile (its cells were not measured)"
  note = st.partial_label([ds for ds in claim.datasets if ds in run_keys], claim.datasets)
  if note:
    verdict += f", {note}"
  return {"ours": verdict, "ours_counts": counts([x for x in o if x != "not measured"]),
          "paper": aggregate(p, claim.mode), "paper_counts": counts(p),
          "cells": [(c.name(), x, y) for c, x, y in zip(claim.comparisons, o, p)]}
