"""The paper-003 study: prepare (data, trainer), one stage of (model, variant) cells, report."""
from __future__ import annotations

from adv_tf.experiment.runner import Cell
from adv_tf.experiment.study import Stage, Study, StudyRun
from adv_tf.studies.imagenette_defenses import cells, config, data, models
from adv_tf.studies.imagenette_defenses import run as cell_runs
from adv_tf.studies.imagenette_defenses.cells import STAGE
from adv_tf.studies.imagenette_defenses.report import ImagenetteDefensesReport


class ImagenetteDefensesStudy(Study):
  """Paper 003: FGSM / DGSM against WRN and GoogLeNet on Imagenette; averaging and adversarial training."""
  name = config.NAME
  paper = "003"
  Config = config.ImagenetteDefensesConfig
  PROFILES = config.PROFILES
  Report = ImagenetteDefensesReport

  def prepare(self, run: StudyRun) -> None:
    cfg = run.config
    for name in cfg.models:  # a missing weight file fails before the data loads
      models.pretrained_path(cfg.pretrained_dir, name)
    study_data = data.load_study_data(cfg, run.data_dir)
    run.resources["data"] = study_data
    run.resources["trainer"] = models.Trainer(study_data, cfg, run.model_cache, run.strategy)

  def stages(self, cfg) -> list[Stage]:
    return [Stage(STAGE, self._cells, self._run_cell, subdir="", result_schema=cell_runs.RESULT_SCHEMA)]

  def _cells(self, run: StudyRun) -> list[Cell]:
    return cells.build_cells(run.config)

  def _run_cell(self, cell: Cell, ctx, run: StudyRun) -> dict:
    trainer: models.Trainer = run.resources["trainer"]
    name, variant, seed = cell.config["model"], cell.config["variant"], cell.config["seed"]
    ctx.log(f"training or loading {name} ({variant}, seed {seed})")
    model, result = (trainer.base(name, seed, ctx.log) if variant == "base" else
                     trainer.adversarial(name, variant, seed, ctx.log))
    hit = bool(run.model_cache.last_hit)
    ctx.log(f"clean test accuracy {result.test_accuracy:.3f}; attacking")
    out = cell_runs.run_model_cell(model, result, variant, run.resources["data"], run.config, seed, cache_hit=hit)
    out["pretrained"] = cell.config.get("pretrained_dir") is not None
    out["data_provenance"] = run.resources["data"].provenance
    return out
