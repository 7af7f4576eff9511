"""User-facing errors: one line that says what is wrong and what to do.

Library code raises `AdvTfError` (a `ValueError`) for bad input; experiment binaries catch it and print
the message alone, so a user never sees a traceback from deep inside TFDS or Keras for a typo.
"""


class AdvTfError(ValueError):
  """A one-line, actionable error about user input or missing data."""

  def __init__(self, message: str):
    super().__init__(" ".join(str(message).split()))
