"""IBM ART's `TotalVarMin`, batched in TensorFlow: the TVM that produced paper 000's defense rows.

Paper 000 (§II-D, §IV) names "TVM compression defense [15]" without settings; its code (spec
`paper000_dataset_properties.md` §1.8) calls ART's `TotalVarMin(prob, norm=2, lamb, solver="L-BFGS-B",
max_iter)` per dataset (presets below). ART (1.20.1 read; the objective is unchanged since the release the
authors used) solves, per image and per slice `z[:, :, i]` of the image's LAST axis, with scipy's
L-BFGS-B started at the image x,

    F(z) = sqrt(sum(mask * (z - x)**2))                     (square-root fidelity, not squared)
         + lamb * sum_r ||z[r+1, :] - z[r, :]||_norm        (one group norm per row difference)
         + lamb * sum_c ||z[:, c+1] - z[:, c]||_norm        (one group norm per column difference),

mask = `np.random.rand(*x_i.shape) < prob`: a Bernoulli(prob) keep mask drawn per ELEMENT (per channel
too); then clips to clip_values. ART hands L-BFGS-B a gradient that is not F's: its TV part is
`norm * d**(norm-1) / max(||d||**(norm-1), 1e-6)`, i.e. twice F's for norm 2, and its fidelity part divides
by max(sqrt(...), 1e-6). With 25-30 iterations the result is an early-stopped iterate, not F's minimum
(five MNIST test images, prob 0.8 / lamb 0.5, channels_last: mean |change| 0.16-0.17 at F's minimum,
0.138 after ART's 25 iterations), so
matching ART means running ART's solver, not any solver of F. This module therefore runs, for every slice
of a batch at once (float64), the algorithm scipy's L-BFGS-B runs without bounds: memory 10, first step
1/||g||, More-Thuente line search (MINPACK-2 dcsrch/dcstep, ftol 1e-3, gtol 0.9, xtol 0.1, at most 20
evaluations), restart from steepest descent after a failed search, stop at `max_iter` iterations, at
max|g| <= 1e-5 or at a relative decrease of F <= 2.2e-9 -- with ART's function and gradient. Tested against
ART with shared masks in tests/defenses/test_tvm_art.py (results agree to float rounding on most slices;
the objective is non-smooth, so a few slices take another path).

Layouts (`layout`):
  * "channels_last": what TVM is; ART's assumption. Each channel of an HxW image is one slice.
  * "channels_first_quirk": what the authors ran. They passed NCHW arrays, so ART's "(H, W, C)" is
    (C, H, W): each image COLUMN w is one slice z = x[:, :, w] of shape (C, H). On MNIST (C = 1) that is a
    1-D vertical TV of each pixel column (no horizontal smoothing); on RGB the row term penalises
    differences between colour channels. Its mask is drawn in (C, H, W) order, as ART drew it.
Inputs of `transform` are NHWC in [clip_min, clip_max]; they are mapped to [0, 1] (the authors' range)
before solving and back after. The mask comes from `tf.random.stateless_uniform` (same law as ART's, not
numpy's stream); `tvm_art(..., mask=...)` takes ART's exact mask for comparisons.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import tensorflow as tf

from adv_tf.defenses.base import DEFENSES
from adv_tf.errors import AdvTfError

LAYOUTS = ("channels_last", "channels_first_quirk")

# scipy L-BFGS-B defaults as ART calls it (`minimize(method="L-BFGS-B", options={"maxiter": max_iter})`).
_MEMORY = 10
_MAX_LINE_SEARCH = 20
_PGTOL = 1e-5
_FTOL = 2.2204460492503131e-09
_LS_FTOL, _LS_GTOL, _LS_XTOL = 1e-3, 0.9, 0.1
_STPMAX = 1e10
_EPSMCH = float(np.finfo(np.float64).eps)


@dataclasses.dataclass(frozen=True)
class TvmArtPreset:
  """ART TotalVarMin settings of one dataset (paper 000's code, `parameters/*_parameters.json`)."""
  prob: float
  lamb: float
  max_iter: int
  norm: int = 2


# Spec paper000_dataset_properties.md §1.8 (the paper itself states no TVM parameter).
PRESETS: dict[str, TvmArtPreset] = {
    "mnist": TvmArtPreset(prob=0.8, lamb=0.5, max_iter=25),
    "fashion_mnist": TvmArtPreset(prob=0.3, lamb=0.5, max_iter=30),
    "cifar10": TvmArtPreset(prob=0.8, lamb=0.3, max_iter=25),
    "cifar100": TvmArtPreset(prob=0.8, lamb=0.3, max_iter=25),  # same file as CIFAR-10's in the code
    "imagenet": TvmArtPreset(prob=0.8, lamb=0.3, max_iter=25),
}


def _to_slices(a: tf.Tensor, layout: str) -> tf.Tensor:
  """NHWC [B,H,W,C] -> ART's slices [B*S, P, Q] (channels_last: [B*C,H,W]; quirk: [B*W,C,H])."""
  perm = (0, 3, 1, 2) if layout == "channels_last" else (0, 2, 3, 1)
  t = tf.transpose(a, perm)
  return tf.reshape(t, [-1, t.shape[2], t.shape[3]])


def _from_slices(z: tf.Tensor, shape: tf.Tensor, layout: str) -> tf.Tensor:
  b, h, w, c = shape[0], shape[1], shape[2], shape[3]
  if layout == "channels_last":
    return tf.transpose(tf.reshape(z, [b, c, h, w]), (0, 2, 3, 1))
  return tf.transpose(tf.reshape(z, [b, w, c, h]), (0, 3, 1, 2))


def _art_view_to_slices(mask: tf.Tensor, layout: str) -> tf.Tensor:
  """A mask in the array layout ART saw ([B,H,W,C] channels_last, [B,C,H,W] quirk) -> slices [B*S,P,Q]."""
  t = tf.transpose(mask, (0, 3, 1, 2))  # both: last axis of ART's view is the slice index
  return tf.reshape(t, [-1, t.shape[2], t.shape[3]])


def art_view_shape(shape, layout: str) -> tuple[int, ...]:
  """Shape of the array ART sees for an NHWC batch of `shape` (the mask's shape)."""
  b, h, w, c = shape
  return (b, h, w, c) if layout == "channels_last" else (b, c, h, w)


def _keep(a: tf.Tensor) -> tf.Tensor:
  """An exact no-op (max with -inf) that stops Grappler's arithmetic optimizer from merging a chain of
  additions into one AddN, which would change the float32 rounding order."""
  return tf.maximum(a, tf.constant(-np.inf, a.dtype))


def _numpy_sum(a: tf.Tensor) -> tf.Tensor:
  """Sum over the last (static) axis in numpy's order for a contiguous axis (pairwise, 8 lanes, blocks of
  128), so float32 sums round exactly as ART's `.sum()` and `norm(..., axis=1)` do."""
  n = a.shape[-1]
  if n < 8:
    res = tf.zeros(tf.shape(a)[:-1], a.dtype)
    for i in range(n):
      res = _keep(res + a[..., i])
    return res
  if n <= 128:
    r = [a[..., j] for j in range(8)]
    i = 8
    while i < n - n % 8:
      r = [_keep(r[j] + a[..., i + j]) for j in range(8)]
      i += 8
    pairs = [_keep(r[j] + r[j + 1]) for j in (0, 2, 4, 6)]
    res = _keep(_keep(pairs[0] + pairs[1]) + _keep(pairs[2] + pairs[3]))
    for k in range(i, n):
      res = _keep(res + a[..., k])
    return res
  half = n // 2
  half -= half % 8
  return _keep(_numpy_sum(a[..., :half]) + _numpy_sum(a[..., half:]))


def _numpy_sum_outer(a: tf.Tensor, axis: int) -> tf.Tensor:
  """Sum over a non-last (static) axis in numpy's order: row after row."""
  parts = tf.unstack(a, axis=axis)
  res = parts[0]
  for part in parts[1:]:
    res = _keep(res + part)
  return res


def _loss_and_art_grad(z, x, mask, lamb, norm: int):
  """ART's `_loss_func` and `_deri_loss_func` on slices [N,P,Q], with numpy's dtypes as ART runs them.

  ART hands scipy float32 images, and scipy (>= 1.15) evaluates the function at the float32-rounded
  iterate, so differences, squares and the TV norms and sums are float32, the fidelity sum and the gradient
  accumulation float64 (int64 mask). Args: z float64 iterate, x float32 image, mask float64 0/1, lamb float64.
  Returns f [N] and g [N,P,Q], float64.
  """
  z32 = tf.cast(z, tf.float32)
  r32 = z32 - x
  nor1 = tf.sqrt(tf.reduce_sum(tf.cast(r32 * r32, tf.float64) * mask, axis=[1, 2]))
  d1 = z32[:, 1:, :] - z32[:, :-1, :]  # row differences [N,P-1,Q]
  d2 = z32[:, :, 1:] - z32[:, :, :-1]  # column differences [N,P,Q-1]
  if norm == 2:
    n1 = tf.sqrt(_numpy_sum(d1 * d1))  # norm(axis=1): contiguous, pairwise
    n2 = tf.sqrt(_numpy_sum_outer(d2 * d2, axis=1))  # norm(axis=0): row by row
    t1 = 2.0 * d1 / tf.maximum(n1, 1e-6)[:, :, None]
    t2 = 2.0 * d2 / tf.maximum(n2, 1e-6)[:, None, :]
  else:  # norm 1
    n1 = _numpy_sum(tf.abs(d1))
    n2 = _numpy_sum_outer(tf.abs(d2), axis=1)
    t1, t2 = tf.sign(d1), tf.sign(d2)
  lamb32 = tf.cast(lamb, tf.float32)
  f = nor1 + tf.cast(lamb32 * _numpy_sum(n1), tf.float64) + tf.cast(lamb32 * _numpy_sum(n2), tf.float64)
  t1, t2 = tf.cast(t1, tf.float64), tf.cast(t2, tf.float64)
  zp = tf.zeros_like(z[:, :1, :])
  zq = tf.zeros_like(z[:, :, :1])
  # der2[:-1,:] -= t1; der2[1:,:] += t1; der2[:,:-1] -= t2; der2[:,1:] += t2 (ART's order)
  der2 = _keep(_keep(_keep(0.0 - tf.concat([t1, zp], 1)) + tf.concat([zp, t1], 1)) - tf.concat([t2, zq], 2))
  der2 = der2 + tf.concat([zq, t2], 2)
  g = tf.cast(r32, tf.float64) * mask / tf.maximum(nor1, 1e-6)[:, None, None] + lamb * der2
  return f, g


def _dcstep(stx, fx, dx, sty, fy, dy, stp, fp, dp, brackt, stpmin, stpmax):
  """MINPACK-2 dcstep (More & Thuente 1994), elementwise over slices; returns the updated interval."""
  p66 = 0.66
  sgnd = dp * tf.math.sign(dx)
  # case 1: higher function value
  theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp
  s = tf.maximum(tf.maximum(tf.abs(theta), tf.abs(dx)), tf.abs(dp))
  gamma = s * tf.sqrt((theta / s) ** 2 - (dx / s) * (dp / s))
  g1 = tf.where(stp < stx, -gamma, gamma)
  r1 = ((g1 - dx) + theta) / (((g1 - dx) + g1) + dp)
  stpc1 = stx + r1 * (stp - stx)
  stpq1 = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx)
  f1 = tf.where(tf.abs(stpc1 - stx) < tf.abs(stpq1 - stx), stpc1, stpc1 + (stpq1 - stpc1) / 2.0)
  # case 2: lower value, derivatives of opposite sign
  g2 = tf.where(stp > stx, -gamma, gamma)
  r2 = ((g2 - dp) + theta) / (((g2 - dp) + g2) + dx)
  stpc2 = stp + r2 * (stx - stp)
  stpq2 = stp + (dp / (dp - dx)) * (stx - stp)
  f2 = tf.where(tf.abs(stpc2 - stp) > tf.abs(stpq2 - stp), stpc2, stpq2)
  # case 3: lower value, same sign, |derivative| decreases
  gamma3 = s * tf.sqrt(tf.maximum((theta / s) ** 2 - (dx / s) * (dp / s), 0.0))
  g3 = tf.where(stp > stx, -gamma3, gamma3)
  r3 = ((g3 - dp) + theta) / ((g3 + (dx - dp)) + g3)
  stpc3 = tf.where((r3 < 0.0) & (g3 != 0.0), stp + r3 * (stx - stp), tf.where(stp > stx, stpmax, stpmin))
  stpq3 = stp + (dp / (dp - dx)) * (stx - stp)
  near = tf.where(tf.abs(stpc3 - stp) < tf.abs(stpq3 - stp), stpc3, stpq3)
  bound = stp + p66 * (sty - stp)
  f3b = tf.where(stp > stx, tf.minimum(bound, near), tf.maximum(bound, near))
  far = tf.where(tf.abs(stpc3 - stp) > tf.abs(stpq3 - stp), stpc3, stpq3)
  f3 = tf.where(brackt, f3b, tf.maximum(stpmin, tf.minimum(stpmax, far)))
  # case 4: lower value, same sign, |derivative| does not decrease
  theta4 = 3.0 * (fp - fy) / (sty - stp) + dy + dp
  s4 = tf.maximum(tf.maximum(tf.abs(theta4), tf.abs(dy)), tf.abs(dp))
  gamma4 = s4 * tf.sqrt((theta4 / s4) ** 2 - (dy / s4) * (dp / s4))
  g4 = tf.where(stp > sty, -gamma4, gamma4)
  r4 = ((g4 - dp) + theta4) / (((g4 - dp) + g4) + dy)
  f4 = tf.where(brackt, stp + r4 * (sty - stp), tf.where(stp > stx, stpmax, stpmin))

  case1 = fp > fx
  case2 = ~case1 & (sgnd < 0.0)
  case3 = ~case1 & ~case2 & (tf.abs(dp) < tf.abs(dx))
  stpf = tf.where(case1, f1, tf.where(case2, f2, tf.where(case3, f3, f4)))
  brackt = brackt | case1 | case2
  to_y = case1
  x_to_y = ~case1 & (sgnd < 0.0)
  sty_n = tf.where(to_y, stp, tf.where(x_to_y, stx, sty))
  fy_n = tf.where(to_y, fp, tf.where(x_to_y, fx, fy))
  dy_n = tf.where(to_y, dp, tf.where(x_to_y, dx, dy))
  stx_n = tf.where(to_y, stx, stp)
  fx_n = tf.where(to_y, fx, fp)
  dx_n = tf.where(to_y, dx, dp)
  return stx_n, fx_n, dx_n, sty_n, fy_n, dy_n, stpf, brackt


