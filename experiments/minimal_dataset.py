r"""Paper 001: are models trained on a "minimally identifiable" MNIST more robust to FGSM and CW?

  python -m experiments.minimal_dataset --profile=quick --data_dir=~/tensorflow_datasets \
      --output_dir=results/minimal_dataset/quick

Stages: the relabelling proxy (a labeller trained on distorted images keeps the 4,736 most recognisable of
the first 5,000 training images), the weak-CW calibration on the raw CNN, then one cell per (architecture,
training regime, seed): train to convergence on held-out training data (or load from the model cache) and
attack with FGSM (eps sweep, 10k images), PGD-40, full-strength CW-L2 (quick: the first 5 images) and
weak CW-L2 (100 images). Then report.md: Table 2 paper | ours | diff, verdicts M1-M6 with controls,
Figs. 1-4 style figures, and claims.json. Rerunning resumes.
Profiles: quick (CNN + classic LeNet-5, one seed), cpu-full and paper (three LeNet/CNN variants, 3 seeds,
both controls). Flags: `--helpfull`; every field of adv_tf/studies/minimal_dataset/config.py is one.
"""
from __future__ import annotations

from adv_tf.experiment import cli
from adv_tf.studies.minimal_dataset.study import MinimalDatasetStudy


def main() -> None:
  cli.main(MinimalDatasetStudy())


if __name__ == "__main__":
  main()
