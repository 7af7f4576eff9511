r"""Paper 004: accuracy and robustness vs training-set size (nested class-balanced subsets).

  python -m experiments.training_size --profile=quick --data_dir=~/tensorflow_datasets \
      --output_dir=results/training_size/quick

Profiles (adv_tf/studies/training_size/config.py, which gives each one's time arithmetic): quick (15 minutes on
2 cores: MNIST MLP x 6 seeds and CIFAR-10 MLP x 3 seeds, 100-image pool, full-strength exact CW-L2 and minimal-eps
I-FGSM), cpu-full (about 8 h on 2 cores, estimated: MLP and Simple CNN on MNIST and CIFAR-10 x 3 seeds, 500-image
pool), paper (every family of Table 1, GPU, sharded with --num_shards).
Every config field is also a flag (e.g. --families=mnist/mlp --sizes_mnist=1000,60000 --seeds=3).
Rerunning resumes: finished cells are skipped and trained models come from the model cache.
"""
from __future__ import annotations

from adv_tf.experiment import cli
from adv_tf.studies.training_size.study import TrainingSizeStudy


def main() -> None:
  cli.main(TrainingSizeStudy())


if __name__ == "__main__":
  main()