def _dcsrch(f, g, stp, ls):
  """One non-START call of MINPACK-2 dcsrch (stpmin 0, stpmax 1e10) per slice.

  `ls` holds the search state; returns (finished [N] bool, new stp, new state).
  """
  stpmin, stpmax = tf.zeros_like(stp), tf.fill(tf.shape(stp), tf.constant(_STPMAX, tf.float64))
  ftest = ls["finit"] + stp * ls["gtest"]
  stage = tf.where((ls["stage"] == 1) & (f <= ftest) & (g >= 0.0), 2, ls["stage"])
  brackt = ls["brackt"]
  warn = (brackt & ((stp <= ls["stmin"]) | (stp >= ls["stmax"]))) | \
      (brackt & (ls["stmax"] - ls["stmin"] <= _LS_XTOL * ls["stmax"])) | \
      ((stp == stpmax) & (f <= ftest) & (g <= ls["gtest"])) | \
      ((stp == stpmin) & ((f > ftest) | (g >= ls["gtest"])))
  conv = (f <= ftest) & (tf.abs(g) <= _LS_GTOL * (-ls["ginit"]))
  finished = warn | conv

  gtest = ls["gtest"]
  modified = (stage == 1) & (f <= ls["fx"]) & (f > ftest)
  shift = tf.where(modified, gtest, tf.zeros_like(gtest))
  stx, fx, gx, sty, fy, gy = ls["stx"], ls["fx"], ls["gx"], ls["sty"], ls["fy"], ls["gy"]
  stx_n, fxm, gxm, sty_n, fym, gym, stp_n, brackt_n = _dcstep(
      stx, fx - stx * shift, gx - shift, sty, fy - sty * shift, gy - shift,
      stp, f - stp * shift, g - shift, brackt, ls["stmin"], ls["stmax"])
  fx_n, fy_n = fxm + stx_n * shift, fym + sty_n * shift
  gx_n, gy_n = gxm + shift, gym + shift
  width, width1 = ls["width"], ls["width1"]
  bisect = brackt_n & (tf.abs(sty_n - stx_n) >= 0.66 * width1)
  stp_n = tf.where(bisect, stx_n + 0.5 * (sty_n - stx_n), stp_n)
  width1_n = tf.where(brackt_n, width, width1)
  width_n = tf.where(brackt_n, tf.abs(sty_n - stx_n), width)
  stmin_n = tf.where(brackt_n, tf.minimum(stx_n, sty_n), stp_n + 1.1 * (stp_n - stx_n))
  stmax_n = tf.where(brackt_n, tf.maximum(stx_n, sty_n), stp_n + 4.0 * (stp_n - stx_n))
  stp_n = tf.minimum(tf.maximum(stp_n, stpmin), stpmax)
  stuck = (brackt_n & ((stp_n <= stmin_n) | (stp_n >= stmax_n))) | \
      (brackt_n & (stmax_n - stmin_n <= _LS_XTOL * stmax_n))
  stp_n = tf.where(stuck, stx_n, stp_n)

  def keep(new, old):
    return tf.where(finished, old, new)

  new_ls = dict(ls, stage=keep(stage, ls["stage"]), brackt=keep(brackt_n, brackt), stx=keep(stx_n, stx),
                fx=keep(fx_n, fx), gx=keep(gx_n, gx), sty=keep(sty_n, sty), fy=keep(fy_n, fy),
                gy=keep(gy_n, gy), width=keep(width_n, width), width1=keep(width1_n, width1),
                stmin=keep(stmin_n, ls["stmin"]), stmax=keep(stmax_n, ls["stmax"]))
  return finished, tf.where(finished, stp, stp_n), new_ls


