"""Attack presets: every preset's settings asserted, full coverage of each attack's settings, no overrides."""
from __future__ import annotations

import inspect

import numpy as np
import pytest
import tensorflow as tf

from adv_tf.attacks import ATTACKS, PRESETS, attack, predict_labels
from adv_tf.attacks import presets as P
from adv_tf.errors import AdvTfError

EPS = 0.1

# The expected settings of every registered preset at eps = 0.1 (a new preset needs a row here).
EXPECTED = {
    "foolbox3": {
        "fgsm": {"norm": np.inf},
        "bim": {"norm": np.inf, "nb_iter": 10, "eps_iter": 0.2 * EPS},
        "pgd": {"norm": np.inf, "nb_iter": 40, "eps_iter": EPS / 30, "rand_init": True},
        "deepfool": {"norm": np.inf, "max_iter": 50, "overshoot": 0.02, "candidates": 10},
    },
    "madry_pgd40": {"pgd": {"norm": np.inf, "nb_iter": 40, "eps_iter": EPS / 30, "rand_init": True}},
    "kolter_madry_tutorial": {"dgsm": {"norm": np.inf, "nb_iter": 40, "step_size": 0.01}},
    "carlini_wagner2017": {"cw_l2": {"confidence": 0.0, "binary_search_steps": 9, "max_iterations": 1000,
                                     "learning_rate": 1e-2, "initial_const": 1e-3, "abort_early": True,
                                     "schedule": "carlini"}},
    "paper004": {
        "minimal_linf": {"norm": np.inf, "nb_iter": 10, "bisection_steps": 14},
        "cw_l2": {"confidence": 0.0, "binary_search_steps": 9, "max_iterations": 1000, "learning_rate": 1e-2,
                  "initial_const": 1e-3, "abort_early": True, "schedule": "carlini"},
    },
}

# Arguments that say what to attack and how to run it, not how strong the attack is.
EXECUTION = {"eps", "targeted", "target", "y", "clip_min", "clip_max", "batch_size", "verbose", "seed",
             "static_shapes"}


def _attack_settings(name: str) -> set[str]:
  """The result-changing keyword arguments of a registered attack."""
  fn = ATTACKS.get(name)
  if name == "cw_l2":  # the registry entry forwards **params to carlini_wagner_l2
    from adv_tf.attacks.carlini_wagner import carlini_wagner_l2
    fn = carlini_wagner_l2
  params = inspect.signature(fn).parameters.values()
  return {p.name for p in params if p.kind == p.KEYWORD_ONLY and p.name not in EXECUTION}


def test_every_preset_has_its_expected_settings():
  assert set(PRESETS.names()) == set(EXPECTED)
  for name, attacks in EXPECTED.items():
    preset = P.get(name)
    assert preset.attacks() == sorted(attacks)
    for attack_name, expected in attacks.items():
      got = preset.params(attack_name, eps=EPS)
      assert set(got) == set(expected), (name, attack_name)
      for key, value in expected.items():
        if isinstance(value, float):
          assert got[key] == pytest.approx(value, rel=1e-6), (name, attack_name, key)
        else:
          assert got[key] == value and type(got[key]) is type(value), (name, attack_name, key)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_presets_fix_every_setting_of_their_attacks(name):
  """A preset leaves no result-changing argument to the library default (and names only real ones)."""
  for attack_name, settings in P.get(name).settings.items():
    assert set(settings) == _attack_settings(attack_name), (name, attack_name)


def test_relative_settings_follow_each_examples_eps():
  eps = np.array([0.05, 0.1, 0.2], np.float32)
  params = P.get("foolbox3").params("bim", eps=eps)
  np.testing.assert_allclose(params["eps_iter"], 0.2 * eps, rtol=1e-6)
  assert P.get("foolbox3").describe()["settings"]["pgd"]["eps_iter"] == f"{0.01 / 0.3:g}*eps"


def test_preset_errors_are_one_line(mnist_arrays):
  x, y = mnist_arrays["x_test"][:2], mnist_arrays["y_test"][:2]
  model = None  # every error below is raised before the model is used
  cases = [
      lambda: PRESETS.get("no_such_preset").run("bim", model, x, y, eps=EPS),
      lambda: PRESETS.get("foolbox3").run("dgsm", model, x, y, eps=EPS, target=y),
      lambda: PRESETS.get("foolbox3").run("bim", model, x, y, eps=EPS, nb_iter=5),
      lambda: PRESETS.get("foolbox3").run("pgd", model, x, y, eps=EPS, norm=2),
      lambda: PRESETS.get("foolbox3").run("bim", model, x, y),
  ]
  for case in cases:
    with pytest.raises(AdvTfError) as err:
      case()
    assert "\n" not in str(err.value)


@pytest.fixture(scope="module")
def data(mnist_arrays, mnist_model):
  x, y = mnist_arrays["x_test"][:192], mnist_arrays["y_test"][:192]
  ok = predict_labels(mnist_model, x) == y
  return mnist_model, x[ok][:64], y[ok][:64]


def test_preset_equals_the_explicit_call(data):
  model, x, y = data
  via_preset = PRESETS.get("foolbox3").run("bim", model, x, y, eps=EPS)
  explicit = attack("bim", model, x, y, eps=EPS, norm=np.inf, nb_iter=10, eps_iter=0.2 * EPS)
  np.testing.assert_array_equal(via_preset.x_adv, explicit.x_adv)
  seeded = PRESETS.get("foolbox3").run("pgd", model, x, y, eps=EPS, seed=7)  # seed is the caller's to give
  assert seeded.info == {"steps": 40, "seed": 7}


def test_foolbox3_deepfool_matches_foolbox_clipped_to_eps(data):
  """Paper 000: LinfDeepFoolAttack() defaults, the perturbation clipped to the eps ball after the search."""
  fb = pytest.importorskip("foolbox")
  model, x, y = data
  eps = 8 / 255
  ours = PRESETS.get("foolbox3").run("deepfool", model, x, y, eps=eps)
  _, clipped, _ = fb.attacks.LinfDeepFoolAttack()(fb.TensorFlowModel(model, bounds=(0.0, 1.0)), tf.constant(x),
                                                  tf.constant(y), epsilons=eps)
  assert ours.linf.max() <= eps + 1e-6
  np.testing.assert_allclose(ours.x_adv, clipped.numpy(), atol=1e-5)


def test_foolbox3_pgd_is_as_strong_as_foolbox(data):
  """Foolbox's LinfProjectedGradientDescentAttack() defaults; random starts differ, so compare accuracy."""
  fb = pytest.importorskip("foolbox")
  model, x, y = data
  eps = 0.1
  ours = PRESETS.get("foolbox3").run("pgd", model, x, y, eps=eps, seed=0)
  tf.random.set_seed(0)  # Foolbox draws its random start from the global TF generator
  _, clipped, _ = fb.attacks.LinfProjectedGradientDescentAttack()(
      fb.TensorFlowModel(model, bounds=(0.0, 1.0)), tf.constant(x), tf.constant(y), epsilons=eps)
  acc_ref = np.mean(predict_labels(model, clipped.numpy()) == y)
  acc_ours = np.mean(predict_labels(model, ours.x_adv) == y)
  assert abs(acc_ours - acc_ref) <= 0.08, (acc_ours, acc_ref)
