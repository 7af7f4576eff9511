"""The study's grid (§5.3, Appendix): the selection cell, baselines, one-axis variants, the secure model, kappas.

A cell config names every setting that changes its result, so cell ids are stable across runs and change
when a setting does (every cell names the selection it uses).
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from adv_tf.attacks.cw_config import CWConfig
from adv_tf.errors import AdvTfError
from adv_tf.experiment.runner import Cell, cell_id
from adv_tf.studies.hyperparams.config import (  # noqa: F401  (re-exported for callers of the grid)
  AXES,
  AXES_BY_NAME,
  IMAGE_SHAPE,
  NUM_CLASSES,
  OPTIMIZER_LEARNING_RATES,
  PADDING_CONTROL_AXES,
  PADDING_CONTROL_SEEDS,
  PIXEL_RANGE,
  PROFILES,
  SECURE_MODEL,
  STUDY_VERSION,
  HyperparamsConfig,
  grid_values,
  replicate_seeds,
  replicate_target,
  train_config,
  value_label,
)
from adv_tf.studies.hyperparams.models import ModelSpec, resolved_identity
from adv_tf.utils.jsonable import to_jsonable

DEFAULT_DATA_IDENTITY = {"dataset": "mnist", "pixel_range": list(PIXEL_RANGE)}


def run_identity(data_identity: Mapping[str, Any] | None = None, replicas: int = 1) -> dict:
  """The run-wide part of every cell's identity (issue 10): the study version, the data identity
  (`DatasetInfo.identity()` of the train and test splits) and the number of replicas the models train on.

  Without loaded data (cells built for tests or `--report_only` of a folder no run has written) the data
  identity is a placeholder naming only the dataset.
  """
  return {"study_version": STUDY_VERSION, "data": to_jsonable(dict(data_identity or DEFAULT_DATA_IDENTITY)),
          "replicas": int(replicas)}


def _resolved(spec: ModelSpec, profile: HyperparamsConfig, run: Mapping[str, Any]) -> dict:
  return resolved_identity(spec, profile.train_profile, target_accuracy=run.get("target_accuracy", 0.98),
                           max_epochs=run.get("max_epochs"))


def selection_base_config(profile: HyperparamsConfig, cw: CWConfig, seed: int, run: Mapping[str, Any],
                          identity: Mapping[str, Any] | None = None) -> dict:
  """The selection's identity; every later cell names its hash, so any setting here re-keys the whole study.

  `run` holds the run-wide settings that change results (target accuracy, epoch cap, data subsets);
  `identity` the study version, data identity and replica count (`run_identity`).
  """
  return {"kind": "selection", "samples_per_class": profile.samples_per_class,
          "cw": cw.to_dict(), "seed": seed, "train_profile": profile.train_profile,
          "run": dict(sorted(run.items())), "identity": dict(identity or run_identity()),
          "resolved": _resolved(baseline_spec(seed), profile, run)}


selection_cell_config = selection_base_config  # the name older callers use


def selection_id(profile: HyperparamsConfig, cw: CWConfig, seed: int, run: Mapping[str, Any],
                 identity: Mapping[str, Any] | None = None) -> str:
  """The hash of the selection's identity; every grid cell names it."""
  return cell_id(selection_base_config(profile, cw, seed, run, identity))


def model_cell_config(stage: str, spec: ModelSpec, cw: CWConfig, selection_id: str, *,
                      axis: str | None = None, value=None, resolved: Mapping[str, Any] | None = None,
                      identity: Mapping[str, Any] | None = None) -> dict:
  return {"kind": "model", "stage": stage, "axis": axis, "value": to_jsonable(value),
          "model": {k: to_jsonable(v) for k, v in sorted(spec.model.items())},
          "train": dict(sorted(spec.train.items())), "seed": spec.seed,
          "cw": cw.to_dict(), "selection": selection_id,
          "resolved": dict(resolved or {}), "identity": dict(identity or run_identity())}


def spec_from_config(config: Mapping[str, Any]) -> ModelSpec:
  """The ModelSpec a cell config describes (JSON lists back to the tuples LeNetConfig takes)."""
  model = {k: tuple(v) if isinstance(v, list) else v for k, v in config["model"].items()}
  return ModelSpec(model, dict(config.get("train", {})), int(config["seed"]))


def kappa_cell_config(kappa: float, baseline: ModelSpec, secure: ModelSpec, cw: CWConfig,
                      selection_id: str, *, resolved: Mapping[str, Any] | None = None,
                      identity: Mapping[str, Any] | None = None,
                      reuse: Mapping[str, str] | None = None) -> dict:
  """A kappa cell; `reuse` (kappa = 0 only) names the model cells whose attacks it may reuse (by id)."""
  resolved = resolved or {}
  extra = {"reuse": dict(sorted(reuse.items()))} if reuse else {}
  return {"kind": "kappa", "kappa": float(kappa), **extra,
          "baseline": {"model": dict(baseline.model), "seed": baseline.seed,
                       "resolved": dict(resolved.get("baseline", {}))},
          "secure": {"model": dict(secure.model), "seed": secure.seed, "resolved": dict(resolved.get("secure", {}))},
          "cw": cw.to_dict(), "selection": selection_id, "identity": dict(identity or run_identity())}


