"""Matplotlib figures for reports, written atomically (never a half-written PNG)."""
from __future__ import annotations

import io
import math
import pathlib
from typing import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _save(fig, path: str | pathlib.Path) -> None:
  from adv_tf.utils.atomic import atomic_write_bytes
  buffer = io.BytesIO()
  fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
  plt.close(fig)
  atomic_write_bytes(path, buffer.getvalue())


def _draw_matrix(ax, matrix: np.ndarray, title: str, vmin: float, vmax: float):
  image = ax.imshow(matrix, cmap="viridis", vmin=vmin, vmax=vmax)
  n = matrix.shape[0]
  ax.set_xticks(range(n))
  ax.set_yticks(range(n))
  ax.set_xlabel("target class")
  ax.set_ylabel("source class")
  ax.set_title(title, fontsize=9)
  for i in range(n):
    for j in range(n):
      if math.isfinite(matrix[i, j]):
        light = matrix[i, j] > vmin + 0.6 * (vmax - vmin)  # viridis turns yellow: dark text there
        ax.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize=6,
                color="black" if light else "white")
  return image


def class_distance_heatmap(matrix: np.ndarray, title: str, path) -> None:
  """One source x target class-distance matrix (paper 002 Figs. 6-7 style)."""
  finite = matrix[np.isfinite(matrix)]
  fig, ax = plt.subplots(figsize=(5.2, 4.4))
  image = _draw_matrix(ax, matrix, title, float(finite.min(initial=0)), float(finite.max(initial=1)))
  fig.colorbar(image, ax=ax, label="CW-L2 distance")
  _save(fig, path)


def class_distance_grid(matrices: Mapping[str, np.ndarray], path, columns: int = 4) -> None:
  """Many class-distance matrices on one shared colour scale."""
  names = list(matrices)
  if not names:
    return
  finite = np.concatenate([m[np.isfinite(m)] for m in matrices.values()])
  vmin, vmax = float(finite.min(initial=0)), float(finite.max(initial=1))
  rows = math.ceil(len(names) / columns)
  fig, axes = plt.subplots(rows, columns, figsize=(3.6 * columns, 3.4 * rows), squeeze=False)
  for ax in axes.flat[len(names):]:
    ax.axis("off")
  for ax, name in zip(axes.flat, names):
    _draw_matrix(ax, matrices[name], name, vmin, vmax)
  _save(fig, path)


def _finish(fig, ax, path, *, xlabel: str, ylabel: str, title: str, grid: bool = True) -> None:
  """Axis labels, title, grid (unless `grid` is False), legend; then saves and closes the figure."""
  ax.set_xlabel(xlabel)
  ax.set_ylabel(ylabel)
  ax.set_title(title, fontsize=10)
  if grid:
    ax.grid(alpha=0.3)
  ax.legend(fontsize=7)
  _save(fig, path)


def line_plot(x: Sequence[float], series: Mapping[str, Sequence[float]], *, xlabel: str, ylabel: str,
              title: str, path) -> None:
  fig, ax = plt.subplots(figsize=(5.5, 3.8))
  for label, ys in series.items():
    ax.plot(x, ys, marker="o", label=label)
  _finish(fig, ax, path, xlabel=xlabel, ylabel=ylabel, title=title)


def histogram(series: Mapping[str, Sequence[float]], *, xlabel: str, title: str, path, bins: int = 20) -> None:
  """The distribution of each series (e.g. minimal distances per image) on shared bins; non-finite values skipped."""
  finite = {label: np.asarray(v, np.float64)[np.isfinite(np.asarray(v, np.float64))] for label, v in series.items()}
  values = np.concatenate([v for v in finite.values()] or [np.zeros(0)])
  edges = np.histogram_bin_edges(values, bins=bins) if values.size else np.linspace(0, 1, bins + 1)
  fig, ax = plt.subplots(figsize=(5.5, 3.8))
  for label, v in finite.items():
    ax.hist(v, bins=edges, alpha=0.6, label=f"{label} (n={v.size})")
  _finish(fig, ax, path, xlabel=xlabel, ylabel="images", title=title, grid=False)


def category_plot(labels: Sequence[str], series: Mapping[str, Sequence[float]], *, xlabel: str, ylabel: str,
                  title: str, path) -> None:
  """Values per category (e.g. a hyperparameter's settings), one marker line per series; nan points skipped."""
  fig, ax = plt.subplots(figsize=(5.5, 3.8))
  x = np.arange(len(labels))
  for label, ys in series.items():
    ys = np.asarray(ys, np.float64)
    ok = np.isfinite(ys)
    ax.plot(x[ok], ys[ok], marker="o", label=label)
  ax.set_xticks(x, list(labels))
  _finish(fig, ax, path, xlabel=xlabel, ylabel=ylabel, title=title)


