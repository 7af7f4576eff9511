"""The command's FGSM and PGD accuracies (per defense row, with their intervals) are the dataset-properties study's
on the same model and images: its crafting (`adversarials`, the foolbox3 preset) and its gray-box judge."""
from __future__ import annotations

import numpy as np

from tests.evaluate.helpers import records


def test_fgsm_pgd_accuracies_equal_the_dataset_properties_studys(sweep_run, models, mnist_dir):
  import keras

  from adv_tf.attacks.presets import PRESETS
  from adv_tf.data import load_arrays
  from adv_tf.defenses import Jpeg
  from adv_tf.studies.dataset_properties import run as study
  model = keras.models.load_model(models["zero_one"], compile=False)
  x, y, _ = load_arrays("mnist", "test[:200]", data_dir=mnist_dir)
  x, y = x[:64], y[:64]
  seed = 3  # the command's --seed; the study crafts with its seed and judges with seed + 1
  defenses = {"none": None, "jpeg": Jpeg(quality=10)}
  ours = {(r["result"]["attack"], r["result"]["eps"]): r["result"]["judged"] for r in records(sweep_run, "attack")}
  assert sorted(ours) == [("fgsm", 0.1), ("fgsm", 0.2), ("pgd", 0.1), ("pgd", 0.2)]
  for attack in ("fgsm", "pgd"):
    for eps, x_adv in study.adversarials(PRESETS.get("foolbox3"), attack, model, x, y, (0.1, 0.2), seed):
      expected = study.judge(model, np.clip(x_adv, 0.0, 1.0), y, defenses, _JudgeConfig, seed + 1)
      for row in defenses:
        for key in ("accuracy", "correct", "n", "low", "high"):
          assert ours[(attack, eps)][row][key] == expected[row][key], (attack, eps, row, key)
  clean = records(sweep_run, "clean")[0]["result"]["judged"]["none"]
  assert clean["accuracy"] > ours[("pgd", 0.2)]["none"]["accuracy"]  # the attacks did something


class _JudgeConfig:
  judge_batch = 256  # the command's default --judge_batch
