"""Paper 003's gap rows and causes on hand-made results: only Wide ResNet points at the figures' eps are compared,
and each cause covers exactly the rows its selector and direction name."""
from __future__ import annotations

from adv_tf.report.gap_causes import SECTION_TITLE, assess
from adv_tf.studies.imagenette_defenses import gaps
from adv_tf.studies.imagenette_defenses.report import gaps_of
from tests.studies.imagenette_defenses import tiny_results


def test_rows_are_the_wide_resnet_points_at_the_figures_eps():
  rows = gaps.gap_rows(tiny_results.results())
  assert {r.fields["model"] for r in rows} == {"wrn10_2"}  # GoogLeNet figures were never published
  assert len(rows) == 14  # base: FGSM 4 + DGSM 3 eps, undefended and averaged
  fgsm_025 = next(r for r in rows if r.label == "wrn10_2 base, none, FGSM 0.025")
  assert (fgsm_025.paper, fgsm_025.ours) == (42.0, 24.0)


def test_each_cause_covers_exactly_its_rows():
  a = assess(gaps.gap_rows(tiny_results.results()), gaps.CAUSES)
  covered = {c.name: rows for c, rows in a.by_cause}
  assert covered["averaging N unstated"] and all(r.fields["defense"] == "averaging"
                                                 for r in covered["averaging N unstated"])
  assert {r.label for r in a.beyond if r.fields["defense"] == "averaging"} == {
      r.label for r in covered["averaging N unstated"]}
  leakage = covered["held-out images, pretraining leakage"]
  assert leakage and all(r.fields["attack"] == "FGSM" and r.direction == "below" for r in leakage)
  dgsm_above = next(r for r in a.beyond if r.label == "wrn10_2 base, none, DGSM 0.005")  # 40% vs 24%
  assert dgsm_above.direction == "above" and dgsm_above not in leakage
  assert covered["adversarial retraining unstated"] == ()  # no wrn10_2 fgsm cell in these results


def test_section_says_which_controls_ran():
  section = gaps_of(tiny_results.results())
  assert section.title == SECTION_TITLE and "Compared: 14 rows" in section.body
  assert "averaging with N = 100 | not run here; runs in paper (--averaging_n=20,100)" in section.body
