"""Every study profile (`adv_tf.studies.STUDIES`): the config validates and is JSON-able, every stage's cells
build without data, cell ids are unique, and the cell counts and the hash of the cell ids are the ones below
(a change must be deliberate: a changed id means existing results folders compute that cell again).

A new study adds its profiles' counts and id hashes here."""
from __future__ import annotations

import hashlib
import json
import pathlib

import pytest

from adv_tf.experiment.study import StudyRun, results_dir
from adv_tf.studies import STUDIES
from adv_tf.utils.jsonable import to_jsonable

COUNTS = {
    "hyperparams/quick": {"selection": 10, "cells": 9},  # issue 22: ELU and AdaDelta left to cpu-full (15 min)
    # the padding control (2026-12-06): a stage of its own, so the main grid's ids and manifest stay
    "hyperparams/cpu-full": {"selection": 10, "padding_control": 4, "replicates": 50, "cells": 87},
    "hyperparams/paper": {"selection": 10, "padding_control": 4, "cells": 177},
    "hyperparams/smoke": {"selection": 10, "cells": 4},
    # issue 22: the contrast trio x 3 seeds + the 14 px model x 1 seed (was 5 settings x 1 seed).
    # issue 22 item 5: the training-recipe control, a stage of its own (cpu-full: the 28 px model of seed 0).
    "dataset-properties/quick": {"models": 10, "recipe_control": 0},
    "dataset-properties/cpu-full": {"models": 15, "recipe_control": 1},
    "dataset-properties/paper": {"models": 25, "recipe_control": 0},
    "dataset-properties/smoke": {"models": 2, "recipe_control": 1},
    # issue 22: quick = 3 seeds x WRN-10-2 x (base, FGSM retraining) (was 1 seed x 2 architectures x 2 variants).
    "imagenette-defenses/quick": {"cells": 6},
    # issue 22 item 2: cpu-full sized to ~8 h on 2 cores: 3 seeds x (GoogLeNet, WRN-10-2) x (base, FGSM retraining)
    # (was 1 seed x (GoogLeNet, WRN-16-4) x 3 variants, an estimated ~58 h).
    "imagenette-defenses/cpu-full": {"cells": 12},
    "imagenette-defenses/paper": {"cells": 6},
    "imagenette-defenses/smoke": {"cells": 2},
    # issue 22: quick = 3 seeds x 1 LeNet-5 x 3 regimes (was 1 seed x 2 architectures x 4 regimes).
    "minimal-dataset/quick": {"selection": 1, "calibration": 1, "models": 9},
    "minimal-dataset/cpu-full": {"selection": 1, "calibration": 1, "models": 45},
    "minimal-dataset/paper": {"selection": 1, "calibration": 1, "models": 45},
    "minimal-dataset/smoke": {"selection": 1, "calibration": 1, "models": 3},
    "training-size/quick": {"models": 24},
    # issue 22 item 2: cpu-full sized to ~8 h on 2 cores: MLP and Simple CNN on MNIST (3 sizes) and CIFAR-10 (2 sizes)
    # x 3 seeds (was 8 families incl. ResNet-32 and Tiny ImageNet, 192 models, an estimated ~135 h).
    "training-size/cpu-full": {"models": 30},
    "training-size/paper": {"models": 558},
    "training-size/smoke": {"models": 2},
}

