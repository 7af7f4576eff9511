"""Paper 003 claims D1-D13 (../shared/specs/paper003_imagenette_defenses.md §003.3) as `ClaimVerdict` rows for the
cross-study index: one row per claim, combining the per-model rows of `report.verdicts`.

Combination rule (stated in the report): a claim about both models holds when every tested model's row holds, does
not hold when any row does not hold, else inconclusive. Absolute numbers (D1's 99.9%, D3's 22-23%, D9's 91%/70%,
D10's 30% marks, D2's "> 50 points") are judged only with pretrained weights at 224 px; otherwise the claim's
relative part is judged and the absolute part is "not testable at this scale". A model whose clean accuracy's
95% interval reaches chance (10%) is too weak to show an accuracy drop: its accuracy-drop rows are not testable.
When the models are not the paper's (WRN-50-2, GoogLeNet) the verdict says "partial (tested against: ...)".
"""
from __future__ import annotations

from adv_tf.report.base import ClaimVerdict
from adv_tf.report.statistics import partial_label

SECTION = "Verdicts D1-D13"
PAPER_MODELS = ("wrn50_2", "googlenet")
CHANCE = 0.1
STATEMENTS = {
    "D1": "Fine-tuning WRN-50-2 / GoogLeNet for 5 epochs gives >= 99.9% held-out accuracy (§III-C)",
    "D2": "FGSM at eps* 0.025 lowers WRN accuracy by more than 50 points (§III-D, Fig. 3)",
    "D3": "FGSM at eps* 0.3 leaves WRN at ~22-23% accuracy (§III-D, Fig. 3)",
    "D4": "GoogLeNet is more vulnerable than WRN at eps* 0.025 and ends at ~20% at 0.3 (§III-D)",
    "D5": "DGSM toward n02102040 sends 100% of images to the target at some eps* <= 0.014, both models (Fig. 5)",
    "D6": "With averaging (eps_max 0.3) FGSM accuracy no longer collapses at small eps* (Fig. 6)",
    "D7": "Averaging costs clean accuracy (Fig. 6: 94% vs 98%)",
    "D8": "With averaging, DGSM raises the target rate by at most 2 points on both models (§III-E)",
    "D9": "Adversarial training lowers clean accuracy (to ~91% WRN / ~70% GoogLeNet) (§III-E)",
    "D10": "Adversarial training improves FGSM robustness for small eps* (judged per eps <= 0.05; Figs. 3, 7)",
    "D11": "After adversarial training DGSM has no effect on WRN; GoogLeNet loses <= 4 points (§III-E)",
    "D12": "Averaging drastically limits DGSM success; adversarial training is even more effective (§IV)",
    "D13": "DGSM perturbations keep image features; adversarial training finds flatter minima (§IV, qualitative)",
}
# Claims about accuracy drops under attack: untestable on a model at chance.
ACCURACY_DROP_CLAIMS = ("D2", "D4", "D6", "D7", "D9", "D10")
NOT_RUN_REASON = {
    "D3": "needs a Wide ResNet base cell (--models without a wrn*)",
    "D4": "needs both a GoogLeNet and a Wide ResNet base cell",
    "D6": "no averaging results in this run (--averaging_fgsm_eps empty)",
    "D7": "no averaging results in this run",
    "D8": "no averaging results with DGSM in this run",
    "D9": "no adversarial-training cell in this run (--at_epochs=0)",
    "D10": "no adversarial-training cell in this run (--at_epochs=0)",
    "D11": "no adversarial-training cell in this run (--at_epochs=0)",
    "D12": "needs both averaging results and an adversarial-training cell of the same model",
}
ABSOLUTE_NOTE = {
    "D1": "the 99.9% is absolute (and was measured on training images); judged only with pretrained weights at "
          "224 px",
    "D2": "relative form judged (a significant drop); '> 50 points' is absolute",
    "D3": "absolute number; judged only with pretrained weights at 224 px",
    "D4": "relative form judged; '~20% at 0.3' is absolute",
    "D9": "relative form judged (AT lowers clean accuracy); 91% / 70% are absolute",
    "D10": "relative form judged per eps*; the 30% marks are absolute",
}


def _model_of(row: dict) -> str:
  return row["claim"].split(":")[0].split(",")[0].strip()


def _combine(labels: list[str]) -> str:
  if labels and all(v == "holds" for v in labels):
    return "holds"
  if any(v == "does not hold" for v in labels):
    return "does not hold"
  if labels and all(v == "tie" for v in labels):
    return "tie"
  return "inconclusive"


def weak_models(results: dict) -> dict[str, str]:
  """model -> clean accuracy text, for base models whose clean interval reaches chance (10%)."""
  return {m: f"{100 * r['clean']['rate']:.1f}% [{100 * r['clean']['low']:.1f}, {100 * r['clean']['high']:.1f}]"
          for (m, variant), r in results.items() if variant == "base" and r["clean"]["low"] <= CHANCE}


def claim_verdicts(cfg, results: dict, rows: list[dict], *, absolute: bool) -> list[ClaimVerdict]:
  """One ClaimVerdict per claim D1-D13 from the per-model rows of `report.verdicts`."""
  weak = weak_models(results)
  clean = "; ".join(f"{m} clean {100 * r['clean']['rate']:.1f}% [{100 * r['clean']['low']:.1f}, "
                    f"{100 * r['clean']['high']:.1f}]" for (m, v), r in results.items() if v == "base")
  partial = partial_label([m for m in cfg.models if (m, "base") in results], PAPER_MODELS)
  out = []
  for claim, statement in STATEMENTS.items():
    mine = [r for r in rows if r["id"] == claim]
    if claim == "D13":
      out.append(ClaimVerdict(claim, statement, "not testable", "qualitative (Fig. 8, speculation), no number to "
                              "test", SECTION))
      continue
    if not mine:
      reason = NOT_RUN_REASON.get(claim, "its cells are not in this run")
      out.append(ClaimVerdict(claim, statement, "not run in this profile", reason, SECTION))
      continue
    judged = [r for r in mine if not r["verdict"].startswith("context")]
    if claim in ACCURACY_DROP_CLAIMS:
      too_weak = [r for r in judged if _model_of(r) in weak or any(m in r["claim"] for m in weak)]
      judged = [r for r in judged if r not in too_weak]
    else:
      too_weak = []
    evidence = " | ".join(f"{r['claim']}: {r['verdict']} ({r['evidence']})" for r in mine)
    notes = []
    if claim in ABSOLUTE_NOTE and not absolute:
      notes.append("not testable at this scale: " + ABSOLUTE_NOTE[claim])
    if too_weak:
      notes.append("not testable on " + ", ".join(sorted({_model_of(r) for r in too_weak})) + ": clean accuracy "
                   "at chance (" + "; ".join(f"{m} {t}" for m, t in weak.items()) + ")")
    if not judged:
      verdict = "not testable"
    else:
      verdict = _combine([r["verdict"] for r in judged])
      if partial:
        verdict = f"{verdict}, {partial}"
    if claim in ("D2", "D4", "D6", "D7", "D9", "D10") and clean:
      notes.append(clean)
    out.append(ClaimVerdict(claim, statement, verdict, "; ".join(notes + [evidence]), SECTION))
  return out
