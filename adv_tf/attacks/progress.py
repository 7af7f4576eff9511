"""Progress bars for long attacks (CW, DeepFool, minimal-distortion search), off unless `verbose`.

One small wrapper around `tqdm.auto`, so a notebook renders a widget and a terminal a text bar, and an
attack switches it with one `verbose` argument:

    with Progress(total=len(x), desc="deepfool", unit="img", verbose=verbose) as bar:
      for batch in ...:
        ...
        bar.update(len(batch))

When `verbose` is False nothing is imported or printed.
"""
from __future__ import annotations

from typing import Any


class Progress:
  """A `tqdm.auto` bar when `verbose`, a no-op otherwise (a context manager; `close()` is idempotent)."""

  def __init__(self, total: int | None, desc: str, *, unit: str = "it", verbose: bool = False):
    self._bar = None
    if verbose:
      from tqdm.auto import tqdm  # pylint: disable=import-outside-toplevel
      self._bar = tqdm(total=total, desc=desc, unit=unit, leave=True, dynamic_ncols=True)

  @property
  def enabled(self) -> bool:
    return self._bar is not None

  def update(self, n: int = 1) -> None:
    if self._bar is not None:
      self._bar.update(n)

  def set_postfix(self, **values: Any) -> None:
    """Shows `key=value` after the bar (e.g. the fraction of examples already found)."""
    if self._bar is not None:
      self._bar.set_postfix(values, refresh=False)

  def close(self) -> None:
    if self._bar is not None:
      self._bar.close()
      self._bar = None

  def __enter__(self) -> "Progress":
    return self

  def __exit__(self, *exc) -> None:
    self.close()
