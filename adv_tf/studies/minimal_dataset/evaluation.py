"""Attacks and metrics of paper 001 §4 / Table 2 / Fig. 3 on the unchanged MNIST test set ([0,1] pixels).

* FGSM (Goodfellow et al. 2015) at every eps of the sweep on the first `fgsm_images` test images. The
  sign of the loss gradient does not depend on eps, so it is computed once (CleverHans'
  `fast_gradient_method` with eps=1 and no clipping) and x_adv = clip(x + eps * sign, 0, 1) per eps, which
  is exactly CleverHans' FGSM at that eps (tested against `attack("fgsm")`).
* PGD-40 (Madry et al.) at the headline eps, beyond the paper (FGSM alone is fooled by gradient masking).
* CW-L2 untargeted at full strength (Carlini's 9 x 1000) on the first `cw_images` test images: median L2
  and accuracy at L2 budgets (`adversarial_accuracy_at`), and the L0 curve of Fig. 3.
* "Weak CW": one binary-search step, a fixed constant, `weak_cw_iterations` Adam steps (Carlini's plain
  schedule); the constant is calibrated once on the raw CNN, or the first architecture without it
  (`cells.calibration_architecture`, `calibrate_weak_cw`), and used for all models.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from adv_tf.errors import AdvTfError


def predict(model, x: np.ndarray) -> np.ndarray:
  from adv_tf.attacks import predict_labels
  return predict_labels(model, np.asarray(x, np.float32))


def fgsm_sign(model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
  """sign(grad_x loss) per pixel (int8 -1/0/1), through CleverHans' fast gradient step at eps=1, unclipped."""
  from adv_tf.attacks.gradient import fgsm_arrays
  stepped = fgsm_arrays(model, x, y, eps=1.0, clip_min=-2.0, clip_max=3.0)
  return np.sign(stepped - x).astype(np.int8)


def fgsm_sweep(model, x: np.ndarray, y: np.ndarray, eps_values) -> dict[str, Any]:
  """Accuracy under FGSM at each eps; also the adversarial predictions (for the figure grid)."""
  sign = fgsm_sign(model, x, y)
  accuracy, predictions = {}, {}
  for eps in eps_values:
    x_adv = np.clip(x + np.float32(eps) * sign, 0.0, 1.0)
    pred = predict(model, x_adv)
    accuracy[f"{eps:g}"] = float(np.mean(pred == y))
    predictions[f"{eps:g}"] = pred
  return {"accuracy": accuracy, "predictions": predictions, "sign": sign}


def pgd_correct(model, x, y, *, eps: float, steps: int, seed: int) -> np.ndarray:
  """Per image: still right under PGD (right clean and the attack failed)."""
  from adv_tf.attacks import attack
  result = attack("pgd", model, x, y, eps=eps, nb_iter=steps, seed=seed)
  return ~result.success & (predict(model, x) == y)



def minimal_distances(clean_correct: np.ndarray, success: np.ndarray, distances: np.ndarray) -> np.ndarray:
  """Per image: 0 when misclassified clean, the attack's distance when it succeeded, else inf."""
  return np.where(~clean_correct, 0.0, np.where(success, distances, np.inf))


def accuracy_curve(clean_correct, success, distances, budgets) -> list[float]:
  """Accuracy when the attacker may spend at most each budget (paper 004 eq. 5 per budget)."""
  from adv_tf.metrics import adversarial_accuracy_at
  return [adversarial_accuracy_at(clean_correct, success, distances, float(b)) for b in budgets]


def cw_full(model, x, y, *, config) -> dict[str, Any]:
  """Full-strength untargeted CW-L2: median L2, accuracy at L2 budgets, the L0 curve (Fig. 3)."""
  from adv_tf.attacks import attack
  from adv_tf.metrics import lp_norms
  clean_correct = predict(model, x) == y
  result = attack("cw_l2", model, x, y, **config.cw.attack_kwargs())
  success = result.success & clean_correct
  l0 = lp_norms(x, result.x_adv, tol=config.l0_tolerance)["l0"].astype(np.float64)
  pixels = int(np.prod(x.shape[1:]))
  l0_budgets = list(range(0, pixels + 1))
  return {
      "images": int(len(x)),
      "clean_accuracy": float(np.mean(clean_correct)),
      "success_rate": float(np.mean(success[clean_correct])) if clean_correct.any() else float("nan"),
      "median_l2": float(np.median(minimal_distances(clean_correct, success, result.l2))),
      "median_l0": float(np.median(minimal_distances(clean_correct, success, l0))),
      "accuracy_at_l2": dict(zip([f"{b:g}" for b in config.cw_budgets],
                                 accuracy_curve(clean_correct, success, result.l2, config.cw_budgets))),
      "l0_curve": accuracy_curve(clean_correct, success, l0, l0_budgets),
      "l2": [float(v) for v in result.l2], "l0": [int(v) for v in l0], "success": [bool(v) for v in success],
      "clean_correct": [bool(v) for v in clean_correct],
      "x_adv": result.x_adv,
  }


def weak_cw_correct(model, x, y, *, const: float, iterations: int) -> np.ndarray:
  """Per image, right under the weak CW: 1 search step at constant `const`, `iterations` Adam steps, Carlini's
  schedule."""
  from adv_tf.attacks import attack
  result = attack("cw_l2", model, x, y, binary_search_steps=1, max_iterations=iterations, initial_const=const,
                  schedule="carlini")
  return ~result.success & (predict(model, x) == y)


def weak_cw_accuracy(model, x, y, *, const: float, iterations: int) -> float:
  """Accuracy under the weak CW (`weak_cw_correct`)."""
  return float(np.mean(weak_cw_correct(model, x, y, const=const, iterations=iterations)))


def calibrate_weak_cw(model, x, y, *, consts, iterations: int, target: float, accuracy_fn=None) -> dict[str, Any]:
  """Picks, once, the weak-CW constant whose accuracy on `model` (the raw calibration model) is nearest `target`.

  Accuracy falls as the constant grows (a larger c weights misclassification over distance), so the sorted
  candidates are bisected for the crossing of `target` and only its two neighbours are compared (ties: the
  smaller constant); every constant tried is recorded. The chosen setting is then applied unchanged to every model.
  """
  consts = sorted(float(c) for c in consts)
  if not consts:
    raise AdvTfError("weak CW calibration needs at least one constant")
  accuracy_fn = accuracy_fn or (lambda c: weak_cw_accuracy(model, x, y, const=c, iterations=iterations))
  tried: dict[str, float] = {}

  def acc(i: int) -> float:
    key = f"{consts[i]:g}"
    if key not in tried:
      tried[key] = float(accuracy_fn(consts[i]))
    return tried[key]

  lo, hi = 0, len(consts) - 1  # invariant: the crossing lies between lo and hi
  while hi - lo > 1:
    mid = (lo + hi) // 2
    if acc(mid) > target:
      lo = mid
    else:
      hi = mid
  candidates = [i for i in {lo, hi}]
  best = min(candidates, key=lambda i: (abs(acc(i) - target), consts[i]))
  return {"const": consts[best], "iterations": int(iterations), "binary_search_steps": 1, "schedule": "carlini",
          "target": float(target), "accuracy_on_raw_cnn": acc(best), "tried": tried}
