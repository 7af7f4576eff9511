"""`TrainConfig` (how a model is trained) and `TrainResult` (what training did)."""
from __future__ import annotations

import dataclasses
from typing import Any, Optional

from adv_tf.errors import AdvTfError
from adv_tf.training.losses import LOSSES
from adv_tf.training.optimizers import OPTIMIZERS
from adv_tf.training.schedules import LR_SCHEDULES
from adv_tf.utils.config import check_fields


@dataclasses.dataclass(frozen=True)
class TrainConfig:
  """How a model is trained. Each paper's recipe is one instance in its study (e.g. hyperparams' `LENET_TRAIN`).

  Attributes:
    optimizer: 'sgd', 'adadelta', 'adagrad', 'adam', 'adamax', 'nadam' or 'rmsprop' (paper 002 Appendix).
    learning_rate: initial learning rate.
    momentum: SGD momentum (paper 002 Appendix 0.2..1.0; Table 1: 0.9); also RMSprop's when
      `rmsprop_momentum` is set.
    nesterov: Nesterov momentum for SGD.
    beta_1, beta_2: Adam/Adamax/Nadam moment decays (paper 000: 0.9, 0.999).
    rmsprop_momentum: use `momentum` in RMSprop too (default off: Keras' RMSprop default).
    lr_schedule: 'constant'; 'step' (x lr_decay_factor at each epoch in lr_decay_epochs, paper 000
      §IV-A-2/3); 'plateau' (PyTorch ReduceLROnPlateau on the epoch's training loss: x plateau_factor
      after plateau_patience epochs without a relative improvement of 1e-4, paper 000 §IV-A-1).
    lr_decay_epochs, lr_decay_factor: the step schedule (epochs counted from 0).
    plateau_patience, plateau_factor: the plateau schedule.
    weight_decay: coupled L2 factor (PyTorch `weight_decay`).
    loss: 'cross_entropy', 'log_loss', 'hinge', 'mse' or 'sigmoid_cross_entropy' (paper 002 Appendix).
    batch_size: global batch size (paper 002 Appendix 32..512).
    epochs: maximum number of epochs.
    target_accuracy: stop as soon as an evaluation on eval_ds reaches it (paper 002 §5.1 trains "until
      at least 98%"); None trains all epochs.
    eval_every_steps: also evaluate every this many steps (for the target check); None = per epoch.
    max_train_examples, max_eval_examples: take only the first N examples (quick profiles).
    shuffle_buffer: shuffle buffer size in examples (the default 60000 is a full shuffle of MNIST/CIFAR;
      mind memory for large images); 0 disables shuffling.
    seed: seeds weights, dropout and shuffling; same seed -> same weights.
    deterministic_ops: call tf.config.experimental.enable_op_determinism() (process-wide).
    restore_best: at the end, restore the weights of the evaluation with the highest accuracy on eval_ds
      (paper 000's authors kept the best-on-test checkpoint, spec §1.1; a study passes its held-out slice).
      Left out of `to_dict` while False, so the keys of models trained before it existed stay the same.
  """
  optimizer: str = "sgd"
  learning_rate: float = 0.01
  momentum: float = 0.9
  nesterov: bool = False
  beta_1: float = 0.9
  beta_2: float = 0.999
  rmsprop_momentum: bool = False
  lr_schedule: str = "constant"
  lr_decay_epochs: tuple[int, ...] = ()
  lr_decay_factor: float = 0.1
  plateau_patience: int = 5
  plateau_factor: float = 0.1
  weight_decay: float = 0.0
  loss: str = "cross_entropy"
  batch_size: int = 128
  epochs: int = 10
  target_accuracy: Optional[float] = None
  eval_every_steps: Optional[int] = None
  max_train_examples: Optional[int] = None
  max_eval_examples: Optional[int] = None
  shuffle_buffer: int = 60000
  seed: int = 0
  deterministic_ops: bool = False
  restore_best: bool = False

  def __post_init__(self):
    OPTIMIZERS.get(self.optimizer)
    LOSSES.get(self.loss)
    if self.lr_schedule not in LR_SCHEDULES:
      raise AdvTfError(f"TrainConfig.lr_schedule={self.lr_schedule!r}; choose one of: {', '.join(LR_SCHEDULES)}")
    object.__setattr__(self, "lr_decay_epochs", tuple(int(e) for e in self.lr_decay_epochs))
    for name in ("batch_size", "epochs", "plateau_patience"):
      v = getattr(self, name)
      if isinstance(v, bool) or not isinstance(v, int) or v < (0 if name == "plateau_patience" else 1):
        raise AdvTfError(f"TrainConfig.{name} must be a positive integer, got {v!r}")
    for name in ("eval_every_steps", "max_train_examples", "max_eval_examples"):
      v = getattr(self, name)
      if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
        raise AdvTfError(f"TrainConfig.{name} must be None or a positive integer, got {v!r}")
    if not (isinstance(self.learning_rate, (int, float)) and self.learning_rate > 0):
      raise AdvTfError(f"TrainConfig.learning_rate must be > 0, got {self.learning_rate!r}")
    if not 0.0 <= self.momentum <= 1.0:
      raise AdvTfError(f"TrainConfig.momentum must be in [0, 1], got {self.momentum!r}")
    if self.weight_decay < 0:
      raise AdvTfError(f"TrainConfig.weight_decay must be >= 0, got {self.weight_decay!r}")
    if self.target_accuracy is not None and not 0.0 < self.target_accuracy <= 1.0:
      raise AdvTfError(f"TrainConfig.target_accuracy must be in (0, 1] or None, got {self.target_accuracy!r}")
    if self.shuffle_buffer < 0:
      raise AdvTfError(f"TrainConfig.shuffle_buffer must be >= 0, got {self.shuffle_buffer!r}")

  def to_dict(self) -> dict[str, Any]:
    d = dataclasses.asdict(self)
    d["lr_decay_epochs"] = list(self.lr_decay_epochs)
    if not self.restore_best:  # added later: absent at its default, so existing cache keys and cell ids hold
      del d["restore_best"]
    return d

  def replace(self, **overrides: Any) -> TrainConfig:
    """A copy with fields replaced; unknown fields raise AdvTfError."""
    check_fields(TrainConfig, overrides)
    return dataclasses.replace(self, **overrides)


