"""Paper 003 study: split, weight converter, freezing, augmentation per epoch, DGSM, bad input and a tiny
end-to-end run on generated (mock TFDS) data (claims: test_claims.py)."""
from __future__ import annotations

import csv
import dataclasses
import json
import pathlib

import keras
import numpy as np
import pytest
import tensorflow as tf

from adv_tf import data
from adv_tf.attacks.base import attack
from adv_tf.data import subsets
from adv_tf.errors import AdvTfError
from adv_tf.experiment import cli
from adv_tf.models import torchvision_weights as tvw
from adv_tf.studies.imagenette_defenses import config, models
from adv_tf.studies.imagenette_defenses import data as study_data
from adv_tf.studies.imagenette_defenses.study import ImagenetteDefensesStudy
from adv_tf.training.config import TrainConfig
from adv_tf.training.loop import prepare_datasets, train_model

# ------------------------------------------------------------------------------------------------ configs


def test_every_profile_validates():
  assert list(ImagenetteDefensesStudy.PROFILES) == ["quick", "cpu-full", "paper", "smoke"]
  for cfg in ImagenetteDefensesStudy.PROFILES.values():
    cfg.validate()


def test_no_profile_sends_more_pixels_per_model_call_than_quick():
  """copies x pixels per call at most quick's 2048 x 32 x 32, which runs on a 24 GB machine: the first cpu-full
  attempt (2048 copies at 112 px, EOT gradients through GoogLeNet) was killed at 24.4 GB."""
  profiles = ImagenetteDefensesStudy.PROFILES
  budget = profiles["quick"].copies_per_call * profiles["quick"].image_size ** 2
  for name, cfg in profiles.items():
    assert cfg.copies_per_call * cfg.image_size ** 2 <= budget, (name, cfg.copies_per_call, cfg.image_size)


@pytest.mark.parametrize("overrides,needle", [
    ({"models": ("resnet9000",)}, "unknown model"), ({"fgsm_eps": (0.0, 2.0)}, r"fgsm_eps entries .* in \[0, 1\]"),
    ({"at_variants": ("pgd",)}, "at_variants"), ({"target_class": 10}, "target_class"),
    ({"split_mode": "random"}, "split_mode"), ({"image_size": 16}, "image_size"),
    ({"dataset": "imagenette/nope"}, "dataset"), ({"seeds": (0, 0)}, "--seeds must be distinct"),
    ({"seeds": ()}, "--seeds must be distinct")])
def test_bad_settings_are_one_line_errors(overrides, needle):
  cfg = dataclasses.replace(config.QUICK, **overrides)
  with pytest.raises(AdvTfError, match=needle) as e:
    cfg.validate()
  assert "\n" not in str(e.value)


def test_bad_flag_exits_2_before_any_data_loads(tmp_path, capsys):
  status = cli.run_main(ImagenetteDefensesStudy(), ["prog", "--profile=quick", f"--output_dir={tmp_path}",
                                                    "--models=nope"])
  assert status == 2
  assert "unknown model 'nope'" in capsys.readouterr().err


def test_missing_pretrained_file_is_a_one_line_error(tmp_path):
  with pytest.raises(AdvTfError, match="no googlenet.safetensors"):
    models.pretrained_path(str(tmp_path), "googlenet")
  assert models.pretrained_path(None, "googlenet") is None


# ------------------------------------------------------------------------------------------------ data


@pytest.fixture
def mocked(mock_tfds, tmp_path):
  with mock_tfds(num_examples=200):
    yield tmp_path


def _tiny(**overrides):
  base = dict(dataset="imagenette/160px-v2", train_per_class=5, test_per_class=3, image_size=32, batch_size=16)
  return dataclasses.replace(config.QUICK, **{**base, **overrides})


def test_study_split_is_disjoint_balanced_and_deterministic(mocked):
  cfg = _tiny()
  a = study_data.load_study_data(cfg, str(mocked))
  b = study_data.load_study_data(cfg, str(mocked))
  np.testing.assert_array_equal(a.x_test, b.x_test)
  assert np.bincount(a.y_train, minlength=10).tolist() == [5] * 10
  assert np.bincount(a.y_test, minlength=10).tolist() == [3] * 10
  _, labels, _ = data.load_arrays(cfg.dataset, "test", data_dir=str(mocked), transforms=[data.Resize(size=8)])
  train_idx, test_idx = subsets.balanced_split(labels, 5, 3, seed=cfg.split_seed, num_classes=10)
  assert not set(train_idx) & set(test_idx)
  assert a.train_identity["selection_sha256"] == subsets.indices_digest(train_idx)
  assert a.test_identity["selection_sha256"] == subsets.indices_digest(test_idx)
  assert a.x_train.shape[1:] == (cfg.resize_size, cfg.resize_size, 3) and a.x_test.shape[1:] == (32, 32, 3)
  other = study_data.load_study_data(dataclasses.replace(cfg, split_seed=1), str(mocked))
  assert other.test_identity["selection_sha256"] != a.test_identity["selection_sha256"]


