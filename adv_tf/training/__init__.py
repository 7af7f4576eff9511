"""Training: `TrainConfig`, losses, optimizers, schedules, `train_model` under tf.distribute, `ModelCache`."""
from adv_tf.training.cache import ModelCache
from adv_tf.training.config import TrainConfig, TrainResult
from adv_tf.training.loop import train_model
from adv_tf.training.losses import LOSSES
from adv_tf.training.optimizers import OPTIMIZERS
from adv_tf.training.presets import PRESETS, preset

__all__ = ["LOSSES", "ModelCache", "OPTIMIZERS", "PRESETS", "TrainConfig", "TrainResult", "preset", "train_model"]
