"""TensorFlow's oneDNN CPU kernels, on by default on every x86-64 CPU (set before TensorFlow is imported).

TensorFlow's pip wheels build their own (Eigen) CPU kernels for AVX without AVX2/FMA ("To enable the following
instructions: AVX2 FMA ... rebuild TensorFlow", its start-up line), and the oneDNN kernels, which choose the
CPU's instructions at run time, are on by default only on CPUs with AVX-512 VNNI/BF16 or AMX (TF 2.9 release
notes). On an AVX2-only CPU (the AMD EPYC of 2026-12-07's machine) TF 2.21 therefore ran the suite's
convolutions and dense layers at about half speed: a Madry-CNN training step (MNIST, batch 64) took 121 ms
with TensorFlow's default and 60 ms with oneDNN (`make bench`'s "cpu kernels" line measures the ratio on
`train_model`'s steady-state epoch). Other CPUs (ARM) are left to TensorFlow's default: not measured here.

`prefer_onednn()` sets TF_ENABLE_ONEDNN_OPTS=1 unless it is already set (TF_ENABLE_ONEDNN_OPTS=0 keeps
TensorFlow's own kernels). It takes effect only when it runs before TensorFlow is imported: `adv_tf`'s
`__init__` calls it, so every binary, benchmark and test that imports adv_tf first gets it. oneDNN changes
results only by floating-point round-off (another order of summation), as any other kernel library would;
records state whether it was on (`provenance.versions()["onednn"]`).
"""
from __future__ import annotations

import os
import platform
import sys

ENV = "TF_ENABLE_ONEDNN_OPTS"


def prefer_onednn() -> None:
  """TF_ENABLE_ONEDNN_OPTS=1 on x86-64 unless already set (no effect once TensorFlow is imported)."""
  if platform.machine().lower() in ("x86_64", "amd64"):
    os.environ.setdefault(ENV, "1")


def onednn_enabled() -> bool | None:
  """Whether the imported TensorFlow runs oneDNN kernels; None when TensorFlow is not imported yet."""
  if "tensorflow" not in sys.modules:
    return None
  from tensorflow.python.util import _pywrap_util_port  # pylint: disable=import-outside-toplevel
  return bool(_pywrap_util_port.IsMklEnabled())
