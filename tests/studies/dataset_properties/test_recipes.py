"""Paper 000's training recipes carry the published settings (§IV-A)."""
from __future__ import annotations

import pytest

from adv_tf.errors import AdvTfError
from adv_tf.studies.dataset_properties.datasets import SETUPS
from adv_tf.studies.dataset_properties.recipes import recipe


def test_every_dataset_has_a_recipe_and_unknown_names_are_one_line_errors():
  for setup in SETUPS.values():
    recipe(setup.train_preset)
  with pytest.raises(AdvTfError, match="unknown paper-000 training recipe 'paper009'"):
    recipe("paper009")


def test_recipes_carry_the_published_settings():
  madry = recipe("paper000_madry_cnn")
  assert (madry.optimizer, madry.learning_rate, madry.beta_1, madry.beta_2, madry.batch_size, madry.epochs,
          madry.lr_schedule, madry.plateau_patience) == ("adam", 0.01, 0.9, 0.999, 64, 100, "plateau", 5)
  c10 = recipe("paper000_cifar10_resnet18")
  assert (c10.optimizer, c10.learning_rate, c10.weight_decay, c10.momentum, c10.epochs, c10.lr_decay_epochs,
          c10.lr_decay_factor) == ("sgd", 0.1, 5e-4, 0.9, 350, (150, 250), 0.1)
  c100 = recipe("paper000_cifar100_resnet18")
  assert (c100.learning_rate, c100.weight_decay, c100.epochs, c100.lr_decay_epochs, c100.lr_decay_factor) == (
      0.05, 1e-3, 200, (60, 120, 160), 0.2)
  imnet = recipe("paper000_imagenet_resnet18")
  assert (imnet.learning_rate, imnet.weight_decay, imnet.epochs, imnet.batch_size, imnet.lr_decay_epochs) == (
      0.1, 1e-4, 90, 256, (30, 60))
