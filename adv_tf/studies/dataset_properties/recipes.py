"""Paper 000's training recipes (§IV-A), by the name each dataset's setup gives (`datasets.SETUPS`).

The study caps the epochs, sets the batch, learning rate and target-accuracy stop from its config (`run.py`);
everything else is the paper's.
"""
from __future__ import annotations

from adv_tf.errors import AdvTfError
from adv_tf.training.config import TrainConfig

RECIPES: dict[str, TrainConfig] = {
    # §IV-A-1: Madry CNN, Adam lr 0.01, betas (0.9, 0.999), batch 64, 100 epochs, LR reduced when the loss has
    # not improved for 5 epochs (PyTorch ReduceLROnPlateau: factor 0.1).
    "paper000_madry_cnn": TrainConfig(
        optimizer="adam", learning_rate=0.01, beta_1=0.9, beta_2=0.999, batch_size=64, epochs=100,
        lr_schedule="plateau", plateau_patience=5, plateau_factor=0.1),
    # §IV-A-2: CIFAR-10 ResNet-18, SGD 0.1, momentum 0.9, wd 5e-4, batch 128, 350 epochs, x0.1 at 150 and 250.
    "paper000_cifar10_resnet18": TrainConfig(
        optimizer="sgd", learning_rate=0.1, momentum=0.9, weight_decay=5e-4, batch_size=128, epochs=350,
        lr_schedule="step", lr_decay_epochs=(150, 250), lr_decay_factor=0.1),
    # §IV-A-2: CIFAR-100 ResNet-18, SGD 0.05, momentum 0.9, wd 1e-3, batch 128, 200 epochs, x0.2 at 60, 120, 160.
    "paper000_cifar100_resnet18": TrainConfig(
        optimizer="sgd", learning_rate=0.05, momentum=0.9, weight_decay=1e-3, batch_size=128, epochs=200,
        lr_schedule="step", lr_decay_epochs=(60, 120, 160), lr_decay_factor=0.2),
    # §IV-A-3: ImageNet ResNet-18, SGD 0.1, momentum 0.9, wd 1e-4, batch 256, 90 epochs, x0.1 at 30 and 60;
    # 224x224 images: a bounded shuffle buffer (ours).
    "paper000_imagenet_resnet18": TrainConfig(
        optimizer="sgd", learning_rate=0.1, momentum=0.9, weight_decay=1e-4, batch_size=256, epochs=90,
        lr_schedule="step", lr_decay_epochs=(30, 60), lr_decay_factor=0.1, shuffle_buffer=4096),
}


def recipe(name: str) -> TrainConfig:
  """The paper's recipe `name`; AdvTfError naming the recipes otherwise."""
  if name not in RECIPES:
    raise AdvTfError(f"unknown paper-000 training recipe {name!r}; choose one of: {', '.join(RECIPES)}")
  return RECIPES[name]
