"""Verdict rules on hand-made numbers (ties, saturated cells, seeds), and the claims on the paper's own figures."""
from __future__ import annotations

import pytest

from adv_tf.studies.dataset_properties import claims, published
from adv_tf.studies.dataset_properties.claims import Cmp, Value, aggregate, judge_cell
from adv_tf.studies.dataset_properties.report import paper_value

A = ("mnist", "size", "none", "fgsm", "2/255", "14")
B = ("mnist", "size", "none", "fgsm", "2/255", "56")
GREATER = Cmp(A, B)


def v(mean, std=None, n=1000, seeds=1):
  return Value(mean, std, n, seeds)


def test_clear_difference_holds_and_reverse_does_not():
  assert judge_cell(GREATER, v(90.0), v(70.0), "B1") == "holds"
  assert judge_cell(GREATER, v(70.0), v(90.0), "B1") == "does not hold"


def test_within_one_pp_is_a_tie():
  assert judge_cell(GREATER, v(80.5), v(80.0), "B1") == "tie"


def test_seed_std_widens_the_tie_margin():
  # 3 pp apart: significant with one model on 100k images, a tie when seeds scatter by 2 pp (margin 2x std).
  assert judge_cell(GREATER, v(83.0, n=100000), v(80.0, n=100000), "B1") == "holds"
  assert judge_cell(GREATER, v(83.0, 2.0, 100000, 3), v(80.0, 2.0, 100000, 3), "B1") == "tie"


def test_small_samples_are_inconclusive_not_holds():
  # 5 pp apart on 100 images: beyond the tie margin but within 2 binomial standard errors.
  assert judge_cell(GREATER, v(85.0, n=100), v(80.0, n=100), "B1") == "inconclusive"


def test_saturated_cells_are_not_testable():
  assert judge_cell(GREATER, v(0.5), v(0.0), "B1") == "not testable"
  assert aggregate(["not testable", "not testable"], "all") == "not testable"


def test_at_least_counts_ties_for_the_claim_and_at_most_is_mirrored():
  ge = Cmp(A, B, "at_least")
  assert judge_cell(ge, v(50.0), v(50.5), "A1") == "holds"
  assert judge_cell(ge, v(30.0), v(50.0), "A1") == "does not hold"
  le = Cmp(A, 3.5, "at_most")
  assert judge_cell(le, v(2.0), 3.5, "B9") == "holds"
  assert judge_cell(le, v(20.0), 3.5, "B9") == "does not hold"


def test_equal_claims_and_c1_margin():
  eq = Cmp(("clean", "mnist", "0.5"), ("clean", "mnist", "1"), "equal")
  assert judge_cell(eq, v(97.0, n=10000), v(98.4, n=10000), "C1") == "holds"      # within 2.5 pp
  assert judge_cell(eq, v(90.0, n=10000), v(98.4, n=10000), "C1") == "does not hold"


def test_offset_claims():
  c4 = Cmp(A, B, "greater", 20.0)
  assert judge_cell(c4, v(41.7, n=10000), v(8.1, n=10000), "C4") == "holds"
  assert judge_cell(c4, v(25.0, n=10000), v(20.0, n=10000), "C4") == "does not hold"


def test_aggregation_rules():
  assert aggregate(["holds", "holds", "not testable"], "all") == "holds"
  assert aggregate(["holds", "does not hold"], "all") == "does not hold"
  assert aggregate(["tie", "tie"], "all") == "tie"
  assert aggregate(["holds", "tie"], "all") == "inconclusive"
  assert aggregate(["holds", "holds", "does not hold"], "most") == "holds"
  assert aggregate(["holds", "does not hold", "does not hold"], "most") == "does not hold"


def test_claims_on_datasets_not_run_say_so():
  b6 = next(c for c in claims.CLAIMS if c.id == "B6")
  out = claims.evaluate(b6, lambda k: None, paper_value, ["mnist"])
  assert out["ours"] == "not run in this profile" and "cifar100" in out["ours_counts"]


