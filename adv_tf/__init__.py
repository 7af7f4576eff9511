"""adv_tf: data, preprocessing and hyperparameters vs adversarial robustness, in TensorFlow/Keras.

Data flows one way, and the subpackages follow it:
  data (TFDS + property transforms) -> models (+ train) -> attacks -> defenses -> metrics
  -> experiment (resumable grids of cells, records) -> report (tables, figures, paper vs ours).
"""
__version__ = "0.1.0"