# sha256 (first 16 hex digits) of each stage's cell ids, one per line, seed 0.
ID_HASHES = {
    "dataset-properties/cpu-full:models": "348806a86a6c9903",
    "dataset-properties/paper:models": "c6933428fe1aa943",
    "dataset-properties/quick:models": "a0e8ccd1efd1fffe",  # issue 22: 10 models, 100 images, no adaptive
    "dataset-properties/smoke:models": "43fd085df6ebed7d",
    # The models hashes above are those of before the recipe control (its stage left that grid unchanged).
    "dataset-properties/cpu-full:recipe_control": "ffc0f78d7e5cf60d",
    "dataset-properties/paper:recipe_control": "e3b0c44298fc1c14",  # no cells: sha256 of ""
    "dataset-properties/quick:recipe_control": "e3b0c44298fc1c14",
    "dataset-properties/smoke:recipe_control": "39caab1fbb66b58a",
    "hyperparams/cpu-full:selection": "966db050a1be51a1",  # the "long" recipe since 2026-12-06
    "hyperparams/cpu-full:cells": "e7947b49357b8d0e",  # "long" recipe, larger-filter models last
    "hyperparams/cpu-full:padding_control": "6f8aef70c31a2c87",
    # 2026-12-08: + seeds 3-8 of the 4 optimizers C5 left undecided (was 3f2343ca3bae268c; the first 26 keep ids)
    "hyperparams/cpu-full:replicates": "45ea65e77bd8fff4",
    "hyperparams/paper:padding_control": "19cd24760fa63bf1",
    "hyperparams/paper:selection": "cc56211cf34bce2d",
    "hyperparams/paper:cells": "5524cb76a30fd281",  # the larger-filter models last (2026-12-06)
    "hyperparams/quick:selection": "f2f696a6b730f3f4",
    "hyperparams/quick:cells": "eeb637f1b2363245",  # the other cells' ids unchanged
    "hyperparams/smoke:selection": "e87b46788230cf53",
    "hyperparams/smoke:cells": "65ceac5ac9f30fbd",
    "imagenette-defenses/cpu-full:cells": "9ae7cd8c73ea239e",  # 12 cells, quick's grids, EOT at 0.025; 167 copies/call
    "imagenette-defenses/paper:cells": "65e346586c9b7815",  # 41 copies per call at 224 px
    "imagenette-defenses/quick:cells": "79484584659838d2",
    "imagenette-defenses/smoke:cells": "c08f546de65f9bbc",
    "minimal-dataset/cpu-full:selection": "4629f41a51bb5e04",
    "minimal-dataset/cpu-full:calibration": "ba1f3af55269fbf1",
    "minimal-dataset/cpu-full:models": "42eeaa9eed812178",
    "minimal-dataset/paper:selection": "4629f41a51bb5e04",
    "minimal-dataset/paper:calibration": "ba1f3af55269fbf1",
    "minimal-dataset/paper:models": "0cddaa5d15b4c2d0",
    "minimal-dataset/quick:selection": "4629f41a51bb5e04",
    "minimal-dataset/quick:calibration": "7656b2f0c31b6678",   # issue 22: on the raw LeNet-5, weak CW on 300
    "minimal-dataset/quick:models": "6fddad92d394d1f5",        # issue 22: 3 seeds of the LeNet-5, 3 regimes
    "minimal-dataset/smoke:selection": "1d28e575ab6ef907",
    "minimal-dataset/smoke:calibration": "5d55f330c84ad0b9",
    "minimal-dataset/smoke:models": "08522f6f48cef60c",
    "training-size/cpu-full:models": "a6ce42d29fd63709",  # 30 models, MLPs first, pool 600 interleaved
    "training-size/paper:models": "81ad52bd96fd1e2d",  # class-interleaved test order (2026-12-06)
    "training-size/quick:models": "48a68e5a6f761d10",  # class-interleaved test order (2026-12-06)
    "training-size/smoke:models": "acce801ef3c9454e",
}
BY_NAME = {study.name: study for study in STUDIES}
# experiments/ modules that are no study's binary: evaluate.py is adv-tf-evaluate (the user's model, no paper).
NOT_STUDY_BINARIES = ("__init__", "evaluate")


def test_every_profile_is_listed_here_and_studies_are_unique():
  assert len(BY_NAME) == len(STUDIES) and len({study.paper for study in STUDIES}) == len(STUDIES)
  assert sorted(f"{study.name}/{profile}" for study in STUDIES for profile in study.PROFILES) == sorted(COUNTS)
  for study in STUDIES:
    assert {"quick", "paper", "smoke"} <= set(study.PROFILES), study.name


def test_every_study_has_a_binary():
  binaries = pathlib.Path(__file__).resolve().parents[2] / "experiments"
  assert sorted(p.stem for p in binaries.glob("*.py") if p.stem not in NOT_STUDY_BINARIES) == \
      sorted(name.replace("-", "_") for name in BY_NAME)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_profile_builds_unique_cells_with_stable_counts_and_ids(name, tmp_path):
  study_name, profile = name.split("/")
  study = BY_NAME[study_name]
  config = study.PROFILES[profile]
  assert isinstance(config, study.Config) and config.profile == profile
  config.validate()
  json.dumps(to_jsonable(config), allow_nan=False)
  run = StudyRun(study=study, config=config, output_dir=tmp_path, seed=0)
  counts, ids = {}, []
  for stage in study.stages(config):
    cells = stage.build_cells(run)
    counts[stage.name] = len(cells)
    assert hashlib.sha256("\n".join(c.id for c in cells).encode()).hexdigest()[:16] == \
        ID_HASHES[f"{name}:{stage.name}"], stage.name
    ids += [cell.id for cell in cells]
    for cell in cells:
      json.dumps(cell.config, allow_nan=False)
  assert counts == COUNTS[name]
  assert len(ids) == len(set(ids))


def test_results_dir_convention():
  assert results_dir("dataset-properties", "quick") == pathlib.Path("results/dataset_properties/quick")
