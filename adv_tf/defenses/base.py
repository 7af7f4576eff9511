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

  def __call__(self, x, training: bool = False) -> tf.Tensor:
    x = tf.convert_to_tensor(x, tf.float32)
    if hasattr(self.defense, "wrap_logits"):  # model-level defenses (prediction averaging)
      return self.defense.wrap_logits(self.model, x, self._seed(), self.clip_min, self.clip_max)
    if self.mode == "eot" and self.defense.randomized:
      logps = [tf.nn.log_softmax(self._straight_through(x)) for _ in range(self.eot_samples)]
      return tf.reduce_logsumexp(tf.stack(logps), axis=0) - np.log(self.eot_samples)
    if self.mode == "gray_box":
      return _call(self.model, self.defense.transform(x, self._seed(), self.clip_min, self.clip_max))
    return self._straight_through(x)

  def _straight_through(self, x: tf.Tensor) -> tf.Tensor:
    xt = self.defense.transform(x, self._seed(), self.clip_min, self.clip_max)
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
  """Arg-max predictions of a defended model, in batches (one tf.function per wrapper)."""
  fn = getattr(defended, "_predict_fn", None)
  if fn is None:
    fn = tf.function(lambda a: tf.argmax(defended(a), axis=-1))
    defended._predict_fn = fn
  out = [np.asarray(fn(tf.convert_to_tensor(x[i:i + batch_size]))) for i in range(0, len(x), batch_size)]
  return np.concatenate(out) if out else np.zeros([0], np.int64)
