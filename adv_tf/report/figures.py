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


def line_plot(x: Sequence[float], series: Mapping[str, Sequence[float]], *, xlabel: str, ylabel: str,
              title: str, path) -> None:
  fig, ax = plt.subplots(figsize=(5.5, 3.8))
  for label, ys in series.items():
    ax.plot(x, ys, marker="o", label=label)
  ax.set_xlabel(xlabel)
  ax.set_ylabel(ylabel)
  ax.set_title(title, fontsize=10)
  ax.grid(alpha=0.3)
  ax.legend(fontsize=7)
  _save(fig, path)


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
