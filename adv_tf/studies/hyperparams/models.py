"""The study's LeNets: a ModelSpec (Table 1 overrides + seed) trained to 98% (§5.1) through the ModelCache."""
from __future__ import annotations

import dataclasses
import math
from typing import Any, Mapping

from adv_tf.studies.hyperparams.config import IMAGE_SHAPE, NUM_CLASSES, TARGET_ACCURACY, train_config
from adv_tf.studies.hyperparams.data import StudyData


@dataclasses.dataclass(frozen=True)
class ModelSpec:
  """A LeNet variant and how it is trained: together with the data, the identity of a trained model."""
  model: Mapping[str, Any]   # LeNetConfig overrides from Table 1
  train: Mapping[str, Any]   # TrainConfig overrides from the paper-002 preset
  seed: int


class LeNetTrainer:
  """Trains (or loads from the cache) the LeNet of a ModelSpec, to the 98% target of §5.1."""

  def __init__(self, data: StudyData, *, cache, train_profile: str, strategy=None, verbose: int = 0,
               max_epochs: int | None = None, target_accuracy: float = TARGET_ACCURACY):
    self.data = data
    self.cache = cache
    self.train_profile = train_profile
    self.strategy = strategy
    self.verbose = verbose
    self.max_epochs = max_epochs
    self.target_accuracy = target_accuracy
    self.data_identity = {"train": data.info.identity(), "eval": data.test_info.identity()}

  def lenet_config(self, spec: ModelSpec):
    from adv_tf.models import LeNetConfig
    return LeNetConfig(**dict(spec.model))

  def train_config(self, spec: ModelSpec):
    config = train_config(self.train_profile)
    overrides = dict(spec.train, seed=spec.seed, target_accuracy=self.target_accuracy)
    if self.max_epochs is not None:
      overrides["epochs"] = min(config.epochs, self.max_epochs)
    return dataclasses.replace(config, **overrides)

  def get(self, spec: ModelSpec):
    """(model, train result dict, cache hit)."""
    from adv_tf import models
    from adv_tf.training import train_model
    lenet_config = self.lenet_config(spec)
    train_config = self.train_config(spec)
    padding = models.lenet_padding(lenet_config, IMAGE_SHAPE)
    # The full configs (defaults and the resolved padding included) are the model's identity.
    model, result = self.cache.get_or_train(
        model_name="lenet", model_config={**dataclasses.asdict(lenet_config), "resolved_padding": padding},
        train_config=train_config, data_identity=self.data_identity,
        build=lambda: models.build("lenet", IMAGE_SHAPE, NUM_CLASSES, config=lenet_config),
        train=lambda build: train_model(build, (self.data.x_train, self.data.y_train),
                                        (self.data.x_test, self.data.y_test), train_config,
                                        strategy=self.strategy, verbose=self.verbose))
    hit = self.cache.last_hit
    record = result.to_dict()
    record.pop("history", None)
    record["padding"] = padding
    record["target_accuracy"] = self.target_accuracy
    return model, record, hit


def train_summary(record: Mapping[str, Any]) -> dict:
  acc = float(record.get("test_accuracy", math.nan))
  target = float(record.get("target_accuracy", TARGET_ACCURACY))
  return {"test_accuracy": acc, "epochs": record.get("epochs"), "train_seconds": record.get("seconds"),
          "reached_target": bool(acc >= target), "target_accuracy": target, "padding": record.get("padding")}
