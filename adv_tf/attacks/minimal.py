"""Minimal-distortion measurement (paper 004 §3.2, §4.1).

Per example: the smallest Linf eps at which I-FGSM succeeds, found by bisection over eps (all examples
of a batch bisect together, each with its own eps), and the CW-L2 distance. Paper 004 reports the
average of these over the images that all compared models classify correctly (eq. 4):
`adv_tf.metrics.robustness_score`.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from adv_tf.attacks.base import ATTACKS, AttackResult, result_from
from adv_tf.attacks.gradient import pgd_arrays
from adv_tf.attacks.progress import Progress
from adv_tf.errors import AdvTfError


@ATTACKS.register("minimal_linf")
def minimal_linf(model, x, y, *, eps=None, norm=np.inf, targeted=False, target=None, clip_min=0.0,
                 clip_max=1.0, nb_iter: int = 10, bisection_steps: int = 10,
                 batch_size: int | None = 512, verbose: bool = False,
                 static_shapes: bool | None = None) -> AttackResult:
  """Smallest Linf eps (up to `eps`, default the pixel range width) at which I-FGSM succeeds.

  I-FGSM uses T = nb_iter steps of eps/T (paper 004 §3.2, eq. 1). After checking the upper bound, each
  of `bisection_steps` halvings keeps the successful half. The reported eps_min is the UPPER end of the
  final interval (an eps at which the attack succeeded), at most eps_max / 2**bisection_steps (the
  "resolution") above its lower end, the largest eps seen to fail (success need not be monotone in eps;
  bisection finds one boundary). For a resolution r use bisection_steps = ceil(log2(eps_max / r)).

  `verbose` shows a progress bar over the 1 + bisection_steps I-FGSM runs. Every run attacks all N
  examples (no shrinking working set); `static_shapes` pads the last batch (default: on a TPU).

  info: "eps_min" float32 [N] (upper end; np.inf where I-FGSM fails even at the upper bound),
  "eps_lower" float32 [N] (lower end), "resolution" (eps_max / 2**bisection_steps), "bisection_steps".
  """
  if not _is_inf(norm):
    raise AdvTfError("minimal_linf measures Linf distortion; use norm=np.inf (CW-L2 gives the L2 one)")
  if int(bisection_steps) < 0 or int(nb_iter) < 1:
    raise AdvTfError("minimal_linf needs nb_iter >= 1 and bisection_steps >= 0")
  labels = np.asarray(target if targeted else y, np.int64)
  x = np.asarray(x, np.float32)
  n = len(x)
  hi = np.full([n], float(clip_max - clip_min) if eps is None else float(eps), np.float32)
  lo = np.zeros([n], np.float32)

  def run(e):
    adv, pred = pgd_arrays(model, x, labels, eps=e, eps_iter=e / int(nb_iter), nb_iter=nb_iter,
                           targeted=targeted, clip_min=clip_min, clip_max=clip_max, rand_init=False,
                           batch_size=batch_size, with_pred=True, static_shapes=static_shapes)
    return adv, (pred == labels) if targeted else (pred != labels)

  with Progress(total=1 + int(bisection_steps), desc="minimal_linf bisection", unit="step",
                verbose=verbose) as bar:
    best, ok = run(hi)
    found = ok.copy()
    bar.update()
    for _ in range(int(bisection_steps)):
      mid = (lo + hi) / 2
      adv, succ = run(mid)
      take = succ & found
      best[take] = adv[take]
      hi = np.where(take, mid, hi)
      lo = np.where(found & ~succ, mid, lo)
      bar.set_postfix(found=f"{found.mean():.2f}", median_eps=f"{np.median(hi[found]) if found.any() else np.inf:.4f}")
      bar.update()
  eps_min = np.where(found, hi, np.inf).astype(np.float32)
  resolution = float(clip_max - clip_min if eps is None else eps) / 2 ** int(bisection_steps)
  res = result_from(model, x, np.where(found[:, None, None, None], best, x), y, targeted=targeted,
                    target=target, info={"eps_min": eps_min, "eps_lower": lo.astype(np.float32),
                                         "resolution": resolution, "bisection_steps": int(bisection_steps)})
  return res


def _is_inf(norm) -> bool:
  return norm in (np.inf, "inf", float("inf"))


@dataclasses.dataclass
class MinimalDistortion:
  """Per-example minimal distortions (paper 004 §4.1): Linf via I-FGSM bisection, L2 via CW-L2.

  Values are np.inf where the attack did not succeed.
  """
  linf: np.ndarray
  l2: np.ndarray


def minimal_distortion(model, x, y, *, clip_min: float = 0.0, clip_max: float = 1.0,
                       linf_params: dict | None = None, cw_params: dict | None = None) -> MinimalDistortion:
  """Measures both of paper 004's distortions for each example (untargeted).

  Args:
    linf_params: extra arguments for `minimal_linf` (nb_iter, bisection_steps, eps upper bound).
    cw_params: extra arguments for `adv_tf.attacks.carlini_wagner.carlini_wagner_l2`.
  """
  from adv_tf.attacks.carlini_wagner import carlini_wagner_l2  # written by another area; import lazily
  linf = minimal_linf(model, x, y, clip_min=clip_min, clip_max=clip_max, **(linf_params or {}))
  cw = carlini_wagner_l2(model, x, y=y, clip_min=clip_min, clip_max=clip_max, **(cw_params or {}))
  l2 = np.where(cw.success, cw.l2, np.inf).astype(np.float32)
  return MinimalDistortion(linf=linf.info["eps_min"], l2=l2)
