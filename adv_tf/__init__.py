"""adv_tf: data, preprocessing and hyperparameters vs adversarial robustness, in TensorFlow/Keras.

Data flows one way, and the subpackages follow it:
  data (TFDS + property transforms) -> models (+ train) -> attacks -> defenses -> metrics
  -> experiment (resumable grids of cells, records) -> report (tables, figures, paper vs ours).
"""
from adv_tf import cpu_kernels as _cpu_kernels

_cpu_kernels.prefer_onednn()  # before anything imports TensorFlow: see adv_tf/cpu_kernels.py

__version__ = "0.1.0"
