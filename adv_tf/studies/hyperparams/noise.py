"""Paper 002's seed-to-seed noise: the sd of the baselines' mean distance (§5.5), measured by a run and published
for smaller runs (issue 22 item 1: quick's 3 baselines give t(0.975, 2) = 4.30, a published 10 give t(0.975, 9) = 2.26).

`settings` is everything that changes that noise process: the CW config, the training recipe and target accuracy,
the data and its subsets, the pixel range, the study version, the baseline architecture, the best-estimate
selection (§4.4: `samples_per_class`, which picks the images every distance is measured on) and the run seed (the
baselines' seeds). It is the selection's identity without the data's loaded identity (so it is checked before any
data loads); a run whose settings differ from the reference's is refused.
"""
from __future__ import annotations

import pathlib
from typing import Any, Mapping, Sequence

from adv_tf.claims import noise_reference
from adv_tf.claims.noise_reference import NoiseReference
from adv_tf.errors import AdvTfError
from adv_tf.studies.hyperparams import cells
from adv_tf.studies.hyperparams.claims import BASELINES
from adv_tf.studies.hyperparams.config import HyperparamsConfig
from adv_tf.utils import provenance


def settings(cfg: HyperparamsConfig, seed: int) -> dict:
  """The settings a baseline's mean distance depends on (see the module docstring)."""
  return cells.selection_base_config(cfg, cfg.cw, seed, cells.run_settings(cfg))


def reference_path(name: str) -> pathlib.Path:
  """`name` as given, or (a relative path not found from here) in this checkout, where the profiles' default
  `docs/results/...` reference is published."""
  path = pathlib.Path(name).expanduser()
  if path.is_absolute() or path.exists():
    return path
  return provenance.repository_root() / path


def reference(cfg: HyperparamsConfig, seed: int) -> NoiseReference | None:
  """The published reference `cfg.noise_reference` names (None: none), checked against this run's settings
  (AdvTfError when they differ)."""
  if not cfg.noise_reference:
    return None
  ref = noise_reference.load(reference_path(cfg.noise_reference))
  try:
    ref.check_settings(settings(cfg, seed))
  except AdvTfError as e:
    raise AdvTfError(f"{e} (--noise_reference= judges by this run's own baselines)") from None
  return ref


def measured(baselines_per_seed: Sequence[float], records: Sequence[Mapping[str, Any]], cfg: HyperparamsConfig,
             seed: int) -> NoiseReference:
  """This run's own reference: the sd of its baselines' mean distances, with the commits of their records."""
  commits = sorted({(r.get("git") or {}).get("commit") or "unknown" for r in records
                    if r["config"].get("stage") == "baseline"})
  return noise_reference.measured(BASELINES, baselines_per_seed, ",".join(commits), settings(cfg, seed))
