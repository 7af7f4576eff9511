"""Paper 003 models (§III-C): builders, backbone freezing, pretrained weights, fine-tuning and adversarial
retraining (§III-E), each trained once through the ModelCache.

Fine-tuning recipe (§III-C + authors' code): SGD lr 0.01, momentum 0.9, batch 64, 5 epochs, cross-entropy, no
weight decay or schedule; with pretrained weights the backbone is frozen up to the last stage (WRN: conv1..layer3;
GoogLeNet: everything before inception 5a, our choice for the unstated rule) and a new 10-way head trains.
Keras runs frozen BatchNorm layers in inference mode, so their running statistics stay fixed (the authors'
PyTorch model in train mode kept updating them): stated in the report.
"""
from __future__ import annotations

import pathlib
import time
from typing import Callable, Optional

import keras
import numpy as np
import tensorflow as tf

from adv_tf.attacks.dgsm import dgsm_graph
from adv_tf.defenses.adversarial_training import AdversarialTrainer, AdversarialTrainingConfig
from adv_tf.errors import AdvTfError
from adv_tf.models import build
from adv_tf.training.config import TrainConfig, TrainResult
from adv_tf.training.loop import train_model

# name -> (registered builder, its options, description). wrn10_2/wrn16_4 are the affordable "Wide ResNet" of
# ref. [9] (Zagoruyko & Komodakis CIFAR layout) for CPU profiles.
MODEL_BUILDERS: dict[str, tuple[str, dict, str]] = {
    "wrn50_2": ("wide_resnet", {"variant": "wrn50_2"}, "WRN-50-2 (torchvision layout, the paper's)"),
    "googlenet": ("googlenet", {}, "GoogLeNet / Inception v1 (torchvision layout, no aux heads)"),
    "wrn16_4": ("wide_resnet", {"variant": "cifar", "depth": 16, "width": 4}, "WRN-16-4 (CIFAR layout)"),
    "wrn10_2": ("wide_resnet", {"variant": "cifar", "depth": 10, "width": 2}, "WRN-10-2 (CIFAR layout)"),
}


# Extra builder options with torchvision ImageNet weights: torchvision's pretrained GoogLeNet re-normalises its
# [0, 1] input (`transform_input=True`), and the authors fed it [0, 1] images without normalisation (REPO).
PRETRAINED_OPTIONS: dict[str, dict] = {"googlenet": {"transform_input": True}}


def build_model(name: str, image_size: int, num_classes: int = 10, *, pretrained: bool = False) -> keras.Model:
  builder, options, _ = MODEL_BUILDERS[name]
  extra = PRETRAINED_OPTIONS.get(name, {}) if pretrained else {}
  return build(builder, (image_size, image_size, 3), num_classes, **options, **extra)


def last_stage_start(model: keras.Model, name: str) -> int:
  """Index in `model.layers` of the first layer of the last stage (what stays trainable when frozen).

  WRN-50-2: the first Conv2D with 1024 filters (layer4's first 1x1 conv); GoogLeNet: the first layer after
  the max pool that follows `inception4e`; CIFAR WRNs: the first conv of the last stage (64 * width filters).
  """
  layers = model.layers
  if name == "googlenet":
    concat = next(i for i, layer in enumerate(layers) if layer.name == "inception4e")
    pool = next(i for i in range(concat + 1, len(layers)) if isinstance(layers[i], keras.layers.MaxPooling2D)
                and layers[i].pool_size == (2, 2))
    return pool + 1
  widest = {"wrn50_2": 1024, "wrn16_4": 256, "wrn10_2": 128}[name]
  return next(i for i, layer in enumerate(layers) if isinstance(layer, keras.layers.Conv2D)
              and layer.filters == widest)


def freeze_backbone(model: keras.Model, name: str) -> int:
  """Sets trainable=False on every layer before the last stage; returns how many layers were frozen."""
  start = last_stage_start(model, name)
  for layer in model.layers[:start]:
    layer.trainable = False
  return start


