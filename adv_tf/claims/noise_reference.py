"""A seed-to-seed noise estimate published by a larger run (issue 22 item 1), used in place of a run's own few seeds.

A claim that names `noise_from` tests a one-seed side with the seed-to-seed sd of that quantity's seeds
(`rules.reference_t`). With 3 seeds the t bound is t(0.975, 2) = 4.30; a `NoiseReference` gives the sd and N of a
published larger run instead (e.g. 10 baselines: t(0.975, 9) = 2.26), with the commit that measured it and the
settings it was measured under. It is valid only if this run's noise process is the same: `check_settings` refuses a
run whose settings differ, and the report states the reference (`describe`) next to every verdict that used it.
"""
from __future__ import annotations

import dataclasses
import json
import math
import pathlib
from typing import Any, Hashable, Mapping

from scipy import stats as _stats

from adv_tf.errors import AdvTfError

# What a run writes beside claims.json and `make publish-results` copies (adv_tf.report.publish).
NOISE_FILE = "noise_reference.json"


@dataclasses.dataclass(frozen=True)
class NoiseReference:
  """sd over `n` seeds (df n - 1) of the quantity `key`, measured at `commit` under `settings` (a JSON-able
  identity of everything that affects the noise), published at `source`."""
  key: Hashable
  sd: float
  n: int
  commit: str
  settings: Mapping[str, Any]
  source: str = ""

  def __post_init__(self):
    if self.n < 2 or not (self.sd >= 0.0 and math.isfinite(self.sd)):
      raise AdvTfError(f"noise reference {self.source or self.key}: needs a finite sd >= 0 over n >= 2 seeds, "
                       f"got sd {self.sd}, n {self.n}")

  @property
  def df(self) -> int:
    return self.n - 1

  def sd_interval(self, level: float = 0.95) -> tuple[float, float]:
    """Two-sided chi-square interval on sigma (normal seeds): sd sqrt(df / chi2(1 - a/2, df)), sd sqrt(df /
    chi2(a/2, df))."""
    tail = (1.0 - level) / 2.0
    return (self.sd * math.sqrt(self.df / _stats.chi2.ppf(1.0 - tail, self.df)),
            self.sd * math.sqrt(self.df / _stats.chi2.ppf(tail, self.df)))

  def describe(self) -> str:
    low, high = self.sd_interval()
    return (f"noise of {_key(self.key)} from a published run: sd {self.sd:.3g} (95% interval {low:.3g}-{high:.3g}) "
            f"over N = {self.n} seeds (t with {self.df} df), commit {self.commit[:12]}"
            + (f", {self.source}" if self.source else "")
            + "; valid only if this run's seed noise is the same process (its settings are checked equal)")

  def check_settings(self, settings: Mapping[str, Any]) -> None:
    """AdvTfError (one line) naming the settings that differ from the reference's."""
    ours, theirs = _jsonable(settings), _jsonable(self.settings)
    differ = sorted(k for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k))
    if differ:
      raise AdvTfError(f"noise reference {self.source or _key(self.key)} was measured under other settings "
                       f"({', '.join(differ)} differ): run with the reference's settings or without the reference")

  def to_json(self) -> dict:
    return {"key": list(self.key) if isinstance(self.key, tuple) else self.key, "sd": self.sd, "n": self.n,
            "commit": self.commit, "settings": _jsonable(self.settings)}


def _key(key: Hashable) -> str:
  return "/".join(str(p) for p in key) if isinstance(key, tuple) else str(key)


def _jsonable(settings: Mapping[str, Any]) -> dict:
  return json.loads(json.dumps(dict(settings), sort_keys=True, default=str))


def load(path) -> NoiseReference:
  """The reference in a JSON file (`NoiseReference.to_json`); AdvTfError when absent or malformed."""
  path = pathlib.Path(path)
  try:
    data = json.loads(path.read_text())
    key = tuple(data["key"]) if isinstance(data["key"], list) else data["key"]
    return NoiseReference(key, float(data["sd"]), int(data["n"]), str(data["commit"]), data["settings"], str(path))
  except FileNotFoundError:
    raise AdvTfError(f"noise reference {path} not found: publish it (make publish-results) or run without it") from None
  except (KeyError, TypeError, ValueError) as e:
    raise AdvTfError(f"noise reference {path} is malformed ({e}): publish it again") from None


def measured(key: Hashable, per_seed, commit: str, settings: Mapping[str, Any]) -> NoiseReference:
  """The reference a run measures: the sd (ddof 1) of its per-seed values of `key`."""
  values = [float(v) for v in per_seed]
  if len(values) < 2:
    raise AdvTfError(f"a noise reference of {_key(key)} needs >= 2 seeds, got {len(values)}")
  mean = sum(values) / len(values)
  sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
  return NoiseReference(key, sd, len(values), commit, settings)
