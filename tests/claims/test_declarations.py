"""Declarations refuse what the engine cannot judge, with one line."""
from __future__ import annotations

import pytest

from adv_tf.claims import Accuracy, Cell, Claim, Values, check_unique
from adv_tf.errors import AdvTfError


def test_bad_declarations_are_refused():
  with pytest.raises(AdvTfError, match="relation"):
    Cell("a", "b", "bigger")
  with pytest.raises(AdvTfError, match="unit"):
    Claim("X", "s", (Cell("a", "b"),), unit="models")
  with pytest.raises(AdvTfError, match="no cells"):
    Claim("X", "s", ())
  with pytest.raises(AdvTfError, match="unique"):
    check_unique([Claim("X", "s", (Cell("a", "b"),)), Claim("X", "t", (Cell("a", "b"),))])


def test_cell_names():
  assert Cell(("mnist", "14"), 0.97).name == "mnist/14 vs 0.97"
  assert Cell("a", "b", label="BIM vs PGD").name == "BIM vs PGD"


def test_observations_check_their_counts():
  with pytest.raises(AdvTfError, match="per seed"):
    Accuracy((51,), 50)
  with pytest.raises(AdvTfError, match="sum"):
    Accuracy((2,), 3, items=((1, 0, 0),))
  assert Accuracy.of([[1, 0, 1], [1, 1, 1]], seeds=(0, 1)).k == (2, 3)
  with pytest.raises(AdvTfError, match="statistic"):
    Values(((1.0,),), statistic="mode")
  assert Values(((1.0, 3.0), (2.0, 2.0)), seeds=(0, 1), statistic="median").value == pytest.approx(2.0)