@dataclasses.dataclass
class TrainResult:
  """What `train_model` did.

  Attributes:
    test_accuracy: accuracy on eval_ds at the end of training (with restore_best: the restored evaluation's).
    epochs: epochs trained (fractional when stopped at the target inside an epoch).
    seconds: wall-clock seconds of training and evaluation.
    reached_target: whether test_accuracy >= target_accuracy (None when there was no target).
    history: one entry per evaluation: epoch, step, loss, train_accuracy, test_accuracy, test_loss,
      learning_rate, seconds (lists of equal length).
    steps: optimizer steps taken.
    num_replicas: replicas of the strategy used.
    best_epoch: with `restore_best`, the epoch (fractional for an evaluation inside an epoch) of the
      evaluation whose weights were restored; test_accuracy is then that evaluation's. None otherwise.
  """
  test_accuracy: float
  epochs: float
  seconds: float
  reached_target: Optional[bool]
  history: dict[str, list]
  steps: int = 0
  num_replicas: int = 1
  best_epoch: Optional[float] = None

  def to_dict(self) -> dict[str, Any]:
    d = dataclasses.asdict(self)
    if d["best_epoch"] is None:  # as TrainConfig.restore_best: absent unless used, so earlier records read the same
      del d["best_epoch"]
    return d

  @classmethod
  def from_dict(cls, d: dict[str, Any]) -> TrainResult:
    known = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in d.items() if k in known})
