"""adv_tf.cpu_kernels: oneDNN on unless the user chose otherwise, and only before TensorFlow loads."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest

from adv_tf import cpu_kernels
from adv_tf.utils import provenance

# oneDNN ships in TensorFlow's x86-64 Linux wheels (the machines this suite runs on); elsewhere it may not.
_X86_LINUX = pytest.mark.skipif(platform.system() != "Linux" or platform.machine() != "x86_64",
                                reason="TensorFlow's oneDNN kernels: x86-64 Linux wheels")

_PROBE = ("import json, sys; import adv_tf; from adv_tf import cpu_kernels; before = cpu_kernels.onednn_enabled(); "
          "import tensorflow; from adv_tf.utils import provenance; "
          "print(json.dumps([before, cpu_kernels.onednn_enabled(), provenance.versions()['onednn'], "
          "sys.modules['os'].environ.get('TF_ENABLE_ONEDNN_OPTS')]))")


def _probe(env_value: str | None) -> list:
  env = {k: v for k, v in os.environ.items() if k != cpu_kernels.ENV}
  if env_value is not None:
    env[cpu_kernels.ENV] = env_value
  env["TF_CPP_MIN_LOG_LEVEL"] = "3"
  out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True,
                       timeout=300).stdout
  return json.loads(out.strip().splitlines()[-1])


@_X86_LINUX
def test_prefer_onednn_sets_it_only_when_unset(monkeypatch):
  monkeypatch.delenv(cpu_kernels.ENV, raising=False)
  cpu_kernels.prefer_onednn()
  assert os.environ[cpu_kernels.ENV] == "1"
  monkeypatch.setenv(cpu_kernels.ENV, "0")
  cpu_kernels.prefer_onednn()
  assert os.environ[cpu_kernels.ENV] == "0"


@_X86_LINUX
def test_importing_adv_tf_first_turns_onednn_on_and_records_say_so():
  before, after, recorded, env = _probe(None)
  assert before is None  # adv_tf itself does not import TensorFlow
  assert (after, recorded, env) == (True, True, "1")


@_X86_LINUX
def test_the_users_choice_wins():
  _, after, recorded, env = _probe("0")
  assert (after, recorded, env) == (False, False, "0")


def test_versions_in_this_process_match_tensorflow():
  import tensorflow  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
  assert provenance.versions()["onednn"] is cpu_kernels.onednn_enabled()
