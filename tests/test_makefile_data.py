"""`make reproduce-<study>` imports exactly the study's datasets (DATASETS_<study>), all of them known names."""
from __future__ import annotations

import pathlib
import re
import shutil
import subprocess

import pytest

from data_prep.import_raw import IMPORTERS

ROOT = pathlib.Path(__file__).resolve().parents[1]
LISTS = dict(re.findall(r"^DATASETS_([\w-]+) := (.+)$", (ROOT / "Makefile").read_text(), re.M))


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("study", sorted(LISTS))
def test_reproduce_imports_every_listed_dataset(study):
  out = subprocess.run(["make", "-n", f"reproduce-{study}", "RAW_DIR=/raw", "PY=python"], cwd=ROOT,
                       capture_output=True, text=True, check=True).stdout
  (arg,) = re.findall(r'data_prep\.import_raw .*--dataset="([^"]*)"', out)
  assert arg.split() == LISTS[study].split()
  assert all(name in IMPORTERS for name in arg.split())
  assert f"--output_dir=\"results/{study.replace('-', '_')}/quick\"" in out
