"""Every keyed control of a study's "Gaps to the paper" causes runs in the profile its Control names.

A report points readers at the profile that runs a control ("cpu-full", "paper", "every profile"); when a profile
is resized, a control can silently move out of it (two such texts were once corrected by hand). Each study's
gaps module declares CONTROL_RUNS (control key -> does a config run it?); this test holds every Control to it:
a named profile runs it, "every profile" means every registered profile, no profile ("": a flag runs it, the report
still sees it) none, any other wording at least one.
"""
from __future__ import annotations

import importlib

import pytest

from adv_tf.report.gap_causes import Cause
from adv_tf.studies import STUDIES


def _gap_modules():
  for study in STUDIES:
    package = type(study).__module__.rsplit(".", 1)[0]
    try:
      module = importlib.import_module(f"{package}.gaps")
    except ModuleNotFoundError as e:
      if e.name != f"{package}.gaps":  # a broken import inside a gaps module must fail, not skip the study
        raise
      continue
    if hasattr(module, "CAUSES"):
      yield pytest.param(study, module, id=study.name)


@pytest.mark.parametrize("study,module", list(_gap_modules()))
def test_each_keyed_control_runs_in_the_profile_it_names(study, module):
  profiles = dict(study.PROFILES)
  keyed = [c.control for c in module.CAUSES if isinstance(c, Cause) and c.control and c.control.key]
  assert keyed, "a gaps module with no keyed control needs no CONTROL_RUNS; this test expects at least one"
  runs = module.CONTROL_RUNS
  assert sorted(runs) == sorted({c.key for c in keyed}), "CONTROL_RUNS must cover exactly the keyed controls"
  for control in keyed:
    ran_in = {name for name, cfg in profiles.items() if runs[control.key](cfg)}
    if control.profile in profiles:
      assert control.profile in ran_in, (control.key, control.profile, ran_in)
    elif control.profile == "every profile":
      assert ran_in == set(profiles), (control.key, sorted(set(profiles) - ran_in))
    elif not control.profile:
      assert not ran_in, (control.key, "says no profile runs it, but these do", sorted(ran_in))
    else:
      assert ran_in, (control.key, control.profile, "no profile runs it")


@pytest.mark.parametrize("study,module", list(_gap_modules()))
def test_unkeyed_controls_name_a_real_profile_or_none(study, module):
  """A control without a key (its result is never marked as run) names a registered profile, a wording that
  starts with "every profile", or none (then its note says why)."""
  for cause in module.CAUSES:
    control = cause.control
    if control is None or control.key:
      continue
    assert (control.profile in study.PROFILES or control.profile.startswith("every profile")
            or (not control.profile and control.note)), (cause.name, control.profile)
