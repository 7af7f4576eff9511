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


def test_a_fine_tuned_models_training_images_include_its_parents():
  """Review, 2026-12-07: the fine-tuned model starts from the raw model (55,000 images) and retrains its last layer
  on the 4,736; counting only the 4,736 flagged M2b (finetuned vs raw) with a training-size confound of ~50,000."""
  records = tiny_records.records()
  own = {"raw": 55000, "modified": 4736, "finetuned": 4736, "random_undistorted": 4736}
  for r in records:
    r["result"]["training"]["train_images"] = own[r["result"]["regime"]]
  measure = measures.ours(measures.by_model(records))
  images = {g: measure(("cnn", g, "clean", None)).confounds["training images"] for g in own}
  assert images == {"raw": 55000, "modified": 4736, "finetuned": 59736, "random_undistorted": 4736}
  records = [r for r in records if (r["result"]["architecture"], r["result"]["regime"]) != ("cnn", "raw")]
  orphan = measures.ours(measures.by_model(records))(("cnn", "finetuned", "clean", None))
  assert "training images" not in orphan.confounds   # no parent record: the count is unknown
