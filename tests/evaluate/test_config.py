"""The config: dataset names, one-line refusals of settings no run can use, and every profile's cells."""
from __future__ import annotations

import pytest

from adv_tf.attacks.cw_config import CWConfig
from adv_tf.errors import AdvTfError
from adv_tf.evaluate import cells
from adv_tf.evaluate.config import PROFILES, parse_dataset


def test_parse_dataset():
  assert parse_dataset("mnist") == ("mnist", "test")
  assert parse_dataset("cifar10:train[:500]") == ("cifar10", "train[:500]")


@pytest.fixture
def model_file(tmp_path):
  path = tmp_path / "m.keras"
  path.write_bytes(b"not a model; the cells only hash it")
  return str(path)


@pytest.mark.parametrize("overrides, words", [
    ({"model": ""}, "--model is required"), ({"dataset": ""}, "--dataset is required"),
    ({"dataset": "nope"}, "unknown --dataset"), ({"input_range": (1.0, 0.0)}, "--input_range"),
    ({"attacks": ("fgsm", "cw")}, "unknown --attacks"), ({"defenses": ("tvm_art",)}, "unknown --defenses"),
    ({"attack_preset": "madry_pgd40"}, "no setting for fgsm"), ({"cw": CWConfig(schedule="slow")}, "--cw.schedule"),
    ({"cw": CWConfig(confidence=1.0)}, "--cw.confidence")])
def test_validate_refuses_in_one_line(overrides, words, model_file):
  config = PROFILES["quick"].replace(**{"model": model_file, "dataset": "mnist", **overrides})
  with pytest.raises(AdvTfError, match=words):
    config.validate()


@pytest.mark.parametrize("profile, selection, grid", [("smoke", 10, 1 + 3 * 2 + 2 + 1 + 3),
                                                      ("quick", 10, 1 + 3 * 5 + 2 + 1 + 3),
                                                      ("full", 10, 1 + 3 * 10 + 2 + 1 + 3 * 3)])
def test_profiles_build_unique_cells(profile, selection, grid, model_file):
  config = PROFILES[profile].replace(model=model_file, dataset="mnist")
  config.validate()
  built = cells.selection_cells(config), cells.grid_cells(config)
  assert (len(built[0]), len(built[1])) == (selection, grid)
  ids = [c.id for group in built for c in group]
  assert len(ids) == len(set(ids))


def test_profiles_run_the_same_attacks():
  """Profiles differ in images and budgets only (never weaker attacks)."""
  attack_fields = ("attack_preset", "deepfool_max_iter", "deepfool_overshoot", "cw", "eot_samples",
                   "jpeg_quality", "tvm_keep_prob", "tvm_weight", "tvm_iterations", "averaging_n", "averaging_eps")
  assert len({tuple(getattr(p, f) for f in attack_fields) for p in PROFILES.values()}) == 1


def test_cell_ids_name_the_model_file(model_file, tmp_path):
  other = tmp_path / "other.keras"
  other.write_bytes(b"another model")
  config = PROFILES["smoke"].replace(model=model_file, dataset="mnist")
  ids = {c.id for c in cells.grid_cells(config)}
  assert ids.isdisjoint(c.id for c in cells.grid_cells(config.replace(model=str(other))))
