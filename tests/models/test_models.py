"""Model builders: every model builds for its datasets and trains a step; paper parameter counts; LeNet grid."""
from __future__ import annotations

import dataclasses
import functools

import keras
import numpy as np
import pytest
import tensorflow as tf

from adv_tf.errors import AdvTfError
from adv_tf.models import AdaptiveMaxPooling2D, LeNetConfig, build, lenet_padding, names, trainable_params

# (name, kwargs, [(input_shape, classes) of the datasets it is used on], small shape for the train step)
MODEL_CASES = [
    ("lenet", {}, [((28, 28, 1), 10)], (28, 28, 1)),
    ("madry_cnn", {}, [((14, 14, 1), 10), ((28, 28, 1), 10), ((56, 56, 1), 10)], (14, 14, 1)),
    ("lenet5", {}, [((28, 28, 1), 10), ((10, 10, 1), 10)], (28, 28, 1)),
    ("mlp", {}, [((28, 28, 1), 10), ((32, 32, 3), 10)], (28, 28, 1)),
    ("simple_cnn", {}, [((28, 28, 1), 10), ((32, 32, 3), 10)], (28, 28, 1)),
    ("vgg20", {}, [((96, 96, 3), 10), ((64, 64, 3), 200)], (32, 32, 3)),
    ("resnet20", {}, [((28, 28, 1), 10), ((96, 96, 3), 10), ((64, 64, 3), 200)], (28, 28, 1)),
    ("resnet32", {}, [((32, 32, 3), 10)], (32, 32, 3)),
    ("densenet40", {}, [((32, 32, 3), 10), ((96, 96, 3), 10), ((64, 64, 3), 200)], (32, 32, 3)),
    ("resnet18_cifar", {}, [((16, 16, 3), 10), ((32, 32, 3), 100), ((64, 64, 3), 10)], (16, 16, 3)),
    ("resnet18", {}, [((56, 56, 3), 1000), ((112, 112, 3), 1000), ((224, 224, 3), 1000)], (32, 32, 3)),
    ("wide_resnet", {}, [((224, 224, 3), 10)], (32, 32, 3)),
    ("wide_resnet", {"variant": "cifar"}, [((32, 32, 3), 10)], (32, 32, 3)),
    ("googlenet", {}, [((224, 224, 3), 10)], (32, 32, 3)),
]


def _built(name: str, shape: tuple, classes: int, kwargs: tuple = ()) -> keras.Model:
  """Each (model, shape) is built once per session: building the big ones dominates test time."""
  return _build_once(name, tuple(shape), classes, tuple(kwargs))


@functools.lru_cache(maxsize=None)
def _build_once(name: str, shape: tuple, classes: int, kwargs: tuple) -> keras.Model:
  keras.utils.set_random_seed(0)
  return build(name, shape, classes, **dict(kwargs))


def _one_step(model: keras.Model, batch: int = 2, seed: int = 0) -> float:
  """One eager SGD step on random data; returns the loss and checks that the weights moved."""
  rng = np.random.default_rng(seed)
  shape = model.input_shape[1:]
  classes = model.output_shape[-1]
  x = rng.uniform(0, 1, (batch, *shape)).astype(np.float32)
  y = rng.integers(0, classes, batch)
  before = [v.numpy().copy() for v in model.trainable_variables]
  opt = keras.optimizers.SGD(0.01)
  with tf.GradientTape() as tape:
    logits = model(x, training=True)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits)) + sum(model.losses)
  grads = tape.gradient(loss, model.trainable_variables)
  assert all(g is not None for g in grads)
  opt.apply_gradients(zip(grads, model.trainable_variables))
  after = [v.numpy() for v in model.trainable_variables]
  assert any(not np.array_equal(a, b) for a, b in zip(before, after))
  assert np.isfinite(float(loss))
  return float(loss)


def test_registry_has_every_model():
  assert set(names()) == {"lenet", "madry_cnn", "lenet5", "mlp", "simple_cnn", "vgg20", "resnet20", "resnet32",
                          "densenet40", "resnet18_cifar", "resnet18", "wide_resnet", "googlenet"}