def _two_loop(g, s_mem, y_mem, valid, theta):
  """-H g of L-BFGS with memory [N,m,n] (oldest first, `valid` [N,m]) and H0 = I / theta."""
  q = g
  alphas = []
  sy = tf.reduce_sum(s_mem * y_mem, axis=2)
  rho = tf.where(valid, 1.0 / tf.where(valid, sy, tf.ones_like(sy)), tf.zeros_like(sy))
  for j in reversed(range(_MEMORY)):
    a = rho[:, j] * tf.reduce_sum(s_mem[:, j] * q, axis=1)
    alphas.append(a)
    q = q - a[:, None] * y_mem[:, j]
  r = q / theta[:, None]
  for j in range(_MEMORY):
    a = alphas[_MEMORY - 1 - j]
    b = rho[:, j] * tf.reduce_sum(y_mem[:, j] * r, axis=1)
    r = r + (a - b)[:, None] * s_mem[:, j]
  return -r


_SOLVERS: dict = {}


def _solver(p: int, q: int, norm: int):
  """One compiled solver per slice shape (P, Q) and norm, any number of slices."""
  key = (p, q, norm)
  if key not in _SOLVERS:
    spec = [tf.TensorSpec([None, p, q], tf.float32), tf.TensorSpec([None, p, q], tf.float64),
            tf.TensorSpec([], tf.float64), tf.TensorSpec([], tf.int32)]
    _SOLVERS[key] = tf.function(lambda x, m, lamb, it: _lbfgs_art(x, m, lamb, it, norm), input_signature=spec)
  return _SOLVERS[key]


