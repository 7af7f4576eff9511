"""Claims M1-M6 of paper 001 (spec 001-3) as data for `adv_tf.claims`, and the controls shown beside them
(judged by the same engine, never counted in a verdict); no verdict logic lives here.

Every claim compares models under ONE fixed attack setting (never absolute accuracies under an attack the paper
does not state). M2 is two claims with separate evidence: M2a (training on Modified MNIST) and M2b (retraining
the last layer on it). Claims about a training method have the trained model as unit of replication
(unit "seeds"): with one seed a verdict reads "this model: ..." and is not decided; comparisons between models
whose clean accuracy or training-set size differ are flagged (`CONFOUNDS`). Keys: `measures` docstring.
"""
from __future__ import annotations

import dataclasses
from typing import Sequence

from adv_tf.claims import Cell, Claim, check_unique
from adv_tf.studies.minimal_dataset import published
from adv_tf.studies.minimal_dataset.measures import PAPER_ARCHITECTURES, paper_architecture

SECTION = "§5"
# Where each claim comes from (spec 001-3): M1 and M6 are read off Table 2 (§4), which the text does not discuss;
# M2 and M3 are §5's finding and §6's conclusion; M4 is Fig. 3 (§5); M5 is §5's and §6's "persists".
SECTIONS = {"M1": "Table 2 (§4)", "M2a": "§5, §6", "M2b": "§5, §6", "M3": "§5, §6", "M4": "§5, Fig. 3",
            "M5": "§5, §6", "M6": "Table 2 (§4)"}
MARGIN = 0.01
CONFOUNDS = {"clean accuracy": 0.02, "training images": 1000}
L0_SCALE = {"scale": 1.0, "value_unit": "px"}


def _order(archs: Sequence[str], better: str, worse: str, metric: str, param=None) -> list[Cell]:
  """better > worse under `metric`, per architecture."""
  return [Cell((a, better, metric, param), (a, worse, metric, param), "greater", group=paper_architecture(a),
               label=f"{a}: {better} > {worse} ({metric}{'' if param is None else f' {param:g}'})") for a in archs]


def _claim(cid: str, statement: str, cells: list[Cell], **kw) -> Claim:
  names = kw.pop("names", tuple(dict.fromkeys(c.groups[0] for c in cells)))
  return Claim(cid, statement, tuple(cells), kw.pop("section", SECTIONS.get(cid, SECTION)), kw.pop("unit", "seeds"),
               kw.pop("margin", MARGIN), names=names, confound_limits=kw.pop("confound_limits", CONFOUNDS), **kw)


