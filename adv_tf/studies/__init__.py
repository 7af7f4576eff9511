"""The suite's studies, one package per paper; importing this registers every study and its profiles.

Adding a study: a folder `adv_tf/studies/<name>/` (config.py, cells.py, run.py, published.py, report.py and an
`__init__.py` that registers it) and one import line below. Studies never import each other.
"""
# ruff: noqa: I001  (one line per study, so adding a study adds one line)
from adv_tf.studies import hyperparams  # noqa: F401  paper 002
from adv_tf.studies import minimal_dataset  # noqa: F401  paper 001
from adv_tf.studies import training_size  # noqa: F401  paper 004
from adv_tf.studies import imagenette_defenses  # noqa: F401  paper 003
from adv_tf.studies import dataset_properties  # noqa: F401  paper 000
