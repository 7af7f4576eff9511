"""The adaptive section on hand-made records: eps order, the worst-case column, cells where BPDA did worse."""
from __future__ import annotations

from adv_tf.studies.dataset_properties import config as config_lib
from adv_tf.studies.dataset_properties.report import DatasetPropertiesReport, Results


def _record(adaptive: dict) -> dict:
  return {"result": {"dataset": "mnist", "setting": "28", "seed": 0, "adaptive": adaptive}}


def test_rows_in_eps_order_with_the_worst_of_gray_box_and_adaptive():
  per = {"16/255": {"mode": "bpda", "gray_box": {"jpeg": 0.50}, "adaptive": {"jpeg": 0.62}},
         "2/255": {"mode": "bpda", "gray_box": {"jpeg": 0.98}, "adaptive": {"jpeg": 0.90}}}
  section = DatasetPropertiesReport()._adaptive(Results([_record({"jpeg": per})]), config_lib.PROFILES["cpu-full"])
  rows = [line for line in section.body.splitlines() if line.startswith("| mnist")]
  assert [row.split("|")[3].strip() for row in rows] == ["0", "0"]  # the seed column: the setting's first seed
  assert [row.split("|")[5].strip() for row in rows] == ["2/255", "16/255"]
  worst = [float(row.split("|")[9]) for row in rows]
  assert worst == [90.0, 50.0]  # min(gray-box, adaptive): 2/255 adaptive, 16/255 gray-box
  assert "In 1 of 2 rows the adaptive attack did worse" in section.body
