"""Training: config validation, presets, losses, optimizers, schedules, determinism, early stop, cache."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from adv_tf.errors import AdvTfError
from adv_tf.models import LeNetConfig, build
from adv_tf.training import LOSSES, ModelCache, TrainConfig, train_model
from adv_tf.training.schedules import Plateau
from adv_tf.utils.jsonable import stable_hash

SMALL_LENET = dict(filters=(4, 8), hidden_units=32)


@pytest.fixture(scope="module")
def digits(mnist_arrays):
  """2,048 train / 512 test MNIST examples (real when ADV_TF_RAW_DIR has it), pixels in [-0.5, 0.5]."""
  a = mnist_arrays
  return ((a["x_train"][:2048] - 0.5, a["y_train"][:2048]), (a["x_test"][:512] - 0.5, a["y_test"][:512]))


def _lenet(**fields):
  return lambda: build("lenet", (28, 28, 1), 10, **{**SMALL_LENET, **fields})


def _weights(model):
  return [v.numpy() for v in model.weights]


# ------------------------------------------------------------------------------------------- config

@pytest.mark.parametrize("kwargs", [
    dict(optimizer="lbfgs"), dict(loss="focal"), dict(lr_schedule="cosine"), dict(batch_size=0),
    dict(epochs=1.5), dict(learning_rate=0.0), dict(momentum=1.5), dict(weight_decay=-1.0),
    dict(target_accuracy=1.5), dict(eval_every_steps=0), dict(max_train_examples=-3),
])
def test_invalid_train_config_gives_one_line_error(kwargs):
  with pytest.raises(AdvTfError) as info:
    TrainConfig(**kwargs)
  assert "\n" not in str(info.value)


# -------------------------------------------------------------------------------------------- losses

def _loss_inputs():
  rng = np.random.default_rng(0)
  logits = rng.normal(0, 2, (6, 5)).astype(np.float32)
  labels = rng.integers(0, 5, 6)
  return labels, logits, np.eye(5, dtype=np.float32)[labels]


def test_losses_match_keras_and_tf_references():
  labels, logits, onehot = _loss_inputs()
  probs = tf.nn.softmax(logits).numpy()
  refs = {
      "cross_entropy": keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True),
      "hinge": keras.losses.hinge(onehot, logits),  # Keras maps {0, 1} labels to {-1, +1}
      "mse": keras.losses.mean_squared_error(onehot, probs),
      "sigmoid_cross_entropy": keras.losses.binary_crossentropy(onehot, logits, from_logits=True),
      "log_loss": tf.reduce_mean(tf.compat.v1.losses.log_loss(
          onehot, probs, reduction=tf.compat.v1.losses.Reduction.NONE), axis=-1),
  }
  assert set(refs) == set(LOSSES.names())
  for name, ref in refs.items():
    np.testing.assert_allclose(LOSSES.get(name)(labels, logits).numpy(), np.asarray(ref), rtol=1e-4, atol=1e-5,
                               err_msg=name)


@pytest.mark.parametrize("loss", ["cross_entropy", "log_loss", "hinge", "mse", "sigmoid_cross_entropy"])
def test_every_loss_trains(digits, loss):
  """One epoch lowers the test loss it optimizes (hinge and MSE learn slowly but do go down)."""
  (x, y), test = digits
  keras.utils.set_random_seed(0)
  initial = float(tf.reduce_mean(LOSSES.get(loss)(test[1], _lenet()()(test[0]))))
  lr = 0.01 if loss == "cross_entropy" else 0.1  # losses averaged over classes have smaller gradients
  _, result = train_model(_lenet(), (x, y), test, TrainConfig(loss=loss, learning_rate=lr, batch_size=64, epochs=1))
  assert result.history["test_loss"][-1] < initial
  assert np.isfinite(result.history["loss"]).all()
  if loss == "cross_entropy":
    assert result.test_accuracy > 0.3  # chance is 0.1


@pytest.mark.parametrize("optimizer", ["sgd", "adadelta", "adagrad", "adam", "adamax", "nadam", "rmsprop"])
def test_every_optimizer_takes_steps(digits, optimizer):
  (x, y), test = digits
  lr = {"adadelta": 1.0, "sgd": 0.05, "adagrad": 0.05}.get(optimizer, 1e-3)
  config = TrainConfig(optimizer=optimizer, learning_rate=lr, batch_size=64, epochs=1, max_train_examples=512)
  keras.utils.set_random_seed(0)
  initial = _weights(_lenet()())
  model, result = train_model(_lenet(), (x, y), test, config)
  assert result.steps == 8
  assert any(not np.allclose(a, b) for a, b in zip(initial, _weights(model)))
  assert np.isfinite(result.history["loss"]).all() and np.isfinite(result.history["test_loss"]).all()


# Paper 002's quick LeNet recipe (adv_tf/studies/hyperparams/config.py: LENET_TRAIN["quick"]), written out here
# so that the generic training tests import no study.
LENET_SGD = TrainConfig(optimizer="sgd", learning_rate=0.01, momentum=0.9, batch_size=128, epochs=10,
                        target_accuracy=0.98, loss="cross_entropy", eval_every_steps=100)


@pytest.mark.parametrize("momentum", [0.2, 0.4, 0.6, 0.8, 1])
def test_paper002_momentum_grid_values_train(digits, momentum):
  """Paper 002 Appendix momentum 0.2 .. 1.0 (an int 1 from a JSON grid included)."""
  (x, y), test = digits
  config = LENET_SGD.replace(momentum=momentum, epochs=1, max_train_examples=256)
  model, result = train_model(_lenet(), (x, y), test, config)
  assert result.steps == 2 and np.isfinite(result.history["loss"]).all()


def test_weight_decay_is_coupled_l2():
  """One SGD step (no momentum) with decay wd moves each weight by an extra -lr * wd * w."""
  x = np.random.default_rng(0).uniform(-0.5, 0.5, (8, 28, 28, 1)).astype(np.float32)
  y = np.arange(8) % 10
  runs = {}
  for wd in (0.0, 0.1):
    keras.utils.set_random_seed(0)
    initial = _weights(_lenet()())
    model, _ = train_model(_lenet(), (x, y), (x, y), TrainConfig(momentum=0.0, learning_rate=0.5, batch_size=8,
                                                                 epochs=1, weight_decay=wd, shuffle_buffer=0))
    runs[wd] = _weights(model)
  for w0, plain, decayed in zip(initial, runs[0.0], runs[0.1]):
    np.testing.assert_allclose(decayed - plain, -0.5 * 0.1 * w0, atol=1e-5)


# ------------------------------------------------------------------------------------------ schedules

def test_step_schedule_and_plateau_change_the_learning_rate(digits):
  (x, y), test = digits
  config = TrainConfig(learning_rate=0.02, lr_schedule="step", lr_decay_epochs=(1, 2), lr_decay_factor=0.5,
                       batch_size=128, epochs=3, max_train_examples=256)
  _, result = train_model(_lenet(), (x, y), test, config)
  np.testing.assert_allclose(result.history["learning_rate"], [0.02, 0.01, 0.005])
  plateau = Plateau(patience=2, factor=0.1)
  lrs = [plateau.step(loss, 1.0) for loss in (1.0, 0.9, 0.9, 0.9)]
  assert lrs == [1.0, 1.0, 1.0, 1.0] and plateau.step(0.9, 1.0) == pytest.approx(0.1)
  # Learning rate 0 keeps the loss flat, so the plateau schedule must decay it after `patience` epochs.
  flat = TrainConfig(learning_rate=1e-9, lr_schedule="plateau", plateau_patience=0, plateau_factor=0.5,
                     batch_size=128, epochs=3, max_train_examples=256, shuffle_buffer=0)
  _, result = train_model(_lenet(), (x, y), test, flat)
  assert result.history["learning_rate"][-1] < result.history["learning_rate"][0]


# ---------------------------------------------------------------------------------------- behaviour

def test_on_epoch_gets_one_progress_line_per_epoch_with_the_recorded_accuracy(digits):
  """A long training shows progress: `on_epoch` gets "epoch k/N" after every epoch, with the test accuracy the
  history recorded for it (so the line is the result, not a placeholder)."""
  (x, y), test = digits
  lines = []
  _, result = train_model(_lenet(), (x, y), test, TrainConfig(batch_size=128, epochs=2, max_train_examples=256),
                          on_epoch=lines.append)
  assert [line.split(":")[0] for line in lines] == ["epoch 1/2", "epoch 2/2"]
  for line, accuracy in zip(lines, result.history["test_accuracy"]):
    assert f"test accuracy {accuracy:.4f}" in line and line.endswith(" s")


def test_a_diverged_model_stops_after_the_epoch_its_loss_went_non_finite(digits):
  """A learning rate of 1e6 sends the loss to inf/NaN within the first epoch: training stops there (an epoch
  more cannot recover it) and says why, instead of running every remaining epoch; the target is not reached."""
  (x, y), test = digits
  lines = []
  config = TrainConfig(optimizer="sgd", learning_rate=1e6, momentum=0.9, batch_size=64, epochs=4,
                       max_train_examples=512, target_accuracy=0.98)
  _, result = train_model(_lenet(), (x, y), test, config, on_epoch=lines.append)
  assert result.epochs == 1 and result.steps == 8 and not result.reached_target
  assert lines[-1] == "stopped after epoch 1: the training loss is not finite (the model diverged)"


def test_same_seed_same_weights_and_other_seed_differs(digits):
  (x, y), test = digits
  config = TrainConfig(batch_size=64, epochs=1, max_train_examples=1024, seed=7)
  fn = _lenet(input_dropout=0.2, dense_dropout=0.3)
  a, ra = train_model(fn, (x, y), test, config)
  b, rb = train_model(fn, (x, y), test, config)
  for wa, wb in zip(_weights(a), _weights(b)):
    np.testing.assert_array_equal(wa, wb)
  assert ra.history["loss"] == rb.history["loss"]
  c, _ = train_model(fn, (x, y), test, config.replace(seed=8))
  assert any(not np.array_equal(wa, wc) for wa, wc in zip(_weights(a), _weights(c)))


def test_batched_and_unbatched_datasets_train_identically(digits):
  (x, y), test = digits
  config = TrainConfig(batch_size=64, epochs=1, max_train_examples=512)
  unbatched = tf.data.Dataset.from_tensor_slices((x, y))
  a, _ = train_model(_lenet(), unbatched, test, config)
  b, _ = train_model(_lenet(), unbatched.batch(100), tf.data.Dataset.from_tensor_slices(test).batch(7), config)
  for wa, wb in zip(_weights(a), _weights(b)):
    np.testing.assert_array_equal(wa, wb)


def test_early_stop_at_target_accuracy_and_tensorboard_log(digits, tmp_path):
  (x, y), test = digits
  config = TrainConfig(learning_rate=0.05, batch_size=32, epochs=5, target_accuracy=0.5, eval_every_steps=8)
  _, result = train_model(_lenet(), (x, y), test, config, log_dir=tmp_path / "tb")
  assert result.reached_target and result.test_accuracy >= 0.5
  assert result.epochs < 5 and result.steps % 8 == 0
  assert result.history["test_accuracy"][-1] == result.test_accuracy
  assert list((tmp_path / "tb").glob("events.out.tfevents.*"))
  no_target = TrainConfig(batch_size=64, epochs=1, max_train_examples=128)
  _, result = train_model(_lenet(), (x, y), test, no_target)
  assert result.reached_target is None and result.epochs == 1


def test_restore_best_keeps_the_weights_of_the_best_evaluation(digits):
  """restore_best (paper 000's best-on-test checkpoint): a learning rate raised 10,000-fold after the first epoch
  wrecks the model, and the weights of the first (best) evaluation come back, with their accuracy and epoch."""
  (x, y), test = digits
  config = TrainConfig(learning_rate=0.05, lr_schedule="step", lr_decay_epochs=(1,), lr_decay_factor=1e4,
                       batch_size=64, epochs=3, max_train_examples=1024, restore_best=True)
  model, result = train_model(_lenet(), (x, y), test, config)
  accuracies = result.history["test_accuracy"]
  assert accuracies[0] > 0.3 and max(accuracies[1:]) < accuracies[0] - 0.1  # the wrecked epochs are worse
  assert result.best_epoch == 1.0 and result.test_accuracy == accuracies[0] and result.epochs == 3
  predicted = np.argmax(model.predict(test[0], verbose=0), -1)
  assert np.mean(predicted == test[1]) == pytest.approx(accuracies[0], abs=1e-6)
  # Without it the last (wrecked) weights stay; same seed, same trajectory.
  last, plain = train_model(_lenet(), (x, y), test, config.replace(restore_best=False))
  assert plain.best_epoch is None and plain.test_accuracy == accuracies[-1]
  assert np.mean(np.argmax(last.predict(test[0], verbose=0), -1) == test[1]) == pytest.approx(accuracies[-1], abs=1e-6)


def test_restore_best_is_absent_from_the_dict_at_its_default(tmp_path):
  """Added after models were cached: at its default it is left out of to_dict, so every earlier cache key and cell
  id stays the same; set, it is in the dict (and so in the key)."""
  assert "restore_best" not in TrainConfig().to_dict()
  assert TrainConfig(restore_best=True).to_dict()["restore_best"] is True
  kwargs = dict(model_name="lenet", model_config={}, data_identity=DATA)
  cache = ModelCache(tmp_path)
  assert cache.key(train_config=TrainConfig(), **kwargs) != cache.key(train_config=TrainConfig(restore_best=True),
                                                                       **kwargs)
  # The default TrainConfig's dict, pinned as it was before restore_best existed (every study keys on it).
  assert stable_hash(TrainConfig().to_dict()) == PINNED_DEFAULT_TRAIN_HASH


def test_train_model_input_errors(digits):
  (x, y), test = digits
  with pytest.raises(AdvTfError, match="fewer than one batch"):
    train_model(_lenet(), (x[:10], y[:10]), test, TrainConfig(batch_size=64))
  with pytest.raises(AdvTfError, match="image, label"):
    train_model(_lenet(), tf.data.Dataset.from_tensor_slices(x), test, TrainConfig())
  with pytest.raises(AdvTfError, match="tf.data.Dataset"):
    train_model(_lenet(), x, test, TrainConfig())


def test_paper002_quick_preset_trains_lenet_on_a_subset(mnist_arrays):
  """The quick preset with the Table 1 LeNet learns MNIST (12k examples, one pass) well above chance."""
  a = mnist_arrays
  config = LENET_SGD.replace(epochs=2)
  model, result = train_model(lambda: build("lenet", (28, 28, 1), 10), (a["x_train"] - 0.5, a["y_train"]),
                              (a["x_test"] - 0.5, a["y_test"]), config)
  assert result.test_accuracy > (0.9 if a["real"] else 0.5)
  steps_per_epoch = len(a["y_train"]) // config.batch_size
  # Evaluated every 100 steps and at each epoch's end; stopped at the first evaluation >= 98%.
  assert all(s % 100 == 0 or s % steps_per_epoch == 0 for s in result.history["step"])
  accuracies = result.history["test_accuracy"]
  assert all(acc < 0.98 for acc in accuracies[:-1])
  assert result.reached_target == (accuracies[-1] >= 0.98)


# --------------------------------------------------------------------------------------------- cache

# stable_hash(TrainConfig().to_dict()) at 8510486, before TrainConfig.restore_best existed.
PINNED_DEFAULT_TRAIN_HASH = "ee66c00a2d754098776b"
DATA = {"train": {"dataset": "mnist", "split": "train[:256]"}, "eval": {"dataset": "mnist", "split": "test"}}


def _cached(cache, digits, config, lenet, calls, data=DATA):
  (x, y), test = digits

  def train(build_fn):
    calls.append(1)
    return train_model(build_fn, (x, y), test, config)

  return cache.get_or_train(model_name="lenet", model_config=lenet.to_dict(), train_config=config,
                            data_identity=data, build=lambda: build("lenet", (28, 28, 1), 10, config=lenet),
                            train=train)


def test_cache_reuses_the_model_and_a_changed_config_misses(digits, tmp_path):
  (x, y), test = digits
  config = TrainConfig(batch_size=64, epochs=1, max_train_examples=256)
  calls = []
  lenet = LeNetConfig(**SMALL_LENET)
  cache = ModelCache(tmp_path)
  m1, r1 = _cached(cache, digits, config, lenet, calls)
  hit1 = cache.last_hit
  m2, r2 = _cached(cache, digits, config, lenet, calls)
  assert (hit1, cache.last_hit, len(calls)) == (False, True, 1)
  assert r2 == r1
  for w1, w2 in zip(_weights(m1), _weights(m2)):
    np.testing.assert_array_equal(w1, w2)
  np.testing.assert_allclose(m2(test[0][:4]).numpy(), m1(test[0][:4]).numpy(), rtol=1e-6, atol=1e-6)
  hits = []
  for cfg, net, data in ((config.replace(learning_rate=0.02), lenet, DATA),
                         (config, LeNetConfig(**{**SMALL_LENET, "kernel_size": 3}), DATA),
                         (config, lenet, {**DATA, "train": {"dataset": "mnist", "split": "train[:512]"}})):
    _cached(cache, digits, cfg, net, calls, data)
    hits.append(cache.last_hit)
  retrain = ModelCache(tmp_path, retrain=True)
  _cached(retrain, digits, config, lenet, calls)
  hits.append(retrain.last_hit)
  _cached(retrain, digits, config, lenet, calls)  # --retrain retrains once per process, then reuses
  hits.append(retrain.last_hit)
  assert (hits, len(calls)) == ([False, False, False, False, True], 5)
  key = cache.key(model_name="lenet", model_config=lenet.to_dict(), train_config=config, data_identity=DATA)
  meta = json.loads((tmp_path / f"{key}.json").read_text())
  assert meta["result"]["test_accuracy"] == pytest.approx(r1.test_accuracy, abs=0.05)
  assert meta["key"]["versions"]["tensorflow"] == tf.__version__
  assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


def test_cache_never_uses_a_half_written_entry(digits, tmp_path):
  config = TrainConfig(batch_size=64, epochs=1, max_train_examples=128)
  lenet = LeNetConfig(**SMALL_LENET)
  cache = ModelCache(tmp_path)
  key = cache.key(model_name="lenet", model_config=lenet.to_dict(), train_config=config, data_identity=DATA)
  (tmp_path / f".tmp-{key}.keras.abc.keras").write_bytes(b"half a model")  # an interrupted write
  (tmp_path / f"{key}.keras").write_bytes(b"a model whose metadata was never written")
  calls = []
  _cached(cache, digits, config, lenet, calls)
  assert not cache.last_hit and calls == [1]
  _cached(cache, digits, config, lenet, calls)
  assert cache.last_hit and calls == [1]
  (tmp_path / f"{key}.json").write_text('{"result": ')  # unreadable metadata: retrain, not crash
  _cached(cache, digits, config, lenet, calls)
  assert not cache.last_hit and calls == [1, 1]


def test_retrain_crash_never_pairs_a_new_model_with_old_metadata(digits, tmp_path, monkeypatch):
  """--retrain overwrites an entry: a crash between the model write and the metadata write must leave an
  entry that is trained again, never the new model with the old TrainResult."""
  from adv_tf.training import cache as cache_mod
  config = TrainConfig(batch_size=64, epochs=1, max_train_examples=128)
  lenet = LeNetConfig(**SMALL_LENET)
  calls = []
  _cached(ModelCache(tmp_path), digits, config, lenet, calls)
  retrain = ModelCache(tmp_path, retrain=True)

  def crash(*args, **kwargs):
    raise KeyboardInterrupt("killed between the model and the metadata write")

  monkeypatch.setattr(cache_mod, "atomic_write_text", crash)
  with pytest.raises(KeyboardInterrupt):
    _cached(retrain, digits, config, lenet, calls)
  key = retrain.key(model_name="lenet", model_config=lenet.to_dict(), train_config=config, data_identity=DATA)
  assert (tmp_path / f"{key}.keras").exists() and not (tmp_path / f"{key}.json").exists()
  assert retrain.load(key) is None
  monkeypatch.undo()
  # the failed retrain did not count as done: the same process retrains, then reuses
  _cached(retrain, digits, config, lenet, calls)
  assert not retrain.last_hit and len(calls) == 3
  _cached(retrain, digits, config, lenet, calls)
  assert retrain.last_hit and len(calls) == 3


def test_damaged_model_file_is_trained_again_with_a_warning(digits, tmp_path, caplog):
  config = TrainConfig(batch_size=64, epochs=1, max_train_examples=128)
  lenet = LeNetConfig(**SMALL_LENET)
  cache, calls = ModelCache(tmp_path), []
  _cached(cache, digits, config, lenet, calls)
  key = cache.key(model_name="lenet", model_config=lenet.to_dict(), train_config=config, data_identity=DATA)
  path = tmp_path / f"{key}.keras"
  data = bytearray(path.read_bytes())
  data[len(data) // 3: len(data) // 3 + 64] = b"\0" * 64  # damaged inside, zip directory intact
  path.write_bytes(bytes(data))
  with caplog.at_level("WARNING"):
    _cached(cache, digits, config, lenet, calls)
  assert not cache.last_hit and len(calls) == 2
  assert "unreadable" in caplog.text


def test_cache_key_is_stable_across_processes_and_names_every_input(tmp_path):
  kwargs = dict(model_name="lenet", model_config=LeNetConfig(stride=2).to_dict(), train_config=TrainConfig(seed=3),
                data_identity=DATA)
  key = ModelCache(tmp_path).key(**kwargs)
  code = ("from adv_tf.models import LeNetConfig; from adv_tf.training import ModelCache, TrainConfig; "
          f"print(ModelCache({str(tmp_path)!r}).key(model_name='lenet', model_config=LeNetConfig(stride=2).to_dict(), "
          f"train_config=TrainConfig(seed=3), data_identity={DATA!r}))")
  env = {**os.environ, "PYTHONHASHSEED": "123", "TF_CPP_MIN_LOG_LEVEL": "3"}
  out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
                       cwd=pathlib.Path(__file__).parents[2])
  assert out.stdout.strip().splitlines()[-1] == key
  cache = ModelCache(tmp_path)
  others = [cache.key(**{**kwargs, "train_config": TrainConfig(seed=4)}),
            cache.key(**{**kwargs, "model_config": LeNetConfig(stride=1).to_dict()}),
            cache.key(**{**kwargs, "data_identity": {"train": {}}}),
            cache.key(**kwargs, parent="abc"), cache.key(**{**kwargs, "model_name": "vgg"})]
  assert len({key, *others}) == 6
  with pytest.raises(AdvTfError, match="JSON"):
    cache.key(**{**kwargs, "model_config": {"x": object()}})
