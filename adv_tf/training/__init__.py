"""Training: `TrainConfig`, losses, optimizers, schedules, `train_model` under tf.distribute, `ModelCache`,
fine-tuning (`copy_model`, `freeze`, `finetune_from`)."""
from adv_tf.training.cache import ModelCache
from adv_tf.training.config import TrainConfig, TrainResult
from adv_tf.training.finetune import copy_model, finetune_from, freeze, freeze_spec
from adv_tf.training.loop import train_model
from adv_tf.training.losses import LOSSES
from adv_tf.training.optimizers import OPTIMIZERS

__all__ = ["LOSSES", "ModelCache", "OPTIMIZERS", "TrainConfig", "TrainResult", "copy_model", "finetune_from",
           "freeze", "freeze_spec", "train_model"]
