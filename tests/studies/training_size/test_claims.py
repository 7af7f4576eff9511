"""Paper 004's claims judged by the shared engine on constructed family curves whose verdicts are known, and
claims.json rows equal to the report's verdict table."""
from __future__ import annotations

import dataclasses
import types

from adv_tf.claims import verdict_rows
from adv_tf.studies.training_size import analysis, claims, measures, report
from adv_tf.studies.training_size import config as config_lib
from tests.studies.training_size import tiny_records as tiny

CONFIG = dataclasses.replace(config_lib.QUICK, families=tuple(tiny.SHAPES), sizes_mnist=tiny.SIZES,
                             sizes_cifar10=tiny.SIZES)


def judged(records, cfg=CONFIG):
  ours, paper = report.judged(cfg, analysis.summarize(records) if records else {})
  return {r.claim.id: r for r in ours}, {r.claim.id: r for r in paper}


def test_declarations_cover_every_claim_once():
  ids = [f"C{i}" for i in range(1, 13)]
  assert [c.id for c in claims.claims(CONFIG)] == ids[:7] + ["C7-range"] + ids[7:]


def test_c7s_numbers_are_judged_on_the_simple_cnns_robustness_at_every_size(monkeypatch):
  cfg = dataclasses.replace(CONFIG, families=(*tiny.SHAPES, "cifar10/simple_cnn"))
  monkeypatch.setitem(tiny.SHAPES, "cifar10/simple_cnn", ((0.6, 0.7, 0.75), (0.40, 0.45, 0.42)))
  inside = judged(tiny.results(tuple(tiny.SHAPES)), cfg)[0]["C7-range"]
  sizes = ", ".join(f"cifar10/simple_cnn n={n}" for n in tiny.SIZES)
  assert inside.label == f"holds, partial (tested against: {sizes})"            # DenseNet-40: not run
  assert len(inside.cells) == 2 * len(tiny.SIZES) and inside.cells[0].test.name == "one-sample t over seeds"
  monkeypatch.setitem(tiny.SHAPES, "cifar10/simple_cnn", ((0.6, 0.7, 0.75), (0.40, 0.70, 0.42)))
  above = judged(tiny.results(tuple(tiny.SHAPES)), cfg)[0]["C7-range"]
  assert above.verdict == "does not hold"            # 0.70 at n=2000, above 0.55
  assert judged(tiny.results())[0]["C7-range"].verdict == "not run in this profile"


def test_a_clear_turning_point_over_three_seeds_holds_and_one_seed_reads_this_model():
  ours, _ = judged(tiny.results())
  assert ours["C2"].label == "holds, partial (tested against: cifar10/mlp, cifar10/resnet32+D)"
  assert ours["C2"].cells[0].test.name == "one-sample t over seeds"
  one, _ = judged(tiny.one_seed_results())
  assert one["C2"].verdict == "this model: inconclusive" and "needs >= 2 seeds" in one["C2"].to_decide


def test_a_peak_at_the_largest_size_is_not_testable_for_a_claimed_turning_point():
  rising = [dict(r, family="cifar10/simple_cnn", architecture="simple_cnn")
            for r in tiny.results(("cifar10/resnet32",))]
  cfg = dataclasses.replace(CONFIG, families=("cifar10/simple_cnn",))
  ours, _ = judged(rising, cfg)
  assert ours["C2"].label == "not testable, partial (tested against: cifar10/simple_cnn)"
  assert "may lie beyond the sizes trained" in ours["C2"].to_decide


def test_a_curve_that_only_falls_has_no_interior_peak_to_call_a_turning_point(monkeypatch):
  """Two sizes (quick's and cpu-full's CIFAR-10) or any curve peaking at the smallest size: falling is not a
  turning point (§4.2: robustness rises, peaks, then falls); before 2026-12-06 it read "holds". With two sizes the
  reason names the grid (no size between the two), not where the peak happened to fall (review, 2026-12-07)."""
  falling = [dict(r, family="cifar10/simple_cnn", architecture="simple_cnn")
             for r in tiny.results(("cifar10/mlp",)) if r["size"] != tiny.SIZES[0]]   # 0.80 at 2000, 0.40 at 4000
  cfg = dataclasses.replace(CONFIG, families=("cifar10/simple_cnn",), sizes_cifar10=tiny.SIZES[1:])
  ours, _ = judged(falling, cfg)
  assert ours["C2"].label == "not testable, partial (tested against: cifar10/simple_cnn)"
  assert "2 sizes trained, so no size lies between the smallest and the largest" in ours["C2"].to_decide
  assert "peak at" not in ours["C2"].to_decide
  monkeypatch.setitem(tiny.SHAPES, "cifar10/simple_cnn", ((0.5, 0.6, 0.7), (0.8, 0.5, 0.4)))   # three sizes, falling
  ours, _ = judged(tiny.results(("cifar10/simple_cnn",)), dataclasses.replace(CONFIG, families=("cifar10/simple_cnn",)))
  assert ours["C2"].verdict == "not testable" and "peak at the smallest size n=1000" in ours["C2"].to_decide


