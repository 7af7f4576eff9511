"""Claim keys resolve to observations from our records (with per-image outcomes) and from Table 2."""
from adv_tf.studies.minimal_dataset import measures
from tests.studies.minimal_dataset import tiny_records


def test_ours_has_per_image_outcomes_and_confounds():
  measure = measures.ours(measures.by_model(tiny_records.records()))
  clean = measure(("cnn", "raw", "clean", None))
  assert clean.n == 10000 and clean.items is not None and clean.k == (9936,)
  fgsm = measure(("cnn", "modified", "fgsm", 0.25))
  assert fgsm.k == (1940,) and fgsm.clean == clean_of(measure, "modified")
  assert measure(("cnn", "raw", "fgsm", 0.33)) is None
  l0 = measure(("cnn", "raw", "l0", None))
  assert l0.statistic == "median" and len(l0.per_seed[0]) == 6
  assert measure(("cnn", "random_distorted", "clean", None)) is None
  assert measure(("cnn", "raw", "cw_at", 1.5)).n == 6


def clean_of(measure, regime):
  return measure(("cnn", regime, "clean", None)).value


def test_paper_is_table2_at_the_headline_eps():
  paper = measures.paper(0.25)
  assert paper(("cnn", "raw", "fgsm", 0.25)).k == (649,)
  assert paper(("lenet5_relu", "modified", "weak_cw", None)).k == (43,)
  assert paper(("cnn", "raw", "fgsm", 0.1)) is None and paper(("cnn", "random_undistorted", "clean", None)) is None
