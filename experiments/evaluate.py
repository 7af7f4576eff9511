r"""A robustness report on your own Keras classifier (not one of the five papers' studies).

  python -m experiments.evaluate --model=lenet.keras --dataset=mnist --input_range=-0.5,0.5 --profile=quick

Flags: `--helpfull`; every field of adv_tf/evaluate/config.py is one. Rerunning resumes.
"""
from __future__ import annotations

from adv_tf.evaluate import main

if __name__ == "__main__":
  main()
