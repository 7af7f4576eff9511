"""Claims M1-M6 of paper 001 (spec 001-3) judged on our records with `verdicts` (plain Python + numpy).

`by_model(records)` groups model records as {(architecture, regime): [result per seed, sorted by seed]};
every claim function takes that and the config and returns a dict: claim, statement, setting, verdict (one of
`adv_tf.report.statistics.VERDICTS`), counts, orderings (tested comparisons) and controls (the same test on the
controls, shown beside the verdict, not judged). `claim_label` adds "partial (tested against: ...)" when a claim
rests on a subset of what the paper names (an architecture not run, fewer full-strength CW images).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from adv_tf.report.statistics import Verdict, wilson_interval
from adv_tf.studies.minimal_dataset import published
from adv_tf.studies.minimal_dataset.evaluation import minimal_distances
from adv_tf.studies.minimal_dataset.verdicts import (
  Comparison,
  claim_counts,
  claim_verdict,
  compare_accuracies,
  compare_medians,
)

Group = dict[tuple[str, str], list[dict]]


def by_model(records: Sequence[dict]) -> Group:
  out: Group = {}
  for r in sorted(records, key=lambda r: r["result"]["seed"]):
    res = r["result"]
    out.setdefault((res["architecture"], res["regime"]), []).append(res)
  return out


def _paired(group: Group, a: tuple[str, str], b: tuple[str, str]) -> tuple[list[dict], list[dict]]:
  seeds = sorted({r["seed"] for r in group.get(a, [])} & {r["seed"] for r in group.get(b, [])})
  pick = lambda key: [next(r for r in group[key] if r["seed"] == s) for s in seeds]  # noqa: E731
  return (pick(a), pick(b)) if seeds else ([], [])


def accuracy_ordering(group: Group, a, b, metric: Callable[[dict], float],
                      n: Callable[[dict], int]) -> Comparison | None:
  ra, rb = _paired(group, a, b)
  if not ra:
    return None
  return compare_accuracies([metric(r) for r in ra], [metric(r) for r in rb], n(ra[0]),
                            names=(f"{a[0]}/{a[1]}", f"{b[0]}/{b[1]}"))


def _cw_minimal(r: dict, norm: str) -> np.ndarray:
  cw = r["cw"]
  return minimal_distances(np.asarray(cw["clean_correct"]), np.asarray(cw["success"]), np.asarray(cw[norm], float))


def median_ordering(group: Group, a, b, norm: str) -> Comparison | None:
  ra, rb = _paired(group, a, b)
  if not ra:
    return None
  return compare_medians([_cw_minimal(r, norm) for r in ra], [_cw_minimal(r, norm) for r in rb],
                         names=(f"{a[0]}/{a[1]}", f"{b[0]}/{b[1]}"), unit=" px" if norm == "l0" else "")


def _claim(name, statement, setting, orderings, controls) -> dict[str, Any]:
  orderings = [c for c in orderings if c is not None]
  controls = [c for c in controls if c is not None]
  support, oppose, testable = claim_counts(orderings)
  return {"claim": name, "statement": statement, "setting": setting,
          "verdict": claim_verdict(orderings) if orderings else "not testable",
          "counts": f"{support} of {testable} orderings significant as claimed, {oppose} the other way"
                    if orderings else "models missing",
          "orderings": orderings, "controls": controls}


# The paper's two architectures (Table 2), and which of ours stands for each.
PAPER_ARCHITECTURES = {"CNN": ("cnn",), "LeNet": ("lenet5_classic", "lenet5_relu")}
# Claims that rest on the full-strength CW images only (M4: the L0 of its adversarials).
FULL_CW_CLAIMS = ("M4",)


def scope(claim: dict, config) -> tuple[list[str], list[str]]:
  """(tested, expected): the paper's architectures a claim names, and those our orderings covered. A claim
  that rests on fewer full-strength CW images than the paper's 100 names them in `tested`, so that
  `statistics.partial_label` marks its verdict "partial (tested against: ...)"."""
  archs = {c.a.split("/")[0] for c in claim["orderings"]}
  expected = list(PAPER_ARCHITECTURES)
  tested = [paper for paper, ours in PAPER_ARCHITECTURES.items() if archs & set(ours)]
  if claim["claim"] in FULL_CW_CLAIMS and config.full_cw_images < published.CW_IMAGES:
    tested = [f"{name} on the first {config.full_cw_images} of {published.CW_IMAGES} CW images" for name in tested]
  return tested, expected


def claim_label(claim: dict, config) -> str:
  """The claim's verdict as `statistics.Verdict.label` writes it (with "partial (tested against: ...)")."""
  if not claim["orderings"]:
    return claim["verdict"]
  tested, expected = scope(claim, config)
  return Verdict(claim["verdict"], claim["counts"], tuple(tested), tuple(expected)).label


