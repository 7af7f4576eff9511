"""Paper 001: the candidate causes of our gaps to Table 2, as data (`adv_tf.report.gap_causes`), and the gap row
of one Table 2 row. Spec = /work/shared/specs/paper001_minimal_dataset.md.

Row fields: architecture (Table 2's: CNN, LeNet), ours (our variant: cnn, lenet5_classic, lenet5_relu), training
(Table 2's: MNIST, Modified MNIST, MNIST + Modified MNIST), attack (None, FGSM, CW). Table 2 states no attack
parameter, so its attacked rows measure an attack we can only guess; no cause is tuned toward the paper.
"""
from __future__ import annotations

from typing import Sequence

from adv_tf.report.gap_causes import Cause, Control
from adv_tf.report.gaps import GapRow, accuracy_noise

MODIFIED = ("Modified MNIST", "MNIST + Modified MNIST")

CAUSES = (
    Cause("FGSM eps unstated",
          "the paper states no FGSM eps; ours is 0.25 (Goodfellow et al.'s MNIST value), and FGSM accuracy falls "
          "steeply with eps, so the FGSM rows compare two different attacks",
          "spec 001-1 (FGSM row), Q4; report 'Choices' (headline_eps)", {"attack": ("FGSM",)},
          control=Control("the FGSM eps sweep of every model (how far the gap moves with eps; never used to pick an "
                          "eps that matches)", "every profile", key="fgsm_sweep")),
    Cause("CW variant and budget unstated",
          "the paper states no CW norm, constant, iterations, targeting or images; a full-strength CW-L2 fools "
          "~100%, so its 30-73% imply a weak CW; ours is a weak CW whose constant was calibrated once on our raw "
          "model toward the CNN row's 52%, then applied unchanged",
          "spec 001-1 (CW row), Q4, Q11; report 'Weak-CW calibration'", {"attack": ("CW",)},
          control=Control("the full-strength CW-L2 and its accuracy at L2 budgets on the same models",
                          "every profile", key="full_cw")),
    Cause("architecture details unstated",
          "the paper names only 'LeNet-5' and lists the CNN without activations or pooling; ours are the classic "
          "LeNet-5 (tanh, average pooling) and Madry's CNN (ReLU, max pooling)",
          "spec 001-1 (CNN, LeNet rows), Q9; report 'Choices' (architectures)",
          control=Control("both LeNet-5 variants (classic and ReLU/max-pool) and the CNN", "cpu-full",
                          "--architectures", key="variants")),
    Cause("training recipe unstated",
          "optimizer, lr, epochs, batch and seeds are unstated; ours: Adam 1e-3, early stopping on the last 5,000 "
          "training images (so raw trains on 55,000, not 60,000); with no published recipe there is none to run "
          "beside ours",
          "spec 001-1 (training row), Q10; report 'Choices' (step budget)"),
    Cause("relabelling proxy",
          "the 4,736 'Modified MNIST' images were kept by humans; ours by a proxy labeller, so 264 other images are "
          "dropped", "spec 001-1 (relabelled subset), Q1; report 'Relabelling proxy'", {"training": MODIFIED},
          control=Control("random_distorted: a random 4,736 of the same 5,000", "cpu-full", "--regimes",
                          key="random_distorted")),
    Cause("distortion definition",
          "the x4 contrast and the bilinear downscale's antialiasing are unstated; ours: a float mean-luma blend and "
          "an antialiased downscale, which change which strokes survive at 10x10 (PIL rounds to uint8)",
          "spec 001-1 (distortion row), Q8; report 'Choices' (antialias, contrast_factor)", {"training": MODIFIED},
          control=Control("the same regimes with --antialias=false", note="the flag exists; no profile sets it")),
    Cause("suspected copy error",
          "both CNN FGSM rows of the modified-data models read 19.40% in the paper (nothing to run: a property of "
          "the published table)",
          "spec Q5; report 'Table 2' note", {"architecture": ("CNN",), "training": MODIFIED, "attack": ("FGSM",)}),
)


# Control key -> whether a run with that config runs the control (tests/studies/test_gap_controls.py checks that
# each keyed Control's named profile does; the report reads what actually ran from the records).
CONTROL_RUNS = {
    "fgsm_sweep": lambda cfg: len(cfg.fgsm_eps) > 1,
    "full_cw": lambda cfg: cfg.full_cw_images > 0,
    "variants": lambda cfg: len({a for a in cfg.architectures if a.startswith("lenet5")}) > 1,
    "random_distorted": lambda cfg: "random_distorted" in cfg.regimes,
}


def gap_row(architecture: str, ours: str, training: str, attack: str, paper: float, values: Sequence[float],
            images: int, paper_images: int) -> GapRow:
  """One Table 2 row: the paper's accuracy against the mean of our seeds (values are fractions, shown in %); our
  noise from the seeds and the attacked images, the paper's from its images (10,000; CW: 100, spec 001-1)."""
  return GapRow(f"{architecture} ({ours}), {training}, {attack}",
                {"architecture": architecture, "ours": ours, "training": training, "attack": attack},
                paper, 100 * sum(values) / len(values), accuracy_noise([100 * v for v in values], images),
                accuracy_noise([paper], paper_images, note="one published model"))
