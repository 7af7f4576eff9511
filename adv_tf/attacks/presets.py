"""Attack presets: complete, named attack settings, so a study never falls back on library defaults.

A preset maps attack names to every setting that changes the attack's result (steps, step sizes,
random start, norm, ...). Settings relative to the budget are `EpsFraction`s, resolved per call (per
example when eps is an array). Use one as

    PRESETS.get("foolbox3").run("bim", model, x, y, eps=8 / 255)

A caller may add what a preset leaves open (seed, batch_size, verbose, target) but not override what
it fixes: that raises AdvTfError, so a study's "foolbox3" numbers are always Foolbox 3's settings.
Adding a preset is one `register(AttackPreset(...))` below.
"""
from __future__ import annotations

import dataclasses
import types
from typing import Any, Mapping

import numpy as np

from adv_tf.attacks.cw_config import CWConfig
from adv_tf.errors import AdvTfError
from adv_tf.registry import Registry


@dataclasses.dataclass(frozen=True)
class EpsFraction:
  """A setting given as a multiple of the budget: resolves to `factor * eps` (Foolbox's rel_stepsize)."""
  factor: float

  def resolve(self, eps) -> Any:
    if eps is None:
      raise AdvTfError("this preset gives a step size relative to eps: pass eps=... in the dataset's pixel units")
    value = self.factor * np.asarray(eps, np.float64)
    return float(value) if value.ndim == 0 else value


@dataclasses.dataclass(frozen=True)
class AttackPreset:
  """Named settings for one or more attacks.

  Attributes:
    name: the registry name (e.g. "foolbox3").
    source: where the settings come from (library version, paper section or spec note).
    settings: attack name -> {parameter: value or EpsFraction}; read-only.
  """
  name: str
  source: str
  settings: Mapping[str, Mapping[str, Any]]

  def __post_init__(self):
    frozen = {attack: types.MappingProxyType(dict(params)) for attack, params in self.settings.items()}
    object.__setattr__(self, "settings", types.MappingProxyType(frozen))

  def attacks(self) -> list[str]:
    return sorted(self.settings)

  def _setting(self, attack_name: str) -> Mapping[str, Any]:
    if attack_name not in self.settings:
      raise AdvTfError(f"attack preset {self.name!r} has no setting for {attack_name!r}; it covers: "
                       f"{', '.join(self.attacks())}")
    return self.settings[attack_name]

  def params(self, attack_name: str, eps=None) -> dict[str, Any]:
    """The attack's keyword arguments under this preset, EpsFractions resolved with `eps`."""
    return {k: (v.resolve(eps) if isinstance(v, EpsFraction) else v)
            for k, v in self._setting(attack_name).items()}

  def describe(self) -> dict[str, Any]:
    """JSON-able settings for a study's config/report: EpsFraction(f) is written as "f*eps"."""
    def show(v):
      if isinstance(v, EpsFraction):
        return f"{v.factor:g}*eps"
      return "inf" if v == np.inf else v
    return {"name": self.name, "source": self.source,
            "settings": {a: {k: show(v) for k, v in p.items()} for a, p in sorted(self.settings.items())}}

  def run(self, attack_name: str, model, x, y, *, eps=None, clip_min: float = 0.0, clip_max: float = 1.0,
          **extra):
    """Runs `attack_name` with this preset's settings plus `extra` (which must not repeat them)."""
    fixed = self._setting(attack_name)
    clash = sorted(set(extra) & set(fixed))
    if clash:
      raise AdvTfError(f"attack preset {self.name!r} fixes {', '.join(clash)} for {attack_name!r}; drop "
                       "them, or run the attack without a preset")
    from adv_tf.attacks.base import attack  # pylint: disable=import-outside-toplevel
    return attack(attack_name, model, x, y, eps=eps, clip_min=clip_min, clip_max=clip_max,
                  **self.params(attack_name, eps), **extra)


