"""Report figures: the minimal-distance histogram (adv_tf/report/figures.py `histogram`)."""
from __future__ import annotations

import numpy as np


def test_histogram_skips_non_finite_values_and_writes_a_png(tmp_path, monkeypatch):
  from adv_tf.report import figures
  counted = {}
  real_hist = figures.plt.Axes.hist

  def spy(ax, values, *args, **kwargs):
    counted[kwargs["label"]] = np.asarray(values)
    return real_hist(ax, values, *args, **kwargs)

  monkeypatch.setattr(figures.plt.Axes, "hist", spy)
  path = tmp_path / "h.png"
  figures.histogram({"cw": [1.0, np.inf, 2.0, np.nan], "deepfool": [1.5]}, xlabel="L2", title="t", path=path)
  assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
  assert counted["cw (n=2)"].tolist() == [1.0, 2.0] and counted["deepfool (n=1)"].tolist() == [1.5]


def test_histogram_of_nothing_still_draws(tmp_path):
  from adv_tf.report import figures
  figures.histogram({"cw": [np.inf]}, xlabel="L2", title="t", path=tmp_path / "empty.png")
  assert (tmp_path / "empty.png").stat().st_size > 0
