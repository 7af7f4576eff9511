"""`make bench`'s cw-selfcheck line: each run's per-pair L2 against the best any run found (no timing)."""
import re
import types

import numpy as np

from benchmarks import bench_cw


def _result(l2, success=None):
  """An AttackResult's two fields the line reads; a failed pair has L2 0, as a failed attack returns x itself."""
  success = np.ones(len(l2), bool) if success is None else np.asarray(success)
  return types.SimpleNamespace(l2=np.where(success, np.asarray(l2, np.float32), 0.0).astype(np.float32),
                               success=success)


def _field(line: str, section: str, key: str) -> str:
  return re.search(rf"{re.escape(section)} [^|]*?{re.escape(key)}=(\S+)", line).group(1)


def test_selfcheck_line_ratios_against_the_per_pair_best():
  exact = _result([1.0, 2.0, 3.0])
  stronger = _result([1.0, 1.9, 3.3])
  new = _result([1.1, 1.8, 9.9], success=[True, True, False])   # its third pair failed (L2 0): not a candidate
  line = bench_cw.selfcheck_line("m", 0.0, new, exact, stronger)
  assert line.startswith("cw-selfcheck m kappa=0: exact/exact2x ")
  assert "nan" not in line and "inf" not in line
  # exact / exact2x per pair: 1, 2/1.9, 3/3.3
  assert _field(line, "exact/exact2x", "max") == f"{2 / 1.9:.4f}"
  assert _field(line, "exact/exact2x", "over1.02") == "1/3"
  # best known per pair: 1.0 (all), 1.8 (fmn-cw), 3.0 (exact; fmn-cw's failure is no candidate)
  vs_best = line.split("vs best known: ")[1]
  assert _field(vs_best, "exact", "max") == f"{2 / 1.8:.4f}"
  assert _field(vs_best, "exact", "mean") == f"{(1 + 2 / 1.8 + 1) / 3:.4f}"
  assert _field(vs_best, "exact", "over1.05") == "1/3"
  assert _field(vs_best, "exact2x", "max") == f"{3.3 / 3.0:.4f}"
  assert _field(vs_best, "exact2x", "over1.02") == "2/3"
  assert _field(vs_best, "fmn-cw", "max") == f"{1.1:.4f}"   # over the 2 pairs it solved
  assert _field(vs_best, "fmn-cw", "over1.02") == "1/2"


def test_pairs_a_run_fails_leave_its_denominators_and_a_pair_all_fail_leaves_every_one():
  # pair 0: all solve; 1: only exact2x solves; 2: all fail; 3: exact fails, the others solve.
  exact = _result([2.0, 1.0, 1.0, 1.0], success=[True, False, False, False])
  stronger = _result([2.2, 1.5, 1.0, 1.2], success=[True, True, False, True])
  new = _result([2.0, 1.0, 1.0, 1.3], success=[True, False, False, True])
  line = bench_cw.selfcheck_line("m", 0.0, new, exact, stronger)
  assert _field(line, "exact/exact2x", "over1.02") == "0/1" and _field(line, "exact/exact2x", "over1.05") == "0/1"
  assert _field(line, "exact/exact2x", "max") == f"{2.0 / 2.2:.4f}"
  vs_best = line.split("vs best known: ")[1]
  assert _field(vs_best, "exact", "over1.02") == "0/1"
  assert _field(vs_best, "exact2x", "over1.02") == "1/3"          # 2.2 / 2.0 on pair 0; itself on 1 and 3
  assert _field(vs_best, "exact2x", "max") == f"{2.2 / 2.0:.4f}"
  assert _field(vs_best, "fmn-cw", "over1.05") == "1/2"           # 1.3 / 1.2 on pair 3
  assert "nan" not in line


def test_selfcheck_line_when_one_run_solves_nothing():
  line = bench_cw.selfcheck_line("m", 10.0, _result([1.0], success=[False]), _result([1.0]), _result([0.5]))
  assert "kappa=10" in line and "fmn-cw no pair" in line
  assert _field(line.split("vs best known: ")[1], "exact", "max") == "2.0000"