def pretrained_path(pretrained_dir: Optional[str], name: str) -> Optional[pathlib.Path]:
  """`<dir>/<name>.safetensors` or `.npz` when present."""
  if not pretrained_dir:
    return None
  for suffix in (".safetensors", ".npz"):
    path = pathlib.Path(pretrained_dir).expanduser() / f"{name}{suffix}"
    if path.exists():
      return path
  raise AdvTfError(f"--pretrained_dir={pretrained_dir} has no {name}.safetensors or {name}.npz; convert "
                   "torchvision weights with data_prep/torchvision_weights.py or drop the flag")


def make_builder(name: str, image_size: int, weights: Optional[pathlib.Path]) -> Callable[[], keras.Model]:
  """A builder of the model; with weights: ImageNet backbone loaded, new 10-way head, backbone frozen."""
  def builder() -> keras.Model:
    model = build_model(name, image_size, pretrained=weights is not None)
    if weights is not None:
      from adv_tf.models import torchvision_weights
      torchvision_weights.load_into(model, torchvision_weights.read_state_dict(weights), name, skip_head=True)
      freeze_backbone(model, name)
    return model
  return builder


def base_train_config(cfg, seed: int) -> TrainConfig:
  """§III-C recipe (authors' batch 64); shuffle the whole training set every epoch; `seed` seeds the weights,
  the data order and the augmentation."""
  return TrainConfig(optimizer="sgd", learning_rate=cfg.learning_rate, momentum=cfg.momentum,
                     batch_size=cfg.batch_size, epochs=cfg.base_epochs, shuffle_buffer=100_000, seed=seed)


class DgsmRandomTargetTrainer(AdversarialTrainer):
  """The slides' variant: the adversarial part of each batch is DGSM toward random targets != y (eps, the
  config's DGSM step and iterations)."""

  def __init__(self, model, config, *, step: float, iterations: int, num_classes: int = 10, **kwargs):
    super().__init__(model, config, **kwargs)
    self.step, self.iterations, self.num_classes = float(step), int(iterations), int(num_classes)

  def adversarial_batch(self, x, y):
    c = self.config
    x = tf.convert_to_tensor(x, tf.float32)
    y = tf.cast(tf.reshape(y, [-1]), tf.int64)
    n_adv = tf.cast(tf.round(c.ratio * tf.cast(tf.shape(x)[0], tf.float32)), tf.int32)
    xa, ya = x[:n_adv], y[:n_adv]
    shift = tf.random.uniform(tf.shape(ya), 1, self.num_classes, dtype=tf.int64)
    targets = (ya + shift) % self.num_classes
    adv = dgsm_graph(self.model, xa, ya, targets, c.eps, self.step, self.iterations, clip_min=c.clip_min,
                     clip_max=c.clip_max)
    return tf.concat([tf.stop_gradient(adv), x[n_adv:]], axis=0)


def adversarial_retrain(base: keras.Model, variant: str, cfg, train_ds: tf.data.Dataset, x_test, y_test,
                        seed: int, log: Optional[Callable[[str], None]] = None) -> tuple[keras.Model, TrainResult]:
  """§III-E: `cfg.at_epochs` epochs of retraining from the fine-tuned model, round(ratio * B) of each batch
  replaced by adversarial examples crafted against the current weights (the library's AdversarialTrainer; the
  paper's wording "adds" them: see the report). `seed`: the base model's (global RNGs get seed + 1). `log`:
  called with one progress line per epoch."""
  model = keras.models.clone_model(base)
  model.set_weights(base.get_weights())
  at = AdversarialTrainingConfig(eps=cfg.at_eps, ratio=cfg.at_ratio)
  trainer = (AdversarialTrainer(model, at) if variant == "fgsm" else
             DgsmRandomTargetTrainer(model, at, step=cfg.dgsm_step, iterations=cfg.dgsm_iterations))
  trainer.compile(optimizer=keras.optimizers.SGD(cfg.learning_rate, momentum=cfg.momentum),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
  keras.utils.set_random_seed(seed + 1)
  start = time.perf_counter()
  callbacks = [] if log is None else [keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: log(
      f"retraining epoch {epoch + 1}/{cfg.at_epochs}: loss {logs.get('loss', float('nan')):.4f}, "
      f"{time.perf_counter() - start:.0f} s"))]
  history = trainer.fit(train_ds, epochs=cfg.at_epochs, verbose=0, callbacks=callbacks)
  accuracy = float(np.mean(np.argmax(model.predict(x_test, batch_size=256, verbose=0), -1) == y_test))
  result = TrainResult(test_accuracy=accuracy, epochs=float(cfg.at_epochs),
                       seconds=time.perf_counter() - start, reached_target=None,
                       history={k: [float(v) for v in vals] for k, vals in history.history.items()},
                       steps=int(trainer.optimizer.iterations.numpy()))
  return model, result


