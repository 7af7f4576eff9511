"""The run identity of a paper-002 run (study version, data identity, replicas), which every cell id includes:
kept in `<output_dir>/run_identity.json` so that `--report_only` (no data loaded) finds this run's cells."""
from __future__ import annotations

import json
import pathlib

from adv_tf.errors import AdvTfError
from adv_tf.experiment.study import StudyRun
from adv_tf.studies.hyperparams import cells
from adv_tf.utils.atomic import atomic_write_text

IDENTITY_FILE = "run_identity.json"


def identity(run: StudyRun) -> dict:
  """The run identity (study version, data identity, replicas) of this run: from the loaded data, else (for
  `--report_only`) the one the computing run wrote to `<output_dir>/run_identity.json`."""
  if "identity" in run.resources:
    return run.resources["identity"]
  path = pathlib.Path(run.output_dir) / IDENTITY_FILE
  if path.exists():
    return json.loads(path.read_text())
  return cells.run_identity()


def selection_id(run: StudyRun) -> str:
  return cells.selection_id(run.config, run.config.cw, run.seed, cells.run_settings(run.config), identity(run))


def write_identity(output_dir: pathlib.Path, ident: dict) -> None:
  """Writes the run identity on the first run; refuses a run whose data or replica count differs from the
  folder's (one line, before any cell runs)."""
  path = pathlib.Path(output_dir) / IDENTITY_FILE
  if path.exists():
    old = json.loads(path.read_text())
    if old != ident:
      diff = sorted(k for k in set(old) | set(ident) if old.get(k) != ident.get(k))
      raise AdvTfError(f"{output_dir} holds results of another run identity (differs in: {', '.join(diff)}); "
                       "use another --output_dir or the data and strategy of the first run")
    return
  path.parent.mkdir(parents=True, exist_ok=True)
  atomic_write_text(path, json.dumps(ident, indent=1, sort_keys=True) + "\n")