PRESETS: Registry[AttackPreset] = Registry("attack preset")


def register(preset: AttackPreset) -> AttackPreset:
  return PRESETS.register(preset.name)(preset)


def get(name: str) -> AttackPreset:
  """The registered preset `name` (AdvTfError listing the known ones otherwise)."""
  return PRESETS.get(name)


# Paper 000's code (run_adv.py): Foolbox 3 default constructors, checked on Foolbox 3.3.4 (spec §1.7).
# LinfBasicIterativeAttack: rel_stepsize 0.2, 10 steps, no random start; LinfProjectedGradientDescentAttack:
# rel_stepsize 0.01/0.3, 40 steps, random start; LinfDeepFoolAttack: 50 steps, candidates 10, overshoot
# 0.02, then clipped to the eps ball after the search; LinfFastGradientAttack(random_start=False).
register(AttackPreset(
    name="foolbox3",
    source="Foolbox 3.3.4 default constructors (L-inf), as paper 000's run_adv.py uses them",
    settings={
        "fgsm": {"norm": np.inf},
        "bim": {"norm": np.inf, "nb_iter": 10, "eps_iter": EpsFraction(0.2)},
        "pgd": {"norm": np.inf, "nb_iter": 40, "eps_iter": EpsFraction(0.01 / 0.3), "rand_init": True},
        "deepfool": {"norm": np.inf, "max_iter": 50, "overshoot": 0.02, "candidates": 10},
    }))

# Madry et al. 2018 (MNIST): 40 PGD steps of 0.01 at eps 0.3 from a uniform random start; the step is kept
# at eps/30 for other budgets. Paper 001 spec Q2 suggests PGD-40 (beyond the paper) beside full-strength CW.
register(AttackPreset(
    name="madry_pgd40",
    source="Madry et al. 2018, MNIST: 40 steps of 0.01 at eps 0.3 (eps/30), random start",
    settings={"pgd": {"norm": np.inf, "nb_iter": 40, "eps_iter": EpsFraction(1.0 / 30.0), "rand_init": True}}))

# Paper 003's DGSM follows the Kolter & Madry tutorial (ch. 3) `pgd_linf_targ`: alpha 1e-2, 40 iterations
# (paper 003 spec, DGSM settings; an absolute step in [0, 1] pixel units).
register(AttackPreset(
    name="kolter_madry_tutorial",
    source="Kolter & Madry, Adversarial Robustness tutorial ch. 3, pgd_linf_targ: alpha 1e-2, 40 iterations",
    settings={"dgsm": {"norm": np.inf, "nb_iter": 40, "step_size": 0.01}}))

# Carlini & Wagner 2017's L2 attack with their defaults and their exact search (no fast schedule): the defaults
# of `CWConfig`, the settings every study's `--cw.*` flags start from.
_CW2017 = CWConfig().attack_kwargs()
register(AttackPreset(
    name="carlini_wagner2017",
    source="Carlini & Wagner 2017 L2 defaults (kappa 0, 9 x 1000, Adam 1e-2, c0 1e-3), 'carlini' schedule",
    settings={"cw_l2": _CW2017}))

# Paper 004 (spec §Attacks): I-FGSM minimal eps by bisection, T = 10, 14 halvings (upper bound: the pixel
# range width, 1.0 in [0, 1]); CW-L2 with C&W's constants on Carlini's exact schedule.
register(AttackPreset(
    name="paper004",
    source="paper 004 spec: minimal_linf T=10, 14 bisection steps (resolution 2^-14 of the range width, "
           "about 6e-5; the spec's 10 steps leave up to 1e-3, 12% of CIFAR-scale distortions); CW-L2 C&W "
           "defaults on Carlini's exact schedule (the fast one's per-pair tail is measured in make bench)",
    settings={"minimal_linf": {"norm": np.inf, "nb_iter": 10, "bisection_steps": 14},
              "cw_l2": _CW2017}))
