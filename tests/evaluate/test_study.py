"""The evaluation runs on the studies' machinery (records, resume) without being one of the studies."""
from __future__ import annotations

from tests.evaluate.helpers import SWEEP_FLAGS, records, smoke_run


def test_not_a_registered_study():
  from adv_tf.studies import STUDIES
  assert "evaluate" not in {study.name for study in STUDIES}


def test_rerun_computes_nothing(sweep_run, models, mnist_dir, capsys):
  before = records(sweep_run, "attack")
  smoke_run(sweep_run, models["zero_one"], mnist_dir, *SWEEP_FLAGS)
  assert "every cell is recorded" in capsys.readouterr().out
  assert records(sweep_run, "attack") == before