def baseline_spec(seed: int) -> ModelSpec:
  return ModelSpec({}, {}, seed)


def secure_spec(seed: int) -> ModelSpec:
  return ModelSpec(dict(SECURE_MODEL), {}, seed)


def variant_spec(axis, value, seed: int) -> ModelSpec:
  """The control LeNet with `axis` (an `Axis`) set to `value` and that value's companions (e.g. an optimizer's
  learning rate), on the model or the training side as the axis targets."""
  overrides = {axis.field: value, **axis.companions.get(value, {})}
  return ModelSpec(overrides, {}, seed) if axis.target == "model" else ModelSpec({}, overrides, seed)


def build_cells(profile: HyperparamsConfig, axes: Sequence[str], cw: CWConfig, seed: int, selection_id: str,
                num_baseline_models: int, kappas: Sequence[float], *, run: Mapping[str, Any] | None = None,
                identity: Mapping[str, Any] | None = None) -> list:
  """Cells of the main study in run order: baselines, variants, the secure model, the kappa sweep, then the
  variants with more convolution filters than the control (`conv_cost`), cheapest first.

  Each cell names its resolved model and training configs (`run`: target accuracy and epoch cap) and the
  run identity (study version, data, replicas), so a changed default or setting re-keys it.
  """
  run = dict(run if run is not None else run_settings(profile))
  identity = dict(identity or run_identity())

  def resolved(spec):
    return _resolved(spec, profile, run)
  from adv_tf.models import LeNetConfig
  unknown = [a for a in axes if a not in AXES_BY_NAME]
  if unknown:
    raise AdvTfError(f"unknown axis {unknown[0]!r}; choose from: {', '.join(AXES_BY_NAME)}")
  base_model = LeNetConfig()
  base_train = train_config(profile.train_profile)
  cells, costly = [], []
  for k in range(num_baseline_models):
    spec = baseline_spec(seed + k)
    cells.append(Cell(f"baseline/seed={seed + k}", model_cell_config(
        "baseline", spec, cw, selection_id, resolved=resolved(spec), identity=identity), stage="baseline"))
  for name in axes:
    axis = AXES_BY_NAME[name]
    base_value = getattr(base_model if axis.target == "model" else base_train, axis.field)
    for value in grid_values(axis, profile, base_value):
      spec = variant_spec(axis, value, seed)
      cell = Cell(f"{axis.name}={_label(value)}",
                  model_cell_config("variant", spec, cw, selection_id, axis=axis.name, value=value,
                                    resolved=resolved(spec), identity=identity),
                  stage="variant")
      (costly if conv_cost(spec) > conv_cost(baseline_spec(seed)) else cells).append(cell)
  secure = secure_spec(seed)
  cells.append(Cell("secure", model_cell_config("secure", secure, cw, selection_id, resolved=resolved(secure),
                                                identity=identity), stage="secure"))
  secure_id = cells[-1].id
  both = {"baseline": resolved(baseline_spec(seed)), "secure": resolved(secure)}
  # With --kappa0_reuse (quick) the kappa = 0 cell may reuse the attacks of the seed baseline's and the secure
  # model's cells (the same models, samples and CW settings): it names their ids and recomputes only when their
  # artifacts are absent. Without it (cpu-full, paper) they are recomputed, so the report's kappa-0 agreement is
  # a real determinism check there (issue 10).
  model_cells = {"baseline": cells[0].id, "secure": secure_id} if profile.kappa0_reuse else None
  for kappa in kappas:
    cells.append(Cell(f"kappa={kappa:g}", kappa_cell_config(
        kappa, baseline_spec(seed), secure, cw, selection_id, resolved=both, identity=identity,
        reuse=model_cells if float(kappa) == 0.0 else None), stage="kappa"))
  # Models with more convolution filters than the control (cpu-full's 64/128 .. 512/1024: up to 256x its second
  # convolution, hours per cell on a CPU) run last, cheapest first, so that a part-way run has judged every
  # other claim before them (review of 2026-12-06).
  return cells + sorted(costly, key=lambda c: conv_cost(spec_from_config(c.config)))


PADDING_CONTROL = "padding_control"   # the stage's name, and its cells' stage


