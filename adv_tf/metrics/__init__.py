"""Metrics: accuracy and attack success, paper 004 eq. 4/5, norms, paper 002 distortion and class distance.

See docs/CONTRACTS.md ("metrics") for the signatures other areas code against.
"""
from adv_tf.metrics.accuracy import (accuracy, adversarial_accuracy_at, attack_success_rate,
                                     robustness_score)
from adv_tf.metrics.class_distance import best_estimate_samples, class_distance_matrix, distance_stats
from adv_tf.metrics.distortion import (DEFAULT_THRESHOLDS, lp_norms, mean_percent_distortion,
                                       pixel_distortion_percent)

__all__ = ["accuracy", "adversarial_accuracy_at", "attack_success_rate", "robustness_score",
           "best_estimate_samples", "class_distance_matrix", "distance_stats", "DEFAULT_THRESHOLDS",
           "lp_norms", "mean_percent_distortion", "pixel_distortion_percent"]
