"""One cell of paper 003: a trained model (base or adversarially retrained) under FGSM and DGSM, and, for the
base model, perturbed prediction averaging (gray-box, as the paper) plus the beyond-paper adaptive checks.

Metrics: FGSM "percent correctly classified" (every held-out image, also those misclassified when clean);
DGSM "percent classified as the target", counting the images whose true class is the target (§III-D). Every
rate comes with its 95% Wilson interval and its per-image outcomes (`items`, packed by `adv_tf.claims.pack_items`):
every cell sees the same held-out images, so the claims compare two rates image by image (paired). Box plots use
the top-class softmax confidence per eps.

FGSM's perturbation sign(grad_x J(x, y)) does not depend on eps, so it is computed once per model (the
library's FGSM at eps = 1 without clipping gives it) and x_adv(eps) = clip(x + eps * sign, 0, 1) for the whole
grid: the same images as one FGSM call per eps.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from adv_tf.attacks.base import attack
from adv_tf.attacks.gradient import fgsm_arrays
from adv_tf.claims import pack_items
from adv_tf.defenses.averaging import PredictionAveraging
from adv_tf.defenses.base import defended_model
from adv_tf.defenses.evaluate import judge_many
from adv_tf.experiment.record_schema import ResultSchema
from adv_tf.metrics.accuracy import accuracy_interval


def _softmax(logits: np.ndarray) -> np.ndarray:
  z = logits - logits.max(-1, keepdims=True)
  e = np.exp(z)
  return e / e.sum(-1, keepdims=True)


def predict(model, x: np.ndarray, batch_size: int = 256) -> tuple[np.ndarray, np.ndarray]:
  """(arg-max labels, top-class softmax confidence)."""
  logits = np.concatenate([np.asarray(model(x[i:i + batch_size], training=False))
                           for i in range(0, len(x), batch_size)])
  probs = _softmax(logits.astype(np.float64))
  return probs.argmax(-1), probs.max(-1)


def box_stats(values: np.ndarray) -> dict[str, float]:
  """Matplotlib `bxp` statistics: quartiles and 1.5-IQR whiskers clipped to the data."""
  q1, med, q3 = np.percentile(values, [25, 50, 75])
  iqr = q3 - q1
  inside = values[(values >= q1 - 1.5 * iqr) & (values <= q3 + 1.5 * iqr)]
  return {"med": float(med), "q1": float(q1), "q3": float(q3), "whislo": float(inside.min()),
          "whishi": float(inside.max()), "mean": float(values.mean())}


def rate(hits: np.ndarray) -> dict[str, Any]:
  """k, n, rate, its Wilson interval and the per-image outcomes (packed hex, image order of the held-out set)."""
  hits = np.asarray(hits, bool)
  est = accuracy_interval(hits)
  return {"k": int(np.sum(hits)), "n": int(len(hits)), "rate": float(est.accuracy), "low": float(est.low),
          "high": float(est.high), "items": pack_items(hits)}


def fgsm_direction(model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
  """sign(grad_x CE(model(x), y)) as float32 in {-1, 0, 1}."""
  shifted = fgsm_arrays(model, x, y, eps=1.0, clip_min=-1e6, clip_max=1e6, batch_size=128)
  return np.rint(shifted - x).astype(np.float32)


def fgsm_images(x: np.ndarray, direction: np.ndarray, eps: float) -> np.ndarray:
  return np.clip(x + np.float32(eps) * direction, 0.0, 1.0).astype(np.float32)


def fgsm_curve(model, x, y, eps_grid, direction) -> list[dict]:
  out = []
  for eps in eps_grid:
    pred, conf = predict(model, fgsm_images(x, direction, eps))
    out.append({"eps": float(eps), **rate(pred == y), "confidence": box_stats(conf)})
  return out


def dgsm_images(model, x, y, eps: float, cfg) -> np.ndarray:
  if eps == 0:
    return x
  target = np.full(len(y), cfg.target_class, np.int64)
  return attack("dgsm", model, x, y, eps=float(eps), target=target, nb_iter=cfg.dgsm_iterations,
                step_size=cfg.dgsm_step, batch_size=128).x_adv


def dgsm_curve(model, x, y, cfg) -> tuple[list[dict], dict[float, np.ndarray]]:
  out, images = [], {}
  for eps in cfg.dgsm_eps:
    x_adv = dgsm_images(model, x, y, eps, cfg)
    images[float(eps)] = x_adv
    pred, conf = predict(model, x_adv)
    out.append({"eps": float(eps), **rate(pred == cfg.target_class), "accuracy": float(np.mean(pred == y)),
                "confidence": box_stats(conf)})
  return out, images


def _averaging(cfg, n: int) -> PredictionAveraging:
  return PredictionAveraging(n=int(n), eps_max=float(cfg.averaging_eps_max))


def _judge(model, x, y, cfg, n: int, seed: int) -> np.ndarray:
  """Predictions through averaging with N copies, at most `copies_per_call` noisy images per model call."""
  batch = max(1, cfg.copies_per_call // int(n))
  return judge_many(model, x, y, {"avg": _averaging(cfg, n)}, seed=seed, batch_size=batch)["avg"].predictions


def averaging_curves(model, x, y, cfg, direction, dgsm_images_by_eps, seed: int) -> dict[str, Any]:
  """Gray-box (§II-C, §III-E): the attacks above (crafted on the bare model) judged through averaging."""
  out: dict[str, Any] = {}
  for n in cfg.averaging_n:
    fgsm = [{"eps": float(e), **rate(_judge(model, fgsm_images(x, direction, e), y, cfg, n, seed) == y)}
            for e in cfg.averaging_fgsm_eps]
    dgsm = []
    for e in (0.0, *cfg.averaging_dgsm_eps):
      x_adv = dgsm_images_by_eps.get(float(e))
      if x_adv is None:
        x_adv = dgsm_images(model, x, y, e, cfg)
      dgsm.append({"eps": float(e), **rate(_judge(model, x_adv, y, cfg, n, seed) == cfg.target_class)})
    out[str(n)] = {"fgsm": fgsm, "dgsm": dgsm}
  return out


def adaptive_checks(model, x, y, cfg, direction, seed: int) -> list[dict]:
  """Beyond the paper: FGSM crafted through the averaging (EOT: the gradient of the averaged output over N
  noisy copies), and the worst of `eot_draws` evaluation draws (an image counts only if every draw is right),
  next to the gray-box numbers at the same eps."""
  if not cfg.eot_fgsm_eps:
    return []
  n = int(cfg.averaging_n[0])
  out = []
  for eps in cfg.eot_fgsm_eps:
    defended = defended_model(model, _averaging(cfg, n), "eot", seed=seed)
    eot_images = attack("fgsm", defended.attack_model, x, y, eps=float(eps),
                        batch_size=max(1, cfg.copies_per_call // n)).x_adv
    gray = fgsm_images(x, direction, eps)
    entry = {"eps": float(eps), "n": n, "draws": int(cfg.eot_draws)}
    for name, images in (("gray_box", gray), ("eot", eot_images)):
      draws = np.stack([_judge(model, images, y, cfg, n, seed + 1 + d) == y for d in range(cfg.eot_draws)])
      entry[name] = {"single_draw": rate(draws[0]), "worst_of_draws": rate(draws.all(0))}
    out.append(entry)
  return out


# What every cell returns (run_model_cell, plus the study's provenance keys): a record without these keys is
# damaged and its cell runs again (adv_tf/experiment/record_schema.py).
RESULT_SCHEMA = ResultSchema(required=("variant", "cache_hit", "train", "clean", "fgsm", "dgsm", "pretrained",
                                       "data_provenance"))


def run_model_cell(model, train_result, variant: str, data, cfg, seed: int, *, cache_hit: bool) -> dict:
  """Everything one (model, variant, seed) cell measures; see the module docstring. `seed`: the model's training
  seed, which also seeds the averaging's noise."""
  x, y = data.x_test, data.y_test
  pred, conf = predict(model, x)
  direction = fgsm_direction(model, x, y)
  result: dict[str, Any] = {
      "variant": variant, "cache_hit": bool(cache_hit), "train": train_result.to_dict(),
      "clean": {**rate(pred == y), "confidence": box_stats(conf)},
      "clean_target_rate": rate(pred == cfg.target_class),
      "true_target_fraction": float(np.mean(y == cfg.target_class)),
      "fgsm": fgsm_curve(model, x, y, cfg.fgsm_eps, direction),
  }
  result["dgsm"], dgsm_by_eps = dgsm_curve(model, x, y, cfg)
  if variant == "base":
    result["averaging"] = averaging_curves(model, x, y, cfg, direction, dgsm_by_eps, seed)
    result["adaptive"] = adaptive_checks(model, x, y, cfg, direction, seed)
  return result
