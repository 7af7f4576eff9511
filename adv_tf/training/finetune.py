"""Fine-tuning from a parent model: an exact copy, then freezing by layer name or by stage.

Needed by paper 000 (resized CIFAR-10 models fine-tuned from the 32x32 ones), paper 001 §4-5 ("freezing
all but the last layers", "retrain the final layer": `trainable=("logits",)`) and paper 003 (a frozen
backbone: `frozen_before="layer4"`).

Freezing works on the model's top-level layers (`model.layers`, in the functional graph's topological
order, input layers left out); a nested sub-model counts as one layer, so a stage built as a sub-model is
frozen or trained whole. Keras 3 semantics (as tf.keras since TF 2.0): a layer with `trainable=False` has
no trainable variables (the optimizer never sees them) and a frozen `BatchNormalization` runs in inference
mode even under `training=True`, so its moving mean and variance are not updated either (unlike PyTorch's
`requires_grad=False`, where BatchNorm statistics keep moving unless the module is also put in eval mode).
A frozen weight of the child therefore stays bit-identical to the parent's.

Caching: give the child's `ModelCache.get_or_train` `parent=` the parent's `ModelCache.key(...)` and put
the freezing choice (`freeze_spec(...)`) in its model config, so a different parent or a different
fine-tune both change the child's key.
"""
from __future__ import annotations

from typing import Optional

import keras

from adv_tf.errors import AdvTfError


def copy_model(model: keras.Model) -> keras.Model:
  """An independent model with the same architecture and exactly the same weights (the parent is untouched)."""
  clone = keras.models.clone_model(model)
  clone.set_weights(model.get_weights())
  return clone


def _layers(model: keras.Model) -> list:
  """The top-level layers that can be frozen (input layers hold nothing and get fresh names in a copy: left out)."""
  return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def freeze_spec(*, trainable: Optional[tuple[str, ...]] = None, frozen_before: Optional[str] = None) -> dict:
  """The freezing choice as a JSON-able dict (for a cache key's model config); checks exactly one is given."""
  if (trainable is None) == (frozen_before is None):
    raise AdvTfError("freeze needs exactly one of trainable=(layer names, ...) or frozen_before='layer name prefix'")
  if trainable is not None:
    if isinstance(trainable, str) or not trainable:
      raise AdvTfError(f"trainable must be a non-empty tuple of layer names, got {trainable!r}")
    return {"trainable": sorted(trainable)}
  return {"frozen_before": frozen_before}


def _trainable_mask(model: keras.Model, spec: dict) -> list[bool]:
  """Per layer of `_layers(model)`: stays trainable? Raises AdvTfError for a name that matches no layer."""
  names = [layer.name for layer in _layers(model)]
  if "trainable" in spec:
    missing = sorted(set(spec["trainable"]) - set(names))
    if missing:
      raise AdvTfError(f"model {model.name!r} has no layer(s) {missing}; its layers: {', '.join(names)}")
    return [name in spec["trainable"] for name in names]
  prefix = spec["frozen_before"]
  first = next((i for i, name in enumerate(names) if name.startswith(prefix)), None)
  if first is None:
    raise AdvTfError(f"model {model.name!r} has no layer whose name starts with {prefix!r}; "
                     f"its layers: {', '.join(names)}")
  return [i >= first for i in range(len(names))]


def freeze(model: keras.Model, *, trainable: Optional[tuple[str, ...]] = None,
           frozen_before: Optional[str] = None) -> keras.Model:
  """Freezes part of `model` in place and returns it; exactly one of the two arguments:

  Args:
    trainable: names of the top-level layers that stay trainable; every other layer is frozen
      (e.g. `("logits",)` retrains the last layer only, paper 001 §5).
    frozen_before: a layer-name prefix; every layer before the first layer whose name starts with it is
      frozen and that layer and all after it are trainable (e.g. "layer4": a ResNet trains its last stage).

  Each top-level layer is set as a whole (Keras sets `trainable` recursively): a nested sub-model that stays
  trainable has every layer inside it trainable, whatever was set inside it before.

  Raises:
    AdvTfError: neither or both given, or a name matches no layer (the message lists the model's layers).
  """
  keep = _trainable_mask(model, freeze_spec(trainable=trainable, frozen_before=frozen_before))
  model.trainable = True
  for layer, train_it in zip(_layers(model), keep):
    layer.trainable = train_it
  return model


def finetune_from(parent: keras.Model, *, trainable: Optional[tuple[str, ...]] = None,
                  frozen_before: Optional[str] = None) -> keras.Model:
  """A copy of `parent` (see `copy_model`) frozen as `freeze` says; the parent itself is not changed."""
  _trainable_mask(parent, freeze_spec(trainable=trainable, frozen_before=frozen_before))  # fail before copying
  return freeze(copy_model(parent), trainable=trainable, frozen_before=frozen_before)
