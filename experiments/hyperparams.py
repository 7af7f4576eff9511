r"""Paper 002: LeNet hyperparameters vs targeted CW-L2 class distances on MNIST (the main job).

  python -m experiments.hyperparams --profile=quick --data_dir=~/tensorflow_datasets \
      --output_dir=results/hyperparams/quick

Stages: best-estimate sample selection (once, shared by every shard), then the grid of cells (baselines,
one-axis variants, the secure model, the kappa sweep), then report.md with tables and figures. Rerunning
resumes: finished cells are skipped, trained models come from the model cache. Flags: `--helpfull`; every
field of adv_tf/studies/hyperparams/config.py is one.
"""
from __future__ import annotations

from adv_tf.experiment import cli
from adv_tf.studies.hyperparams.study import HyperparamsStudy


def main() -> None:
  cli.main(HyperparamsStudy())


if __name__ == "__main__":
  main()
