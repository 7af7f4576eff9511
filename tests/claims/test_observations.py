"""Per-item outcomes survive a JSON record."""
import pytest

from adv_tf.claims import Exact, Scalar, pack_items, unpack_items
from adv_tf.errors import AdvTfError


def test_pack_round_trip():
  for items in ([1], [0, 1, 1, 0, 1, 0, 0, 1, 1], [1] * 16, [0] * 13):
    assert unpack_items(pack_items(items), len(items)) == tuple(items)
  with pytest.raises(AdvTfError, match="bits"):
    unpack_items(pack_items([1, 0, 1]), 9)


@pytest.mark.parametrize("kind, message", [(Scalar, "a Scalar must be finite, got nan"),
                                           (Exact, "an Exact value must be finite, got inf")])
def test_constants_and_exact_values_must_be_finite_and_stay_distinct_kinds(kind, message):
  with pytest.raises(AdvTfError) as error:
    kind(float("nan") if kind is Scalar else float("inf"))
  assert str(error.value) == message
  assert kind(0.5).value == 0.5 and Scalar(0.5) != Exact(0.5)
  assert not isinstance(Scalar(0.5), Exact) and not isinstance(Exact(0.5), Scalar)
