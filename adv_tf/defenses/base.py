"""Defense registry and the defended-model wrapper that lets every attack run against a defense.

Evaluation modes (a report must say which was used):
  * "gray_box" (the papers' default, papers 000 and 003): the attack differentiates the UNDEFENDED
    model; the defense is applied only when classifying the adversarial images.
  * "bpda" (beyond the papers; Athalye et al. 2018): forward applies the input transform, backward
    treats it as the identity (straight-through), so gradient attacks see the defended model.
  * "eot" (beyond the papers; Athalye et al. 2018): for randomized defenses, the forward averages the
    class probabilities over several random draws, so the attack's gradient is averaged over samples.
"""
from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import tensorflow as tf

from adv_tf.attacks._replicas import is_tpu_strategy
from adv_tf.errors import AdvTfError
from adv_tf.registry import Registry

DEFENSES: Registry[Any] = Registry("defense")
MODES = ("gray_box", "bpda", "eot")


class InputTransform(Protocol):
  """A defense that transforms images before the model (JPEG, TVM)."""
  randomized: bool

  def transform(self, x: tf.Tensor, seed: tf.Tensor, clip_min: float, clip_max: float) -> tf.Tensor:
    ...


def make_defense(name: str, **config):
  """Builds the registered defense `name` from its config fields (e.g. make_defense("jpeg", quality=10))."""
  cls = DEFENSES.get(name)
  try:
    return cls(**config)
  except TypeError as e:
    raise AdvTfError(f"bad settings for defense {name!r}: {e}") from None


class DefendedModel:
  """A logits callable whose forward applies a defense; its gradient depends on `mode`.

  Attributes:
    attack_model: what an attack should differentiate in this mode (the bare model for gray_box).
    output_shape: the wrapped model's, so `adv_tf.attacks.attack` can validate labels.
  """

  def __init__(self, model, defense, mode: str = "gray_box", *, clip_min: float = 0.0,
               clip_max: float = 1.0, seed: int = 0, eot_samples: int = 8):
    if mode not in MODES:
      raise AdvTfError(f"unknown defense evaluation mode {mode!r}; choose one of: {', '.join(MODES)}")
    allowed = getattr(defense, "modes", MODES)
    if mode not in allowed:
      raise AdvTfError(f"mode {mode!r} does not apply to {type(defense).__name__}; use one of: "
                       f"{', '.join(allowed)}")
    if eot_samples < 1:
      raise AdvTfError(f"eot_samples must be >= 1, got {eot_samples}")
    if mode != "gray_box" and getattr(defense, "host_only", False) and is_tpu_strategy():
      raise AdvTfError(f"{type(defense).__name__} is a host-only op (no TPU/XLA kernel), so a TPU cannot "
                       f"differentiate through it: evaluate it gray_box on a TPU, or run {mode} on CPU/GPU")
    self.model = model
    self.defense = defense
    self.mode = mode
    self.clip_min = float(clip_min)
    self.clip_max = float(clip_max)
    self.eot_samples = int(eot_samples)
    self._rng = tf.random.Generator.from_seed(int(seed))
    self.output_shape = getattr(model, "output_shape", None)

  @property
  def attack_model(self):
    return self.model if self.mode == "gray_box" else self

  def _seed(self) -> tf.Tensor:
    return self._rng.make_seeds(1)[:, 0]

  def __call__(self, x, training: bool = False, seed: tf.Tensor | None = None) -> tf.Tensor:
    """The defended logits; `seed` (int32 [2]) fixes the defense's random draws, default: the next seed
    of the wrapper's own generator (drawn on the host before a replicated step, see `predict_defended`)."""
    x = tf.convert_to_tensor(x, tf.float32)
    if hasattr(self.defense, "wrap_logits"):  # model-level defenses (prediction averaging)
      return self.defense.wrap_logits(self.model, x, self._seed() if seed is None else seed, self.clip_min,
                                      self.clip_max)
    if self.mode == "eot" and self.defense.randomized:
      seeds = [None] * self.eot_samples if seed is None else tf.unstack(
          tf.random.experimental.stateless_split(seed, self.eot_samples))
      logps = [tf.nn.log_softmax(self._straight_through(x, s)) for s in seeds]
      return tf.reduce_logsumexp(tf.stack(logps), axis=0) - np.log(self.eot_samples)
    if self.mode == "gray_box":
      return _call(self.model, self.defense.transform(x, self._seed() if seed is None else seed, self.clip_min,
                                                      self.clip_max))
    return self._straight_through(x, seed)

  def _straight_through(self, x: tf.Tensor, seed: tf.Tensor | None = None) -> tf.Tensor:
    xt = self.defense.transform(x, self._seed() if seed is None else seed, self.clip_min, self.clip_max)
    # A transform may lose the static H/W inside a graph (TF TVM's while_loop); the model's pooling needs them.
    xt = tf.ensure_shape(xt, x.shape)
    return _call(self.model, x + tf.stop_gradient(xt - x))


def _call(model, x):
  try:
    return model(x, training=False)
  except TypeError:
    return model(x)


def defended_model(model, defense, mode: str = "gray_box", **kwargs) -> DefendedModel:
  """Wraps `model` with `defense` (an object or a registered name) for evaluation in `mode`."""
  if isinstance(defense, str):
    defense = make_defense(defense)
  return DefendedModel(model, defense, mode, **kwargs)


def predict_defended(defended: DefendedModel, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
  """Arg-max predictions of a defended model, in batches, on the replicas of the current strategy.

  Each batch runs inside one `tf.function` with `strategy.run` (`adv_tf.attacks._replicas`); the
  defense's seed is drawn on the host per batch (one draw of the wrapper's generator, as before), so the
  draws do not depend on the strategy. A randomized defense (TVM, averaging) draws its noise per replica
  slice: under several replicas its predictions equal the one-device ones in distribution, not bit for
  bit; a deterministic one (JPEG) gives the same predictions. A host-only defense (`host_only`, JPEG) runs
  its transform on the host CPU under a TPUStrategy and the bare model classifies the result there (the
  gray-box protocol: the transform, then the model).
  """
  from adv_tf.attacks import _replicas  # pylint: disable=import-outside-toplevel
  from adv_tf.attacks.base import predict_labels  # pylint: disable=import-outside-toplevel
  x = np.asarray(x, np.float32)
  if not len(x):
    return np.zeros([0], np.int64)
  host = getattr(defended.defense, "host_only", False) and is_tpu_strategy()
  if host and defended.mode != "gray_box":
    raise AdvTfError(f"{type(defended.defense).__name__} is host-only: on a TPU only gray_box applies")
  fn = getattr(defended, "_predict_fn", None)
  if fn is None:
    fn = tf.function(lambda a, seed: tf.argmax(defended(a, seed=seed), axis=-1))
    defended._predict_fn = fn
  out = []
  for i in range(0, len(x), batch_size):
    seed = defended._seed()
    if host:
      with tf.device("/cpu:0"):
        xt = defended.defense.transform(tf.constant(x[i:i + batch_size]), seed, defended.clip_min, defended.clip_max)
      out.append(predict_labels(defended.model, np.asarray(xt), batch_size=batch_size))
    else:
      out.append(_replicas.run_on_replicas(fn, [x[i:i + batch_size]], (seed,))[0])
  return np.concatenate(out).astype(np.int64)
