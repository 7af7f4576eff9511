"""The suite's studies, one package per paper, and `STUDIES`: the one list of them (the CLI's binaries, the
cross-study index and the tests read it).

Adding a study: copy the template in tests/studies/template/ into `adv_tf/studies/<name>/` (a `Study` subclass
in study.py naming its paper, Config, PROFILES, stages and Report), add it to `STUDIES` below and add a binary
`experiments/<name>.py` (README: "Add a study"). Studies never import each other.
"""
from __future__ import annotations

from adv_tf.experiment.study import Study
from adv_tf.studies.dataset_properties.study import DatasetPropertiesStudy
from adv_tf.studies.hyperparams.study import HyperparamsStudy
from adv_tf.studies.imagenette_defenses.study import ImagenetteDefensesStudy
from adv_tf.studies.minimal_dataset.study import MinimalDatasetStudy
from adv_tf.studies.training_size.study import TrainingSizeStudy

# In paper order.
STUDIES: tuple[Study, ...] = (DatasetPropertiesStudy(), MinimalDatasetStudy(), HyperparamsStudy(),
                              ImagenetteDefensesStudy(), TrainingSizeStudy())
