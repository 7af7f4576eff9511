"""Paper 001's gap causes on the tiny run: Table 2 reproduced exactly is within the noise; a row moved far from it
is flagged in its direction, and each cause's selector covers exactly the rows it names."""
from __future__ import annotations

from adv_tf.report.gap_causes import SECTION_TITLE, assess
from adv_tf.studies.minimal_dataset import gaps, measures
from adv_tf.studies.minimal_dataset.report import gap_rows, gaps_of
from tests.studies.minimal_dataset import tiny_records


def _set(run, arch: str, regime: str, fgsm: float) -> None:
  for r in run.records["models"]:
    if (r["result"]["architecture"], r["result"]["regime"]) == (arch, regime):
      r["result"]["fgsm"]["accuracy"]["0.25"] = fgsm


def _assessed(run):
  return assess(gap_rows(measures.by_model(run.records["models"]), run.config), gaps.CAUSES)


def test_table2_reproduced_is_within_the_noise():
  a = _assessed(tiny_records.run())
  assert len(a.rows) == 18 and a.beyond == ()  # every Table 2 row, both architectures


def test_a_far_row_is_flagged_and_covered_by_exactly_its_causes():
  run = tiny_records.run()
  _set(run, "lenet5_classic", "raw", 0.02)      # paper 27.2%: below
  _set(run, "cnn", "modified", 0.60)            # paper 19.40% (suspected copy error): above
  a = _assessed(run)
  assert [(r.label, r.direction) for r in a.beyond] == [("CNN (cnn), Modified MNIST, FGSM", "above"),
                                                       ("LeNet (lenet5_classic), MNIST, FGSM", "below")]
  covered = {c.name: [r.fields["architecture"] for r in rows] for c, rows in a.by_cause}
  assert covered["FGSM eps unstated"] == ["CNN", "LeNet"]
  assert covered["suspected copy error"] == ["CNN"]
  assert covered["relabelling proxy"] == ["CNN"] and covered["distortion definition"] == ["CNN"]
  assert covered["CW variant and budget unstated"] == []
  assert a.unexplained == ()


def test_report_has_the_gaps_section_with_the_controls_that_ran():
  run = tiny_records.run()
  section = gaps_of(measures.by_model(run.records["models"]), run.config)
  assert section.title == SECTION_TITLE
  assert "Compared: 18 rows" in section.body and "Beyond the noise: 0" in section.body
  assert "ran in this run: section 'All models', FGSM eps sweep" in section.body
  assert "not run here; runs in cpu-full (--regimes)" in section.body  # random_distorted is not in the tiny run
