"""`EvaluateStudy`: the evaluation of one Keras model on the CLI machinery of the studies (records, resume,
sharding, config.json, report), without joining `adv_tf.studies.STUDIES`: it has no paper and no claims, so the
cross-study index and the reproduce targets never list it."""
from __future__ import annotations

import numpy as np

from adv_tf.evaluate import cells, class_distance, config, defenses, minimal, sweeps
from adv_tf.evaluate.inputs import load_inputs
from adv_tf.evaluate.report import EvaluateReport
from adv_tf.experiment.record_schema import ResultSchema
from adv_tf.experiment.runner import Cell
from adv_tf.experiment.study import Stage, Study, StudyRun

# What each cell kind computes: (cell config, run) -> its result.
RUNNERS = {
    "clean": lambda c, run: sweeps.run_clean(run.resources["inputs"], run.config, run.seed),
    "attack": lambda c, run: sweeps.run_attack(run.resources["inputs"], run.config, c["attack"], c["eps"], run.seed),
    "deepfool": lambda c, run: minimal.run_deepfool(run.resources["inputs"], run.config),
    "cw": lambda c, run: minimal.run_cw(run.resources["inputs"], run.config),
    "matrix": lambda c, run: class_distance.class_distance_matrix(
        run.resources["inputs"], _best_indices(run), run.config.cw_params(), run.config.input_range),
    "adaptive": lambda c, run: defenses.run_adaptive(run.resources["inputs"], run.config, c["defense"], c["eps"],
                                                     run.seed),
}
SELECTION_SCHEMA = ResultSchema(required=("class", "best_index", "candidate_indices", "distances"))
GRID_SCHEMA = ResultSchema(by_kind={"clean": ("judged",), "attack": ("judged", "linf"), "deepfool": ("l2",),
                                    "cw": ("l2",), "matrix": ("matrix", "stats"),
                                    "adaptive": ("gray_box", "adaptive")})


def _best_indices(run: StudyRun) -> np.ndarray:
  """The best-estimate samples of this run's selection (records of other models or settings are ignored)."""
  ids = {cell.id for cell in cells.selection_cells(run.config)}
  return class_distance.best_indices([r["result"] for r in run.records.get(cells.SELECTION, []) if r["id"] in ids])


class EvaluateStudy(Study):
  """A robustness report on the user's Keras classifier: the papers' attacks, distances and defenses."""
  name = config.NAME
  paper = "none"
  Config = config.EvaluateConfig
  PROFILES = config.PROFILES
  Report = EvaluateReport

  def prepare(self, run: StudyRun) -> None:
    run.resources["inputs"] = load_inputs(run.config, run.data_dir)

  def stages(self, cfg: config.EvaluateConfig) -> list[Stage]:
    return [Stage(cells.SELECTION, lambda run: cells.selection_cells(run.config), self._run_selection, sharded=False,
                  result_schema=SELECTION_SCHEMA),
            Stage(cells.CELLS, lambda run: cells.grid_cells(run.config), self._run_cell, subdir="",
                  result_schema=GRID_SCHEMA)]

  def _run_selection(self, cell: Cell, ctx, run: StudyRun) -> dict:
    ctx.log(f"targeted CW from {run.config.samples_per_class} sample(s) of class {cell.config['class']}")
    return class_distance.select_class(run.resources["inputs"], cell.config["class"], run.config.samples_per_class,
                                       run.config.cw_params(), run.config.input_range)

  def _run_cell(self, cell: Cell, ctx, run: StudyRun) -> dict:
    return {"kind": cell.config["kind"], **RUNNERS[cell.config["kind"]](cell.config, run)}