def padding_control_cells(profile: HyperparamsConfig, cw: CWConfig, seed: int, selection_id: str, *,
                          run: Mapping[str, Any] | None = None, identity: Mapping[str, Any] | None = None) -> list:
  """The padding control (`HyperparamsConfig.padding_control`; empty when off): the control LeNet with 'same'
  padding (seeds seed..seed+2: the control value of each `PADDING_CONTROL_AXES` axis) and every value of those
  axes in this profile whose model uses 'valid' padding, with 'same' (cpu-full: pool 3). With the grid's own
  'same'-padded models (pools 4-6, stride 2) every value of the pool-size and stride axes is then measured at
  'same' padding (claims C4-same, C6-same)."""
  if not profile.padding_control:
    return []
  from adv_tf.models import LeNetConfig, lenet_padding
  run = dict(run if run is not None else run_settings(profile))
  identity = dict(identity or run_identity())
  base_model = LeNetConfig()

  def cell(name, spec, axis=None, value=None):
    return Cell(name, model_cell_config(PADDING_CONTROL, spec, cw, selection_id, axis=axis, value=value,
                                        resolved=_resolved(spec, profile, run), identity=identity),
                stage=PADDING_CONTROL)
  out = [cell(f"padding=same/baseline/seed={seed + k}", ModelSpec({"padding": "same"}, {}, seed + k))
         for k in range(PADDING_CONTROL_SEEDS)]
  for name in (a for a in PADDING_CONTROL_AXES if a in profile.axes):
    axis = AXES_BY_NAME[name]
    for value in grid_values(axis, profile, getattr(base_model, axis.field)):
      if lenet_padding(LeNetConfig(**{axis.field: value}), IMAGE_SHAPE) == "valid":
        out.append(cell(f"padding=same/{name}={_label(value)}", ModelSpec({"padding": "same", axis.field: value},
                                                                          {}, seed), name, value))
  return out


REPLICATES = "replicates"   # the stage's name, and its cells' stage


def replicate_cells(profile: HyperparamsConfig, cw: CWConfig, seed: int, selection_id: str, *,
                    run: Mapping[str, Any] | None = None, identity: Mapping[str, Any] | None = None) -> list:
  """The replicates (`HyperparamsConfig.replicate`; empty when every entry gets one seed): each named model
  (the secure model, or a variant of the grid) at seeds seed+1..seed+N-1, in the order of `--replicate`, so that
  with the grid's seed-`seed` model it has N seeds (`replicate_seeds`: the entry's @N, else `replicate_seeds`); a
  model named by two entries gets each seed once. A variant's cell names
  its axis and value as the grid's does; the secure model's names none (`measures` reads a replicate without an
  axis as the secure model's)."""
  run = dict(run if run is not None else run_settings(profile))
  identity = dict(identity or run_identity())
  out, seen = [], set()
  for entry in profile.replicate:
    axis_name, values = replicate_target(entry, profile)
    models = [(None, None)] if axis_name is None else [(AXES_BY_NAME[axis_name], v) for v in values]
    for axis, value in models:
      name = "secure" if axis is None else f"{axis.name}={_label(value)}"
      for k in range(1, replicate_seeds(entry, profile)):
        spec = secure_spec(seed + k) if axis is None else variant_spec(axis, value, seed + k)
        cell = Cell(f"{REPLICATES}/{name}/seed={seed + k}", model_cell_config(
            REPLICATES, spec, cw, selection_id, axis=None if axis is None else axis.name, value=value,
            resolved=_resolved(spec, profile, run), identity=identity), stage=REPLICATES)
        if cell.id not in seen:   # an entry named twice (e.g. 'activation' and 'activation=elu')
          seen.add(cell.id)
          out.append(cell)
  return out


def conv_cost(spec: ModelSpec) -> int:
  """A model's relative convolution cost: the product of its two layers' filter counts (Table 1: 32 x 64)."""
  from adv_tf.models import LeNetConfig
  first, second = LeNetConfig(**{k: v for k, v in spec.model.items() if k == "filters"}).filters
  return int(first) * int(second)


_label = value_label


def run_settings(cfg: HyperparamsConfig) -> dict:
  """Run-wide settings that change results; part of the selection's identity."""
  return {"target_accuracy": cfg.target_accuracy, "max_epochs": cfg.max_epochs, "train_take": cfg.train_take,
          "test_take": cfg.test_take, "dataset": "mnist", "pixel_range": list(PIXEL_RANGE)}


def selection_cells(cfg: HyperparamsConfig, seed: int, identity: Mapping[str, Any] | None = None) -> list[Cell]:
  """The selection stage (§4.4): one cell per class, each attacking that class's candidates (resumable;
  the runner shows progress per class). Each names the selection's id (the hash of its shared config)."""
  base = selection_base_config(cfg, cfg.cw, seed, run_settings(cfg), identity)
  sid = cell_id(base)
  return [Cell(f"selection/class={c}", {**base, "kind": "selection_class", "class": c, "selection": sid},
               stage="selection") for c in range(NUM_CLASSES)]


def selection_records(records, sid: str) -> list[dict]:
  """The selection's per-class records (class 0..9); AdvTfError when a class is missing."""
  by_class = {r["config"]["class"]: r for r in records
              if r["config"].get("kind") == "selection_class" and r["config"].get("selection") == sid}
  missing = [c for c in range(NUM_CLASSES) if c not in by_class]
  if missing:
    raise AdvTfError(f"the best-estimate selection of these settings is incomplete in --output_dir (classes "
                     f"{', '.join(map(str, missing))} missing); run without --report_only, with the flags of the "
                     "run you want reported")
  return [by_class[c] for c in range(NUM_CLASSES)]
