"""Verdict rules and claims on hand-made numbers (no models)."""
from __future__ import annotations

import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.report import statistics
from adv_tf.studies.minimal_dataset import claims, published, verdicts
from adv_tf.studies.minimal_dataset import config as cfg


def test_wilson_matches_known_values():
  lo, hi = statistics.wilson_interval(52, 100)
  assert lo == pytest.approx(0.4223, abs=1e-3) and hi == pytest.approx(0.6161, abs=1e-3)
  c = verdicts.compare_accuracies([0.52], [0.52], 100)
  assert "[42.3, 61.5]" in c.detail


def test_the_rules_are_the_shared_ones():
  """No copies: Wilson and the t critical values come from adv_tf.report.statistics."""
  assert not hasattr(verdicts, "wilson_interval")
  assert claims.wilson_interval is statistics.wilson_interval
  # one-sided 5% t critical values for 2 and 3 seeds (scipy.stats.t.ppf(0.95, seeds - 1))
  assert verdicts.t_critical(2) == pytest.approx(6.3138, abs=1e-3)
  assert verdicts.t_critical(3) == pytest.approx(2.9200, abs=1e-3)


def test_one_seed_orderings_use_the_test_images():
  assert verdicts.compare_accuracies([0.194], [0.0649], 10000).outcome == "A>B"
  assert verdicts.compare_accuracies([0.0649], [0.194], 10000).outcome == "A<B"
  # 68% vs 52% on 100 images: the Wilson intervals overlap -> no verdict either way
  c = verdicts.compare_accuracies([0.68], [0.52], 100)
  assert c.outcome == "no clear difference" and "one seed" in c.detail
  assert verdicts.compare_accuracies([0.0], [0.0], 100).outcome.startswith("not testable")
  assert verdicts.compare_accuracies([1.0], [1.0], 100).outcome.startswith("not testable")


def test_several_seeds_also_need_the_paired_t_test():
  # Big gaps but one seed goes the other way: t fails although the pooled means differ.
  c = verdicts.compare_accuracies([0.30, 0.32, 0.05], [0.10, 0.11, 0.20], 10000)
  assert c.outcome == "no clear difference" and "paired t" in c.detail
  c = verdicts.compare_accuracies([0.30, 0.31, 0.29], [0.10, 0.12, 0.11], 10000)
  assert c.outcome == "A>B"
  with pytest.raises(AdvTfError):
    verdicts.compare_accuracies([0.3, 0.2], [0.1], 100)


def test_median_bootstrap():
  rng = np.random.default_rng(0)
  a = rng.normal(2.0, 0.3, 100)
  b = rng.normal(1.0, 0.3, 100)
  assert verdicts.compare_medians([a], [b]).outcome == "A>B"
  assert verdicts.compare_medians([b], [a]).outcome == "A<B"
  assert verdicts.compare_medians([a], [a + rng.normal(0, 0.01, 100)]).outcome == "no clear difference"


def test_claim_verdict_combines():
  yes = verdicts.Comparison("a", "b", "A>B", "")
  no = verdicts.Comparison("a", "b", "A<B", "")
  flat = verdicts.Comparison("a", "b", "no clear difference", "")
  sat = verdicts.Comparison("a", "b", "not testable (saturated)", "")
  assert verdicts.claim_verdict([yes, yes, sat]) == "holds"
  assert verdicts.claim_verdict([no, no]) == "does not hold"
  # one ordering significant the other way is enough to reject (statistics.claim_verdict's rule)
  assert verdicts.claim_verdict([yes, no]) == "does not hold"
  assert verdicts.claim_verdict([yes, flat]) == "inconclusive"
  assert verdicts.claim_counts([yes, flat, no, sat]) == (1, 1, 3)
  assert verdicts.claim_verdict([flat, flat]) == "inconclusive"
  assert verdicts.claim_verdict([sat]) == "not testable"
  for combo in ([yes], [no], [flat], [sat], [yes, flat, no]):
    assert verdicts.claim_verdict(combo) in statistics.VERDICTS


def _record(arch, regime, clean, fgsm, weak, l2, seed=0, stopped_by="convergence"):
  n = 100
  return {"result": {
      "architecture": arch, "regime": regime, "seed": seed, "clean_accuracy": clean, "test_images": 10000,
      "training": {"stopped_by": stopped_by, "epochs": 5},
      "distorted_test_accuracy": clean - 0.1,
      "fgsm": {"images": 10000, "accuracy": {"0.25": fgsm}}, "pgd": {"images": 1000, "accuracy": fgsm / 2},
      "weak_cw": {"images": n, "accuracy": weak},
      "cw": {"images": n, "accuracy_at_l2": {"1.5": weak}, "clean_correct": [True] * n, "success": [True] * n,
             "l2": list(np.linspace(l2 - 0.5, l2 + 0.5, n)), "l0": list(np.full(n, 100 * l2))}}}


