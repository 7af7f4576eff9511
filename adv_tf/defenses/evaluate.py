"""Evaluate defenses against an attack: craft the adversarial images once, judge them with many defenses.

* `judge_many(model, x, y, {"none": None, "jpeg": Jpeg(10), "tvm": TotalVarMin()})`: classifies the same
  images through each defense (gray-box: the defense transforms the images, the bare model classifies) and
  returns per defense the per-example correctness and the accuracy with its 95% Wilson interval. Every
  defense gets its own wrapper seeded with `seed`, so a defense's result does not depend on which other
  defenses are judged with it, or in which order (tested: judging many at once equals judging each alone).
* `evaluate_defenses(model, attack, x, y, defenses)`: the papers' gray-box protocol (papers 000 §3 and 003:
  the attack differentiates the undefended model; the defense acts only when classifying) with ONE attack
  run shared by all defenses.
* `evaluate_defense(model, defense, attack, x, y, mode=...)`: one defense, any mode ("gray_box", "bpda",
  "eot": the attack sees the defense, so it must be re-run per defense).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping

import numpy as np

from adv_tf.attacks.base import attack as run_attack
from adv_tf.attacks.base import predict_labels
from adv_tf.defenses.base import defended_model, make_defense, predict_defended
from adv_tf.errors import AdvTfError
from adv_tf.metrics.accuracy import AccuracyEstimate, accuracy_interval

NO_DEFENSE = "none"


@dataclasses.dataclass(frozen=True)
class Judgement:
  """How one defense classified a set of images.

  Attributes:
    defense: the name it was given under.
    predictions: int [N] arg-max labels through the defense.
    correct: bool [N], predictions == labels.
    estimate: accuracy with its 95% Wilson interval.
  """
  defense: str
  predictions: np.ndarray
  correct: np.ndarray
  estimate: AccuracyEstimate

  @property
  def accuracy(self) -> float:
    return self.estimate.accuracy

  def to_dict(self, per_example: bool = True) -> dict[str, Any]:
    """JSON-friendly: accuracy, counts, interval and (optionally) the per-example correctness list."""
    out = {"defense": self.defense, **self.estimate.to_dict()}
    if per_example:
      out["correct_per_example"] = self.correct.astype(int).tolist()
    return out


def _resolve(name: str, defense) -> Any:
  """None / "none" -> no defense; a registered name -> its default instance; else the object itself."""
  if defense is None or (isinstance(defense, str) and defense == NO_DEFENSE):
    return None
  if isinstance(defense, str):
    return make_defense(defense)
  if not (hasattr(defense, "transform") or hasattr(defense, "wrap_logits")):
    raise AdvTfError(f"defense {name!r} must be None, a registered name or a defense object, got "
                     f"{type(defense).__name__}")
  return defense


def judge_many(model, x, y, defenses: Mapping[str, Any], *, clip_min: float = 0.0, clip_max: float = 1.0,
               seed: int = 0, batch_size: int = 512) -> dict[str, Judgement]:
  """Classifies `x` through each defense; {name: Judgement}, in the order of `defenses`.

  Args:
    model: a logits model (the undefended classifier).
    x: images [N, H, W, C] in [clip_min, clip_max] (adversarial or clean).
    y: true labels [N].
    defenses: {name: defense}; a defense is None or "none" (the bare model), a registered name
      (`adv_tf.defenses.DEFENSES`, default settings) or a defense object (e.g. `Jpeg(quality=10)`).
    seed: seeds each defense's own random draws (TVM's pixel mask); the same for every defense.
    batch_size: images per forward pass (randomized defenses draw per batch: keep it fixed to reproduce).
  """
  x = np.asarray(x, np.float32)
  y = np.asarray(y).reshape(-1)
  if x.ndim != 4 or len(x) != len(y):
    raise AdvTfError(f"judge_many needs images [N,H,W,C] and N labels, got shapes {x.shape} and {y.shape}")
  if not defenses:
    raise AdvTfError("judge_many needs at least one defense, e.g. {'none': None, 'jpeg': 'jpeg'}")
  resolved = {name: _resolve(name, d) for name, d in defenses.items()}  # all checked before any work
  out = {}
  for name, defense in resolved.items():
    if defense is None:
      pred = predict_labels(model, x, batch_size=batch_size)
    else:
      wrapper = defended_model(model, defense, "gray_box", clip_min=clip_min, clip_max=clip_max, seed=seed)
      pred = predict_defended(wrapper, x, batch_size=batch_size)
    pred = np.asarray(pred).astype(np.int64)
    correct = pred == y
    out[name] = Judgement(defense=name, predictions=pred, correct=correct, estimate=accuracy_interval(correct))
  return out


def evaluate_defenses(model, attack_name: str, x, y, defenses: Mapping[str, Any], *, eps=None,
                      clip_min: float = 0.0, clip_max: float = 1.0, seed: int = 0,
                      **attack_params) -> dict[str, Any]:
  """Gray-box evaluation of many defenses against one attack run on the undefended model.

  Returns a dict: attack, eps, x_adv, clean ({name: Judgement} on x), adversarial ({name: Judgement} on
  x_adv). The judges are seeded with `seed + 1`, as in `evaluate_defense`, so both give the same numbers.
  """
  resolved = {name: _resolve(name, d) for name, d in defenses.items()}
  x = np.asarray(x, np.float32)
  y = np.asarray(y)
  res = run_attack(attack_name, model, x, y, eps=eps, clip_min=clip_min, clip_max=clip_max, **attack_params)
  judge = dict(clip_min=clip_min, clip_max=clip_max, seed=seed + 1)
  return {"attack": attack_name, "eps": eps, "x_adv": res.x_adv,
          "clean": judge_many(model, x, y, resolved, **judge),
          "adversarial": judge_many(model, res.x_adv, y, resolved, **judge)}


def evaluate_defense(model, defense, attack_name: str, x, y, *, mode: str = "gray_box", eps=None,
                     clip_min: float = 0.0, clip_max: float = 1.0, seed: int = 0, eot_samples: int = 8,
                     **attack_params) -> dict:
  """Attacks per `mode` and classifies the adversarial images with the defended model.

  Returns a dict: mode, attack, eps, clean_accuracy (defended model on x), adversarial_accuracy
  (defended model on x_adv), undefended_adversarial_accuracy (bare model on x_adv), their Wilson
  intervals (`*_interval`: (low, high)), x_adv.
  """
  dm = defended_model(model, defense, mode, clip_min=clip_min, clip_max=clip_max, seed=seed,
                      eot_samples=eot_samples)
  x = np.asarray(x, np.float32)
  y = np.asarray(y)
  res = run_attack(attack_name, dm.attack_model, x, y, eps=eps, clip_min=clip_min, clip_max=clip_max,
                   **attack_params)
  # Classify with fresh gray-box wrappers (plain forward, seed + 1) so gray-box and adaptive numbers match.
  judge = dict(clip_min=clip_min, clip_max=clip_max, seed=seed + 1)
  clean = judge_many(model, x, y, {"defense": dm.defense}, **judge)["defense"]
  adv = judge_many(model, res.x_adv, y, {"defense": dm.defense, NO_DEFENSE: None}, **judge)
  return {
      "mode": mode,
      "attack": attack_name,
      "eps": eps,
      "clean_accuracy": clean.accuracy,
      "clean_accuracy_interval": (clean.estimate.low, clean.estimate.high),
      "adversarial_accuracy": adv["defense"].accuracy,
      "adversarial_accuracy_interval": (adv["defense"].estimate.low, adv["defense"].estimate.high),
      "undefended_adversarial_accuracy": adv[NO_DEFENSE].accuracy,
      "x_adv": res.x_adv,
  }
