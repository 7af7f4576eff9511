r"""Paper 000: how input size and contrast of a dataset change attack and defense success.

  python -m experiments.dataset_properties --profile=quick --data_dir=~/tensorflow_datasets \
      --output_dir=results/dataset_properties/quick

One cell per (dataset, size or contrast setting, seed): train the Madry CNN / ResNet-18 with the paper's recipe
until the held-out accuracy reaches the paper's clean accuracy minus 1 pp (or the epoch cap), then craft FGSM,
BIM, PGD and DeepFool (foolbox3 preset) at eps 2/4/8/16 /255 once on the undefended model and judge each with
none / JPEG / ART-TVM (authors' channels-first quirk and channels-last), gray-box. Then report.md: per figure the
grouped-bar grid and paper | ours | diff tables, clean accuracies, contrast statistics, verdicts A1-D3.
Profiles: quick (MNIST, 1,000 test images), cpu-full (MNIST, F-MNIST, CIFAR-10; 3 seeds), paper (all five).
Flags: `--helpfull`; every field of adv_tf/studies/dataset_properties/config.py is one.
"""
from __future__ import annotations

from adv_tf.experiment import cli
from adv_tf.studies.dataset_properties.study import DatasetPropertiesStudy


def main() -> None:
  cli.main(DatasetPropertiesStudy())


if __name__ == "__main__":
  main()
