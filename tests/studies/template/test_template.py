"""The template study runs through the suite's CLI: records, report.md, claims.json; bad flags are one line."""
from __future__ import annotations

import json

from adv_tf.experiment import cli

from .study import TemplateStudy


def test_a_quick_run_writes_the_report_and_both_claims_hold(tmp_path, capsys):
  out = tmp_path / "out"
  assert cli.run_main(TemplateStudy(), ["prog", f"--output_dir={out}", "--strategy=cpu",
                                        f"--model_cache_dir={tmp_path / 'cache'}"]) == 0, capsys.readouterr().err
  report = (out / "report.md").read_text()
  assert report.startswith("# Paper T (template)") and "| 0.40 | " in report
  claims = json.loads((out / "claims.json").read_text())["claims"]
  assert [(c["claim"], c["verdict"]) for c in claims] == [("T1", "holds"), ("T2", "holds")]
  assert cli.run_main(TemplateStudy(), ["prog", f"--output_dir={out}", "--report_only"]) == 0
  assert (out / "report.md").read_text() == report  # the report is rebuilt from the records alone


def test_bad_flags_are_one_line_errors(tmp_path, capsys):
  assert cli.run_main(TemplateStudy(), ["prog", f"--output_dir={tmp_path}", "--noise_levels=0,0.7"]) == 2
  err = capsys.readouterr().err.strip()
  assert err == "error: --noise_levels entries must be a finite number in [0, 0.5), got 0.7"
