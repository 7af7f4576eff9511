"""Family summaries from cell results: the attacks' success counts each attacked pool image once."""
from __future__ import annotations

import numpy as np

from adv_tf.studies.training_size import analysis
from tests.studies.training_size import tiny_records as tiny


def test_an_image_attacked_on_several_models_counts_once_at_its_averaged_success():
  attacked = np.array([[1, 1, 1, 0],
                       [1, 1, 0, 0],
                       [1, 1, 1, 0]], bool)         # 3 models x 4 pool images; image 3 never attacked
  succeeded = attacked.copy()
  succeeded[1, 1] = False                          # one failure: image 1 on the second model
  k, n = analysis.image_successes(succeeded, attacked)
  assert n == 3                                    # images, not the 8 (model, image) attacks
  assert np.isclose(k, 1 + 2 / 3 + 1)


def test_the_family_success_count_is_over_distinct_pool_images():
  records = tiny.results(("mnist/mlp",))           # 9 models; every pool image attacked by some model
  summary = analysis.summarize_family(records)
  assert summary.attacks["l2"] == (float(tiny.POOL), tiny.POOL)
  failed = [dict(r, l2=[float("inf")] + r["l2"][1:]) if r["size"] == tiny.SIZES[-1] and r["seed"] == 0 else r
            for r in records]                      # image 0 fails on 1 of the 3 models that attacked it
  k, n = analysis.summarize_family(failed).attacks["l2"]
  assert n == tiny.POOL and np.isclose(k, tiny.POOL - 1 / 3)
