"""The suite's studies, one package per paper; importing this registers every study and its profiles.

Adding a study: a folder `adv_tf/studies/<name>/` (config.py, cells.py, run.py, published.py, report.py and an
`__init__.py` that registers it) and one import line below. Studies never import each other.
"""
from adv_tf.studies import (
    dataset_properties,  # noqa: F401  paper 000
    hyperparams,  # noqa: F401  paper 002
    minimal_dataset,  # noqa: F401  paper 001
)