def test_train_transforms_run_after_the_cache_and_differ_between_epochs():
  x = np.random.default_rng(0).uniform(size=(32, 24, 24, 3)).astype(np.float32)
  y = np.arange(32) % 10
  tc = TrainConfig(batch_size=32, shuffle_buffer=0, seed=4)
  transforms = (data.RandomResizedCrop(), data.RandomFlip(), data.Resize(size=16))

  def epochs(n):
    prepared = prepare_datasets((x, y), (x, y), tc, tf.distribute.get_strategy(), train_transforms=transforms)
    return [next(iter(prepared.train))[0].numpy() for _ in range(n)]
  first, second = epochs(2)
  assert first.shape == (32, 16, 16, 3)
  assert np.abs(first - second).max() > 0.05  # fresh crops every epoch (not frozen by the cache)
  np.testing.assert_array_equal(epochs(1)[0], first)  # reproducible from the seed


# ------------------------------------------------------------------------------------------------ models


def _randomize_bn(model, seed=0):
  rng = np.random.default_rng(seed)
  for layer in model.layers:
    if isinstance(layer, keras.layers.BatchNormalization):
      g, b, m, v = layer.get_weights()
      layer.set_weights([rng.uniform(0.5, 1.5, g.shape), rng.normal(0, 0.1, b.shape), rng.normal(0, 0.1, m.shape),
                         rng.uniform(0.5, 2.0, v.shape)])


@pytest.mark.parametrize("name,image_size,count", [("googlenet", 32, 57 * 5 + 2), ("wrn50_2", 32, 53 * 5 + 2)])
def test_torchvision_converter_round_trip(name, image_size, count, tmp_path):
  """Keras -> torchvision state dict -> Keras gives the same weights and outputs; key names and layouts follow
  torchvision (conv OIHW, linear (out, in)); a .safetensors file round-trips too. (torchvision's own outputs are
  not checked: no torch here.)"""
  keras.utils.set_random_seed(0)
  source = models.build_model(name, image_size, 1000)
  _randomize_bn(source)
  state = tvw.state_dict_from_keras(source, name)
  assert len(state) == count - len([k for k in state if False])
  assert state["conv1.weight" if name == "wrn50_2" else "conv1.conv.weight"].shape == (64, 3, 7, 7)
  assert state["fc.weight"].shape[0] == 1000
  from safetensors.numpy import save_file
  save_file(state, str(tmp_path / f"{name}.safetensors"))
  target = models.build_model(name, image_size, 1000)
  tvw.load_into(target, tvw.read_state_dict(tmp_path / f"{name}.safetensors"), name)
  for a, b in zip(source.get_weights(), target.get_weights()):
    np.testing.assert_array_equal(a, b)
  x = np.random.default_rng(1).uniform(size=(2, image_size, image_size, 3)).astype(np.float32)
  np.testing.assert_allclose(source(x, training=False), target(x, training=False), atol=1e-5)
  head10 = models.build_model(name, image_size, 10)
  tvw.load_into(head10, state, name, skip_head=True)  # a new 10-way head over the 1000-class backbone
  with pytest.raises(AdvTfError, match="lack"):
    tvw.load_into(head10, {k: v for k, v in state.items() if not k.endswith("running_var")}, name)


@pytest.mark.parametrize("name", ["googlenet", "wrn10_2"])
def test_frozen_backbone_stays_unchanged_while_the_head_trains(name):
  keras.utils.set_random_seed(0)
  model = models.build_model(name, 32)
  frozen = models.freeze_backbone(model, name)
  assert 0 < frozen < len(model.layers)
  before = {layer.name: [w.copy() for w in layer.get_weights()] for layer in model.layers}
  rng = np.random.default_rng(0)
  x, y = rng.uniform(size=(32, 32, 32, 3)).astype(np.float32), rng.integers(0, 10, 32)
  train_model(lambda: model, (x, y), (x, y), TrainConfig(batch_size=16, epochs=1, learning_rate=0.1))
  for i, layer in enumerate(model.layers):
    for w0, w1 in zip(before[layer.name], layer.get_weights()):
      if i < frozen:
        np.testing.assert_array_equal(w0, w1)
  assert not np.array_equal(before["logits"][0], model.get_layer("logits").get_weights()[0])


def test_dgsm_reaches_the_target_on_a_small_model():
  keras.utils.set_random_seed(0)
  model = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
  x = np.random.default_rng(0).uniform(0.2, 0.8, (64, 16, 16, 3)).astype(np.float32)
  y = np.argmax(np.asarray(model(x)), -1)
  cfg = dataclasses.replace(config.QUICK, dgsm_iterations=40, dgsm_step=0.01)
  from adv_tf.studies.imagenette_defenses import run
  x_adv = run.dgsm_images(model, x, y, 0.3, cfg)
  pred = np.argmax(np.asarray(model(x_adv)), -1)
  assert np.abs(x_adv - x).max() <= 0.3 + 1e-6
  assert np.mean(pred == config.TARGET_CLASS) >= 0.95
  assert np.mean(pred == config.TARGET_CLASS) > np.mean(y == config.TARGET_CLASS)