@pytest.mark.parametrize("name,kwargs,shapes,small", MODEL_CASES, ids=[f"{c[0]}{c[1] or ''}" for c in MODEL_CASES])
def test_model_builds_for_its_datasets_and_trains_a_step(name, kwargs, shapes, small):
  for shape, classes in shapes:
    model = _built(name, shape, classes, tuple(kwargs.items()))
    assert model.output_shape == (None, classes)
    assert model.layers[-1].get_config().get("activation") in (None, "linear")  # logits, not softmax
  keras.utils.set_random_seed(0)
  model = build(name, small, shapes[0][1], **kwargs) if small != shapes[0][0] else _built(
      name, small, shapes[0][1], tuple(kwargs.items()))
  _one_step(model)


# Paper 004 Table 1 (trainable parameters), plus torchvision's counts for the ImageNet layouts.
PARAM_COUNTS = [
    ("mlp", (28, 28, 1), 10, 814_090),
    ("mlp", (32, 32, 3), 10, 3_157_002),
    ("simple_cnn", (28, 28, 1), 10, 312_202),
    ("simple_cnn", (32, 32, 3), 10, 1_147_978),
    ("resnet20", (28, 28, 1), 10, 272_778),
    ("resnet20", (96, 96, 3), 10, 278_186),
    ("resnet32", (32, 32, 3), 10, 467_946),
    ("densenet40", (32, 32, 3), 10, 1_019_722),
    ("densenet40", (96, 96, 3), 10, 1_019_722),
    ("densenet40", (64, 64, 3), 200, 1_105_032),
    ("resnet18", (224, 224, 3), 1000, 11_689_512),
    # torchvision's 1000-class GoogLeNet has 6,624,904; with 10 classes the head has 990 x 1025 fewer.
    ("googlenet", (224, 224, 3), 10, 6_624_904 - 990 * 1025),
    # torchvision's wide_resnet50_2 has 68,883,240; 10 classes: 990 x 2049 fewer.
    ("wide_resnet", (224, 224, 3), 10, 68_883_240 - 990 * 2049),
    ("madry_cnn", (28, 28, 1), 10, 3_274_634),  # paper 001 Table 1: 3136 -> 1024 -> 10
    ("lenet", (28, 28, 1), 10, 569_606),  # 832 + 51,264 + 4*4*64*500+500 + 5,010
]


@pytest.mark.parametrize("name,shape,classes,count", PARAM_COUNTS)
def test_trainable_parameter_counts_equal_the_papers(name, shape, classes, count):
  assert trainable_params(_built(name, shape, classes)) == count


def test_vgg20_head_matches_paper_004_difference_between_stl10_and_tiny_imagenet():
  # The conv stack cannot be recovered from the paper; the head (flatten -> 512 -> 512 -> classes)
  # is pinned by the difference of its two counts, 7,257,322 - 6,044,072.
  stl = trainable_params(_built("vgg20", (96, 96, 3), 10))
  tiny = trainable_params(_built("vgg20", (64, 64, 3), 200))
  assert stl - tiny == 7_257_322 - 6_044_072
  assert (stl, tiny) == (7_241_898, 6_028_648)  # the numbers stated in the vgg20 docstring


def test_batchnorm_moving_statistics_are_not_trainable():
  model = _built("resnet20", (28, 28, 1), 10)
  assert trainable_params(model) < sum(int(np.prod(v.shape)) for v in model.weights)


# ------------------------------------------------------------------------------------ adaptive pooling

@pytest.mark.parametrize("size", [14, 28, 56, 10, 17])
def test_adaptive_max_pooling_matches_pytorch_bins(size):
  rng = np.random.default_rng(size)
  x = rng.normal(size=(2, size, size + 3, 4)).astype(np.float32)
  out = AdaptiveMaxPooling2D((7, 7))(x).numpy()
  assert out.shape == (2, 7, 7, 4)
  expected = np.zeros_like(out)
  for i in range(7):
    r0, r1 = (i * size) // 7, -((-(i + 1) * size) // 7)
    for j in range(7):
      c0, c1 = (j * (size + 3)) // 7, -((-(j + 1) * (size + 3)) // 7)
      expected[:, i, j] = x[:, r0:r1, c0:c1].max(axis=(1, 2))
  np.testing.assert_array_equal(out, expected)


