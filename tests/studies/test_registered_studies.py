"""Every registered study profile: the config validates and is JSON-able, every stage's cells build without
data, cell ids are unique, and the cell counts are the ones below (a change must be deliberate).

A new study adds its profiles' counts to COUNTS."""
from __future__ import annotations

import json
import pathlib

import pytest

import adv_tf.studies  # noqa: F401  (registers every study)
from adv_tf.experiment.study import CONFIGS, STUDIES, StudyRun, profiles, results_dir
from adv_tf.utils.jsonable import to_jsonable

COUNTS = {
    "hyperparams/quick": {"selection": 10, "cells": 11},
    "hyperparams/cpu-full": {"selection": 10, "cells": 87},
    "hyperparams/paper": {"selection": 10, "cells": 177},
    "hyperparams/smoke": {"selection": 10, "cells": 4},
    "dataset-properties/quick": {"models": 5},
    "dataset-properties/cpu-full": {"models": 45},
    "dataset-properties/paper": {"models": 25},
    "dataset-properties/smoke": {"models": 2},
    "imagenette-defenses/quick": {"cells": 4},
    "imagenette-defenses/cpu-full": {"cells": 6},
    "imagenette-defenses/paper": {"cells": 6},
    "imagenette-defenses/smoke": {"cells": 2},
    "minimal-dataset/quick": {"selection": 1, "calibration": 1, "models": 8},
    "minimal-dataset/cpu-full": {"selection": 1, "calibration": 1, "models": 45},
    "minimal-dataset/paper": {"selection": 1, "calibration": 1, "models": 45},
    "minimal-dataset/smoke": {"selection": 1, "calibration": 1, "models": 3},
    "training-size/quick": {"models": 9},
    "training-size/cpu-full": {"models": 192},
    "training-size/paper": {"models": 558},
    "training-size/smoke": {"models": 2},
}


def test_every_registered_profile_is_listed_here():
  assert sorted(CONFIGS) == sorted(COUNTS)
  for study in STUDIES:
    assert {"quick", "paper", "smoke"} <= set(profiles(study)), study


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_profile_builds_unique_cells_with_stable_counts(name, tmp_path):
  study_name, profile = name.split("/")
  study = STUDIES.get(study_name)
  config = CONFIGS.get(name)
  assert isinstance(config, study.config_class) and config.profile == profile
  config.validate()
  json.dumps(to_jsonable(config), allow_nan=False)
  run = StudyRun(study=study, config=config, output_dir=tmp_path, seed=0)
  counts, ids = {}, []
  for stage in study.stages(config):
    cells = stage.build_cells(run)
    counts[stage.name] = len(cells)
    ids += [cell.id for cell in cells]
    for cell in cells:
      json.dumps(cell.config, allow_nan=False)
  assert counts == COUNTS[name]
  assert len(ids) == len(set(ids))


def test_results_dir_convention():
  assert results_dir("dataset-properties", "quick") == pathlib.Path("results/dataset_properties/quick")
