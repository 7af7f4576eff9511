"""Per-item outcomes survive a JSON record."""
import pytest

from adv_tf.claims import pack_items, unpack_items
from adv_tf.errors import AdvTfError


def test_pack_round_trip():
  for items in ([1], [0, 1, 1, 0, 1, 0, 0, 1, 1], [1] * 16, [0] * 13):
    assert unpack_items(pack_items(items), len(items)) == tuple(items)
  with pytest.raises(AdvTfError, match="bits"):
    unpack_items(pack_items([1, 0, 1]), 9)
