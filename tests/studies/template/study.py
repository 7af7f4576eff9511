"""The template study: one sharded stage "cells" (one per noise level x seed) on generated data, then the report."""
from __future__ import annotations

import numpy as np

from adv_tf.experiment.record_schema import ResultSchema
from adv_tf.experiment.runner import Cell
from adv_tf.experiment.study import Stage, Study, StudyRun

from .config import PROFILES, TemplateConfig
from .report import TemplateReport


class TemplateStudy(Study):
  """Toy paper T: label noise lowers the test accuracy of a 1-nearest-neighbour classifier."""
  name = "template"
  paper = "T"
  Config = TemplateConfig
  PROFILES = PROFILES
  Report = TemplateReport

  def stages(self, config: TemplateConfig) -> list[Stage]:
    return [Stage("cells", build_cells, run_cell, subdir="", result_schema=RESULT_SCHEMA)]


def build_cells(run: StudyRun) -> list[Cell]:
  """A cell's config holds every setting that changes its result, so its id changes when one does."""
  c = run.config
  return [Cell(f"noise={noise:g}/seed={seed}", {"noise": noise, "seed": seed, "train_size": c.train_size,
                                                "test_size": c.test_size})
          for noise in c.noise_levels for seed in range(c.seeds)]


# What run_cell returns: a record without these keys is damaged and its cell runs again (record_schema.py).
RESULT_SCHEMA = ResultSchema(required=("correct", "total"))


def run_cell(cell: Cell, ctx, run: StudyRun) -> dict:
  """Generates two Gaussian classes, flips a fraction of the training labels, counts correct test predictions."""
  cfg = cell.config
  rng = np.random.default_rng(cfg["seed"])
  x_train, y_train = _two_classes(rng, cfg["train_size"])
  x_test, y_test = _two_classes(rng, cfg["test_size"])
  flip = rng.random(len(y_train)) < cfg["noise"]
  y_train = np.where(flip, 1 - y_train, y_train)
  nearest = np.argmin(((x_test[:, None, :] - x_train[None, :, :]) ** 2).sum(-1), axis=1)
  correct = int((y_train[nearest] == y_test).sum())
  ctx.log(f"{correct}/{len(y_test)} correct")
  return {"correct": correct, "total": len(y_test)}


def _two_classes(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
  y = rng.integers(0, 2, n)
  return rng.normal(0.0, 1.0, (n, 2)) + 3.0 * y[:, None], y
