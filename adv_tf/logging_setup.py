"""Quiet console logs for the binaries: WARNING and above, INFO only when asked for with --verbosity.

Under `absl.app.run` the absl log level is INFO (`--verbosity=0`), so TFDS prints five or so INFO lines
per dataset load ("Load dataset info from ...", "Constructing tf.data.Dataset ...") and they flood
`make bench` and the study logs. Each binary calls `quiet_logging()` first thing in its `main(argv)`:

    def main(argv):
      quiet_logging()
      ...

An explicit `--verbosity=0` (or `-v 0`, or higher) on the command line keeps absl's INFO lines. TF's C++
start-up line about oneDNN is written before any Python code can set a level and stays.
"""
from __future__ import annotations

import logging
import os

# Python loggers that report at INFO through the standard library (not through absl).
_NOISY_LOGGERS = ("tensorflow", "tensorflow_datasets", "absl", "h5py", "matplotlib")


def verbosity_was_given(flag_values=None) -> bool:
  """Whether --verbosity (-v) was given on an absl binary's command line (False before parsing).

  `flag_values`: the absl FlagValues to read (default the global `absl.flags.FLAGS`).
  """
  from absl import flags  # pylint: disable=import-outside-toplevel
  fv = flags.FLAGS if flag_values is None else flag_values
  if not fv.is_parsed() or "verbosity" not in fv:
    return False
  return bool(fv["verbosity"].present)


def quiet_logging(*, force: bool = False, flag_values=None) -> bool:
  """Sets absl, TFDS, TF and Keras logging to WARNING unless --verbosity was given (or `force`).

  Also sets TF_CPP_MIN_LOG_LEVEL=2 when unset (effective for TF's C++ logs only if TensorFlow is
  imported afterwards). Returns True when it lowered the verbosity.
  """
  os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
  if verbosity_was_given(flag_values) and not force:
    return False
  from absl import logging as absl_logging  # pylint: disable=import-outside-toplevel
  absl_logging.set_verbosity(absl_logging.WARNING)
  for name in _NOISY_LOGGERS:
    logging.getLogger(name).setLevel(logging.WARNING)
  return True
