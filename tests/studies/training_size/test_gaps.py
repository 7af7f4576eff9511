"""The training-size gap rows (attack success vs §4.1's 100%), its causes and its report section, on the
hand-made records of tiny_records (no training)."""
from __future__ import annotations

import dataclasses

import pytest

from adv_tf.report.gap_causes import SECTION_TITLE, assess
from adv_tf.studies.training_size import gaps
from adv_tf.studies.training_size import report as report_lib
from adv_tf.studies.training_size.config import PROFILES, QUICK
from tests.studies.training_size import tiny_records


def _with_rate(results, family: str, size: int, key: str, rate: float) -> list[dict]:
  return [dict(r, **{key: rate}) if (r["family"], r["size"]) == (family, size) else r for r in results]


def test_one_row_per_family_size_and_attack_with_the_seed_mean_and_noise():
  results = tiny_records.results()
  results = [dict(r, cw_success_rate=rate) if (r["family"], r["size"]) == ("mnist/mlp", 1000) else r
             for r, rate in zip(results, [0.9, 0.95, 1.0] * len(results))]
  rows = {row.label: row for row in gaps.gap_rows(results)}
  assert len(rows) == len(tiny_records.SHAPES) * len(tiny_records.SIZES) * len(gaps.ATTACKS)
  row = rows["mnist/mlp, 1000, CW-L2"]
  assert row.paper == 100.0 and row.ours == pytest.approx(95.0)
  assert dict(row.fields) == {"dataset": "mnist", "architecture": "mlp", "augment": "-", "family": "mnist/mlp",
                              "size": "1000", "attack": "CW-L2"}
  assert row.noise.seeds == 3 and "seed sd" in row.noise.source
  assert "binomial on 18 images" in row.noise.source  # the smallest models classify 18 of the 20 pool images
  assert rows["cifar10/resnet32+D, 4000, I-FGSM"].fields["augment"] == "+D"
  assert rows["cifar10/resnet32+D, 4000, I-FGSM"].ours == pytest.approx(100.0)


def test_a_cell_without_correct_pool_images_has_no_row():
  results = [dict(r, correct=[False] * tiny_records.POOL) if r["size"] == 1000 else r for r in tiny_records.results()]
  assert not any(row.fields["size"] == "1000" for row in gaps.gap_rows(results))


def test_a_row_beyond_the_noise_gets_its_causes_and_rows_within_the_noise_do_not_appear():
  results = _with_rate(tiny_records.results(), "cifar10/mlp", 1000, "cw_success_rate", 0.30)
  results = _with_rate(results, "mnist/mlp", 4000, "ifgsm_success_rate", 0.97)  # 3 points: within the noise
  a = assess(gaps.gap_rows(results), gaps.CAUSES)
  assert [row.label for row in a.beyond] == ["cifar10/mlp, 1000, CW-L2"]
  assert {c.name for c in a.causes_of(a.beyond[0])} == {
      "CW settings unstated", "training recipe unstated", "local CIFAR-10 copy", "attack pool unstated"}
  assert not a.unexplained


def test_an_i_fgsm_gap_on_mnist_is_not_put_on_the_cw_or_cifar10_causes():
  results = _with_rate(tiny_records.results(), "mnist/mlp", 2000, "ifgsm_success_rate", 0.20)
  a = assess(gaps.gap_rows(results), gaps.CAUSES)
  assert [row.label for row in a.beyond] == ["mnist/mlp, 2000, I-FGSM"]
  assert {c.name for c in a.causes_of(a.beyond[0])} == {
      "I-FGSM iterations and eps range unstated", "training recipe unstated", "attack pool unstated"}


def test_every_control_names_a_profile_of_the_study_or_says_why_none_runs_it():
  for cause in gaps.CAUSES:
    control = cause.control
    assert control is not None, cause.name
    assert control.profile in PROFILES or (control.profile == "" and control.note), (cause.name, control.profile)


def test_controls_ran_only_where_the_run_has_them():
  results = tiny_records.results()
  assert report_lib.gap_controls(QUICK, results) == {}
  per_family = dataclasses.replace(QUICK, recipe="per_family")
  assert set(report_lib.gap_controls(per_family, results)) == {"per_family_recipe"}
  big = [dict(r, size=50000) if r["dataset"] == "cifar10" and r["size"] == 4000 else r for r in results]
  assert set(report_lib.gap_controls(QUICK, big)) == {"full_cifar10"}
  large_pool = [dict(r, correct=r["correct"] * 25) for r in results]  # 500 pool entries
  assert set(report_lib.gap_controls(QUICK, large_pool)) == {"pool_500"}


def test_the_section_renders_the_counts_the_gap_and_the_control_status():
  results = _with_rate(tiny_records.results(), "cifar10/mlp", 1000, "cw_success_rate", 0.30)
  text = report_lib.gaps_of(dataclasses.replace(QUICK, recipe="per_family"), results).render()
  assert text.startswith(f"## {SECTION_TITLE}\n")
  assert "Compared: 24 rows with both a paper value and ours. Beyond the noise: 1 (ours above the paper: 0, below: 1)" \
      in text
  assert "| cifar10/mlp, 1000, CW-L2 | 100.0 | 30.0 | -70.0 |" in text
  assert "ran in this run: every model of this run" in text
  assert "not run here; runs in paper (needs the full data set, not the local copy)" in text
  assert "Unexplained (beyond the noise, no declared cause fits): 0" in text