def test_claims_on_the_papers_own_numbers():
  """Table 2's own numbers (as if measured on 10,000 / 100 images with one seed) through our rules."""
  t = published.table2_value
  records = []
  for arch, ours in (("CNN", "cnn"), ("LeNet", "lenet5_classic")):
    for training, regime in published.TABLE2_REGIMES.items():
      l2 = {"raw": 1.0, "modified": 1.6, "finetuned": 1.7}[regime]
      records.append(_record(ours, regime, t(arch, training, "None") / 100, t(arch, training, "FGSM") / 100,
                             t(arch, training, "CW") / 100, l2))
  config = cfg.QUICK.replace(fgsm_eps=(0.25,))
  judged = {c["claim"]: c for c in claims.judge_all(records, config)}
  assert judged["M1"]["verdict"] == "holds"
  # CNN FGSM 19.4 vs 6.49 is clear on 10k images; LeNet 31.7/30.4 vs 27.2 too.
  assert judged["M2"]["verdict"] == "holds"
  # CW on 100 images: 68 vs 52 and 73 vs 68 (CNN), 43 vs 30 and 47 vs 43 (LeNet) -> none clear with n=100.
  assert judged["M3"]["verdict"] == "inconclusive"
  assert judged["M4"]["verdict"] == "holds"
  assert judged["M5"]["verdict"] == "holds"
  # LeNet FGSM 27.2 > CNN 6.49 (clear); CNN CW 52 > LeNet 30 on 100 images (Wilson intervals just overlap?).
  assert judged["M6"]["orderings"][0].outcome == "A>B"
  # Labels for claims.json: a claim resting on fewer full-strength CW images than the paper's 100 is partial.
  assert claims.claim_label(judged["M1"], config) == "holds"
  assert claims.claim_label(judged["M4"], config.replace(full_cw_images=100)) == "holds"
  assert claims.claim_label(judged["M4"], config.replace(full_cw_images=5)) == (
      "holds, partial (tested against: CNN on the first 5 of 100 CW images, LeNet on the first 5 of 100 CW images)")
  # Only the CNN measured: every claim says so.
  cnn_only = claims.judge_all([r for r in records if r["result"]["architecture"] == "cnn"], config)
  assert all(claims.claim_label(c, config).endswith("partial (tested against: CNN)") for c in cnn_only
             if c["claim"] not in ("M4", "M6")), [claims.claim_label(c, config) for c in cnn_only]
  assert claims.claim_label(next(c for c in cnn_only if c["claim"] == "M6"), config) == "not testable"


def test_claims_flag_cap_stopped_models_as_possibly_undertrained():
  """A model that stopped at the epoch cap (not by the held-out rule) is named in the evidence of every claim
  comparing it, and only there; converged models carry no caveat."""
  t = published.table2_value
  records = []
  for arch, ours in (("CNN", "cnn"), ("LeNet", "lenet5_classic")):
    for training, regime in published.TABLE2_REGIMES.items():
      stop = "epoch cap" if (ours, regime) == ("lenet5_classic", "raw") else "convergence"
      records.append(_record(ours, regime, t(arch, training, "None") / 100, t(arch, training, "FGSM") / 100,
                             t(arch, training, "CW") / 100, 1.0, stopped_by=stop))
  config = cfg.QUICK.replace(fgsm_eps=(0.25,))
  judged = {c["claim"]: c for c in claims.judge_all(records, config)}
  note = "possibly undertrained (stopped at the epoch cap, not by convergence): lenet5_classic/raw seeds [0]"
  # M5 judges the modified-data models alone; every other claim compares the raw LeNet.
  assert {k: c["undertrained"] for k, c in judged.items()} == {**{m: note for m in judged}, "M5": ""}
  cnn_only = claims.judge_all([r for r in records if r["result"]["architecture"] == "cnn"], config)
  assert all(c["undertrained"] == "" for c in cnn_only)


def test_profiles_differ_only_in_cells_and_images_not_in_training():
  """Profiles save time by fewer cells or images, never by undertrained models: every model's training recipe
  (epoch caps, stopping rule, optimizer, batch, held-out slice) is the same in every profile."""
  training = ("max_epochs_full", "max_epochs_small", "patience", "batch_size", "learning_rate", "validation_size",
              "labeller_epochs")
  judged = [c for name, c in cfg.CONFIGS.items() if name != "smoke"]  # smoke checks an install, decides nothing
  for name in training:
    assert len({getattr(c, name) for c in judged}) == 1, name
