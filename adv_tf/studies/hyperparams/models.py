"""The study's LeNets: a ModelSpec (Table 1 overrides + seed) trained to 98% (§5.1) through the ModelCache."""
from __future__ import annotations

import dataclasses
import math
import pathlib
from typing import Any, Mapping

from adv_tf.studies.hyperparams.config import IMAGE_SHAPE, NUM_CLASSES, TARGET_ACCURACY, train_config
from adv_tf.studies.hyperparams.data import StudyData


@dataclasses.dataclass(frozen=True)
class ModelSpec:
  """A LeNet variant and how it is trained: together with the data, the identity of a trained model."""
  model: Mapping[str, Any]   # LeNetConfig overrides from Table 1
  train: Mapping[str, Any]   # TrainConfig overrides from the paper-002 preset
  seed: int


def lenet_config(spec: ModelSpec):
  """The LeNetConfig of a spec: Table 1 defaults with the spec's overrides."""
  from adv_tf.models import LeNetConfig
  return LeNetConfig(**dict(spec.model))


def resolve_train_config(spec: ModelSpec, train_profile: str, *, target_accuracy: float = TARGET_ACCURACY,
                         max_epochs: int | None = None):
  """The TrainConfig a spec is trained with: the paper-002 recipe, the spec's overrides, its seed, the run's
  target accuracy (§5.1) and epoch cap."""
  config = train_config(train_profile)
  overrides = dict(spec.train, seed=spec.seed, target_accuracy=target_accuracy)
  if max_epochs is not None:
    overrides["epochs"] = min(config.epochs, max_epochs)
  return dataclasses.replace(config, **overrides)


def resolved_identity(spec: ModelSpec, train_profile: str, *, target_accuracy: float = TARGET_ACCURACY,
                      max_epochs: int | None = None) -> dict:
  """Every setting that decides the trained model, resolved (issue 10): the full LeNetConfig (defaults,
  `regularizer_strength` and the padding rule included), the padding it resolves to, the full TrainConfig
  (learning rate, batch, stop rule, evaluation interval, epoch cap). A changed preset default re-keys cells."""
  from adv_tf import models
  from adv_tf.utils.jsonable import to_jsonable
  lenet = lenet_config(spec)
  train = resolve_train_config(spec, train_profile, target_accuracy=target_accuracy, max_epochs=max_epochs)
  return {"lenet": to_jsonable(dataclasses.asdict(lenet)),
          "padding": models.lenet_padding(lenet, IMAGE_SHAPE),
          "train": to_jsonable(train.to_dict())}


@dataclasses.dataclass(eq=False)
class LeNetTrainer:
  """Trains (or loads from the cache) the LeNet of a ModelSpec, to the 98% target of §5.1."""
  data: StudyData
  _: dataclasses.KW_ONLY
  cache: Any
  train_profile: str
  strategy: Any = None
  verbose: int = 0
  max_epochs: int | None = None
  target_accuracy: float = TARGET_ACCURACY
  log_dir: Any = None  # TensorBoard training curves, one subfolder per trained model
  data_identity: dict = dataclasses.field(init=False)

  def __post_init__(self):
    self.data_identity = {"train": self.data.info.identity(), "eval": self.data.test_info.identity()}

  def lenet_config(self, spec: ModelSpec):
    return lenet_config(spec)

  def train_config(self, spec: ModelSpec):
    return resolve_train_config(spec, self.train_profile, target_accuracy=self.target_accuracy,
                                max_epochs=self.max_epochs)

  def get(self, spec: ModelSpec, on_epoch=None):
    """(model, train result dict, cache hit); `on_epoch` gets `train_model`'s per-epoch progress lines."""
    from adv_tf import models
    from adv_tf.training import train_model
    lenet_config = self.lenet_config(spec)
    train_config = self.train_config(spec)
    padding = models.lenet_padding(lenet_config, IMAGE_SHAPE)
    log_dir = None
    if self.log_dir is not None:
      from adv_tf.utils import stable_hash
      key = stable_hash([dict(spec.model), dict(spec.train)], length=10)
      log_dir = str(pathlib.Path(self.log_dir) / f"seed={spec.seed}-{key}")
    # The full configs (defaults and the resolved padding included) are the model's identity.
    model, result = self.cache.get_or_train(
        model_name="lenet", model_config={**dataclasses.asdict(lenet_config), "resolved_padding": padding},
        train_config=train_config, data_identity=self.data_identity,
        build=lambda: models.build("lenet", IMAGE_SHAPE, NUM_CLASSES, config=lenet_config),
        train=lambda build: train_model(build, (self.data.x_train, self.data.y_train),
                                        (self.data.x_test, self.data.y_test), train_config,
                                        strategy=self.strategy, verbose=self.verbose, log_dir=log_dir,
                                        on_epoch=on_epoch))
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
