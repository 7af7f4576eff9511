"""Gap rule on constructed rows: the noise of an accuracy (binomial, seeds), the bound, the direction."""
from __future__ import annotations

import math

import pytest

from adv_tf.errors import AdvTfError
from adv_tf.report import gaps as G
from adv_tf.report.statistics import t_threshold


def test_accuracy_noise_one_seed_is_the_agresti_coull_binomial_se():
  noise = G.accuracy_noise([90.0], 100)
  p = (90 + 2) / 104
  assert noise.se == pytest.approx(100 * math.sqrt(p * (1 - p) / 104))
  assert noise.seeds is None
  assert "one seed" in noise.source and "100 images" in noise.source


def test_accuracy_noise_at_the_ceiling_is_not_zero():
  assert G.accuracy_noise([100.0], 100).se > 1.0


def test_accuracy_noise_with_seeds_adds_the_seed_sd_times_sqrt_one_plus_one_over_s():
  values = [80.0, 84.0, 88.0]  # sd 4
  noise = G.accuracy_noise(values, 10_000)
  p = (0.84 * 10_000 + 2) / 10_004
  image = 100 * math.sqrt(p * (1 - p) / 10_004)
  assert noise.se == pytest.approx(math.hypot(image, 4.0 * math.sqrt(1 + 1 / 3)))
  assert noise.seeds == 3 and "seed sd 4 over 3 seeds" in noise.source


def _row(paper, ours, se=1.0, seeds=None, label="r", **fields):
  return G.GapRow(label, fields, paper, ours, G.Noise(se, "test", seeds))


def test_a_gap_within_the_noise_is_not_beyond():
  rule = G.GapRule(z=2.0, margin=5.0)
  assert not rule.beyond(_row(50.0, 56.0, se=4.0))  # 6 pp < 2 x 4 pp
  assert not rule.beyond(_row(50.0, 54.0, se=0.1))  # resolved, but under the 5 pp margin


def test_a_gap_beyond_the_noise_is_flagged_with_its_direction():
  rule = G.GapRule(z=2.0, margin=5.0)
  above, below = _row(40.0, 60.0, se=2.0), _row(60.0, 40.0, se=2.0)
  assert rule.beyond(above) and rule.beyond(below)
  assert (above.direction, below.direction) == ("above", "below")


def test_seed_noise_uses_the_t_bound_and_the_paper_noise_adds_in_quadrature():
  rule = G.GapRule(z=2.0, margin=0.0)
  row = G.GapRow("r", {}, 50.0, 60.0, G.Noise(3.0, "seeds", seeds=3), G.Noise(4.0, "paper"))
  assert row.se == pytest.approx(5.0)
  assert rule.bound(row) == pytest.approx(t_threshold(2.0, 3) * 5.0)
  assert not rule.beyond(row)  # 10 pp < 4.5 x 5 pp, though 10 > 2 x 5 under the normal


def test_bad_noise_and_rule_are_refused():
  with pytest.raises(AdvTfError):
    G.Noise(-1.0, "x")
  with pytest.raises(AdvTfError):
    G.Noise(1.0, "x", seeds=1)
  with pytest.raises(AdvTfError):
    G.GapRule(z=0.0)
  with pytest.raises(AdvTfError):
    G.accuracy_noise([], 10)


def test_the_rule_text_gives_the_multiplier_actually_used_with_seed_sds():
  rule = G.GapRule(z=2.0, margin=5.0)
  text = rule.describe()
  assert f"{t_threshold(2.0, 3):.2f} at 3 seeds" in text and "4.53 at 3 seeds" in text