def test_fgsm_direction_gives_the_library_fgsm_images():
  keras.utils.set_random_seed(0)
  model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
  x = np.random.default_rng(0).uniform(size=(16, 8, 8, 3)).astype(np.float32)
  y = np.arange(16) % 10
  from adv_tf.studies.imagenette_defenses import run
  direction = run.fgsm_direction(model, x, y)
  for eps in (0.025, 0.3):
    np.testing.assert_allclose(run.fgsm_images(x, direction, eps), attack("fgsm", model, x, y, eps=eps).x_adv,
                               atol=1e-6)


# ------------------------------------------------------------------------------------------------ end to end


IDS = ([f"D{i}" for i in range(1, 5)] + ["D4-ratio"] + [f"D{i}" for i in range(5, 12)]
       + ["D12a", "D12a-rise", "D12b", "D13"])


def test_tiny_end_to_end_run_writes_every_artifact(mocked, tmp_path, monkeypatch, capsys):
  """Two seeds: each seed's retraining starts from its own base model; every rate keeps its per-image outcomes;
  the cells' training shows a progress line per epoch."""
  monkeypatch.setenv("ADV_TF_MODEL_CACHE", str(tmp_path / "cache"))
  out = tmp_path / "out"
  status = cli.run_main(ImagenetteDefensesStudy(), [
      "prog", "--profile=quick", f"--output_dir={out}", f"--data_dir={mocked}", "--dataset=imagenette/160px-v2",
      "--train_per_class=5", "--test_per_class=3", "--image_size=32", "--batch_size=16", "--models=wrn10_2",
      "--base_epochs=1", "--at_epochs=1", "--at_variants=fgsm,dgsm_random", "--fgsm_eps=0,0.025,0.3",
      "--dgsm_eps=0,0.015", "--dgsm_iterations=2", "--averaging_n=3", "--averaging_fgsm_eps=0,0.025",
      "--averaging_dgsm_eps=0.015", "--eot_fgsm_eps=0.025", "--eot_draws=2", "--copies_per_call=64", "--seeds=0,1"])
  assert status == 0
  printed = capsys.readouterr().out
  assert "[wrn10_2/base seed=0] epoch 1/1: loss " in printed, printed[-2000:]
  assert "[wrn10_2/fgsm seed=1] retraining epoch 1/1: loss " in printed, printed[-2000:]
  metas = [json.loads(p.read_text()) for p in (tmp_path / "cache").glob("*.json")]
  bases = {m["hash"]: m["key"]["train"]["seed"] for m in metas if m["key"]["parent"] is None}
  assert sorted(bases.values()) == [0, 1]
  retrained = [m for m in metas if m["key"]["parent"] is not None]
  assert len(retrained) == 4 and {bases[m["key"]["parent"]] for m in retrained} == {0, 1}
  assert all(m["key"]["train"]["seed"] == bases[m["key"]["parent"]] for m in retrained)
  records = [json.loads(line) for line in (out / "records-shard0of1.jsonl").read_text().splitlines()]
  assert sorted((r["config"]["seed"], r["config"]["variant"]) for r in records) == [
      (s, v) for s in (0, 1) for v in ("base", "dgsm_random", "fgsm")]
  assert all("items" in r["result"]["clean"] and all("items" in p for p in r["result"]["fgsm"]) for r in records)
  text = (out / "report.md").read_text()
  for needle in ("## Changes from the paper", "FROM SCRATCH", "## Verdicts D1-D13", "9,466/9,469",
                 "Beyond the paper", "D10", "D12b", "paper on paper",
                 "what would decide it", "- training seeds (recorded cells): 0, 1",
                 "- cell time, all recorded cells: "):
    assert needle in text, needle
  with open(out / "verdicts.csv") as f:
    csv_rows = list(csv.DictReader(f))
  assert [row["claim"] for row in csv_rows] == IDS
  for name in ("fgsm_curves.csv", "dgsm_curves.csv", "figures/fig3_fgsm_base.png", "figures/fig5_dgsm_base.png",
               "figures/fig6_fgsm_averaging_wrn10_2.png", "figures/fig7_fgsm_at_fgsm_wrn10_2.png",
               "figures/fig7_fgsm_at_dgsm_random_wrn10_2.png", "figures/box_fgsm_wrn10_2_base.png"):
    assert (out / name).exists(), name
  assert pathlib.Path(out / "config.json").exists()
  claims = json.loads((out / "claims.json").read_text())["claims"]
  assert [c["claim"] for c in claims] == IDS
  assert all(c["verdict"] and c["section"] == "Verdicts D1-D13" for c in claims)
  # claims.json, verdicts.csv and report.md carry the same verdicts (one engine run).
  assert [c["verdict"] for c in claims] == [row["ours"].strip("*") for row in csv_rows]
  for c in claims:
    assert f"**{c['verdict']}**" in text
