"""Attacks: one interface (`attack(name, model, x, y, ...)`), one registry, one module per attack.

Importing this package registers every attack; add a new one with one module and one import line here.

Accelerators: every attack step runs inside a `tf.function` with `strategy.run` on the replicas of the
current tf.distribute strategy (`_replicas.py`; TPUStrategy refuses an eager `strategy.run`), and with
`static_shapes` (default on under a TPUStrategy) batches are padded to one shape instead of shrinking,
so XLA compiles once. tests/attacks/test_xla_compile.py compiles the steps with `jit_compile=True` on CPU.
"""
from adv_tf.attacks.base import ATTACKS, AttackResult, attack, predict_labels, result_from

# Registration imports (one line per attack module) go below.
from adv_tf.attacks import gradient  # noqa: F401,E402  fgsm, bim, pgd
from adv_tf.attacks import deepfool  # noqa: F401,E402
from adv_tf.attacks import dgsm  # noqa: F401,E402
from adv_tf.attacks import minimal  # noqa: F401,E402  minimal_linf
from adv_tf.attacks import carlini_wagner  # noqa: F401,E402  registers cw_l2
from adv_tf.attacks.presets import PRESETS, AttackPreset, EpsFraction  # noqa: F401,E402  named settings
