"""quiet_logging: WARNING by default for absl/TFDS/TF, INFO kept when --verbosity is given."""
from __future__ import annotations

import logging

import pytest
from absl import flags
from absl import logging as absl_logging

from adv_tf.logging_setup import quiet_logging, verbosity_was_given


@pytest.fixture
def restore_logging():
  level = absl_logging.get_verbosity()
  tfds_level = logging.getLogger("tensorflow_datasets").level
  yield
  absl_logging.set_verbosity(level)
  logging.getLogger("tensorflow_datasets").setLevel(tfds_level)


def _flags(*argv: str) -> flags.FlagValues:
  """A private FlagValues with absl's --verbosity flag, parsed from argv (the global FLAGS stay untouched)."""
  fv = flags.FlagValues()
  flags.DEFINE_integer("verbosity", -1, "absl log level", short_name="v", flag_values=fv)
  fv(["binary", *argv])
  return fv


def test_quiet_by_default(restore_logging):
  absl_logging.set_verbosity(absl_logging.INFO)
  fv = _flags()
  assert not verbosity_was_given(fv)
  assert quiet_logging(flag_values=fv)
  assert absl_logging.get_verbosity() == absl_logging.WARNING
  assert logging.getLogger("tensorflow_datasets").getEffectiveLevel() == logging.WARNING
  assert not absl_logging.get_absl_logger().isEnabledFor(logging.INFO)


@pytest.mark.parametrize("argv", [("--verbosity=0",), ("-v", "1")])
def test_verbosity_flag_keeps_info(restore_logging, argv):
  fv = _flags(*argv)
  absl_logging.set_verbosity(absl_logging.INFO)
  assert verbosity_was_given(fv)
  assert not quiet_logging(flag_values=fv)
  assert absl_logging.get_verbosity() == absl_logging.INFO
  assert quiet_logging(force=True, flag_values=fv) and absl_logging.get_verbosity() == absl_logging.WARNING
