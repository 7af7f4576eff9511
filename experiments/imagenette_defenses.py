r"""Paper 003: FGSM and DGSM against Wide ResNet and GoogLeNet on Imagenette; averaging and adversarial training.

  python -m experiments.imagenette_defenses --profile=quick --data_dir=~/tensorflow_datasets \
      --output_dir=results/imagenette_defenses/quick

One cell per (model, variant): the fine-tuned model (base) and its adversarially retrained variants, each
attacked with FGSM and DGSM over the paper's eps* grids; base models also judged through perturbed prediction
averaging (gray-box) and the beyond-paper EOT check. Then report.md with curves, box plots, verdicts D1-D12.
Rerunning resumes: finished cells are skipped, trained models come from the model cache. Flags: `--helpfull`; every
field of adv_tf/studies/imagenette_defenses/config.py is one.
"""
from __future__ import annotations

from adv_tf.experiment import cli
from adv_tf.studies.imagenette_defenses.study import ImagenetteDefensesStudy


def main() -> None:
  cli.main(ImagenetteDefensesStudy())


if __name__ == "__main__":
  main()
