"""The two non-LeNet models of the `cw-perpair` bench lines, trained exactly as their studies train them.

* minimal-cnn: the minimal-dataset study's CNN (madry_cnn) of the "random 4,736 undistorted" control
  regime, seed 0, quick profile (Adam, early stopping on the held-out slice): its cheapest CNN to train.
* simple-cnn: the training-size study's MNIST Simple CNN at its smallest quick size (1,000 images), seed 0.

Each loader returns (model, x_test, y_test, clip_min, clip_max, source) with the study's own test split and
pixel range; models go through the studies' `ModelCache` under `cache_dir`.
"""
from __future__ import annotations

import time
import types


def minimal_dataset_cnn(data_dir: str | None, cache_dir: str | None) -> tuple:
  from adv_tf.studies.minimal_dataset import config as md_config  # pylint: disable=import-outside-toplevel
  from adv_tf.studies.minimal_dataset import run as md_run  # pylint: disable=import-outside-toplevel
  from adv_tf.training import ModelCache  # pylint: disable=import-outside-toplevel
  run = types.SimpleNamespace(config=md_config.PROFILES["quick"], seed=0, model_cache=ModelCache(cache_dir),
                              data_dir=data_dir, resources={}, records={})
  md_run.prepare(run)
  start = time.time()
  model, _, hit = md_run.trained_model(run, "cnn", "random_undistorted", 0)
  d = run.resources["data"]
  return model, d.x_test, d.y_test, 0.0, 1.0, "cache" if hit else f"trained ({time.time() - start:.0f} s)"


def training_size_simple_cnn(data_dir: str | None, cache_dir: str | None) -> tuple:
  from adv_tf.studies.training_size import config as ts_config  # pylint: disable=import-outside-toplevel
  from adv_tf.studies.training_size import families, splits  # pylint: disable=import-outside-toplevel
  from adv_tf.studies.training_size import run as ts_run  # pylint: disable=import-outside-toplevel
  from adv_tf.training import ModelCache  # pylint: disable=import-outside-toplevel
  config = ts_config.QUICK
  family = families.parse_family("mnist/simple_cnn")
  size = min(config.sizes_for(family.dataset))
  data = splits.load_split(family.dataset, config, data_dir)
  tc = families.train_config(family, recipe=config.recipe, epochs=config.epochs, max_epochs=config.max_epochs,
                             min_steps=config.min_steps_for(family.dataset), size=size, seed=0)
  cache = ModelCache(cache_dir)
  start = time.time()
  model, _, _ = ts_run.train_family_model(family, data, size, 0, tc, cache)
  source = "cache" if cache.last_hit else f"trained ({time.time() - start:.0f} s)"
  return model, data.x_test, data.y_test, 0.0, 1.0, source  # the study attacks MNIST in [0, 1]


# name -> loader: the models of the last two `cw-perpair` lines (kappa 0).
STUDY_MODELS = {"minimal-cnn": minimal_dataset_cnn, "simple-cnn": training_size_simple_cnn}
