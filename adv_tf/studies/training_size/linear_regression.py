"""Paper 004 §2: the linear-regression example that motivates "more data, more accurate, less robust".

Data (§2): S_1 = three (x, y) pairs, S_2 = S_1 plus three more, T = two test pairs. Model: closed-form
least squares. The paper does not say whether the line has an intercept; with an intercept the test MSEs
are the published 0.0450 / 0.0396 (without one they would be 0.0183 / 0.0074), so we fit y = a x + b.

Robustness (§2): per test pair, "the minimum |delta| such that |(M(x_t) - y_t)/y_t| < theta and
|(M(x_t + delta) - y_t)/y_t| > theta", theta = 0.025, delta enumerated from 0 in steps of 0.0001. Which
signs of delta count is not stated, so every reading is computed: "both" (the smaller of the +delta and
-delta searches, the literal "minimum |delta|"), "plus" (+delta only), "minus" (-delta only). The verdict
(C11) uses `VERDICT_READING`; every reading is printed beside the paper's mean delta in the report.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from adv_tf.errors import AdvTfError

S1 = ((1.35, 9.52), (2.42, 16.7), (4.02, 28.03))
S2 = S1 + ((8.59, 60.22), (3.85, 25.74), (6.71, 47.2))
TEST = ((4.78, 33.24), (9.71, 67.78))
THETA = 0.025
DELTA_STEP = 1e-4
READINGS = ("both", "plus", "minus")
VERDICT_READING = "both"  # the literal "minimum |delta|" over both signs of delta


def fit_line(points) -> tuple[float, float]:
  """Closed-form least squares y = slope * x + intercept (numpy's lstsq on [x, 1]); returns (slope, intercept)."""
  pts = np.asarray(points, np.float64)
  if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) < 2:
    raise AdvTfError(f"fit_line needs at least two (x, y) pairs as an [N, 2] array, got shape {pts.shape}")
  design = np.stack([pts[:, 0], np.ones(len(pts))], axis=1)
  (slope, intercept), *_ = np.linalg.lstsq(design, pts[:, 1], rcond=None)
  return float(slope), float(intercept)


def test_mse(line: tuple[float, float], test=TEST) -> float:
  """Mean squared error of the line on the test pairs (§2's "accuracy")."""
  t = np.asarray(test, np.float64)
  return float(np.mean((line[0] * t[:, 0] + line[1] - t[:, 1]) ** 2))


def minimal_delta(line: tuple[float, float], x: float, y: float, *, sign: int, theta: float = THETA,
                  step: float = DELTA_STEP, max_steps: int = 10_000_000) -> float:
  """Smallest k * step (k = 0, 1, ...) with |(M(x + sign * k * step) - y) / y| > theta.

  nan when the clean estimate is not within theta (the §2 definition needs it correct first).
  """
  rel = lambda d: abs((line[0] * (x + d) + line[1] - y) / y)  # noqa: E731
  if not rel(0.0) < theta:
    return float("nan")
  # The relative error is linear in delta and changes by at most |slope| * step / |y| per step, so no
  # k below (theta - rel(0)) * |y| / (|slope| * step) can cross theta: the enumeration starts there.
  slope = abs(line[0])
  if slope == 0:
    return float("inf")
  k = max(int(np.floor((theta - rel(0.0)) * abs(y) / (slope * step))) - 2, 0)
  for _ in range(max_steps):
    if rel(sign * k * step) > theta:
      return k * step
    k += 1
  return float("inf")


@dataclasses.dataclass(frozen=True)
class RegressionResult:
  """One model of §2: its line, test MSE and mean minimal delta under each reading."""
  name: str
  slope: float
  intercept: float
  mse: float
  mean_delta: dict


def run_example(theta: float = THETA, step: float = DELTA_STEP) -> list[RegressionResult]:
  """M_1 (fit on S_1) and M_2 (fit on S_2), each evaluated on T under every reading of "minimum |delta|"."""
  out = []
  for name, points in (("M1", S1), ("M2", S2)):
    line = fit_line(points)
    deltas = {}
    for t_x, t_y in TEST:
      plus = minimal_delta(line, t_x, t_y, sign=+1, theta=theta, step=step)
      minus = minimal_delta(line, t_x, t_y, sign=-1, theta=theta, step=step)
      for reading, value in (("plus", plus), ("minus", minus), ("both", min(plus, minus))):
        deltas.setdefault(reading, []).append(value)
    out.append(RegressionResult(name, line[0], line[1], test_mse(line),
                                {r: float(np.mean(deltas[r])) for r in READINGS}))
  return out