def claims(config, fgsm_eps: float | None = None) -> tuple[Claim, ...]:
  """M1-M6 for the run's architectures, at `fgsm_eps` (default: the headline eps)."""
  archs, eps = config.architectures, config.headline_eps if fgsm_eps is None else fgsm_eps
  names = tuple(published.TABLE2_ARCHITECTURES)
  full_cw = "the paper's 100 CW images" if config.full_cw_images >= published.CW_IMAGES else \
      f"the first {config.full_cw_images} of the paper's {published.CW_IMAGES} CW images"
  lenets = [a for a in archs if a.startswith("lenet5")] or list(PAPER_ARCHITECTURES["LeNet"][:1])
  out = [
    _claim("M1", "Training on Modified MNIST lowers clean accuracy; last-layer fine-tuning lowers it only "
           "slightly (raw > finetuned > modified).",
           _order(archs, "raw", "modified", "clean") + _order(archs, "raw", "finetuned", "clean")
           + _order(archs, "finetuned", "modified", "clean"), names=names, confound_limits={}),
    _claim("M2a", f"FGSM accuracy rises when the model is trained on Modified MNIST (modified > raw; FGSM eps "
           f"{eps:g})", _order(archs, "modified", "raw", "fgsm", eps), names=names),
    _claim("M2b", f"FGSM accuracy rises when only the last layer is retrained on Modified MNIST (finetuned > raw; "
           f"FGSM eps {eps:g})", _order(archs, "finetuned", "raw", "fgsm", eps), names=names),
    *(_claim(f"{cid}-sweep", f"{cid} at every eps of the FGSM sweep ({', '.join(f'{e:g}' for e in config.fgsm_eps)}): "
             f"{better} > raw at each (spec 001-3: 'test at each eps of the sweep'; Table 2 gives eps "
             f"{config.headline_eps:g} only)",
             [dataclasses.replace(c, group=(c.groups[0], f"eps {e:g}"))
              for e in config.fgsm_eps for c in _order(archs, better, "raw", "fgsm", e)],
             names=names + tuple(f"eps {e:g}" for e in config.fgsm_eps), section=SECTIONS[cid])
      for cid, better in (("M2a", "modified"), ("M2b", "finetuned"))),
    _claim("M3", "CW accuracy rises, highest for the fine-tuned model (raw < modified < finetuned; weak CW).",
           _order(archs, "modified", "raw", "weak_cw") + _order(archs, "finetuned", "modified", "weak_cw"),
           names=names),
    _claim("M4", f"More pixels must be changed to fool the modified-data models (Fig. 3; median L0 of "
           f"full-strength CW-L2 on {full_cw}).",
           [Cell(c.a, c.b, c.relation, group=(c.groups[0], full_cw), label=c.label)
            for c in _order(archs, "modified", "raw", "l0") + _order(archs, "finetuned", "raw", "l0")],
           names=names + ("the paper's 100 CW images",), margin=1.0, **L0_SCALE),
    _claim("M5", f"The adversarial vulnerability persists: FGSM accuracy of the modified-data models stays below "
           f"50% (FGSM eps {eps:g}).",
           [Cell((a, g, "fgsm", eps), 0.5, "less", group=paper_architecture(a), label=f"{a}/{g} FGSM < 50%")
            for a in archs for g in ("modified", "finetuned")], names=names, confound_limits={}),
    _claim("M6", f"(observable in Table 2, not claimed) LeNet is more FGSM-robust than the CNN but less CW-robust "
           f"(raw models; FGSM eps {eps:g}, weak CW).",
           [Cell((lenet, "raw", "fgsm", eps), ("cnn", "raw", "fgsm", eps), group="LeNet",
                 label=f"{lenet} > cnn (FGSM)") for lenet in lenets]
           + [Cell(("cnn", "raw", "weak_cw", None), (lenet, "raw", "weak_cw", None), group="LeNet",
                   label=f"cnn > {lenet} (weak CW)") for lenet in lenets], names=("LeNet",),
           seeds_paired=False),  # two architectures: seed s of each shares no draw (Welch's t)
  ]
  check_unique(out)
  return tuple(out)


def controls(config) -> dict[str, tuple[Claim, ...]]:
  """Per claim id, the controls printed beside it: the same test on the size control (random 4,736
  undistorted), the selection control (random 4,736 distorted), PGD and full-strength CW."""
  archs, eps, budget = config.architectures, config.headline_eps, config.verdict_cw_budget
  out = {
    "M1": (_claim("M1 size control", "raw > random 4,736 undistorted (clean)",
                  _order(archs, "raw", "random_undistorted", "clean"), confound_limits={}),
           _claim("M1 selection control", "modified > random 4,736 distorted (distorted test set)",
                  _order(archs, "modified", "random_distorted", "distorted"), confound_limits={})),
    "M3": (_claim("M3 full CW L2", "median L2 of full-strength CW: modified > raw, finetuned > raw",
                  _order(archs, "modified", "raw", "l2") + _order(archs, "finetuned", "raw", "l2"), margin=0.1,
                  scale=1.0, value_unit=""),
           _claim("M3 full CW at budget", f"full-strength CW accuracy at L2 <= {budget:g}: modified > raw",
                  _order(archs, "modified", "raw", "cw_at", budget)),
           _claim("M3 size control", "weak CW: random 4,736 undistorted > raw",
                  _order(archs, "random_undistorted", "raw", "weak_cw"))),
    "M4": (_claim("M4 size control", "median L0: random 4,736 undistorted > raw",
                  _order(archs, "random_undistorted", "raw", "l0"), margin=1.0, **L0_SCALE),),
  }
  for claim_id, better in (("M2a", "modified"), ("M2b", "finetuned")):
    out[claim_id] = (
      _claim(f"{claim_id} PGD", f"PGD-{config.pgd_steps} at eps {eps:g}: {better} > raw",
             _order(archs, better, "raw", "pgd")),
      _claim(f"{claim_id} size control", f"FGSM eps {eps:g}: random 4,736 undistorted > raw",
             _order(archs, "random_undistorted", "raw", "fgsm", eps)),
      _claim(f"{claim_id} selection control", f"FGSM eps {eps:g}: random 4,736 distorted > raw",
             _order(archs, "random_distorted", "raw", "fgsm", eps)))
  return out
