"""Fine-tuning: frozen weights (and frozen BatchNorm statistics) stay bit-identical to the parent's after
`train_model`; trainable ones move; name errors are one-line AdvTfErrors; the parent enters the child's key."""
from __future__ import annotations

import keras
import numpy as np
import pytest

from adv_tf.errors import AdvTfError
from adv_tf.training import ModelCache, TrainConfig, copy_model, finetune_from, freeze, freeze_spec, train_model

STAGES = ("stem_conv", "stem_bn", "stem_relu", "stage2_conv", "stage2_bn", "stage2_relu", "pool", "logits")


def _staged_model(seed: int = 0) -> keras.Model:
  """A tiny functional CNN with named stages: stem (conv, BN), stage2 (conv, BN), logits."""
  keras.utils.set_random_seed(seed)
  x = inputs = keras.Input((8, 8, 1))
  for stage, filters in (("stem", 4), ("stage2", 6)):
    x = keras.layers.Conv2D(filters, 3, padding="same", name=f"{stage}_conv")(x)
    x = keras.layers.BatchNormalization(name=f"{stage}_bn")(x)
    x = keras.layers.ReLU(name=f"{stage}_relu")(x)
  x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
  return keras.Model(inputs, keras.layers.Dense(3, name="logits")(x), name="staged")


def _data(n: int, seed: int):
  rng = np.random.default_rng(seed)
  y = rng.integers(0, 3, n)
  x = rng.normal(size=(n, 8, 8, 1)).astype(np.float32) + y[:, None, None, None]  # shifted so BN stats move
  return x, y


def _parent() -> keras.Model:
  """A parent whose BatchNorm statistics are no longer the initial 0/1 (one epoch of training)."""
  model, _ = train_model(_staged_model, _data(64, 0), _data(32, 1),
                         TrainConfig(optimizer="adam", learning_rate=1e-2, batch_size=16, epochs=1, seed=0))
  return model


def _finetune(parent, **freezing):
  config = TrainConfig(optimizer="sgd", learning_rate=0.1, momentum=0.9, weight_decay=1e-3, batch_size=16,
                       epochs=2, seed=1)
  model, result = train_model(lambda: finetune_from(parent, **freezing), _data(64, 2), _data(32, 3), config)
  assert result.steps == 8
  return model


def _layer_weights(model) -> dict[str, list[np.ndarray]]:
  return {layer.name: [np.array(w.numpy()) for w in layer.weights] for layer in model.layers if layer.weights}


@pytest.fixture(scope="module")
def parent():
  return _parent()


def test_copy_model_is_exact_and_independent(parent):
  clone = copy_model(parent)
  assert clone is not parent and [layer.name for layer in clone.layers][1:] == list(STAGES)
  for a, b in zip(parent.weights, clone.weights):
    assert np.array_equal(a.numpy(), b.numpy())
  clone.get_layer("logits").kernel.assign(np.zeros((6, 3), np.float32))
  assert np.any(parent.get_layer("logits").kernel.numpy() != 0)


@pytest.mark.parametrize("freezing, trained", [
    ({"trainable": ("logits",)}, {"logits"}),
    ({"frozen_before": "stage2"}, {"stage2_conv", "stage2_bn", "logits"}),
])
def test_frozen_weights_stay_bit_identical_after_training(parent, freezing, trained):
  before = _layer_weights(parent)
  child = _finetune(parent, **freezing)
  after = _layer_weights(child)
  for name, weights in before.items():
    for i, (old, new) in enumerate(zip(weights, after[name])):
      if name in trained:  # every trainable variable, BN moving mean/variance included, moved
        assert not np.array_equal(old, new), f"trainable {name} weight {i} did not change"
      else:  # frozen kernels, biases, BN gamma/beta AND moving statistics (inference-mode BN)
        assert np.array_equal(old, new), f"frozen {name} weight {i} changed"
  assert _layer_weights(parent).keys() == before.keys()
  for name, weights in _layer_weights(parent).items():  # the parent itself is untouched
    assert all(np.array_equal(a, b) for a, b in zip(weights, before[name]))


def test_unfrozen_batchnorm_statistics_do_move(parent):
  """Control for the test above: with nothing frozen the stem's BN statistics change, so 'unchanged' means frozen."""
  child = _finetune(parent, frozen_before="stem")
  old, new = _layer_weights(parent)["stem_bn"], _layer_weights(child)["stem_bn"]
  assert all(not np.array_equal(a, b) for a, b in zip(old, new))  # gamma, beta, moving mean, moving variance


def test_frozen_before_freezes_exactly_the_earlier_layers():
  model = freeze(_staged_model(), frozen_before="stage2")
  assert [layer.name for layer in model.layers[1:] if layer.trainable] == ["stage2_conv", "stage2_bn", "stage2_relu",
                                                                        "pool", "logits"]
  assert {v.path.split("/")[0] for v in model.trainable_variables} == {"stage2_conv", "stage2_bn", "logits"}
  # freezing again with another choice replaces the first one
  model = freeze(model, trainable=("stem_conv", "logits"))
  assert [layer.name for layer in model.layers[1:] if layer.trainable] == ["stem_conv", "logits"]
  assert len(model.trainable_variables) == 4  # two kernels, two biases


def test_bad_names_and_arguments_are_one_line_errors():
  model = _staged_model()
  with pytest.raises(AdvTfError, match=r"no layer\(s\) \['fc9'\].*its layers: stem_conv, stem_bn.*logits$"):
    freeze(model, trainable=("logits", "fc9"))
  with pytest.raises(AdvTfError, match="no layer whose name starts with 'layer4'.*stage2_bn"):
    freeze(model, frozen_before="layer4")
  with pytest.raises(AdvTfError, match="no layer whose name starts with 'layer4'"):
    finetune_from(model, frozen_before="layer4")
  with pytest.raises(AdvTfError, match="exactly one"):
    freeze(model)
  with pytest.raises(AdvTfError, match="exactly one"):
    finetune_from(model, trainable=("logits",), frozen_before="stage2")
  with pytest.raises(AdvTfError, match="tuple of layer names"):
    freeze(model, trainable="logits")
  assert all(layer.trainable for layer in model.layers)  # a failed call froze nothing


def test_child_cache_key_names_its_parent_and_its_freezing(tmp_path):
  cache = ModelCache(tmp_path)
  data = {"train": {"name": "generated", "n": 64}}

  def parent_key(seed):
    return cache.key(model_name="staged", model_config={}, train_config=TrainConfig(seed=seed), data_identity=data)

  def child_key(parent, **freezing):
    return cache.key(model_name="staged", model_config={"finetune": freeze_spec(**freezing)},
                     train_config=TrainConfig(epochs=2), data_identity=data, parent=parent)

  logits_only = {"trainable": ("logits",)}
  assert parent_key(0) != parent_key(1)
  assert child_key(parent_key(0), **logits_only) == child_key(parent_key(0), **logits_only)
  assert child_key(parent_key(0), **logits_only) != child_key(parent_key(1), **logits_only)
  assert child_key(parent_key(0), **logits_only) != child_key(parent_key(0), frozen_before="stage2")
  assert child_key(parent_key(0), **logits_only) != child_key(None, **logits_only)
  assert freeze_spec(trainable=("logits", "stem_conv")) == freeze_spec(trainable=("stem_conv", "logits"))