def _lbfgs_art(x, mask, lamb, max_iter, norm: int):
  """scipy L-BFGS-B (no bounds) on ART's function/gradient for every slice of x [N,P,Q] (float32) at once."""
  n_slices = tf.shape(x)[0]
  p, q = int(x.shape[1]), int(x.shape[2])
  flat = lambda a: tf.reshape(a, [n_slices, p * q])  # noqa: E731
  unflat = lambda a: tf.reshape(a, [n_slices, p, q])  # noqa: E731

  def fg(z_flat):
    f, g = _loss_and_art_grad(unflat(z_flat), x, mask, lamb, norm)
    return f, flat(g)

  zeros_n = tf.zeros([n_slices], tf.float64)
  x0 = flat(tf.cast(x, tf.float64))
  f0, g0 = fg(x0)
  done0 = tf.reduce_max(tf.abs(g0), axis=1) <= _PGTOL
  n = p * q
  mem_shape = [n_slices, _MEMORY, n]
  state = dict(
      x=x0, f=f0, g=g0, d=-g0, t=x0, r=g0, fold=f0, stp=tf.minimum(1.0 / tf.norm(g0, axis=1), _STPMAX),
      gdold=zeros_n, ifun=tf.ones([n_slices], tf.int32), it=tf.zeros([n_slices], tf.int32), done=done0,
      s_mem=tf.zeros(mem_shape, tf.float64), y_mem=tf.zeros(mem_shape, tf.float64),
      valid=tf.zeros([n_slices, _MEMORY], tf.bool), theta=tf.ones([n_slices], tf.float64))
  ls = _ls_start(f0, tf.reduce_sum(g0 * -g0, axis=1), state["stp"])
  state["gdold"] = ls["ginit"]

  def cond(step, state, ls):
    return (step < max_iter * 3 * (_MAX_LINE_SEARCH + 1) + 2) & ~tf.reduce_all(state["done"])

  def body(step, state, ls):
    state_in = state
    active = ~state["done"]
    x_trial = state["t"] + state["stp"][:, None] * state["d"]
    f, g = fg(x_trial)
    gd = tf.reduce_sum(g * state["d"], axis=1)
    finished, stp_next, ls_next = _dcsrch(f, gd, state["stp"], ls)
    accept = active & finished
    failed = active & ~finished & (state["ifun"] >= _MAX_LINE_SEARCH)
    cont = active & ~finished & ~failed
    col1 = lambda m: m[:, None]  # noqa: E731

    # accepted iterate
    x_new = tf.where(col1(accept), x_trial, state["x"])
    f_new = tf.where(accept, f, state["f"])
    g_new = tf.where(col1(accept), g, state["g"])
    it = state["it"] + tf.cast(accept, tf.int32)
    stop = accept & ((it >= max_iter) | (tf.reduce_max(tf.abs(g), axis=1) <= _PGTOL) |
                     (state["fold"] - f <= _FTOL * tf.maximum(tf.maximum(tf.abs(state["fold"]), tf.abs(f)), 1.0)))
    # L-BFGS memory update after an accepted step
    s_vec = state["stp"][:, None] * state["d"]
    y_vec = g - state["r"]
    dr = (gd - state["gdold"]) * state["stp"]
    ddum = -state["gdold"] * state["stp"]
    update = accept & ~stop & (dr > _EPSMCH * ddum)
    rolled_s = tf.concat([state["s_mem"][:, 1:], s_vec[:, None]], axis=1)
    rolled_y = tf.concat([state["y_mem"][:, 1:], y_vec[:, None]], axis=1)
    rolled_v = tf.concat([state["valid"][:, 1:], tf.ones_like(state["valid"][:, :1])], axis=1)
    s_mem = tf.where(update[:, None, None], rolled_s, state["s_mem"])
    y_mem = tf.where(update[:, None, None], rolled_y, state["y_mem"])
    valid = tf.where(update[:, None], rolled_v, state["valid"])
    safe_dr = tf.where(update, dr, tf.ones_like(dr))
    theta = tf.where(update, tf.reduce_sum(y_vec * y_vec, axis=1) / safe_dr, state["theta"])

    # failed search: restore the start point; restart from steepest descent unless the memory was empty
    has_mem = tf.reduce_any(valid, axis=1)
    abnormal = failed & ~has_mem
    restart = failed & has_mem
    x_new = tf.where(col1(failed), state["t"], x_new)
    f_new = tf.where(failed, state["fold"], f_new)
    g_new = tf.where(col1(failed), state["r"], g_new)
    valid = tf.where(col1(restart), tf.zeros_like(valid), valid)
    theta = tf.where(restart, tf.ones_like(theta), theta)

    # new search direction where a new line search starts
    start = (accept & ~stop) | restart
    d_new = _two_loop(g_new, s_mem, y_mem, valid, theta)
    gd0 = tf.reduce_sum(g_new * d_new, axis=1)
    ascent = start & (gd0 >= 0.0)
    mem_now = tf.reduce_any(valid, axis=1)
    abnormal = abnormal | (ascent & ~mem_now)
    reset = ascent & mem_now  # lnsrlb info=-4 with memory -> restart from -g
    valid = tf.where(col1(reset), tf.zeros_like(valid), valid)
    theta = tf.where(reset, tf.ones_like(theta), theta)
    d_new = tf.where(col1(reset), -g_new, d_new)
    gd0 = tf.where(reset, -tf.reduce_sum(g_new * g_new, axis=1), gd0)
    start = start & ~(ascent & ~mem_now)
    stp0 = tf.where(it == 0, tf.minimum(1.0 / tf.norm(d_new, axis=1), _STPMAX), tf.ones_like(f))
    ls_start = _ls_start(f_new, gd0, stp0)

    def pick(new_start, during, old):
      return tf.where(start, new_start, tf.where(cont, during, old))

    state = dict(
        x=x_new, f=f_new, g=g_new,
        d=tf.where(col1(start), d_new, state["d"]),
        t=tf.where(col1(start), x_new, state["t"]),
        r=tf.where(col1(start), g_new, state["r"]),
        fold=tf.where(start, f_new, state["fold"]),
        stp=pick(stp0, stp_next, state["stp"]),
        gdold=tf.where(start, gd0, state["gdold"]),
        ifun=pick(tf.ones_like(state["ifun"]), state["ifun"] + 1, state["ifun"]),
        it=it, done=state["done"] | stop | abnormal,
        s_mem=s_mem, y_mem=y_mem, valid=valid, theta=theta)
    ls = {k: tf.ensure_shape(pick(ls_start[k], ls_next[k], v), v.shape) for k, v in ls.items()}
    state = {k: tf.ensure_shape(v, state_in[k].shape) for k, v in state.items()}
    return step + 1, state, ls

  _, state, _ = tf.while_loop(cond, body, (tf.constant(0), state, ls))
  return unflat(state["x"])


