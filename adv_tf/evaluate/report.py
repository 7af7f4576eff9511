"""report.md of an evaluation, in the suite's format: the settings (attack presets named, defense settings, gray-box
vs adaptive), clean accuracy with its 95% Wilson interval, accuracy vs eps per attack and defense, DeepFool and CW
minimal distances (median and distribution), the class-distance matrix; tidy CSV tables and figures beside it.

Only the records of this run's grid are read (cell ids name the model file's hash and every setting), so a folder
that also holds another model's or another profile's cells never mixes them into one table.
"""
from __future__ import annotations

import collections
import pathlib
from typing import Any

import numpy as np

from adv_tf.evaluate import cells
from adv_tf.evaluate.class_distance import from_json
from adv_tf.evaluate.config import ADAPTIVE_MODES
from adv_tf.report.base import StudyReport
from adv_tf.report.markdown import Section
from adv_tf.report.tables import Table, markdown_table

PROTOCOLS = {"gray_box": "gray-box: crafted on the undefended model, classified through the defense (papers 000 "
                         "§III, 003)",
             "bpda": "adaptive BPDA: the defense in the forward pass, the identity in the backward pass",
             "eot": "adaptive EOT: gradients averaged over the defense's random draws (BPDA where it is not "
                    "differentiable)"}


def grid_records(run) -> dict[str, list[dict]]:
  """This run's finished cells of stage `cells`, by kind."""
  ids = {cell.id for cell in cells.grid_cells(run.config)}
  out: dict[str, list[dict]] = collections.defaultdict(list)
  for record in run.records.get(cells.CELLS, []):
    if record["id"] in ids:
      out[record["config"]["kind"]].append(record["result"])
  return out


def _interval(row: dict) -> str:
  return f"{row['accuracy']:.3f} [{row['low']:.3f}, {row['high']:.3f}]"


def accuracy_table(records: dict) -> Table:
  """Tidy: one row per (attack, eps, defense); the clean images as attack "none", eps 0."""
  rows = []
  for result in records.get("clean", []):
    rows += [["none", 0.0, 0.0, d, j["accuracy"], j["low"], j["high"], j["correct"], j["n"], 0.0]
             for d, j in result["judged"].items()]
  for result in sorted(records.get("attack", []), key=lambda r: (r["attack"], r["eps"])):
    rows += [[result["attack"], result["eps"], result["eps_pixels"], d, j["accuracy"], j["low"], j["high"],
              j["correct"], j["n"], result["linf"]] for d, j in result["judged"].items()]
  return Table(["attack", "eps", "eps_pixels", "defense", "accuracy", "low", "high", "correct", "n", "linf"], rows)


def distance_summary(result: dict) -> dict[str, Any]:
  """Per-attack summary of minimal distances over the images the model classifies correctly."""
  correct = np.asarray(result["clean_correct"], bool)
  found = np.asarray([v is not None for v in result["l2"]]) & correct
  values = np.asarray([v for v, ok in zip(result["l2"], found) if ok], np.float64)
  stats = (dict(zip(("p25", "median", "p75"), np.percentile(values, [25, 50, 75]).tolist())) | {
      "min": float(values.min()), "max": float(values.max())} if values.size else
      dict.fromkeys(("p25", "median", "p75", "min", "max")))
  return {"attack": result["attack"], "images": result["images"], "clean_correct": int(correct.sum()),
          "found": int(found.sum()), **stats}


def minimal_table(records: dict) -> Table:
  rows = [[image, r["attack"], r["clean_correct"][image], r["success"][image], r["l2"][image]]
          for kind in ("deepfool", "cw") for r in records.get(kind, []) for image in range(r["images"])]
  return Table(["image", "attack", "clean_correct", "success", "l2"], rows)


def matrix_table(result: dict) -> Table:
  matrix = from_json(result["matrix"])
  return Table(["source", "target", "l2"], [[s, t, None if not np.isfinite(matrix[s, t]) else float(matrix[s, t])]
                                            for s in range(len(matrix)) for t in range(len(matrix)) if s != t])


