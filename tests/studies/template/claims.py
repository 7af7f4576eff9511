"""Toy paper T's two claims and our verdict on each, from the cells' correct-prediction counts."""
from __future__ import annotations

from adv_tf.report.base import ClaimVerdict
from adv_tf.report.statistics import proportion_verdict, wilson_interval

SECTION = "Claims"


def claim_verdicts(counts: dict[float, tuple[int, int]]) -> list[ClaimVerdict]:
  """counts: noise level -> (correct, total) pooled over seeds."""
  clean, noisy = counts[min(counts)], counts[max(counts)]
  drop = proportion_verdict(*clean, *noisy, claim="greater")
  low, _ = wilson_interval(*clean)
  chance = "holds" if low > 0.5 else "inconclusive"
  return [ClaimVerdict("T1", "Noisier training labels lower the test accuracy (§3)", drop.label, drop.evidence,
                       SECTION),
          ClaimVerdict("T2", "With clean labels the classifier beats chance (§3)", chance,
                       f"{clean[0]}/{clean[1]} correct, 95% Wilson lower bound {low:.3f} vs 0.5", SECTION)]