def test_every_claim_of_the_spec_is_there():
  ids = {c.id for c in claims.CLAIMS}
  expected = {"A1", "A2"} | {f"B{i}" for i in range(1, 13)} | {f"C{i}" for i in range(1, 12)} | {"D1", "D2", "D3"}
  assert expected <= ids


@pytest.mark.parametrize("claim_id", ["A1", "D1", "B1", "C2", "B10", "C5-2/255", "B3", "C8"])
def test_the_papers_own_figures_support_its_claims(claim_id):
  """Spec §000-3 evidence: e.g. A1 true in all non-zero no-defense cells, D1 in 180/180 cells (some cells of
  C2/B10 are within the 1 pp tie margin in the digitized values)."""
  claim = next(c for c in claims.CLAIMS if c.id == claim_id)
  out = claims.evaluate(claim, lambda k: None, paper_value, [])
  assert out["paper"] in ("holds", "inconclusive") and "does not hold" not in out["paper_counts"], out
  if claim_id in ("A1", "D1"):
    assert out["paper"] == "holds"


def test_the_paper_counts_text_conflicts_against_the_text():
  c5 = next(c for c in claims.CLAIMS if c.id == "C5-2/255")   # text says 2x < 1x at 2/255; the figure: 2x >= 1x
  assert "2/255" in c5.text and "contradicts" in c5.text


def test_b8_text_conflict_is_printed_and_the_figure_decides():
  b8 = next(c for c in claims.CLAIMS if c.id == "B8")
  assert "19.4" in b8.conflict
  fig = published.figure("cifar100", "size")
  assert fig["jpeg"]["bim"]["16/255"]["16"] < fig["jpeg"]["bim"]["16/255"]["32"]


def test_published_copy_keeps_provenance():
  assert "7af7bc4" in published.meta()["what"]
  assert published.caption("mnist", "size") == "Fig. 3"
  assert published.figure("mnist", "contrast")["none"]["fgsm"]["16/255"] == {"0.5": 8.1, "1": 41.7, "2": 47.0}


def test_text_vs_figure_conflicts_of_the_spec_are_printed():
  """Spec P10 (a)-(j): each contradiction between the paper's text and its figures sits on its claim."""
  conflicts = {c.id: c.conflict for c in claims.CLAIMS if c.conflict}
  assert set(conflicts) == {"A2", "B1", "B5", "B8", "C1", "C2", "C3", "C5", "C11"}
  for claim_id, needle in (("C3", "7-8%"), ("C5", "2/255"), ("B8", "19.4"), ("B1", "one outlier"),
                           ("B1", "32x32"), ("B5", "96.7"), ("C2", "very similar"), ("C11", "14/16"),
                           ("A2", "19 pp"), ("C1", "98.34")):
    assert needle in conflicts[claim_id], (claim_id, needle)


def _record(setting, none_acc, control_acc=None):
  rec = {"dataset": "mnist", "setting": setting, "seed": 0, "eval_images": 1000,
         "adversarial": {"fgsm": {"16/255": {"judged": {"none": {"accuracy": none_acc}}}}}}
  if control_acc is not None:
    rec["contrast_control"] = {"rms_ratio": 0.5, "accuracy": {"fgsm": {"16/255": {"scaled_eps": 8 / 255,
                                                                                 "accuracy": control_acc}}}}
  return {"result": rec}


@pytest.mark.parametrize("control_acc, expected", [(0.80, "explained by the contrast confound"),
                                                   (0.40, "survives the contrast-scaled eps")])
def test_contrast_control_enters_the_verdict_evidence(control_acc, expected):
  """C4 (MNIST FGSM 16/255: 1x beats 0.5x by > 20 pp) holds at the measured eps; at the contrast-scaled eps the
  0.5x model either catches up (the confound explains the claim) or does not (the effect survives)."""
  from adv_tf.studies.dataset_properties import claims as claims_lib
  from adv_tf.studies.dataset_properties.report import Results, contrast_control_evidence
  res = Results([_record("28", 0.80), _record("c0.5", 0.30, control_acc)])
  c4 = next(c for c in claims_lib.CLAIMS if c.id == "C4")
  line = contrast_control_evidence(c4, res)
  assert line is not None and line.startswith("contrast control") and expected in line, line
