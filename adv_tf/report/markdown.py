"""Markdown sections every study report shares: the run, data provenance, the figure index."""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Sequence


@dataclasses.dataclass
class Section:
  """A `## title` and its Markdown body."""
  title: str
  body: str

  def render(self) -> str:
    return f"## {self.title}\n\n{self.body.rstrip()}\n"


def bullet_list(items: Mapping[str, Any], keys: Sequence[str] | None = None) -> list[str]:
  """`- key: value` lines for `keys` (default: all) that are present."""
  return [f"- {key}: {items[key]}" for key in (keys or list(items)) if key in items]


def run_section(meta: Mapping[str, Any], keys: Sequence[str], notes: Sequence[str] = ()) -> list[str]:
  """The lines of a "Run" section: settings (in `keys` order), then the notes (every choice the paper leaves
  open, smoke-run warnings)."""
  return bullet_list(meta, keys) + [f"- {note}" for note in notes]


def provenance_lines(provenance: Mapping[str, Any] | None) -> list[str]:
  """Where the data came from; offline imports point at their caveats."""
  if not provenance:
    return []
  lines = [f"- data provenance: {provenance}"]
  if provenance.get("imported_by"):
    lines.append(f"- data imported offline from {provenance.get('source')}: read the caveats in that folder's "
                 "README (e.g. how each file was obtained) before comparing with the paper.")
  return lines


def figure_index(figures: Mapping[str, str], keys: Sequence[str] | None = None, folder: str = "figures") -> list[str]:
  """`![key](figures/file.png)` lines, one paragraph each, for `keys` (default: all) that exist."""
  return [f"\n![{key}]({folder}/{figures[key]})" for key in (keys or list(figures)) if key in figures]


def document(title: str, sections: Sequence[Section], intro: str = "") -> str:
  """`# title`, an optional intro paragraph, then the sections."""
  parts = [f"# {title}\n"] + ([intro.rstrip() + "\n"] if intro else []) + [s.render() for s in sections]
  return "\n".join(parts)