def _ls_start(f, gd, stp):
  """dcsrch 'START': the search state for initial value f, slope gd < 0 and first step stp."""
  zeros = tf.zeros_like(f)
  width = tf.fill(tf.shape(f), tf.constant(_STPMAX, tf.float64))
  return dict(brackt=tf.zeros(tf.shape(f), tf.bool), stage=tf.ones(tf.shape(f), tf.int32), finit=f, ginit=gd,
              gtest=_LS_FTOL * gd, width=width, width1=width / 0.5, stx=zeros, fx=f, gx=gd, sty=zeros, fy=f,
              gy=gd, stmin=zeros, stmax=stp + 4.0 * stp)


def tvm_art(x, mask, lamb: float, max_iter: int, norm: int = 2, layout: str = "channels_last") -> tf.Tensor:
  """ART's TotalVarMin minimisation of an NHWC batch in [0, 1] with a given keep mask, unclipped.

  Args:
    x: [B,H,W,C] images (the values ART would receive, in its pixel range).
    mask: keep mask in the layout of the array ART sees (`art_view_shape`): [B,H,W,C] for
      "channels_last", [B,C,H,W] for "channels_first_quirk"; 1 keeps an element in the fidelity term.
    lamb, max_iter, norm: ART's `lamb`, `max_iter`, `norm` (1 or 2).
    layout: see the module docstring.
  Returns float32 [B,H,W,C] (ART rounds its float64 result to float32 the same way), not clipped.
  """
  _check(layout, norm, max_iter, lamb)
  x = tf.convert_to_tensor(x)
  if x.shape.rank != 4 or None in x.shape[1:]:
    raise AdvTfError(f"tvm_art needs NHWC images [B,H,W,C] with known H, W, C; got shape {x.shape}")
  shape = tf.shape(x)
  xs = _to_slices(tf.cast(x, tf.float32), layout)
  ms = _art_view_to_slices(tf.cast(mask, tf.float64), layout)
  solve = _solver(int(xs.shape[1]), int(xs.shape[2]), int(norm))
  z = solve(xs, ms, tf.constant(float(lamb), tf.float64), tf.constant(int(max_iter)))
  return _from_slices(tf.cast(z, tf.float32), shape, layout)