def _archs(group: Group) -> list[str]:
  return sorted({a for a, _ in group})


def _fgsm(eps: float):
  return lambda r: r["fgsm"]["accuracy"][f"{eps:g}"]


def _fgsm_n(r):
  return r["fgsm"]["images"]


def _size_controls(group, metric, n, archs, better: str = "A>B") -> list[Comparison | None]:
  """The same ordering for the controls: random undistorted (size) and random distorted (selection) vs raw."""
  del better
  out = []
  for arch in archs:
    for control in ("random_undistorted", "random_distorted"):
      out.append(accuracy_ordering(group, (arch, control), (arch, "raw"), metric, n))
  return out


def m1(group: Group, config) -> dict:
  clean, n = (lambda r: r["clean_accuracy"]), (lambda r: r["test_images"])
  orderings, controls = [], []
  for arch in _archs(group):
    orderings += [accuracy_ordering(group, (arch, "raw"), (arch, "modified"), clean, n),
                  accuracy_ordering(group, (arch, "raw"), (arch, "finetuned"), clean, n),
                  accuracy_ordering(group, (arch, "finetuned"), (arch, "modified"), clean, n)]
    controls += [accuracy_ordering(group, (arch, "raw"), (arch, "random_undistorted"), clean, n),
                  accuracy_ordering(group, (arch, "modified"), (arch, "random_distorted"),
                                    lambda r: r["distorted_test_accuracy"], n)]
  return _claim("M1", "Training on Modified MNIST lowers clean accuracy; last-layer fine-tuning lowers it only "
                "slightly (raw > finetuned > modified).", "clean MNIST test set", orderings, controls)


def m2(group: Group, config) -> dict:
  eps = config.headline_eps
  orderings, controls = [], []
  for arch in _archs(group):
    for regime in ("modified", "finetuned"):
      orderings.append(accuracy_ordering(group, (arch, regime), (arch, "raw"), _fgsm(eps), _fgsm_n))
      controls.append(accuracy_ordering(group, (arch, regime), (arch, "raw"), lambda r: r["pgd"]["accuracy"],
                                        lambda r: r["pgd"]["images"]))
  controls += _size_controls(group, _fgsm(eps), _fgsm_n, _archs(group))
  claim = _claim("M2", "FGSM accuracy rises when Modified MNIST is used (modified > raw, finetuned > raw).",
                 f"FGSM eps={eps:g} on {config.fgsm_images} test images; controls: PGD-{config.pgd_steps} at the same "
                 "eps, and the size/selection controls vs raw under FGSM", orderings, controls)
  per_eps = {}
  for e in config.fgsm_eps:
    comps = [accuracy_ordering(group, (arch, regime), (arch, "raw"), _fgsm(e), _fgsm_n)
             for arch in _archs(group) for regime in ("modified", "finetuned")]
    per_eps[f"{e:g}"] = claim_verdict([c for c in comps if c is not None]) if any(comps) else "not testable"
  claim["per_eps"] = per_eps
  return claim


def m3(group: Group, config) -> dict:
  weak, n = (lambda r: r["weak_cw"]["accuracy"]), (lambda r: r["weak_cw"]["images"])
  budget = f"{config.verdict_cw_budget:g}"
  at_budget = lambda r: r["cw"]["accuracy_at_l2"][budget]  # noqa: E731
  orderings, controls = [], []
  for arch in _archs(group):
    if not all("weak_cw" in r for rs in group.values() for r in rs):
      break
    orderings += [accuracy_ordering(group, (arch, "modified"), (arch, "raw"), weak, n),
                  accuracy_ordering(group, (arch, "finetuned"), (arch, "modified"), weak, n)]
    controls += [median_ordering(group, (arch, "modified"), (arch, "raw"), "l2"),
                 median_ordering(group, (arch, "finetuned"), (arch, "raw"), "l2"),
                 accuracy_ordering(group, (arch, "modified"), (arch, "raw"), at_budget, lambda r: r["cw"]["images"]),
                 accuracy_ordering(group, (arch, "random_undistorted"), (arch, "raw"), weak, n)]
  return _claim("M3", "CW accuracy rises, highest for the fine-tuned model (raw < modified < finetuned).",
                f"weak CW (calibrated once on the raw CNN) on {config.cw_images} images; controls: full-strength CW "
                f"median L2 and accuracy at L2 <= {budget} on the first {config.full_cw_images} images, and the "
                "size control", orderings, controls)


