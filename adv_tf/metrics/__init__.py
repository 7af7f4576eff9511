"""Metrics: accuracy (with Wilson intervals) and attack success, paper 004 eq. 4/5, norms, paper 002 distortion
and class distance.

See docs/CONTRACTS.md ("metrics") for the signatures other areas code against.
"""
from adv_tf.metrics.accuracy import (
  Z_95,
  AccuracyEstimate,
  accuracy,
  accuracy_interval,
  adversarial_accuracy_at,
  attack_success_rate,
  robustness_score,
  wilson_interval,
)
from adv_tf.metrics.class_distance import best_estimate_samples, class_distance_matrix, distance_stats
from adv_tf.metrics.distortion import (DEFAULT_THRESHOLDS, lp_norms, mean_percent_distortion,
                                      pixel_distortion_percent, pixels_changed_counts)

__all__ = ["Z_95", "AccuracyEstimate", "accuracy_interval", "wilson_interval", "accuracy", "adversarial_accuracy_at",
           "attack_success_rate", "robustness_score",
           "best_estimate_samples", "class_distance_matrix", "distance_stats", "DEFAULT_THRESHOLDS",
           "lp_norms", "mean_percent_distortion", "pixel_distortion_percent", "pixels_changed_counts"]
