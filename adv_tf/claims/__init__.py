"""Claims as data, one engine (issue 20): a study declares its claims; this package judges them.

A study's `claims.py` holds declarations only:

    from adv_tf.claims import Accuracy, Cell, Claim

    CLAIMS = (
      Claim("M1", "Training on modified data lowers clean accuracy", section="§5", unit="seeds", margin=0.01,
            cells=(Cell(("cnn", "raw", "clean"), ("cnn", "modified", "clean"), "greater", group="CNN"),),
            names=("CNN", "LeNet"), confound_limits={"clean accuracy": 0.05}),
    )

and its report resolves the cells' keys from its tidy results:

    def measure(key) -> Accuracy | Values | None:   # None: not measured in this run
      arch, regime, metric = key
      rs = results[(arch, regime)]                   # one record per seed
      return Accuracy.of([r[metric]["correct_items"] for r in rs], seeds=[r["seed"] for r in rs],
                         item_set="mnist test[:1000]", clean=mean_clean, chance=0.1)

    ours = judge_all(CLAIMS, measure)              # list[ClaimResult]
    paper = judge_all(CLAIMS, published_measure)   # the same rules on the published numbers
    verdict_table(ours, paper)                     # Markdown for report.md
    claim_verdicts(ours, section)                  # rows for claims.json (StudyReport.claims)

API:
  observations  `Accuracy` (k of n per seed, optional per-item 0/1 outcomes, `item_set` naming the items so
                that equal names pair), `Values` (per-seed per-item continuous values), `Scalar` (a constant),
                `Exact` (a value computed without sampling noise), `Untestable` (a quantity this run cannot
                test, with the reason); `pack_items` / `unpack_items` store per-item outcomes in a JSON record
                as hex.
  declarations  `Cell(a, b, relation, offset, group, label)`, relations greater / less / at_least /
                at_most / equal; `Trend(points)` as a cell's side a: a rise or fall along an ordered axis;
                `Claim(id, statement, cells, section, unit, margin, mode, names, conflict,
                confound_limits, scale, value_unit, noise_from, seeds_paired, one_model, looks)`, units images /
                pairs / seeds; `with_looks(claims, ["C5=3"])`: a profile's sequential design (`Claim.looks`).
  rules         the tests (exact McNemar, Newcombe paired/unpaired, exact binomial, t over items, sign test, paired /
                Welch / one-sample t, `reference_t`: one model against N with their sd, `contrast_t`: a trend over
                such models) and `holm`.
  engine        `judge`, `judge_all`, `Rules` (alpha, floor, saturation_items, near_chance, max_factor),
                `ClaimResult` (verdict, label with "partial", decided, counts, evidence, to_decide,
                confounds, cells).
  writers       `verdict_table`, `verdict_rows`, `claim_verdicts`.
The verdict rules are stated in `engine`'s docstring; every rule has a test on constructed data in
tests/claims/.
"""
from adv_tf.claims.declarations import RELATIONS, UNITS, Cell, Claim, Trend, check_unique, with_looks
from adv_tf.claims.engine import DECIDED, NOT_RUN, ClaimResult, Rules, judge, judge_all
from adv_tf.claims.observations import Accuracy, Exact, Scalar, Untestable, Values, pack_items, unpack_items
from adv_tf.claims.writers import claim_verdicts, verdict_rows, verdict_table
