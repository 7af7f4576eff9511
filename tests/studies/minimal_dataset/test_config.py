"""Profiles of the minimal-dataset study."""
from adv_tf.studies.minimal_dataset import config as cfg


def test_profiles_differ_only_in_cells_and_images_not_in_training():
  """Profiles save time by fewer cells or images, never by undertrained models: every model's training recipe
  (epoch caps, stopping rule, optimizer, batch, held-out slice) is the same in every profile."""
  training = ("max_epochs_full", "max_epochs_small", "patience", "batch_size", "learning_rate", "validation_size",
              "labeller_epochs")
  deciding = [c for name, c in cfg.PROFILES.items() if name != "smoke"]  # smoke checks an install, decides nothing
  for name in training:
    assert len({getattr(c, name) for c in deciding}) == 1, name
