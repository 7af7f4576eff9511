"""Claims K1 (Fig. 10 transfer) and S3 (Figs. 8/9 pixels changed) are judged per best-estimate sample: the kappa
cell records its per-pair outcomes, and the 9 pairs of one source image count as one item, not 9."""
from __future__ import annotations

import hyperparams_tiny_records as tiny
import numpy as np
import pytest

from adv_tf.claims import Untestable
from adv_tf.studies.hyperparams import config, measures, report
from adv_tf.studies.hyperparams import run as cell_runs

SOURCES = [i for i in range(10) for _ in range(9)]


def _per_pair(kappa: float, side: str) -> dict:
  """Constructed per-pair counts of 784 pixel values: the secure model changes 30-36 more above 0.10 and 30-36
  fewer at 0.05/0.10 than the baseline, differently per pair (so the per-image differences vary)."""
  out = {}
  for t in config.DISTORTION_THRESHOLDS:
    sign = 1 if t > 0.10 + 1e-9 else -1
    base = [200 - int(400 * t) + (i % 5) for i in range(90)]
    counts = base if side == "baseline" else [b + sign * (30 + i % 7) for i, b in enumerate(base)]
    out[f"{t:.2f}"] = [None if i == 4 else c for i, c in enumerate(counts)]   # pair 4: the attack failed
  return out


def _records() -> list[dict]:
  recs = tiny.records()
  for r in recs:
    if r["stage"] == "kappa":
      res = r["result"]
      res["pair_sources"] = SOURCES
      res["transfer_on_target_per_pair"] = [None if i == 4 else (i % 9 == 0 or i % 11 == 0) for i in range(90)]
      for side in ("baseline", "secure"):
        res[side].update(pixels_changed_per_pair=_per_pair(res["kappa"], side), pixel_values_per_example=784)
  return recs


def _judged(records) -> dict:
  return {r.claim.id: r for r in report.judge_claims(records)[0]}


def test_transfer_is_judged_over_source_images_not_pairs():
  k1 = _judged(_records())["K1"]
  assert k1.label == "this model: holds, partial (tested against: kappa 3, kappa 5)"   # one model a side
  test = k1.cells[0].test
  assert test.name == "t over items (mean)" and test.units == 10 and test.df == 9     # 10 images, not 90 pairs
  rates = [np.mean([(i % 9 == 0 or i % 11 == 0) for i in range(9 * s, 9 * s + 9) if i != 4]) for s in range(10)]
  assert test.effect == pytest.approx(np.mean(rates) - 0.5)


def test_pixels_changed_are_compared_per_source_image_for_these_two_models():
  s3 = _judged(_records())["S3"]
  assert s3.verdict == "this model: holds"            # one secure model and one baseline: not a method's verdict
  assert s3.label == "this model: holds, partial (tested against: kappa 0, kappa 3, kappa 5)"   # of kappa 0..10
  assert {c.test.units for c in s3.cells if c.test is not None} == {10}
  # without the per-pair lists (kappa records written before 2026-12-06) nothing measures the noise
  assert _judged(tiny.records())["S3"].verdict == "not testable"


def test_the_kappa_side_records_per_pair_counts_with_failures_as_none():
  rng = np.random.default_rng(0)
  y = np.arange(10)
  x = rng.uniform(-0.5, 0.5, (10, 28, 28, 1)).astype(np.float32)
  best = cell_runs.BestSamples(x, y, np.arange(10))
  src, tgt = cell_runs.targeted_pairs(y)
  x_adv = np.repeat(x[:, None], 10, axis=1)
  x_adv[src, tgt] = np.clip(x[src] + rng.normal(0, 0.2, x[src].shape), -0.5, 0.5)
  success = np.zeros((10, 10), bool)
  success[src, tgt] = True
  success[3, 7] = False
  distances = np.where(success, 1.0, np.nan)
  side = cell_runs.kappa_side(best, cell_runs.TargetedMatrix(distances, success, success, x_adv))
  per_pair = side["pixels_changed_per_pair"]
  failed = [i for i, (s, t) in enumerate(zip(src, tgt)) if (s, t) == (3, 7)]
  assert set(per_pair) == {f"{t:.2f}" for t in config.DISTORTION_THRESHOLDS} and side["pixel_values_per_example"] == 784
  assert all(len(v) == 90 and [i for i, c in enumerate(v) if c is None] == failed for v in per_pair.values())
  i = 0   # pair 0 by hand
  assert per_pair["0.10"][i] == int(np.sum(np.abs(x_adv[src[i], tgt[i]] - x[src[i]]) > 0.10))
  pooled = sum(c for c in per_pair["0.20"] if c is not None) / (89 * 784) * 100
  assert side["pixels_changed_percent"]["0.20"] == pytest.approx(pooled)


