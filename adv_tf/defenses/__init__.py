"""Defenses: JPEG, TVM, ART's TotalVarMin (tvm_art), prediction averaging, adversarial training; registry DEFENSES.

Evaluation wrappers: `defended_model(model, defense, mode="gray_box"|"bpda"|"eot")`, `evaluate_defense(...)`,
and craft-once/judge-many: `evaluate_defenses(...)`, `judge_many(...)` (adv_tf/defenses/evaluate.py); see
adv_tf/defenses/base.py for what each mode means.
"""
from adv_tf.defenses import adversarial_training, averaging, jpeg, tvm, tvm_art  # noqa: F401  registration
from adv_tf.defenses.adversarial_training import AdversarialTrainer, AdversarialTrainingConfig, adversarial_trainer
from adv_tf.defenses.averaging import PredictionAveraging, averaged_logits
from adv_tf.defenses.base import DEFENSES, MODES, DefendedModel, defended_model, make_defense, predict_defended
from adv_tf.defenses.evaluate import NO_DEFENSE, Judgement, evaluate_defense, evaluate_defenses, judge_many
from adv_tf.defenses.jpeg import Jpeg, jpeg_compress
from adv_tf.defenses.tvm import TotalVarMin, tv_denoise_chambolle, tv_minimize_masked
from adv_tf.defenses.tvm_art import TotalVarMinART
