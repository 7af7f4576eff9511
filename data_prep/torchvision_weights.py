r"""Prepare torchvision ImageNet weights for the paper-003 study (`--pretrained_dir`).

    python -m data_prep.torchvision_weights --input=wide_resnet50_2.safetensors --model=wrn50_2 --output_dir=weights
    python -m data_prep.torchvision_weights --input=googlenet.safetensors --model=googlenet --output_dir=weights

Input: a torchvision state dict as `.safetensors` (what model hubs publish; read with numpy alone) or `.npz`.
A `.pth` file needs torch once: `safetensors.torch.save_file(torch.load("x.pth"), "x.safetensors")`.
The weights are checked by loading them into our Keras layout (`adv_tf/models/torchvision_weights.py`: key
names, shapes, conv OIHW -> HWIO), then written as `<output_dir>/<model>.safetensors` with only the keys used
(float32; aux heads and BN `num_batches_tracked` dropped). Our layouts pad as PyTorch does, so the converted
weights give torchvision's outputs (tests/models/test_torchvision_weights.py: recorded torchvision block outputs
to 1e-4, and whole models where torch is installed).
"""
from __future__ import annotations

import pathlib

from absl import app, flags

from adv_tf.models import torchvision_weights as tvw
from adv_tf.studies.imagenette_defenses.models import build_model

_INPUT = flags.DEFINE_string("input", None, "torchvision state dict (.safetensors or .npz).")
_MODEL = flags.DEFINE_enum("model", None, ["wrn50_2", "googlenet"], "Which model the weights are for.")
_OUTPUT = flags.DEFINE_string("output_dir", "weights", "Folder to pass as --pretrained_dir.")


def convert(input_path, model_name: str, output_dir) -> pathlib.Path:
  """Checks the state dict against our layout and writes `<output_dir>/<model>.safetensors`."""
  from safetensors.numpy import save_file
  state = tvw.read_state_dict(input_path)
  model = build_model(model_name, 224, int(state["fc.weight"].shape[0]) if "fc.weight" in state else 1000)
  tvw.load_into(model, state, model_name)
  out = pathlib.Path(output_dir).expanduser()
  out.mkdir(parents=True, exist_ok=True)
  path = out / f"{model_name}.safetensors"
  save_file(tvw.state_dict_from_keras(model, model_name), str(path))
  return path


def main(argv) -> None:
  del argv
  print(convert(_INPUT.value, _MODEL.value, _OUTPUT.value))


if __name__ == "__main__":
  flags.mark_flags_as_required(["input", "model"])
  app.run(main)
