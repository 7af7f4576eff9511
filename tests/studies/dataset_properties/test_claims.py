"""Paper 000's claims as data (cells, units, eps, one model counted once), judged by the shared engine on the
paper's own figures; the verdict rules themselves are tested in tests/claims/."""
from __future__ import annotations

import pytest

from adv_tf.claims import judge
from adv_tf.studies.dataset_properties import claims, measures, published
from adv_tf.studies.dataset_properties.config import PAPER_EPS


def _claim(claim_id: str, eps=None):
  return next(c for c in (claims.claims(eps) if eps else claims.CLAIMS) if c.id == claim_id)


def test_claims_on_datasets_not_run_say_so():
  assert judge(_claim("B6"), lambda k: None).verdict == "not run in this profile"


def test_one_model_is_counted_once():
  """The 28 px model is both the size figure's 28 and the contrast figure's 1x (issue 20: A1 counted it twice)."""
  for claim_id in ("A1", "D1"):
    bars = [c.a[:3] for c in _claim(claim_id).cells]
    assert ("mnist", "contrast", "1") not in bars and ("mnist", "size", "28") in bars


def test_every_eps_claims_follow_the_runs_eps_and_named_eps_stay():
  """--eps=8/255 only: "every eps" claims compare 8/255 cells; claims that name 16/255 keep it (and a run
  without it leaves those cells unmeasured, named in the label)."""
  only8 = (8 / 255,)
  assert {c.a[5] for c in _claim("B1", only8).cells} == {8 / 255}
  assert {c.a[5] for c in _claim("B1").cells} == set(PAPER_EPS)
  assert {c.a[5] for c in _claim("B4", only8).cells} == {16 / 255}
  assert "16/255" in _claim("B4", only8).names
  odd = _claim("A1", (0.03,))
  assert {c.a[5] for c in odd.cells} == {0.03}


def test_units_follow_what_is_compared():
  """Attacks/eps/defenses on one model: images; models trained on different data: seeds."""
  assert {c.id for c in claims.CLAIMS if c.unit == "images"} == {"A1", "A2", "A2-mnist", "B3", "B5", "B9", "C10",
                                                                   "C10-mnist", "D1"}


def test_every_claim_of_the_spec_is_there():
  ids = {c.id for c in claims.CLAIMS}
  expected = {"A1", "A2"} | {f"B{i}" for i in range(1, 13)} | {f"C{i}" for i in range(1, 12)} | {"D1", "D2", "D3"}
  assert ids == expected | {"A2-mnist", "B1-part2", "C5-2/255", "C10-mnist"}


@pytest.mark.parametrize("claim_id", ["A1", "D1", "B1", "C2", "B10", "C5-2/255", "B3", "C8"])
def test_the_papers_own_figures_support_its_claims(claim_id):
  """Spec §000-3 evidence: e.g. A1 true in all non-zero no-defense cells, D1 in 180/180 cells: the same rules on
  the digitized values (10,000 images, one model) find no cell against these claims."""
  out = judge(_claim(claim_id), measures.paper)
  assert out.verdict.removeprefix("this model: ") == "holds" and "against" not in out.counts, out.evidence
  assert out.this_model == (_claim(claim_id).unit == "seeds")


def test_the_paper_counts_text_conflicts_against_the_text():
  c5 = _claim("C5-2/255")   # text says 2x < 1x at 2/255; the figure: 2x >= 1x
  assert "2/255" in c5.statement and "contradicts" in c5.statement


def test_b8_text_conflict_is_printed_and_the_figure_decides():
  b8 = _claim("B8")
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
                                                   (0.40, "survives the contrast-scaled eps"),
                                                   (0.60, "inconclusive at contrast-scaled eps: the control cannot "
                                                          "tell")])
def test_contrast_control_enters_the_verdict_evidence(control_acc, expected):
  """C4 (MNIST FGSM 16/255: 1x beats 0.5x by > 20 pp) holds at the measured eps; at the contrast-scaled eps the
  0.5x model either catches up (the confound explains the claim), or does not (the effect survives), or sits at
  the line undecided: then the control says it cannot tell (before 2026-12-07 it read 'explained')."""
  from adv_tf.studies.dataset_properties.report import Results, contrast_control_evidence
  res = Results([_record("28", 0.80), _record("c0.5", 0.30, control_acc)])
  c4 = _claim("C4")
  line = contrast_control_evidence(c4, res)
  assert line is not None and line.startswith("contrast control") and expected in line, line


def test_contrast_control_at_the_ceiling_says_it_cannot_tell():
  """Both compared accuracies at 100% at the scaled eps: not testable there, which is no evidence either way."""
  from adv_tf.studies.dataset_properties.report import Results, contrast_control_evidence
  line = contrast_control_evidence(_claim("C4"), Results([_record("28", 1.0), _record("c0.5", 0.30, 1.0)]))
  assert "this model: holds" in line and "not testable at contrast-scaled eps" in line, line
