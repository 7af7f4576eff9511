"""The template study's report: one table of the cells, then the claims."""
from __future__ import annotations

from adv_tf.report.base import StudyReport
from adv_tf.report.markdown import Section
from adv_tf.report.tables import markdown_table

from .claims import SECTION, claim_verdicts


def pooled_counts(run) -> dict[float, tuple[int, int]]:
  """noise level -> (correct, total) over the seeds of this run's records."""
  counts: dict[float, tuple[int, int]] = {}
  for record in run.records.get("cells", []):
    k, n = counts.get(record["config"]["noise"], (0, 0))
    counts[record["config"]["noise"]] = (k + record["result"]["correct"], n + record["result"]["total"])
  return counts


class TemplateReport(StudyReport):
  title = "Paper T (template): label noise vs nearest-neighbour accuracy"

  def sections(self, run) -> list[Section]:
    rows = [[noise, k, n, k / n] for noise, (k, n) in sorted(pooled_counts(run).items())]
    claims = [[c.claim, c.statement, c.verdict, c.evidence] for c in self.claims(run)]
    return [Section("Accuracy per noise level", markdown_table(["noise", "correct", "total", "accuracy"], rows)),
            Section(SECTION, markdown_table(["claim", "statement", "verdict", "evidence"], claims, cell=str))]

  def claims(self, run):
    return claim_verdicts(pooled_counts(run))
