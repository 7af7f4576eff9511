"""Learning-rate schedules: constant, step (paper 000 §IV-A-2/3) and plateau (PyTorch ReduceLROnPlateau, §IV-A-1).

Reads the schedule fields of a TrainConfig by duck typing, so this module does not import the config (which
imports `LR_SCHEDULES` from here to validate its field).
"""
from __future__ import annotations

import math
from typing import Any

LR_SCHEDULES = ("constant", "step", "plateau")


class Plateau:
  """PyTorch ReduceLROnPlateau (mode 'min', relative threshold 1e-4, cooldown 0)."""

  def __init__(self, patience: int, factor: float):
    self.patience, self.factor = patience, factor
    self.best, self.bad = math.inf, 0

  def step(self, value: float, lr: float) -> float:
    if value < self.best * (1 - 1e-4):
      self.best, self.bad = value, 0
      return lr
    self.bad += 1
    if self.bad > self.patience:
      self.bad = 0
      return lr * self.factor
    return lr


def step_lr(config: Any, epoch: int) -> float:
  drops = sum(1 for e in config.lr_decay_epochs if epoch >= e)
  return config.learning_rate * config.lr_decay_factor ** drops
