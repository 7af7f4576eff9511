"""The verdict table (report.md), the claims.json rows and the paper-on-paper column, from `ClaimResult`s."""
from __future__ import annotations

from typing import Sequence

from adv_tf.claims.engine import NOT_RUN, ClaimResult
from adv_tf.report.base import ClaimVerdict
from adv_tf.report.tables import markdown_table as table

# The paper column of a claim none of whose cells the published numbers give (figures only, not digitized, or not
# stated): the engine's "not run in this profile" would say the paper's side was not run, which is not what it means.
NO_PUBLISHED_NUMBERS = "no published numbers for its cells"
HEADER = ("claim", "statement", "ours", "our cells", "what would decide it", "paper on paper", "paper cells")


def verdict_rows(ours: Sequence[ClaimResult], paper: Sequence[ClaimResult] | None = None) -> list[list[str]]:
  """One row per claim; `paper`: the same claims judged on the published numbers (same order)."""
  rows = []
  for i, r in enumerate(ours):
    p = paper[i] if paper is not None else None
    if p is not None and p.claim.id != r.claim.id:
      raise ValueError(f"paper results out of order: {p.claim.id} beside {r.claim.id}")
    decide = r.to_decide or ("decided" if r.decided else "-")
    if r.left_out:
      decide += f"; {r.left_out}"
    if r.confounds:
      decide += f"; {r.confounds}"
    rows.append([r.claim.id, r.claim.statement, f"**{r.label}**", r.counts or "-", decide,
                 _paper_label(p), p.counts if p else "-"])
  return rows


def _paper_label(p: ClaimResult | None) -> str:
  if p is None:
    return "-"
  return NO_PUBLISHED_NUMBERS if p.verdict == NOT_RUN else p.label


def verdict_table(ours: Sequence[ClaimResult], paper: Sequence[ClaimResult] | None = None) -> str:
  """The Markdown verdict table every study's report prints."""
  return table(HEADER, verdict_rows(ours, paper))


def claim_verdicts(ours: Sequence[ClaimResult], section: str = "") -> list[ClaimVerdict]:
  """The claims.json rows (`adv_tf.report.base.ClaimVerdict`) the cross-study index reads."""
  return [ClaimVerdict(r.claim.id, r.claim.statement, r.label, r.evidence, section or r.claim.section, r.sample,
                       r.cell_rows) for r in ours]
