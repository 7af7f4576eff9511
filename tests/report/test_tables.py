"""The one Markdown table writer (adv_tf.report.tables.markdown_table)."""
import pytest

from adv_tf.report.tables import markdown_table


def test_table_escapes_pipes_and_newlines_and_formats_numbers():
  assert markdown_table(["a", "b", "c"], [["x|y", "1\n2", 0.5]]).splitlines() == [
      "| a | b | c |", "|---|---|---|", "| x\\|y | 1 2 | 0.50 |"]


def test_a_row_of_the_wrong_width_is_refused():
  with pytest.raises(ValueError, match="row 0 has 1 cells for 2 columns"):
    markdown_table(["a", "b"], [["x"]])
