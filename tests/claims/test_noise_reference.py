from __future__ import annotations

import json

import pytest

from adv_tf.claims import noise_reference
from adv_tf.claims.noise_reference import NoiseReference
from adv_tf.errors import AdvTfError

SETTINGS = {"cw": {"schedule": "carlini", "max_iterations": 1000}, "samples_per_class": 1}


def test_a_run_under_other_settings_is_refused_naming_what_differs():
  ref = NoiseReference(("baselines",), 0.05, 10, "abc", SETTINGS)
  ref.check_settings(dict(SETTINGS))   # the same settings pass
  with pytest.raises(AdvTfError, match=r"\(samples_per_class differ\)"):
    ref.check_settings({**SETTINGS, "samples_per_class": 100})
  with pytest.raises(AdvTfError, match=r"\(cw, train differ\)"):
    ref.check_settings({"cw": {"schedule": "fast"}, "samples_per_class": 1, "train": "paper"})


def test_the_sd_interval_is_the_chi_square_interval_and_the_report_line_states_it():
  ref = NoiseReference(("baselines",), 0.05, 10, "0123456789abcdef0", SETTINGS, "docs/results/x/noise.json")
  low, high = ref.sd_interval()
  # df 9: chi2(0.975) = 19.023, chi2(0.025) = 2.700
  assert low == pytest.approx(0.05 * (9 / 19.0228) ** 0.5, rel=1e-4)
  assert high == pytest.approx(0.05 * (9 / 2.70039) ** 0.5, rel=1e-4)
  line = ref.describe()
  assert "sd 0.05 (95% interval 0.0344-0.0913) over N = 10 seeds (t with 9 df), commit 0123456789ab" in line
  assert "docs/results/x/noise.json" in line and "same process" in line


def test_measured_then_loaded_round_trips(tmp_path):
  ref = noise_reference.measured(("baselines",), [1.0, 2.0, 3.0], "abc", SETTINGS)
  assert ref.sd == pytest.approx(1.0) and ref.n == 3 and ref.df == 2
  path = tmp_path / "noise.json"
  path.write_text(json.dumps(ref.to_json()))
  back = noise_reference.load(path)
  assert (back.key, back.sd, back.n, back.commit, dict(back.settings)) == (ref.key, ref.sd, 3, "abc", SETTINGS)
  with pytest.raises(AdvTfError, match="not found"):
    noise_reference.load(tmp_path / "absent.json")
  path.write_text("{}")
  with pytest.raises(AdvTfError, match="malformed"):
    noise_reference.load(path)
  with pytest.raises(AdvTfError, match=">= 2 seeds"):
    noise_reference.measured("k", [1.0], "abc", SETTINGS)