def image_grid(images: np.ndarray, row_labels: Sequence[str], col_labels: Sequence[str], path, *,
               pixel_range: tuple[float, float] = (0.0, 1.0)) -> None:
  """images [rows, cols, H, W, C] -> one PNG grid (paper 002 Fig. 11 style)."""
  rows, cols = images.shape[:2]
  fig, axes = plt.subplots(rows, cols, figsize=(1.3 * cols, 1.4 * rows), squeeze=False)
  for r in range(rows):
    for c in range(cols):
      ax = axes[r, c]
      img = images[r, c]
      ax.imshow(img[..., 0] if img.shape[-1] == 1 else img, cmap="gray", vmin=pixel_range[0],
                vmax=pixel_range[1])
      ax.set_xticks([])
      ax.set_yticks([])
      if r == 0:
        ax.set_title(col_labels[c], fontsize=7)
      if c == 0:
        ax.set_ylabel(row_labels[r], fontsize=7)
  _save(fig, path)


Panel = Mapping[str, Mapping[str, float]]  # group (e.g. eps) -> setting -> value


def grouped_bar_grid(ours: Mapping[tuple[str, str], Panel], path, *,
                     paper: Mapping[tuple[str, str], Panel] | None = None,
                     rows: Sequence[str] | None = None, cols: Sequence[str] | None = None,
                     ylabel: str = "accuracy (%)", title: str | None = None) -> None:
  """A grid of grouped bar charts (paper 000 Figs. 3-9 style): rows = defenses, columns = attacks.

  In each panel the x groups are e.g. the eps values and there is one bar per setting; with `paper`, each
  setting gets two adjacent bars, ours (solid) and the paper's (hatched, same colour). Missing values are
  left out (no bar), never drawn as 0.

  Args:
    ours: (row, column) -> group -> setting -> value.
    paper: the published values in the same shape (optional; panels/groups/settings may be missing).
    rows, cols: order of rows and columns (default: order of first appearance in `ours`).
  """
  rows = list(rows or dict.fromkeys(r for r, _ in ours))
  cols = list(cols or dict.fromkeys(c for _, c in ours))
  settings = list(dict.fromkeys(s for panel in ours.values() for group in panel.values() for s in group))
  colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
  per_setting = 2 if paper else 1
  width = 0.8 / max(1, len(settings) * per_setting)
  fig, axes = plt.subplots(len(rows), len(cols), figsize=(3.4 * len(cols), 2.6 * len(rows)), squeeze=False,
                           sharey=True)
  for i, row in enumerate(rows):
    for j, col in enumerate(cols):
      ax = axes[i, j]
      panel = ours.get((row, col), {})
      paper_panel = (paper or {}).get((row, col), {})
      groups = list(dict.fromkeys(list(panel) + list(paper_panel)))
      for k, setting in enumerate(settings):
        colour = colours[k % len(colours)]
        for source, values, hatch in (("ours", panel, None), ("paper", paper_panel, "//")):
          if source == "paper" and not paper:
            continue
          offset = (k * per_setting + (source == "paper")) * width - 0.4 + width / 2
          xs = [g for g, group in enumerate(groups) if values.get(group, {}).get(setting) is not None]
          ys = [values[groups[g]][setting] for g in xs]
          label = (f"{setting} ({source})" if paper else setting) if (i, j) == (0, 0) else None
          ax.bar(np.asarray(xs, float) + offset, ys, width, color=colour, hatch=hatch,
                 alpha=0.55 if hatch else 1.0, edgecolor="black" if hatch else colour, linewidth=0.4, label=label)
      ax.set_xticks(range(len(groups)))
      ax.set_xticklabels(groups, fontsize=7)
      if i == 0:
        ax.set_title(col, fontsize=9)
      if j == 0:
        ax.set_ylabel(f"{row}\n{ylabel}", fontsize=8)
      ax.grid(axis="y", alpha=0.3)
  if settings:
    fig.legend(loc="lower center", ncol=min(6, len(settings) * per_setting), fontsize=7, frameon=False)
  if title:
    fig.suptitle(title, fontsize=10)
  fig.tight_layout(rect=(0, 0.06 if settings else 0, 1, 1))
  _save(fig, path)