def test_c3_roughly_constant_and_c5_increasing_are_tested_beyond_the_peak_ratio(monkeypatch):
  """Review, 2026-12-07: the peak ratio alone let C3 ('roughly constant') pass a curve rising five-fold (its interior
  peak lies below its last value) and C5 ('increases with size') pass a flat one."""
  monkeypatch.setitem(tiny.SHAPES, "cifar10/resnet32", ((0.55, 0.65, 0.75), (0.10, 0.30, 0.50)))   # rises 5-fold
  ours, _ = judged(tiny.results())
  assert ours["C3"].verdict == "does not hold"
  assert [c.cell.a[0] for c in ours["C3"].cells if c.status == "against"] == ["spread", "spread"]
  assert [c.status for c in ours["C3"].cells if c.cell.a[0] == "peak" and c.status != "not measured"] == [
      "for", "for"]   # the ratio alone: holds
  flat = {"tiny_imagenet/vgg20": ((0.3, 0.4, 0.5), (0.30, 0.30, 0.30))}
  for family, shape in flat.items():
    monkeypatch.setitem(tiny.SHAPES, family, shape)
  cfg = dataclasses.replace(CONFIG, families=tuple(flat), sizes_tiny_imagenet=tiny.SIZES)
  c5 = judged(tiny.results(tuple(flat)), cfg)[0]["C5"]
  assert [c.cell.a[0] for c in c5.cells if c.status != "not measured"] == ["peak", "peak", "robustness", "robustness"]
  assert c5.verdict != "holds" and any(c.status != "for" for c in c5.cells if c.cell.a[0] == "robustness")
  rising = {"tiny_imagenet/vgg20": ((0.3, 0.4, 0.5), (0.10, 0.20, 0.30))}
  monkeypatch.setitem(tiny.SHAPES, "tiny_imagenet/vgg20", rising["tiny_imagenet/vgg20"])
  assert judged(tiny.results(tuple(rising)), cfg)[0]["C5"].label.startswith("holds")


def test_c8_pairs_only_the_resnets_the_paper_names():
  """Review, 2026-12-07: C8 paired every +D family with its plain one, and so expected a turning point of Tiny
  ImageNet DenseNet-40+D (C5: none) and none of STL-10 DenseNet-40 (C4: one)."""
  cfg = dataclasses.replace(config_lib.PAPER)
  names = {c.groups[0] for c in next(c for c in claims.claims(cfg) if c.id == "C8").cells}
  assert names <= set(claims.AUGMENTED_TURNING) and names
  assert "tiny_imagenet/densenet40+D" in cfg.families and "stl10/densenet40+D" in cfg.families


def test_c6_states_our_saturation_rule_and_the_size_it_reads():
  c6 = next(c for c in claims.claims(config_lib.CPU_FULL) if c.id == "C6")
  assert "our rule: accuracy at the middle size, n=10,000 of 1,000, 10,000, 54,210, within 1 point" in c6.statement


def test_no_turning_point_needs_the_interior_peak_below_the_margin(monkeypatch):
  ours, _ = judged(tiny.results())   # cifar10/resnet32 rises 0.20 -> 0.25: interior peak 0.88 of the last
  assert [c.status for c in ours["C3"].cells if c.status != "not measured"][:2] == ["for", "for"]
  assert ours["C3"].verdict == "inconclusive"   # but a 22% spread is not shown below C3's 25% over 3 seeds
  monkeypatch.setitem(tiny.SHAPES, "cifar10/resnet32", ((0.55, 0.65, 0.75), (0.19, 0.195, 0.21)))   # +10%
  assert judged(tiny.results())[0]["C3"].verdict == "holds"   # (deterministic: tiny_records seeds its noise)
  monkeypatch.undo()
  turning = [dict(r, family="cifar10/resnet32", architecture="resnet32", augment=False)
             for r in tiny.results(("cifar10/mlp",))]     # the MLP's curve under ResNet-32's name
  assert judged(turning)[0]["C3"].verdict == "does not hold"