def _check(layout: str, norm: int, max_iter: int, lamb: float) -> None:
  if layout not in LAYOUTS:
    raise AdvTfError(f"unknown TVM layout {layout!r}; choose one of: {', '.join(LAYOUTS)}")
  if norm not in (1, 2):
    raise AdvTfError(f"tvm_art supports norm 1 or 2 (ART's default 2), got {norm}")
  if int(max_iter) < 1 or lamb < 0:
    raise AdvTfError(f"tvm_art needs max_iter >= 1 and lamb >= 0, got {max_iter}, {lamb}")


@DEFENSES.register("tvm_art")
@dataclasses.dataclass(frozen=True)
class TotalVarMinART:
  """ART's TotalVarMin (paper 000's TVM), batched in TF; defaults = the MNIST preset (spec §1.8).

  Use `TotalVarMinART.from_preset("fashion_mnist", layout=...)` for a dataset's settings, and
  layout="channels_first_quirk" for the rows comparable with the paper's figures (spec pitfall P3).
  """
  prob: float = 0.8
  lamb: float = 0.5
  max_iter: int = 25
  norm: int = 2
  layout: str = "channels_last"
  randomized = True
  modes = ("gray_box", "bpda", "eot")

  def __post_init__(self):
    if not 0.0 <= self.prob <= 1.0:
      raise AdvTfError(f"TVM prob (keep probability) must lie in [0, 1], got {self.prob}")
    _check(self.layout, self.norm, self.max_iter, self.lamb)

  @classmethod
  def from_preset(cls, dataset: str, layout: str = "channels_last") -> "TotalVarMinART":
    """The settings paper 000's code used for `dataset` (one of PRESETS)."""
    if dataset not in PRESETS:
      raise AdvTfError(f"no tvm_art preset for {dataset!r}; choose one of: {', '.join(sorted(PRESETS))}")
    return cls(**dataclasses.asdict(PRESETS[dataset]), layout=layout)

  def transform(self, x, seed, clip_min: float = 0.0, clip_max: float = 1.0):
    """Defends a batch [B,H,W,C]; `seed` (int32 [2]) draws the keep mask (same seed -> same output)."""
    x = tf.convert_to_tensor(x, tf.float32)
    if x.shape.rank != 4:
      raise AdvTfError(f"tvm_art needs NHWC images [B,H,W,C], got shape {x.shape}")
    unit = (x - clip_min) / (clip_max - clip_min)
    if seed is None:
      seed = tf.constant([0, 0], tf.int32)
    s = tf.shape(unit)
    view = [s[0], s[1], s[2], s[3]] if self.layout == "channels_last" else [s[0], s[3], s[1], s[2]]
    mask = tf.random.stateless_uniform(tf.stack(view), seed) < self.prob
    out = tvm_art(unit, mask, self.lamb, self.max_iter, self.norm, self.layout)
    return tf.clip_by_value(out, 0.0, 1.0) * (clip_max - clip_min) + clip_min
