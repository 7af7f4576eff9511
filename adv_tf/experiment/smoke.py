"""The `smoke` profile of every study checks an install: every stage runs on real data in about a minute of CPU,
with training and attacks cut far below the paper's, so its numbers decide nothing (issue 23). After a smoke run's
report is written, `mark_undecided` says so at the top of report.md and turns every verdict of claims.json into
"not decided", so neither the report nor the cross-study index can be read as a result.
"""
from __future__ import annotations

import json
import pathlib

from adv_tf.experiment.study import CLAIMS_FILE
from adv_tf.utils.atomic import atomic_write_text

SMOKE_PROFILE = "smoke"
NOTE = ("**smoke profile: decides nothing.** Every stage ran on a few real images (in the paper studies with "
        "training and attacks cut far below the paper's) to check an install. No claim is judged: the verdict "
        "columns below only show the claims engine's rules applied to these numbers, and claims.json (which the "
        "index reads) marks every claim \"not decided\". Run the quick profile for results.")
UNDECIDED = "not decided (smoke profile)"


def mark_undecided(output_dir: pathlib.Path) -> None:
  """Prepends `NOTE` to report.md and sets every verdict in claims.json to `UNDECIDED` (the evidence is kept)."""
  output_dir = pathlib.Path(output_dir)
  report = output_dir / "report.md"
  if report.is_file():
    text = report.read_text("utf-8")
    if NOTE not in text:
      atomic_write_text(report, f"{NOTE}\n\n{text}")
  claims_path = output_dir / CLAIMS_FILE
  if claims_path.is_file():
    payload = json.loads(claims_path.read_text("utf-8"))
    for claim in payload.get("claims", []):
      claim["verdict"] = UNDECIDED
    atomic_write_text(claims_path, json.dumps(payload, indent=1) + "\n")
