"""Progress bars of the attacks use `tqdm.auto` (a widget in notebooks, text in a terminal; issue 15)."""
from __future__ import annotations

import pathlib

import tqdm.auto

from adv_tf.attacks.progress import Progress

ATTACKS_DIR = pathlib.Path(__file__).parents[2] / "adv_tf" / "attacks"


def test_verbose_progress_is_a_tqdm_auto_bar(monkeypatch):
  made = []

  class Recording:
    def __init__(self, **kwargs):
      made.append(kwargs)

    def update(self, n):
      made.append(n)

    def close(self):
      made.append("closed")

  monkeypatch.setattr(tqdm.auto, "tqdm", Recording)
  with Progress(total=3, desc="x", verbose=True) as bar:
    bar.update(2)
  assert made[0]["total"] == 3 and made[1:] == [2, "closed"]


def test_no_attack_module_imports_plain_tqdm():
  for path in ATTACKS_DIR.glob("*.py"):
    text = path.read_text()
    assert "from tqdm import" not in text and "import tqdm\n" not in text, path.name
