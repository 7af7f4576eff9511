"""The one attack interface shared by every attack in the suite.

Every attack is a function registered in `ATTACKS` with the signature

    fn(model, x, y, *, eps, norm, targeted, target, clip_min, clip_max, **params) -> AttackResult

where `model` maps a float32 NHWC batch to **logits**, `x` is a float32 batch inside
[clip_min, clip_max] (the dataset's pixel range) and `y` holds the true integer labels. `attack()`
validates the common arguments once, so each attack can assume them.
"""
from __future__ import annotations

import dataclasses
import inspect
from typing import Any, Callable

import numpy as np

from adv_tf.errors import AdvTfError
from adv_tf.registry import Registry

AttackFn = Callable[..., "AttackResult"]
ATTACKS: Registry[AttackFn] = Registry("attack")


@dataclasses.dataclass
class AttackResult:
  """Adversarial images plus per-example information.

  Attributes:
    x_adv: float32 array, same shape as the input, inside the pixel range.
    success: bool [N]: the model's prediction on x_adv is wrong (untargeted) or the target (targeted).
    l2, linf: float32 [N]: distances of x_adv from x.
    info: attack-specific per-example or scalar extras (e.g. CW's constant, iterations, minimal eps).
  """
  x_adv: np.ndarray
  success: np.ndarray
  l2: np.ndarray
  linf: np.ndarray
  info: dict[str, Any] = dataclasses.field(default_factory=dict)


def result_from(model, x, x_adv, y, *, targeted: bool = False, target=None, info=None) -> AttackResult:
  """Builds an AttackResult by evaluating `model` on `x_adv` (batched, no retrace per call)."""
  x_adv = np.asarray(x_adv, np.float32)
  return result_from_predictions(x, x_adv, predict_labels(model, x_adv), y, targeted=targeted, target=target,
                                 info=info)


def result_from_predictions(x, x_adv, pred, y, *, targeted: bool = False, target=None, info=None) -> AttackResult:
  """Like `result_from`, with the predictions on x_adv already computed (e.g. in-graph)."""
  x = np.asarray(x, np.float32)
  x_adv = np.asarray(x_adv, np.float32)
  pred = np.asarray(pred)
  success = pred == np.asarray(target) if targeted else pred != np.asarray(y)
  delta = (x_adv - x).reshape(len(x), -1)
  return AttackResult(x_adv=x_adv, success=success,
                      l2=np.linalg.norm(delta, axis=1).astype(np.float32),
                      linf=(np.abs(delta).max(axis=1) if delta.shape[1] else np.zeros(len(x))).astype(np.float32),
                      info=dict(info or {}))


def predict_labels(model, x, batch_size: int = 1024) -> np.ndarray:
  """Arg-max predictions of a logits model, in batches: a fresh eager forward pass, or under a
  tf.distribute strategy one `tf.function` with `strategy.run` per batch on its replicas (TPU-safe;
  the last batch padded to the batch size on a TPU)."""
  import tensorflow as tf  # pylint: disable=import-outside-toplevel
  if tf.distribute.has_strategy() and len(x):
    from adv_tf.attacks import _graph  # pylint: disable=import-outside-toplevel
    fn = _graph.cached_function(model, ("predict_labels",), lambda ref: tf.function(
        lambda a: tf.argmax(_graph.logits_of(ref, a), axis=-1)))
    return _graph.batched(fn, [np.asarray(x, np.float32)], batch_size)[0]
  out = [np.argmax(np.asarray(model(x[i:i + batch_size], training=False)), axis=-1)
         for i in range(0, len(x), batch_size)]
  return np.concatenate(out) if out else np.zeros([0], np.int64)


def validate_inputs(x, y, *, num_classes: int | None, eps, clip_min: float, clip_max: float,
                    targeted: bool, target, norm: float = np.inf) -> None:
  """Raises AdvTfError (one line) on inputs no attack can work with."""
  x = np.asarray(x)
  if x.ndim != 4:
    raise AdvTfError(f"attack input must be a batch of images [N,H,W,C], got shape {x.shape}")
  if clip_max <= clip_min:
    raise AdvTfError(f"pixel range ({clip_min}, {clip_max}) is empty")
  if x.size and (x.min() < clip_min - 1e-6 or x.max() > clip_max + 1e-6):
    raise AdvTfError(f"attack input lies outside the pixel range [{clip_min}, {clip_max}]; "
                     "pass the dataset's pixel_range as clip_min/clip_max")
  if y is not None:
    _check_labels("labels", y, x.shape[0], num_classes)
  if eps is not None:
    eps_values = np.asarray(eps, np.float64)
    if np.any(eps_values < 0):
      raise AdvTfError(f"eps must be >= 0, got min {eps_values.min():g}")
    eps = float(eps_values.max()) if eps_values.size else 0.0
    # The largest meaningful budget: the range width per pixel (Linf), over all pixels for other norms.
    width = clip_max - clip_min
    bound = width if norm == np.inf else width * float(np.prod(x.shape[1:])) ** (1.0 / float(norm))
    if eps > bound:
      raise AdvTfError(f"eps={eps} exceeds the largest L{norm} distance {bound:g} in the pixel range "
                       f"[{clip_min}, {clip_max}]; give eps in the dataset's pixel units (e.g. 8/255 for [0,1])")
  if targeted and target is None:
    raise AdvTfError("a targeted attack needs target labels (target=...)")
  if target is not None:
    _check_labels("target labels", target, x.shape[0], num_classes)


def _check_labels(what: str, labels, count: int, num_classes: int | None) -> None:
  """AdvTfError (one line, naming `what`) unless `labels` holds one class index in [0, num_classes) per image."""
  labels = np.asarray(labels)
  if labels.shape != (count,):
    raise AdvTfError(f"{what} must have shape [{count}], got {labels.shape}")
  if num_classes is not None and labels.size and (labels.min() < 0 or labels.max() >= num_classes):
    raise AdvTfError(f"{what} must lie in [0, {num_classes}), got range [{labels.min()}, {labels.max()}]")


def attack(name: str, model, x, y, *, eps=None, norm: float | None = None, targeted: bool | None = None,
           target=None, clip_min: float = 0.0, clip_max: float = 1.0, **params) -> AttackResult:
  """Runs the registered attack `name` on a batch (see module docstring).

  `norm` and `targeted` default to the attack's own defaults (e.g. DeepFool and CW are L2, DGSM is
  targeted); eps may be a scalar or one value per example. A named preset that fixes every setting (e.g.
  "foolbox3") runs with `adv_tf.attacks.presets.PRESETS.get(name).run(...)`.
  """
  fn = ATTACKS.get(name)
  defaults = inspect.signature(fn).parameters
  norm = defaults["norm"].default if norm is None else norm
  targeted = defaults["targeted"].default if targeted is None else targeted
  num_classes = int(model.output_shape[-1]) if hasattr(model, "output_shape") else None
  validate_inputs(x, y, num_classes=num_classes, eps=eps, clip_min=clip_min, clip_max=clip_max,
                  targeted=targeted, target=target, norm=norm)
  return fn(model, np.asarray(x, np.float32), None if y is None else np.asarray(y), eps=eps, norm=norm,
            targeted=targeted, target=None if target is None else np.asarray(target),
            clip_min=clip_min, clip_max=clip_max, **params)