def test_no_transfer_at_all_decides_k1_by_the_worst_case_bound_over_images():
  records = _records()
  for r in records:
    if r["stage"] == "kappa":
      r["result"]["transfer_on_target_per_pair"] = [None if i == 4 else False for i in range(90)]
  k1 = _judged(records)["K1"]
  assert k1.label == "this model: holds, partial (tested against: kappa 3, kappa 5)"   # every share 0 < 50%
  # Every share 0 on 10 images, K1's line 50% of [0, 1]: the worst case over bounded shares is ((1 - 0.5) / 1)^10, the
  # sign test's 2^-10 before 2026-12-07 (the two agree at a line in the middle of the range).
  assert k1.cells[0].test.name == "worst-case bound for identical bounded items"
  assert k1.cells[0].p_for == pytest.approx(0.5 ** 10)


def test_sources_misclassified_or_with_every_pair_failed_are_left_out():
  records = _records()
  kappa3 = next(r["result"] for r in records if r["stage"] == "kappa" and r["result"]["kappa"] == 3.0)
  kappa3["secure"]["misclassified_source_indices"] = [2]
  kappa3["transfer_on_target_per_pair"][:9] = [None] * 9        # source 0: the baseline's attack failed on all 9
  cell = next(c for c in _judged(records)["K1"].cells if c.cell.a == ("transfer", 3.0))
  assert cell.test.units == 8                                   # 10 images less source 0 (no pair) and 2


def test_pixels_are_compared_over_the_pairs_both_models_solved_and_floors_are_not_testable():
  records = _records()
  for r in records:
    if r["stage"] == "kappa":
      for side in ("baseline", "secure"):      # above 0.40 neither model changes a pixel: both at the floor
        r["result"][side]["pixels_changed_per_pair"]["0.40"] = [None if i == 4 else 0 for i in range(90)]
      r["result"]["secure"]["pixels_changed_per_pair"]["0.05"][0] = None   # pair 0: only the baseline solved it
  s3 = _judged(records)["S3"]
  floor = [c for c in s3.cells if c.cell.a[3] == 0.40 and c.status != "not measured"]
  assert floor and all(c.status == "not testable" and "both compared values at the floor" in c.note for c in floor)
  assert s3.label == "this model: holds, partial (tested against: kappa 0, kappa 3, kappa 5; testable: 21 of 24 cells)"
  kappa0 = next(r["result"] for r in records if r["stage"] == "kappa" and r["result"]["kappa"] == 0.0)
  baseline = measures._pixels_changed(kappa0, "baseline", 0.0, 0.05)
  per_pair = kappa0["baseline"]["pixels_changed_per_pair"]["0.05"]
  solved = [c for c in per_pair[1:9] if c is not None]                  # source 0 less pair 0 and the failed pair 4
  assert baseline.per_seed[0][0] == pytest.approx(np.mean(solved) * 100 / 784)
  # S4 reads the baseline alone: pair 0, which only the secure model failed, counts; a source only the secure model
  # misclassifies stays in, one the baseline misclassifies is left out.
  kappa0["secure"]["misclassified_source_indices"], kappa0["baseline"]["misclassified_source_indices"] = [1], [2]
  alone = measures._pixels_changed(kappa0, "baseline", 0.0, 0.05, paired=False).per_seed[0]
  assert alone[0] == pytest.approx(np.mean([c for c in per_pair[:9] if c is not None]) * 100 / 784)
  assert np.isfinite(alone[1]) and np.isnan(alone[2])
  paired = measures._pixels_changed(kappa0, "baseline", 0.0, 0.05).per_seed[0]
  assert np.isnan(paired[1]) and np.isnan(paired[2])


def test_no_image_left_is_not_testable_never_the_pooled_pairs():
  records = _records()
  for r in records:
    if r["stage"] == "kappa":
      r["result"]["secure"]["misclassified_source_indices"] = list(range(10))   # every source left out
  got = _judged(records)
  for claim in ("K1", "S3"):
    assert got[claim].verdict == "not testable"
    assert all("no source image left to judge" in c.note for c in got[claim].cells if c.status != "not measured")