def test_accuracy_non_decrease_needs_the_seeds_to_show_it():
  # The old rule said "holds" when no drop was significant; a 0.1-point rise over 3 seeds cannot show that
  # accuracy did not fall by more than 1 point.
  ours, _ = judged(tiny.results())
  assert ours["C1"].verdict == "inconclusive" and "seeds per side" in ours["C1"].to_decide
  assert "undecided 2" in ours["C1"].counts


def test_the_tradeoff_pairs_and_augmentation_claims():
  ours, _ = judged(tiny.results())
  assert ours["C7"].verdict == "holds"   # cifar10: the MLP is less accurate and more robust than ResNet-32
  assert ours["C8"].label == "holds, partial (tested against: cifar10/resnet32+D)"


def test_success_rates_and_the_worked_example():
  ours, paper = judged(tiny.results())
  assert ours["C9"].verdict == "inconclusive" and "images per side" in ours["C9"].to_decide
  assert ours["C11"].verdict == paper["C11"].verdict == "holds"
  assert ours["C11"].cells[0].test.name.startswith("exact difference")
  assert ours["C10"].verdict == "not testable" and "not expressible" in ours["C10"].to_decide
  assert paper["C2"].verdict == "not run in this profile"   # the curves are published as figures only
  table = {row[0]: row for row in report.table_rows(*report.judged(CONFIG, analysis.summarize(tiny.results())))}
  assert table["C2"][5] == "no published numbers for its cells" and table["C11"][5] == "holds"


def test_measures_come_from_the_summaries():
  families = analysis.summarize(tiny.results())
  m = measures.results_measure(families)
  acc = m(("accuracy", "cifar10/mlp", 2000))
  assert acc.n == tiny.TEST_EXAMPLES and acc.seeds == tiny.SEEDS and len(acc.k) == 3
  assert m(("turning", "cifar10/resnet32", "eq4_l2")).reason.startswith("cifar10/resnet32 eq4_l2: peak at")
  assert m(("accuracy", "stl10/vgg20", 1000)) is None
  k, n = families["cifar10/mlp"].attacks["l2"]
  assert (m(("success", "cifar10/mlp", "l2")).k, m(("success", "cifar10/mlp", "l2")).n) == ((k,), n) == ((k,), k)


def test_claims_json_rows_equal_the_report_rows():
  run = types.SimpleNamespace(config=CONFIG, records={}, resources={})
  rows = report.TrainingSizeReport().claims(run)
  table = verdict_rows(*report.judged(CONFIG, {}))
  assert [(r.claim, r.statement, f"**{r.verdict}**") for r in rows] == [tuple(t[:3]) for t in table]
  by_id = {r.claim: r for r in rows}
  assert by_id["C11"].verdict == "holds" and by_id["C11"].section == "Section 2: linear regression"
  assert by_id["C4"].verdict == "not run in this profile" and "STL-10" in by_id["C4"].evidence


def test_the_verdict_table_gives_why_a_claim_was_not_run():
  """A claim of a part-way run whose cells are in the profile reads "not recorded yet" in the report's table, as in
  claims.json, not the bare "not run in this profile" (review, 2026-12-07); one the profile leaves out says why."""
  part_way = {row[0]: row for row in report.table_rows(*report.judged(CONFIG, {}), ("cifar10/mlp",))}
  assert part_way["C2"][4] == report.PART_WAY and part_way["C4"][4] == claims.NOT_RUN_REASON["C4"]
  assert {row[0]: row for row in report.table_rows(*report.judged(CONFIG, {}))}["C2"][4].startswith("CPU time")


def test_a_part_way_run_is_summarised_over_its_complete_seeds_and_says_what_it_left_out():
  """A run stopped part-way (seeds inner: seed 2 has only the smallest size; a family with one size so far) is
  judged on the seeds recorded at every size; before 2026-12-06 its ragged seed lists crashed the report."""
  records = [r for r in tiny.results(("cifar10/mlp", "mnist/mlp"))
             if not (r["family"] == "cifar10/mlp" and r["seed"] == 2 and r["size"] != tiny.SIZES[0])
             and not (r["family"] == "mnist/mlp" and r["size"] != tiny.SIZES[0])]
  families = analysis.summarize(records)
  assert list(families) == ["cifar10/mlp"] and families["cifar10/mlp"].seeds == [0, 1]
  assert analysis.left_out(records) == [
      "cifar10/mlp: 1 model(s) of seeds not yet recorded at every size left out; curves over seeds 0, 1 "
      "(part-way run)",
      "mnist/mlp: 3 model(s) recorded at one size so far: no curve yet (part-way run)"]
  ours, _ = judged(records)
  assert ours["C2"].verdict == "holds"                      # the turning point at 2000, over seeds 0 and 1
  assert analysis.left_out(tiny.results()) == []


