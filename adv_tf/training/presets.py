"""Named training recipes of the papers (`preset(name, profile)`), until each moves into its study folder.

Paper 002's LeNet recipe lives in `adv_tf.studies.hyperparams.config` and registers itself here when that
study is imported.
"""
from __future__ import annotations

from typing import Any

from adv_tf.errors import AdvTfError
from adv_tf.registry import Registry
from adv_tf.training.config import TrainConfig

PRESETS: Registry[dict[str, TrainConfig]] = Registry("training preset")
PROFILES = ("quick", "paper")


def register_preset(name: str, paper: TrainConfig, quick: TrainConfig) -> None:
  PRESETS.register(name)({"paper": paper, "quick": quick})


def preset(name: str, profile: str = "quick", **overrides: Any) -> TrainConfig:
  """The TrainConfig of a named paper recipe.

  Args:
    name: see `PRESETS.names()`.
    profile: 'paper' (published settings) or 'quick' (epoch caps and data subsets for a 2-core CPU).
    **overrides: TrainConfig fields to change.
  """
  if profile not in PROFILES:
    raise AdvTfError(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
  return PRESETS.get(name)[profile].replace(**overrides)


# Paper 000 §IV-A-1: Madry CNN, Adam lr 0.01, betas (0.9, 0.999), batch 64, 100 epochs, LR reduced
# when the loss has not improved for 5 epochs (PyTorch ReduceLROnPlateau: factor 0.1).
_MADRY = TrainConfig(optimizer="adam", learning_rate=0.01, beta_1=0.9, beta_2=0.999, batch_size=64,
                     epochs=100, lr_schedule="plateau", plateau_patience=5, plateau_factor=0.1)
register_preset("paper000_madry_cnn", _MADRY, _MADRY.replace(epochs=2, max_train_examples=10000))

# Paper 000 §IV-A-2: CIFAR-10 ResNet-18, SGD 0.1, momentum 0.9, wd 5e-4, batch 128, 350 epochs,
# x0.1 at epochs 150 and 250.
_C10 = TrainConfig(optimizer="sgd", learning_rate=0.1, momentum=0.9, weight_decay=5e-4, batch_size=128,
                   epochs=350, lr_schedule="step", lr_decay_epochs=(150, 250), lr_decay_factor=0.1)
register_preset("paper000_cifar10_resnet18", _C10,
                 _C10.replace(epochs=3, lr_decay_epochs=(2,), max_train_examples=5000, max_eval_examples=2000))

# Paper 000 §IV-A-2: CIFAR-100 ResNet-18, SGD 0.05, momentum 0.9, wd 1e-3, batch 128, 200 epochs,
# x0.2 at epochs 60, 120, 160.
_C100 = TrainConfig(optimizer="sgd", learning_rate=0.05, momentum=0.9, weight_decay=1e-3, batch_size=128,
                    epochs=200, lr_schedule="step", lr_decay_epochs=(60, 120, 160), lr_decay_factor=0.2)
register_preset("paper000_cifar100_resnet18", _C100,
                 _C100.replace(epochs=3, lr_decay_epochs=(2,), max_train_examples=5000, max_eval_examples=2000))

# Paper 000 §IV-A-3: ImageNet ResNet-18, SGD 0.1, momentum 0.9, wd 1e-4, batch 256, 90 epochs,
# x0.1 at epochs 30 and 60.
_IMNET = TrainConfig(optimizer="sgd", learning_rate=0.1, momentum=0.9, weight_decay=1e-4, batch_size=256,
                     epochs=90, lr_schedule="step", lr_decay_epochs=(30, 60), lr_decay_factor=0.1,
                     shuffle_buffer=4096)  # 224x224 images: a bounded buffer (ours)
register_preset("paper000_imagenet_resnet18", _IMNET,
                 _IMNET.replace(epochs=2, batch_size=64, lr_decay_epochs=(), max_train_examples=1000,
                                max_eval_examples=500))

# Paper 003 §4: fine-tuning Wide ResNet / GoogLeNet on Imagenette, SGD 0.01, momentum 0.9, 5 epochs
# (batch size not given: 32, our choice). Quick: 1 epoch on 500 images.
_P003 = TrainConfig(optimizer="sgd", learning_rate=0.01, momentum=0.9, batch_size=32, epochs=5,
                    shuffle_buffer=4096)
register_preset("paper003_imagenette", _P003,
                 _P003.replace(epochs=1, max_train_examples=500, max_eval_examples=250))

# Papers 001 and 004 give no training recipe. Our choice, stated in their reports: Adam 1e-3,
# batch 128 (paper 001: 10 epochs on MNIST; paper 004: 50 epochs per training subset).
_P001 = TrainConfig(optimizer="adam", learning_rate=1e-3, batch_size=128, epochs=10)
register_preset("paper001_mnist", _P001, _P001.replace(epochs=2))
_P004 = TrainConfig(optimizer="adam", learning_rate=1e-3, batch_size=128, epochs=50)
register_preset("paper004_default", _P004, _P004.replace(epochs=3, max_eval_examples=2000))