@pytest.mark.parametrize("stage, name", [("secure", "secure"), ("baseline", "baseline/seed=0")])
def test_a_kappa_model_below_the_bar_leaves_k1_and_s3_not_testable_and_s4_only_for_the_baseline(stage, name):
  records = _records()
  row = next(r for r in records if r["stage"] == stage and r["name"] == name)
  row["result"]["excluded"] = "test accuracy 0.9700 < 0.98"
  got = _judged(records)
  for claim in ("K1", "S3"):
    assert got[claim].verdict == "not testable"
    assert all("excluded: test accuracy 0.9700" in c.note for c in got[claim].cells if c.status != "not measured")
  # S4 reads the attacked baseline alone: only that model below the bar blocks it
  s4 = got["S4"]
  assert (s4.verdict == "not testable") == (stage == "baseline")
  assert (stage == "secure") == any(c.status not in ("not measured", "not testable") for c in s4.cells)


def test_the_transfer_text_labels_the_pooled_share_and_gives_the_per_image_mean_k1_is_judged_on():
  kappa_rows = [r["result"] for r in _records() if r["stage"] == "kappa"]
  text = report.transfer_text(kappa_rows)
  assert "pooled share of all examples" in text and "K1 is judged on the mean over source images" in text
  kappa3 = next(r for r in kappa_rows if r["kappa"] == 3.0)
  mean, n = measures.transfer_per_image(kappa3)
  k1_cell = next(c for c in _judged(_records())["K1"].cells if c.cell.a == ("transfer", 3.0))
  assert n == k1_cell.test.units and mean - 0.5 == pytest.approx(k1_cell.test.effect)
  assert f"kappa 3: {mean * 100:.1f}% over {n} images" in text


def test_the_transfer_text_gives_the_reason_not_a_per_image_mean_when_transfer_is_not_testable():
  # A review (2026-12-06): with the secure model below the 98% bar the text still printed the per-image mean "K1 is
  # judged on", though K1 was not testable.
  records = _records()
  next(r for r in records if r["stage"] == "secure")["result"]["excluded"] = "test accuracy 0.9700 < 0.98"
  kappa_rows = [r["result"] for r in records if r["stage"] == "kappa"]
  text = report.transfer_text(kappa_rows, report.ours_measure(records))
  assert "K1 is judged on" not in text
  assert "Transfer not testable at kappa 0, 3, 5: the secure model excluded: test accuracy 0.9700" in text
  assert _judged(records)["K1"].verdict == "not testable"
  usable = _records()
  assert "K1 is judged on" in report.transfer_text([r["result"] for r in usable if r["stage"] == "kappa"],
                                                   report.ours_measure(usable))


def test_per_kappa_reasons_are_grouped_without_repeating_the_kappa():
  kappa_rows = [r["result"] for r in _records() if r["stage"] == "kappa"]
  text = report.transfer_text(kappa_rows, lambda key: Untestable(f"kappa {key[1]:g}: no source image left to judge"))
  assert "Transfer not testable at kappa 0, 3, 5: no source image left to judge." in text


def test_the_transfer_text_states_that_kappa_is_in_logits_whose_scale_the_paper_does_not_report():
  kappa_rows = [r["result"] for r in _records() if r["stage"] == "kappa"]
  assert "margin in logits" in report.transfer_text(kappa_rows)
  assert "margin in logits" not in report.transfer_text([r for r in kappa_rows if r["kappa"] == 0])


def test_the_kappa_section_says_which_baseline_it_attacks_and_where_its_distance_ranks():
  summary = report.summarize(_records())
  line = report.attacked_baseline_line(summary, 0)
  assert line.startswith("The kappa cells attack the seed-0 baseline and the secure model, one model each")
  assert "rank " in line and " baselines from the lowest" in line
  assert report.attacked_baseline_line(summary, 99).endswith("one model each.")


def test_figs_8_and_9_are_given_as_numbers_per_kappa_and_threshold():
  summary = report.summarize(_records())
  rows = report.pixels_changed_rows(summary)
  k3 = next(k for k in summary.kappa if k["kappa"] == 3.0)
  row = next(r for r in rows if r[0] == 3.0 and r[1] == 0.05)
  assert row[2:] == [k3["baseline"]["pixels_changed_percent"]["0.05"], k3["secure"]["pixels_changed_percent"]["0.05"],
                     k3["secure"]["pixels_changed_percent"]["0.05"] - k3["baseline"]["pixels_changed_percent"]["0.05"]]
  pivot = report.pixels_changed_pivot(summary)
  assert pivot.splitlines()[0].startswith("| kappa | > 0.05 |")
  assert f"| 3 | {row[2]:.1f} / {row[3]:.1f} |" in pivot