def m4(group: Group, config) -> dict:
  orderings, controls = [], []
  for arch in _archs(group):
    orderings += [median_ordering(group, (arch, "modified"), (arch, "raw"), "l0"),
                  median_ordering(group, (arch, "finetuned"), (arch, "raw"), "l0")]
    controls += [median_ordering(group, (arch, "random_undistorted"), (arch, "raw"), "l0")]
  return _claim("M4", "More pixels must be changed to fool the modified-data models (Fig. 3).",
                f"median L0 (pixels changed by > {config.l0_tolerance:.4f}) of full-strength CW-L2 adversarials "
                f"on the first {config.full_cw_images} test images (0 if misclassified clean, inf if the attack "
                "failed)", orderings, controls)


def m5(group: Group, config) -> dict:
  eps = config.headline_eps
  orderings = []
  for arch in _archs(group):
    for regime in ("modified", "finetuned"):
      rs = group.get((arch, regime))
      if not rs:
        continue
      acc = float(np.mean([_fgsm(eps)(r) for r in rs]))
      n = _fgsm_n(rs[0])
      lo, hi = wilson_interval(int(round(acc * n)), n)
      outcome = "A>B" if hi < 0.5 else "A<B" if lo > 0.5 else "no clear difference"
      orderings.append(Comparison(f"{arch}/{regime} vulnerable", "50% accuracy", outcome,
                                  f"FGSM accuracy {100 * acc:.2f}% (Wilson 95% [{100 * lo:.1f}, {100 * hi:.1f}]) "
                                  "vs 50%"))
  return _claim("M5", "The improvement is moderate and the adversarial vulnerability persists (FGSM accuracy of "
                "the modified-data models stays below 50%).", f"FGSM eps={eps:g}; see the Fig. 4-style grid",
                orderings, [])


def m6(group: Group, config) -> dict:
  eps = config.headline_eps
  orderings = []
  for lenet in ("lenet5_classic", "lenet5_relu"):
    if ("cnn", "raw") not in group or (lenet, "raw") not in group:
      continue
    orderings.append(accuracy_ordering(group, (lenet, "raw"), ("cnn", "raw"), _fgsm(eps), _fgsm_n))
    if all("weak_cw" in r for r in group[("cnn", "raw")] + group[(lenet, "raw")]):
      orderings.append(accuracy_ordering(group, ("cnn", "raw"), (lenet, "raw"), lambda r: r["weak_cw"]["accuracy"],
                                         lambda r: r["weak_cw"]["images"]))
  return _claim("M6", "(observable in Table 2, not claimed) LeNet is more FGSM-robust than the CNN but less "
                "CW-robust (raw models).", f"FGSM eps={eps:g}; weak CW", orderings, [])


CLAIMS = (m1, m2, m3, m4, m5, m6)


def capped_models(group: Group) -> dict[str, list[int]]:
  """{"arch/regime": [seeds]} of the models whose training stopped at the epoch cap, not by the held-out
  convergence rule: possibly undertrained, so every claim that compares them says so."""
  out = {f"{a}/{g}": [r["seed"] for r in rs if r["training"]["stopped_by"] != "convergence"]
         for (a, g), rs in sorted(group.items())}
  return {name: seeds for name, seeds in out.items() if seeds}


def undertrained_note(claim: dict, capped: dict[str, list[int]]) -> str:
  """The claim's caveat naming the cap-stopped models among those it compares ("" when none)."""
  # Comparison sides start with "arch/regime" (M5's read "arch/regime vulnerable").
  names = sorted({n.split(" ")[0] for c in claim["orderings"] + claim["controls"] for n in (c.a, c.b)} & set(capped))
  if not names:
    return ""
  return ("possibly undertrained (stopped at the epoch cap, not by convergence): "
          + ", ".join(f"{n} seeds {capped[n]}" for n in names))


def judge_all(records: Sequence[dict], config) -> list[dict]:
  """Every claim; each carries `undertrained`, the caveat naming cap-stopped models it compares."""
  group = by_model(records)
  capped = capped_models(group)
  out = []
  for claim in CLAIMS:
    c = claim(group, config)
    c["undertrained"] = undertrained_note(c, capped)
    out.append(c)
  return out
