"""Claim keys resolve to the engine's observations: ours from the records (paired when outcomes are
recorded), the paper's from the digitized figures."""
from __future__ import annotations

from adv_tf.claims import pack_items
from adv_tf.studies.dataset_properties import measures
from adv_tf.studies.dataset_properties.report import Results

KEY = ("mnist", "size", "14", "tvm", "fgsm", 8 / 255)


def _record(judged: dict) -> dict:
  return {"result": {"dataset": "mnist", "setting": "14", "seed": 0, "eval_images": 4, "test_images_full": 10000,
                     "clean_accuracy_full_test": 0.97, "adversarial": {"fgsm": {"8/255": {"judged": judged}}}}}


def test_ours_reads_counts_and_outcomes_of_the_tvm_quirk_row():
  res = Results([_record({"tvm_quirk": {"accuracy": 0.5, "correct": 2, "n": 4, "items": pack_items([1, 0, 0, 1])}})])
  obs = measures.ours(res, KEY)
  assert obs.k == (2,) and obs.n == 4 and obs.items == ((1, 0, 0, 1),) and obs.item_set == "mnist test[:4]"
  assert obs.clean == 0.97 and obs.chance == 0.1
  assert measures.ours(res, KEY[:4] + ("bim", 8 / 255)) is None
  assert measures.ours(res, ("clean", "mnist", "0.5")) is None


def test_records_without_outcomes_give_counts_only():
  obs = measures.ours(Results([_record({"tvm_quirk": {"accuracy": 0.75}})]), KEY)
  assert obs.k == (3,) and obs.items is None


def test_paper_values_are_counts_of_ten_thousand():
  obs = measures.paper(("mnist", "contrast", "0.5", "none", "fgsm", 16 / 255))
  assert obs.k == (810,) and obs.n == 10000   # 8.1% in Fig. 6
  assert measures.paper(("mnist", "size", "14", "none", "fgsm", 0.03)) is None
  assert measures.paper(("clean", "mnist", "1")).k == (9839,)
