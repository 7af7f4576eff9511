"""Config profiles, cells, per-dataset defenses and the attack preset of the dataset-properties study."""
from __future__ import annotations

import pytest

from adv_tf.errors import AdvTfError
from adv_tf.studies.dataset_properties import cells, datasets, run
from adv_tf.studies.dataset_properties.config import PROFILES
from adv_tf.studies.dataset_properties.study import DatasetPropertiesStudy


@pytest.mark.parametrize("profile, n", [("quick", 10), ("cpu-full", 15), ("paper", 25)])
def test_profiles_build_unique_cells(profile, n):
  config = DatasetPropertiesStudy.profile(profile)
  built = cells.model_cells(config)
  assert len(built) == n
  assert len({c.name for c in built}) == n
  # The original-size model comes first in every dataset (a fine-tuned CIFAR-10 child needs it).
  assert built[0].config["setting"] == "28" and built[0].config["dataset"] == "mnist"


def test_quick_is_designed_to_decide_with_the_paper_eps_attacks_and_targets():
  config = PROFILES["quick"]
  built = cells.model_cells(config)
  # The contrast trio at 3 common seeds (claims over seeds), the 14 px model at one (claims over images).
  assert [(c.config["setting"], c.config["seed"]) for c in built] == [
      ("28", 0), ("14", 0), ("c0.5", 0), ("c2", 0), ("28", 1), ("c0.5", 1), ("c2", 1), ("28", 2), ("c0.5", 2),
      ("c2", 2)]
  # Only the 14 px model is judged by the ART TVM (B3, A2-mnist); the others by none and JPEG.
  assert {c.config["setting"]: c.config["defenses"] for c in built} == {
      "28": ("none", "jpeg"), "14": ("none", "jpeg", "tvm_quirk"), "c0.5": ("none", "jpeg"), "c2": ("none", "jpeg")}
  assert config.eval_images == 100
  assert [round(e * 255) for e in config.eps] == [2, 4, 8, 16]
  assert config.attack_preset == "foolbox3" and config.attacks == ("fgsm", "bim", "pgd", "deepfool")
  assert config.defenses == ("none", "jpeg", "tvm_quirk")  # the paper's three rows; channels-last TVM: cpu-full
  # Training targets as every profile: the paper's clean accuracy - 1 pp, the same recipe and learning rate.
  full = PROFILES["cpu-full"]
  assert (config.target_margin, config.learning_rate, config.batch_size, config.validation_size) == (
      full.target_margin, full.learning_rate, full.batch_size, full.validation_size)
  assert PROFILES["cpu-full"].defenses == ("none", "jpeg", "tvm_quirk", "tvm")
  # Beyond the paper and deciding no claim: the contrast control and the adaptive PGD run in cpu-full only.
  assert not config.contrast_control and not config.adaptive
  assert full.contrast_control and full.adaptive and not full.setting_seeds


def test_cpu_full_stays_within_its_8_hour_design():
  """cpu-full's budget arithmetic (the comment above CPU_FULL) counts these cells, images and TVM rows: a change
  that grows any of them must redo that arithmetic (issue 22: ~6 h expected, 8 h at most on 2 cores)."""
  config = PROFILES["cpu-full"]
  built = cells.model_cells(config)
  # Every MNIST setting at the 3 common seeds (the size claims are judged over seeds too); no other dataset.
  assert [(c.config["dataset"], c.config["setting"], c.config["seed"]) for c in built] == [
      ("mnist", s, seed) for seed in (0, 1, 2) for s in ("28", "14", "56", "c0.5", "c2")]
  # The authors'-layout ART TVM judges every model, the channels-last one the 14 px models only.
  assert {c.config["setting"]: c.config["defenses"] for c in built} == {
      **{s: ("none", "jpeg", "tvm_quirk") for s in ("28", "56", "c0.5", "c2")},
      "14": ("none", "jpeg", "tvm_quirk", "tvm")}
  assert (config.eval_images, config.max_epochs, len(config.eps), len(config.attacks)) == (1000, 20, 4, 4)
  # Never weaker attacks than the paper profile: the same preset, eps and attacks, the adaptive PGD at full strength.
  paper = PROFILES["paper"]
  assert (config.attack_preset, config.eps, config.attacks, config.adaptive_attack, config.adaptive_eot_samples) == (
      paper.attack_preset, paper.eps, paper.attacks, paper.adaptive_attack, paper.adaptive_eot_samples)
  assert paper.eval_images == 10000 and paper.max_epochs == 100 and len(paper.datasets) == 5


