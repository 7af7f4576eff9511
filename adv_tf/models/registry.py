"""The model registry: name -> builder(input_shape, num_classes, **config) -> keras.Model (logits)."""
from __future__ import annotations

from typing import Callable

import keras

from adv_tf.registry import Registry

MODELS: Registry[Callable[..., keras.Model]] = Registry("model")
