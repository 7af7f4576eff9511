"""The study's grid (§5.3, Appendix): the selection cell, baselines, one-axis variants, the secure model, kappas.

A cell config names every setting that changes its result, so cell ids are stable across runs and change
when a setting does (every cell names the selection it uses).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Sequence

from adv_tf.errors import AdvTfError
from adv_tf.experiment.runner import Cell
from adv_tf.studies.hyperparams.config import (  # noqa: F401  (re-exported for callers of the grid)
  AXES,
  AXES_BY_NAME,
  OPTIMIZER_LEARNING_RATES,
  PIXEL_RANGE,
  SECURE_MODEL,
  CWSettings,
  HyperparamsConfig,
  Profile,
  get_profile,
  grid_values,
  train_config,
)
from adv_tf.studies.hyperparams.models import ModelSpec
from adv_tf.utils.jsonable import to_jsonable


def selection_cell_config(profile: HyperparamsConfig, cw: CWSettings, seed: int, run: Mapping[str, Any]) -> dict:
  """The selection's identity; every later cell names it, so any setting here re-keys the whole study.

  `run` holds the run-wide settings that change results (target accuracy, epoch cap, data subsets).
  """
  return {"kind": "selection", "samples_per_class": profile.samples_per_class,
          "cw": dataclasses.asdict(cw), "seed": seed, "train_profile": profile.train_profile,
          "run": dict(sorted(run.items()))}


def model_cell_config(stage: str, spec: ModelSpec, cw: CWSettings, selection_id: str, *,
                      axis: str | None = None, value=None) -> dict:
  return {"kind": "model", "stage": stage, "axis": axis, "value": to_jsonable(value),
          "model": {k: to_jsonable(v) for k, v in sorted(spec.model.items())},
          "train": dict(sorted(spec.train.items())), "seed": spec.seed,
          "cw": dataclasses.asdict(cw), "selection": selection_id}


def spec_from_config(config: Mapping[str, Any]) -> ModelSpec:
  """The ModelSpec a cell config describes (JSON lists back to the tuples LeNetConfig takes)."""
  model = {k: tuple(v) if isinstance(v, list) else v for k, v in config["model"].items()}
  return ModelSpec(model, dict(config.get("train", {})), int(config["seed"]))


def kappa_cell_config(kappa: float, baseline: ModelSpec, secure: ModelSpec, cw: CWSettings,
                      selection_id: str) -> dict:
  return {"kind": "kappa", "kappa": float(kappa),
          "baseline": {"model": dict(baseline.model), "seed": baseline.seed},
          "secure": {"model": dict(secure.model), "seed": secure.seed},
          "cw": dataclasses.asdict(cw), "selection": selection_id}


def baseline_spec(seed: int) -> ModelSpec:
  return ModelSpec({}, {}, seed)


def secure_spec(seed: int) -> ModelSpec:
  return ModelSpec(dict(SECURE_MODEL), {}, seed)


def build_cells(profile: HyperparamsConfig, axes: Sequence[str], cw: CWSettings, seed: int, selection_id: str,
                num_baseline_models: int, kappas: Sequence[float]) -> list:
  """Cells of the main study in run order: baselines, variants, the secure model, the kappa sweep."""
  from adv_tf.models import LeNetConfig
  unknown = [a for a in axes if a not in AXES_BY_NAME]
  if unknown:
    raise AdvTfError(f"unknown axis {unknown[0]!r}; choose from: {', '.join(AXES_BY_NAME)}")
  base_model = LeNetConfig()
  base_train = train_config(profile.train_profile)
  cells = []
  for k in range(num_baseline_models):
    spec = baseline_spec(seed + k)
    cells.append(Cell(f"baseline/seed={seed + k}", model_cell_config("baseline", spec, cw, selection_id),
                      stage="baseline"))
  for name in axes:
    axis = AXES_BY_NAME[name]
    base_value = getattr(base_model if axis.target == "model" else base_train, axis.field)
    for value in grid_values(axis, profile, base_value):
      overrides = {axis.field: value, **axis.companions.get(value, {})}
      spec = ModelSpec(overrides, {}, seed) if axis.target == "model" else ModelSpec({}, overrides, seed)
      cells.append(Cell(f"{axis.name}={_label(value)}",
                        model_cell_config("variant", spec, cw, selection_id, axis=axis.name, value=value),
                        stage="variant"))
  cells.append(Cell("secure", model_cell_config("secure", secure_spec(seed), cw, selection_id),
                    stage="secure"))
  for kappa in kappas:
    cells.append(Cell(f"kappa={kappa:g}", kappa_cell_config(kappa, baseline_spec(seed), secure_spec(seed),
                                                            cw, selection_id), stage="kappa"))
  return cells


def _label(value) -> str:
  if isinstance(value, tuple):
    return "/".join(str(v) for v in value)
  return str(value)


def run_settings(cfg: HyperparamsConfig) -> dict:
  """Run-wide settings that change results; part of the selection's identity."""
  return {"target_accuracy": cfg.target_accuracy, "max_epochs": cfg.max_epochs, "train_take": cfg.train_take,
          "test_take": cfg.test_take, "dataset": "mnist", "pixel_range": list(PIXEL_RANGE)}


def selection_cell(cfg: HyperparamsConfig, seed: int) -> Cell:
  return Cell("best_estimate_selection", selection_cell_config(cfg, cfg.cw, seed, run_settings(cfg)),
              stage="selection")


def record_for(records, cell_id):
  for record in records:
    if record["id"] == cell_id:
      return record
  raise AdvTfError("no best-estimate selection was recorded with these settings in --output_dir; run "
                   "without --report_only (with the flags of the run you want reported)")