def test_models_below_90_percent_on_their_own_training_images_are_flagged_as_under_fit():
  records = tiny.results()
  assert analysis.underfit(analysis.summarize(records)) == []             # every tiny model fits its subset
  for r in records:
    if r["family"] == "cifar10/mlp" and r["size"] == tiny.SIZES[-1]:
      r["train_accuracy"] = 0.53
  records[-1]["train_accuracy"] = 0.8                                     # one mnist/mlp seed only: min, not mean
  flagged = analysis.underfit(analysis.summarize(records))
  assert [(u.family, u.size) for u in flagged] == [("cifar10/mlp", tiny.SIZES[-1]), ("mnist/mlp", tiny.SIZES[-1])]
  assert flagged[0].describe().startswith(f"cifar10/mlp at n={tiny.SIZES[-1]}: train accuracy 0.530 at its lowest")
  ours = {r.claim.id: r for r in report.judged(CONFIG, analysis.summarize(records))[0]}
  assert "under-fit models: cifar10/mlp at n=" in ours["C2"].evidence          # C2 measures cifar10/mlp
  assert "cifar10/mlp at n" not in ours["C6"].confounds                        # C6: MNIST families only
  assert "under-fit" not in ours["C9"].evidence                                # C9 is about the attacks
  assert "mnist/mlp at n" in ours["C6"].confounds


def test_c7_range_has_no_lower_bound_of_zero_and_names_each_size():
  cfg = dataclasses.replace(CONFIG, families=("cifar10/simple_cnn", "cifar10/densenet40"))
  c7 = next(c for c in claims.claims(cfg) if c.id == "C7-range")
  dense = [(c.b, c.relation) for c in c7.cells if c.a[1] == "cifar10/densenet40"]
  assert dense == [(0.25, "at_most")] * len(tiny.SIZES)                   # ">= 0" can never fail: not a cell
  assert c7.names == tuple(f"{f} n={n}" for f in claims.C7_RANGES for n in tiny.SIZES) and c7.margin == 0.05


def test_c6s_saturation_cell_compares_the_middle_size_with_the_largest_and_never_a_size_with_itself():
  def accuracy_cells(sizes):
    c6 = next(c for c in claims.claims(dataclasses.replace(CONFIG, sizes_mnist=sizes)) if c.id == "C6")
    return [(c.a[2], c.b[2]) for c in c6.cells if isinstance(c.a, tuple) and c.a[0] == "accuracy"]
  assert set(accuracy_cells((1000, 10000, 54210))) == {(10000, 54210)}
  assert set(accuracy_cells((40, 80))) == {(40, 80)}          # was (80, 80): a cell that compared nothing
  assert accuracy_cells((80,)) == []


def test_no_turning_point_is_not_read_off_two_sizes_or_a_curve_that_only_falls(monkeypatch):
  """Final review, 2026-12-07: a claimed absence (C3) read 'for' on a rising 2-point curve and 'against' (a turning
  point) on a falling one; neither has an interior size."""
  two = dataclasses.replace(CONFIG, families=("cifar10/resnet32",), sizes_cifar10=tiny.SIZES[1:])
  records = [r for r in tiny.results(("cifar10/resnet32",)) if r["size"] != tiny.SIZES[0]]
  peak = [c for c in judged(records, two)[0]["C3"].cells if c.cell.a[0] == "peak" and c.status != "not measured"]
  assert peak and all(c.status == "not testable" and "2 sizes trained" in c.note for c in peak)
  monkeypatch.setitem(tiny.SHAPES, "cifar10/resnet32", ((0.55, 0.65, 0.75), (0.50, 0.30, 0.20)))   # only falls
  cfg = dataclasses.replace(CONFIG, families=("cifar10/resnet32",))
  peak = [c for c in judged(tiny.results(("cifar10/resnet32",)), cfg)[0]["C3"].cells
          if c.cell.a[0] == "peak" and c.status != "not measured"]
  assert peak and all(c.status == "not testable" and "peak at the smallest size" in c.note for c in peak)