class Trainer:
  """Gets (or trains) the base and adversarially retrained models through the ModelCache."""

  def __init__(self, data, cfg, cache, strategy=None):
    self.data, self.cfg, self.cache, self.strategy = data, cfg, cache, strategy
    self._models: dict = {}

  def _train_ds(self, seed: int) -> tf.data.Dataset:
    """The retraining batches: order and augmentation seeded from the model's seed (seed + 2, seed + 3)."""
    from adv_tf.data.pipeline import augment
    d = self.data
    ds = tf.data.Dataset.from_tensor_slices((d.x_train, d.y_train)).cache()
    ds = ds.shuffle(len(d.y_train), seed=seed + 2, reshuffle_each_iteration=True).batch(self.cfg.batch_size,
                                                                                         drop_remainder=True)
    return augment(ds, d.train_transforms, seed=seed + 3).prefetch(tf.data.AUTOTUNE)

  def model_config(self, name: str) -> dict:
    weights = pretrained_path(self.cfg.pretrained_dir, name)
    builder, options, _ = MODEL_BUILDERS[name]
    return {"builder": builder, **options, "image_size": self.cfg.image_size,
            "pretrained": None if weights is None else weights.name, "frozen_backbone": weights is not None,
            "train_transforms": [t.spec() for t in self.data.train_transforms]}

  def base(self, name: str, seed: int, log: Optional[Callable[[str], None]] = None) -> tuple[keras.Model, TrainResult]:
    """The §III-C model of `seed` (from the cache or trained; `log` gets a line per training epoch)."""
    if ("base", name, seed) not in self._models:
      weights = pretrained_path(self.cfg.pretrained_dir, name)
      d = self.data
      tc = base_train_config(self.cfg, seed)
      self._models[("base", name, seed)] = self.cache.get_or_train(
          model_name=f"paper003_{name}", model_config=self.model_config(name), train_config=tc,
          data_identity=d.train_identity, build=make_builder(name, self.cfg.image_size, weights),
          train=lambda b: train_model(b, (d.x_train, d.y_train), (d.x_test, d.y_test), tc,
                                      strategy=self.strategy, train_transforms=d.train_transforms, on_epoch=log))
    return self._models[("base", name, seed)]

  def adversarial(self, name: str, variant: str, seed: int,
                  log: Optional[Callable[[str], None]] = None) -> tuple[keras.Model, TrainResult]:
    """`variant` retraining of the base model of the same seed (`log`: a line per training epoch)."""
    if (variant, name, seed) not in self._models:
      base, _ = self.base(name, seed, log)
      cfg = self.cfg
      tc = base_train_config(cfg, seed).replace(epochs=cfg.at_epochs)
      extra = {"at_variant": variant, "at_eps": cfg.at_eps, "at_ratio": cfg.at_ratio}
      if variant == "dgsm_random":
        extra.update(dgsm_step=cfg.dgsm_step, dgsm_iterations=cfg.dgsm_iterations)
      parent = self.cache.key(model_name=f"paper003_{name}", model_config=self.model_config(name),
                              train_config=base_train_config(cfg, seed), data_identity=self.data.train_identity)
      self._models[(variant, name, seed)] = self.cache.get_or_train(
          model_name=f"paper003_{name}_at", model_config={**self.model_config(name), **extra}, train_config=tc,
          data_identity=self.data.train_identity, parent=parent, build=lambda: base,
          train=lambda b: adversarial_retrain(b(), variant, cfg, self._train_ds(seed), self.data.x_test,
                                              self.data.y_test, seed, log))
    return self._models[(variant, name, seed)]
