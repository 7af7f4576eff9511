"""A published noise reference in paper 002's claims: it decides what quick's 3 baselines cannot, and is refused
under other settings."""
from __future__ import annotations

import dataclasses
import json
import pathlib

import hyperparams_tiny_records as tiny
import pytest

from adv_tf.claims import noise_reference
from adv_tf.claims.noise_reference import NoiseReference
from adv_tf.errors import AdvTfError
from adv_tf.report import publish
from adv_tf.studies.hyperparams import config, noise, report

QUICK = config.PROFILES["quick"]


def _stride_at(mean: float, baseline_means) -> list[dict]:
  records = tiny.records(baseline_means=baseline_means)
  old = next(r for r in records if r["name"] == "stride=2")
  return [r for r in records if r["name"] != "stride=2"] + [tiny.record("stride=2", old["stage"], old["config"], mean)]


def test_a_variant_undecided_on_three_baselines_is_decided_with_a_published_sd_over_ten():
  # stride 2 at 2.0 vs baselines 2.2, 2.3, 2.4 (sd 0.1): t = 0.3 / (0.1 sqrt(4/3)) = 2.60 < t(0.975, 2) = 4.30;
  # with the same sd published over N = 10 seeds the bound is t(0.975, 9) = 2.26.
  records = _stride_at(2.0, (2.2, 2.3, 2.4))
  own = {r.claim.id: r for r in report.judge_claims(records)[0]}
  assert own["C6"].verdict == "inconclusive"
  ref = NoiseReference(("baselines",), 0.1, 10, "0123456789abcdef", noise.settings(QUICK, 0))
  got = {r.claim.id: r for r in report.judge_claims(records, ref)[0]}
  assert got["C6"].verdict == "holds" and got["C6"].cells[0].test.df == 9
  assert "published run, commit 0123456789ab" in got["C6"].cells[0].test.noise


def test_a_reference_measured_under_other_settings_is_refused(tmp_path):
  path = tmp_path / noise_reference.NOISE_FILE
  wider = dataclasses.replace(QUICK, samples_per_class=100)
  ref = NoiseReference(("baselines",), 0.1, 10, "abc", noise.settings(wider, 0))
  path.write_text(json.dumps(ref.to_json()))
  quick = dataclasses.replace(QUICK, noise_reference=str(path))
  with pytest.raises(AdvTfError, match=r"other settings \(samples_per_class differ\)"):
    noise.reference(quick, 0)
  with pytest.raises(AdvTfError, match=r"seed differ"):   # the baselines' seeds are part of the settings
    noise.reference(dataclasses.replace(quick, noise_reference=str(_write(tmp_path, QUICK, 0))), 1)
  assert noise.reference(dataclasses.replace(quick, noise_reference=str(_write(tmp_path, QUICK, 0))), 0).n == 10
  assert noise.reference(dataclasses.replace(QUICK, noise_reference=""), 0) is None   # none: the run's own baselines


def _write(tmp_path, cfg, seed):
  path = tmp_path / "same.json"
  path.write_text(json.dumps(NoiseReference(("baselines",), 0.1, 10, "abc", noise.settings(cfg, seed)).to_json()))
  return path


def test_publish_copies_the_file_the_claims_engine_names():
  assert publish.NOISE_FILE == noise_reference.NOISE_FILE


def test_a_relative_reference_path_is_found_in_the_checkout_from_any_folder(tmp_path, monkeypatch):
  inside = noise.reference_path("docs/results/hyperparams/x/noise_reference.json")
  monkeypatch.chdir(tmp_path)   # where a user may run the binary from
  assert noise.reference_path("docs/results/hyperparams/x/noise_reference.json") == inside
  assert inside.is_absolute() and inside.parts[-4:-2] == ("results", "hyperparams")
  (tmp_path / "here.json").write_text("{}")
  assert noise.reference_path("here.json") == pathlib.Path("here.json")   # found from here: used as given


def test_quick_names_the_published_reference_and_matches_its_settings():
  # the committed file (docs/results/hyperparams/quick-baselines10) was measured under quick's settings at seed 0
  ref = noise.reference(QUICK, 0)
  assert ref.n == 10 and ref.df == 9 and ref.key == ("baselines",)
  with pytest.raises(AdvTfError, match=r"seed differ.*--noise_reference= judges by this run's own baselines"):
    noise.reference(QUICK, 1)