def test_madry_cnn_equals_plain_pooling_at_28(tmp_path):
  model = build("madry_cnn", (28, 28, 1), 10)
  assert model.get_layer("adaptive_pool").output.shape[1:] == (7, 7, 64)
  path = tmp_path / "m.keras"
  model.save(path)
  loaded = keras.saving.load_model(path, compile=False)
  x = np.random.default_rng(0).uniform(size=(3, 28, 28, 1)).astype(np.float32)
  np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------------------------- LeNet

def test_lenet_default_is_paper_002_table_1():
  model = build("lenet", (28, 28, 1), 10)
  convs = [l for l in model.layers if isinstance(l, keras.layers.Conv2D)]
  pools = [l for l in model.layers if isinstance(l, keras.layers.MaxPooling2D)]
  dense = [l for l in model.layers if isinstance(l, keras.layers.Dense)]
  assert [c.filters for c in convs] == [32, 64]
  assert all(c.kernel_size == (5, 5) and c.strides == (1, 1) and c.padding == "valid" for c in convs)
  assert all(p.pool_size == (2, 2) and p.padding == "valid" for p in pools) and len(pools) == 2
  assert [d.units for d in dense] == [500, 10]
  for layer in convs + dense[:1]:
    assert layer.get_config()["activation"] == "relu"
  for layer in convs + dense:
    assert type(layer.kernel_initializer).__name__ == "GlorotUniform"
    assert type(layer.bias_initializer).__name__ == "Zeros"
    assert layer.kernel_regularizer is None and layer.activity_regularizer is None
  assert not any(isinstance(l, keras.layers.Dropout) for l in model.layers)
  assert lenet_padding(LeNetConfig(), (28, 28, 1)) == "valid"


# Every value of every axis of paper 002's Appendix table (plus elu).
LENET_GRID = (
    [("activation", v) for v in ("relu", "sigmoid", "linear", "tanh", "elu")]
    + [("input_dropout", v) for v in (0.1, 0.2, 0.3, 0.4, 0.5)]
    + [("dense_dropout", v) for v in (0.1, 0.2, 0.3, 0.4, 0.5)]
    + [("kernel_size", v) for v in (2, 3, 4, 5, 6)]
    + [("pool_size", v) for v in (2, 3, 4, 5, 6)]
    + [("stride", v) for v in (1, 2)]
    + [("kernel_initializer", v) for v in ("orthogonal", "truncated_normal", "random_uniform", "glorot_uniform")]
    + [("bias_initializer", v) for v in ("random_uniform", "truncated_normal", "zeros")]
    + [("hidden_units", v) for v in (100, 200, 300, 400, 500)]
    + [("dense_layers", v) for v in (1, 2, 3, 4, 5)]
    + [("filters", v) for v in ((32, 64), (64, 128), (128, 256), (256, 512), (512, 1024))]
    + [("kernel_regularizer", v) for v in ("l1", "l2", "l1_l2")]
    + [("activity_regularizer", v) for v in ("l1", "l2", "l1_l2")]
)


@pytest.mark.parametrize("field,value", LENET_GRID, ids=[f"{f}={v}" for f, v in LENET_GRID])
def test_every_lenet_grid_value_builds_and_trains_a_step(field, value):
  keras.utils.set_random_seed(0)
  config = LeNetConfig(**{field: value})
  model = build("lenet", (28, 28, 1), 10, config=config)
  assert model.output_shape == (None, 10)
  if field == "filters":
    assert [l.filters for l in model.layers if isinstance(l, keras.layers.Conv2D)] == list(value)
  if field == "dense_layers":
    assert len([l for l in model.layers if isinstance(l, keras.layers.Dense)]) == value + 1
  if field.endswith("regularizer"):
    model(np.zeros((1, 28, 28, 1), np.float32))
    assert model.losses
  _one_step(model)


def test_lenet_fields_and_config_build_the_same_model():
  a = build("lenet", (28, 28, 1), 10, config=LeNetConfig(kernel_size=3, hidden_units=200))
  b = build("lenet", (28, 28, 1), 10, kernel_size=3, hidden_units=200)
  assert [w.shape for w in a.weights] == [w.shape for w in b.weights]