def adaptive_table(records: dict) -> Table:
  rows = [[r["defense"], r["mode"], r["eps"], r["eps_pixels"], r["images"], r["eot_samples"], r[p]["accuracy"],
           r[p]["low"], r[p]["high"], p] for r in sorted(records.get("adaptive", []), key=lambda r: (r["defense"],
                                                                                                r["eps"]))
          for p in ("gray_box", "adaptive")]
  return Table(["defense", "mode", "eps", "eps_pixels", "images", "eot_samples", "accuracy", "low", "high",
                "protocol"], rows)


class EvaluateReport(StudyReport):
  title = "Robustness evaluation"
  intro = ("The attacks, distances and defenses of the suite's five papers on one Keras classifier "
           "(`adv-tf-evaluate`). Accuracies carry 95% Wilson intervals; budgets eps are fractions of the input "
           "range's width (eps_pixels in the model's units).")

  def write_artifacts(self, run) -> None:
    from adv_tf.report import figures
    out = pathlib.Path(run.output_dir)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    records = grid_records(run)
    accuracy = accuracy_table(records)
    accuracy.write_csv(out / "accuracy.csv")
    minimal_table(records).write_csv(out / "minimal_distances.csv")
    adaptive_table(records).write_csv(out / "defenses_adaptive.csv")
    for result in records.get("matrix", []):
      matrix_table(result).write_csv(out / "class_distance.csv")
      figures.class_distance_heatmap(from_json(result["matrix"]), "targeted CW-L2 class distances (best-estimate "
                                     "samples)", out / "figures" / "class_distance.png")
    for attack in run.config.attacks:
      rows = [r for r in accuracy.rows if r[0] == attack]
      if rows:
        eps = sorted({r[1] for r in rows})
        series = {d: [next((r[4] for r in rows if r[1] == e and r[3] == d), np.nan) for e in eps]
                  for d in run.config.defenses}
        figures.line_plot(eps, series, xlabel="eps (fraction of the range width)", ylabel="accuracy",
                          title=f"{attack} ({run.config.attack_preset}), gray-box", path=out / "figures" /
                          f"accuracy_{attack}.png")
    minimal = {r["attack"]: [np.nan if v is None else v for v, ok in zip(r["l2"], r["clean_correct"]) if ok]
               for kind in ("deepfool", "cw") for r in records.get(kind, [])}
    if minimal:
      figures.histogram(minimal, xlabel="minimal L2 distance", title="minimal adversarial distances per image",
                        path=out / "figures" / "minimal_distances.png")

  def sections(self, run) -> list[Section]:
    records = grid_records(run)
    return [self._settings(run, records), self._clean(records, run.config.defenses), self._sweeps(run, records),
            self._minimal(records), self._matrix(records), self._adaptive(records, run.config.defenses)]

  def _settings(self, run, records: dict) -> Section:
    from adv_tf.attacks.presets import PRESETS
    from adv_tf.evaluate.defenses import defense_objects
    config = run.config
    preset = PRESETS.get(config.attack_preset).describe()
    lines = [f"- model: `{config.model}` (sha256 {cells.model_sha256(config.model)}), softmax stripped: "
             f"{config.strip_softmax}; input range {list(config.input_range)}",
             f"- dataset: {config.dataset_name}, split `{config.split}`; seed {run.seed}; profile `{config.profile}`; "
             f"data identity: {records['clean'][0].get('data') if records.get('clean') else '-'}",
             f"- eps sweeps: first {config.eval_images} images; eps {list(config.eps)} (x range width "
             f"{config.range_width:g}); attacks {list(config.attacks)} with preset `{preset['name']}` "
             f"({preset['source']}): " + "; ".join(f"{a}: {preset['settings'][a]}" for a in config.attacks),
             f"- minimal distances: first {config.minimal_images} images; DeepFool-L2 (Moosavi-Dezfooli et al. "
             f"2016: {config.deepfool_max_iter} iterations, overshoot {config.deepfool_overshoot:g}, every class), "
             f"untargeted CW-L2 {config.cw_params()}",
             f"- class-distance matrix: paper 002 §4.4 best-estimate samples from {config.samples_per_class} "
             f"candidate(s) per class, targeted CW-L2 {config.cw_params()}",
             "- defenses: " + "; ".join(f"{name}: {defense!r}" for name, defense in defense_objects(config).items()),
             "- protocols: " + "; ".join(PROTOCOLS.values()) + f"; adaptive rows run the preset's PGD at eps "
             f"{list(config.adaptive_eps)} on the first {config.adaptive_images} images, EOT over "
             f"{config.eot_samples} draws; modes: {ADAPTIVE_MODES}"]
    return Section("Settings", "\n".join(lines))

  def _clean(self, records: dict, defenses) -> Section:
    rows = [[d, _interval(r["judged"][d]), f"{r['judged'][d]['correct']}/{r['judged'][d]['n']}"]
            for r in records.get("clean", []) for d in defenses if d in r["judged"]]
    body = markdown_table(["defense", "clean accuracy [95% interval]", "correct"], rows) if rows else "not run yet"
    return Section("Clean accuracy", body)

  def _sweeps(self, run, records: dict) -> Section:
    parts = []
    for attack in run.config.attacks:
      results = sorted((r for r in records.get("attack", []) if r["attack"] == attack), key=lambda r: r["eps"])
      if not results:
        continue
      defenses = [d for d in run.config.defenses if d in results[0]["judged"]]
      rows = [[f"{r['eps']:.4g}", f"{r['eps_pixels']:.4g}", *[_interval(r["judged"][d]) for d in defenses]]
              for r in results]
      parts.append(f"**{attack}** (`{run.config.attack_preset}`), gray-box, figure `figures/accuracy_{attack}.png`"
                   f"\n\n" + markdown_table(["eps", "eps (pixels)", *defenses], rows))
    return Section("Accuracy vs eps", "\n\n".join(parts) or "not run yet (tidy table: accuracy.csv)")

  def _minimal(self, records: dict) -> Section:
    rows = [distance_summary(r) for kind in ("deepfool", "cw") for r in records.get(kind, [])]
    if not rows:
      return Section("Minimal distances", "not run in this profile")
    keys = ["attack", "images", "clean_correct", "found", "median", "p25", "p75", "min", "max"]
    body = markdown_table(keys, [[row[k] for k in keys] for row in rows], cell=_cell)
    return Section("Minimal distances", body + "\n\nL2 distances over the correctly classified images (per image: "
                   "minimal_distances.csv; distribution: figures/minimal_distances.png).")

  def _matrix(self, records: dict) -> Section:
    results = records.get("matrix", [])
    if not results:
      return Section("Class-distance matrix", "not run in this profile")
    result = results[0]
    matrix = from_json(result["matrix"])
    header = ["source \\ target", *map(str, range(len(matrix)))]
    rows = [[str(s), *[float(v) for v in matrix[s]]] for s in range(len(matrix))]
    stats = ", ".join(f"{k} {v:.3f}" for k, v in result["stats"].items())
    return Section("Class-distance matrix", "\n\n".join([
        f"Targeted CW-L2 from the best-estimate samples (split indices {result['best_indices']}) to every other "
        f"class; sources the model misclassifies are excluded: {result['misclassified_sources'] or 'none'}; CW "
        f"success {result['cw_success_rate']:.3f}. Over the off-diagonal pairs: {stats}.",
        markdown_table(header, rows), "(class_distance.csv, figures/class_distance.png)"]))

  def _adaptive(self, records: dict, defenses) -> Section:
    order = {name: i for i, name in enumerate(defenses)}
    results = sorted(records.get("adaptive", []), key=lambda r: (order.get(r["defense"], len(order)), r["eps"]))
    if not results:
      return Section("Defenses: gray-box vs adaptive", "not run in this profile")
    rows = [[r["defense"], r["mode"], f"{r['eps']:.4g}", r["images"], _interval(r["gray_box"]),
             _interval(r["adaptive"])] for r in results]
    return Section("Defenses: gray-box vs adaptive", markdown_table(
        ["defense", "adaptive mode", "eps", "images", "gray-box accuracy", "adaptive accuracy"], rows) +
        "\n\nBoth columns attack with the preset's PGD; gray-box on the undefended model, adaptive through the "
        "defense. A defense whose accuracy falls from the gray-box to the adaptive column was masking gradients.")


def _cell(value) -> str:
  from adv_tf.report.tables import format_cell
  return format_cell(value, 3)