def test_recipe_control_is_its_own_stage_of_cpu_full():
  """The training-recipe control (issue 22 item 5): cpu-full trains the 28 px model of seed 0 again by the paper's
  whole recipe, in a stage of its own; the `models` grid (and so a run's resume) is what it was without it."""
  full = PROFILES["cpu-full"]
  control = cells.recipe_control_cells(full)
  assert [(c.name, c.stage, c.config["setting"], c.config["seed"], c.config["recipe"]) for c in control] == [
      ("mnist 28 seed=0 paper recipe", "recipe_control", "28", 0, "paper")]
  assert control[0].config["defenses"] == ("none", "jpeg", "tvm_quirk")  # judged as the 28 px models are
  without = full.replace(recipe_control_settings=())
  assert [c.id for c in cells.model_cells(full)] == [c.id for c in cells.model_cells(without)]
  assert cells.recipe_control_cells(without) == [] and cells.recipe_control_cells(PROFILES["quick"]) == []
  # A setting this run does not train gets no control (as --setting_seeds, a label of a setting left out is no error).
  assert cells.recipe_control_cells(DatasetPropertiesStudy.profile("quick", recipe_control_settings=("56",))) == []
  assert len(cells.recipe_control_cells(DatasetPropertiesStudy.profile("quick", recipe_control_settings=("14",)))) == 1
  assert cells.STAGES == ("models", "recipe_control")


def test_recipe_control_trains_the_whole_recipe_and_restores_the_best_epoch():
  full = PROFILES["cpu-full"]
  stop = run.train_config(full, "mnist", "28", 0)
  paper = run.train_config(full, "mnist", "28", 0, "paper")
  assert (stop.epochs, stop.restore_best) == (20, False) and stop.target_accuracy == pytest.approx(0.9739)
  assert (paper.epochs, paper.target_accuracy, paper.eval_every_steps, paper.restore_best) == (100, None, None, True)
  # Everything else is the stop-rule model's: the recipe's optimizer and plateau, our batch, lr and seed.
  assert paper.replace(epochs=20, target_accuracy=stop.target_accuracy, eval_every_steps=stop.eval_every_steps,
                       restore_best=False) == stop
  with pytest.raises(AdvTfError, match="unknown training recipe"):
    run.train_config(full, "mnist", "28", 0, "ours")


def test_setting_seeds_and_defense_settings():
  profile = DatasetPropertiesStudy.profile
  config = profile("cpu-full", datasets=("mnist",), seeds=(3, 5), setting_seeds=("c2=1",),
                   defense_settings=("tvm=56+c0.5",))
  assert config.seeds_for("c2") == (3,) and config.seeds_for("14") == (3, 5)
  assert config.defenses_for("56") == config.defenses and config.defenses_for("14") == ("none", "jpeg", "tvm_quirk")
  built = cells.model_cells(config)
  assert [c.name for c in built if "c2" in c.name] == ["mnist c2 seed=3"]
  assert len(built) == 9
  # A cell holds the rows it judges (its id changes with them); run.defenses_for builds exactly those.
  cell = next(c for c in built if c.config["setting"] == "14")
  assert list(run.defenses_for(config, "mnist", cell.config["defenses"])) == ["none", "jpeg", "tvm_quirk"]
  # Profiles without these fields keep their cell ids (the fields are grid fields, not cell settings).
  assert "setting_seeds" not in cell.config and "defense_settings" not in cell.config


