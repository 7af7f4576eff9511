"""The one Markdown table writer."""
from adv_tf.report.markdown import table


def test_table_escapes_pipes_and_newlines():
  assert table(["a", "b"], [["x|y", "1\n2"]]).splitlines() == ["| a | b |", "|---|---|", "| x\\|y | 1 2 |"]