@pytest.mark.parametrize("overrides", [dict(pool_size=6), dict(stride=2), dict(kernel_size=6, pool_size=5)])
def test_lenet_falls_back_to_same_padding_when_valid_leaves_no_map(overrides):
  config = LeNetConfig(**overrides)
  assert lenet_padding(config, (28, 28, 1)) == "same"
  model = build("lenet", (28, 28, 1), 10, config=config)
  assert all(l.padding == "same" for l in model.layers if isinstance(l, (keras.layers.Conv2D, keras.layers.MaxPooling2D)))
  assert all(min(l.output.shape[1:3]) >= 1 for l in model.layers if isinstance(l, keras.layers.MaxPooling2D))
  with pytest.raises(AdvTfError, match="use padding='auto' or 'same'"):
    lenet_padding(dataclasses.replace(config, padding="valid"), (28, 28, 1))


def test_lenet_padding_stays_valid_where_the_map_survives():
  assert lenet_padding(LeNetConfig(pool_size=3), (28, 28, 1)) == "valid"  # 24 -> 8 -> 4 -> 1
  assert lenet_padding(LeNetConfig(padding="same"), (28, 28, 1)) == "same"


@pytest.mark.parametrize("kwargs", [
    dict(activation="softmax"), dict(input_dropout=1.0), dict(dense_dropout=-0.1), dict(kernel_size=0),
    dict(pool_size=2.5), dict(stride=True), dict(kernel_initializer="he_normal"), dict(bias_initializer="ones"),
    dict(hidden_units=0), dict(dense_layers=-1), dict(filters=(32,)), dict(filters=(32, "64")),
    dict(kernel_regularizer="l3"), dict(activity_regularizer="L1"), dict(padding="full"),
    dict(regularizer_strength=-1.0),
])
def test_invalid_lenet_values_give_one_line_errors(kwargs):
  with pytest.raises(AdvTfError) as info:
    LeNetConfig(**kwargs)
  assert "\n" not in str(info.value) and "LeNetConfig." in str(info.value)


@pytest.mark.parametrize("call,match", [
    (lambda: build("alexnet", (28, 28, 1), 10), "unknown model 'alexnet'"),
    (lambda: build("lenet", (28, 28), 10), "input_shape"),
    (lambda: build("lenet", (28, 28, 1), 1), "num_classes"),
    (lambda: build("lenet", (28, 28, 1), 10, kernel=3), "no field"),
    (lambda: build("mlp", (28, 28, 1), 10, depth=3), "no option"),
    (lambda: build("lenet", (28, 28, 1), 10, config=LeNetConfig(), stride=2), "not both"),
    (lambda: build("simple_cnn", (28, 28, 1), 10, variant="svhn"), "variant"),
    (lambda: build("wide_resnet", (32, 32, 3), 10, variant="wrn101"), "variant"),
    (lambda: build("madry_cnn", (8, 8, 1), 10), "at least 14x14"),
])
def test_build_errors_are_one_line(call, match):
  with pytest.raises(AdvTfError, match=match) as info:
    call()
  assert "\n" not in str(info.value)


def test_lenet_regularizers_use_regularizer_strength():
  model = build("lenet", (28, 28, 1), 10, kernel_regularizer="l1_l2", regularizer_strength=1e-3)
  kernels = [l.kernel.numpy() for l in model.layers if isinstance(l, (keras.layers.Conv2D, keras.layers.Dense))]
  expected = sum(1e-3 * np.abs(k).sum() + 1e-3 * np.square(k).sum() for k in kernels)
  np.testing.assert_allclose(float(sum(model.losses)), expected, rtol=1e-4)
  model = build("lenet", (28, 28, 1), 10, activity_regularizer="l2", regularizer_strength=0.5)
  x = np.random.default_rng(0).uniform(-0.5, 0.5, (2, 28, 28, 1)).astype(np.float32)
  model(x)
  activity = sum(float(v) for v in model.losses)
  assert activity > 0 and len(model.losses) == 3  # two convs and the hidden dense layer