def test_only_settings_and_single_property():
  profile = DatasetPropertiesStudy.profile
  one_seed = {"seeds": (0,), "setting_seeds": ()}
  assert [c.config["setting"] for c in cells.model_cells(profile("quick", **one_seed, only_settings=("c2", "14")))] \
      == ["14", "c2"]
  contrast = profile("quick", **one_seed, only_settings=(), defense_settings=(), properties=("contrast",))
  assert [c.config["setting"] for c in cells.model_cells(contrast)] == ["28", "c0.5", "c2"]


@pytest.mark.parametrize("overrides, message", [
    ({"datasets": ("svhn",)}, "unknown"), ({"properties": ("brightness",)}, "unknown"),
    ({"eps": (0.0,)}, "(0, 1]"), ({"eps": (1.5,)}, "(0, 1]"), ({"attack_preset": "nope"}, "preset"),
    ({"defenses": ("jpeg", "jpeg")}, "repeated"), ({"train_examples": -1}, ">= 0"),
    ({"only_settings": ("c3",)}, "only_settings"), ({"adaptive_attack": "deepfool"}, "adaptive_attack"),
    ({"setting_seeds": ("14",)}, "setting_seeds"), ({"setting_seeds": ("c3=1",)}, "setting_seeds"),
    ({"setting_seeds": ("14=4",)}, "setting_seeds"), ({"defense_settings": ("tvm=14",)}, "defense_settings"),
    ({"defense_settings": ("jpeg=c3",)}, "defense_settings"),
    ({"adaptive_eot_samples": 0}, "adaptive_eot_samples"), ({"recipe_control_settings": ("c3",)}, "recipe_control"),
    ({"datasets": ("cifar10",), "only_settings": (), "recipe_control_settings": ("16",)}, "fine-tunes"),
    ({"recipe_control_settings": ("28", "28")}, "recipe_control")])
def test_bad_config_is_one_line_error(overrides, message):
  with pytest.raises(AdvTfError, match=None) as err:
    DatasetPropertiesStudy.profile("quick", **overrides)
  assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("name, quality, tvm", [("mnist", 10, (0.8, 0.5, 25)), ("fashion_mnist", 10, (0.3, 0.5, 30)),
                                                ("cifar10", 50, (0.8, 0.3, 25)), ("imagenet", 50, (0.8, 0.3, 25))])
def test_defenses_use_each_datasets_settings(name, quality, tvm):
  config = DatasetPropertiesStudy.profile("quick", datasets=(name,), only_settings=(),
                                          defenses=("none", "jpeg", "tvm_quirk", "tvm"))
  d = run.defenses_for(config, name)
  assert list(d) == ["none", "jpeg", "tvm_quirk", "tvm"]
  assert d["none"] is None and d["jpeg"].quality == quality
  assert d["tvm_quirk"].layout == "channels_first_quirk" and d["tvm"].layout == "channels_last"
  for key in ("tvm_quirk", "tvm"):
    assert (d[key].prob, d[key].lamb, d[key].max_iter) == tvm


def test_foolbox3_preset_settings_are_the_papers():
  from adv_tf.attacks.presets import PRESETS
  p = PRESETS.get(PROFILES["quick"].attack_preset)
  assert p.params("bim", 0.1) == pytest.approx({"norm": float("inf"), "nb_iter": 10, "eps_iter": 0.02})
  pgd = p.params("pgd", 0.3)
  assert pgd["nb_iter"] == 40 and pgd["rand_init"] and pgd["eps_iter"] == pytest.approx(0.01)
  assert p.params("deepfool") == {"norm": float("inf"), "max_iter": 50, "overshoot": 0.02, "candidates": 10}


def test_setting_labels_and_figures():
  assert datasets.model_settings("mnist", ("size", "contrast")) == [(14, 1.0), (28, 1.0), (56, 1.0), (28, 0.5),
                                                                    (28, 2.0)]
  assert datasets.figure_settings("cifar10", "size") == [("16", "16"), ("32", "32"), ("64", "64")]
  assert datasets.figure_settings("mnist", "contrast") == [("0.5", "c0.5"), ("1", "28"), ("2", "c2")]
  with pytest.raises(AdvTfError, match="unknown dataset"):
    datasets.setup("svhn")
