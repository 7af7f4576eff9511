"""Attacks: one interface (`attack(name, model, x, y, ...)`), one registry, one module per attack.

Importing this package registers every attack; add a new one with one module and one import line here.
"""
from adv_tf.attacks.base import ATTACKS, AttackResult, attack, predict_labels, result_from

# Registration imports (one line per attack module) go below.
