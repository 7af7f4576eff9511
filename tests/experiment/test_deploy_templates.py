"""deploy/ templates (issue 15) cannot rot: the Kubernetes YAML parses into the Jobs the README describes, and
every flag the SLURM and Kubernetes command lines pass is a flag of every study binary."""
from __future__ import annotations

import pathlib
import re
import subprocess

import pytest

from adv_tf.experiment import cli
from adv_tf.studies import STUDIES

yaml = pytest.importorskip("yaml", reason="pyyaml (dev extra) parses the Kubernetes templates")

DEPLOY = pathlib.Path(__file__).resolve().parents[2] / "deploy"
SBATCH = sorted((DEPLOY / "slurm").glob("*.sbatch"))
FLAG = re.compile(r"(?<![\w-])--([a-z_]+)(?:=(\S+))?")


def _study_flags() -> dict[str, set[str]]:
  from absl import flags
  out = {}
  for study in STUDIES:
    fv = flags.FlagValues()
    cli.define_flags(study, fv)
    out[study.name] = set(fv)
  return out


def _command_lines(path: pathlib.Path) -> list[str]:
  """The binary's command lines of a shell script (continuation lines joined)."""
  text = path.read_text().replace("\\\n", " ")
  return [line for line in text.splitlines() if "experiments." in line and not line.lstrip().startswith("#")]


def test_the_slurm_scripts_run_each_stage_with_existing_flags():
  assert [p.name for p in SBATCH] == ["report.sbatch", "sharded.sbatch", "unsharded.sbatch"]
  known = _study_flags()
  stages = {}
  for path in SBATCH:
    lines = _command_lines(path)
    assert len(lines) == 1, path
    used = dict(FLAG.findall(lines[0]))
    for study, names in known.items():
      assert set(used) <= names, (path.name, study, set(used) - names)
    stages[path.stem] = used["stage"]
    assert subprocess.run(["bash", "-n", str(path)], check=False).returncode == 0
  assert stages == {"unsharded": "unsharded", "sharded": "sharded", "report": "report"}
  assert "--num_shards" in _command_lines(DEPLOY / "slurm" / "sharded.sbatch")[0]


def test_the_submit_script_chains_the_jobs_with_afterok():
  text = (DEPLOY / "slurm" / "submit.sh").read_text()
  assert subprocess.run(["bash", "-n", str(DEPLOY / "slurm" / "submit.sh")], check=False).returncode == 0
  calls = [line for line in text.replace("\\\n", " ").splitlines() if re.match(r"\s*\w+=\$\(sbatch ", line)]
  assert len(calls) == 3
  assert "unsharded.sbatch" in calls[0] and "--dependency" not in calls[0]
  assert '--dependency="afterok:${first}"' in calls[1] and '--array="0-$((NUM_SHARDS - 1))"' in calls[1]
  assert "sharded.sbatch" in calls[1]
  assert '--dependency="afterok:${cells}"' in calls[2] and "report.sbatch" in calls[2]
  for path in (*SBATCH, DEPLOY / "slurm" / "submit.sh"):
    for name in re.findall(r'--retrain_token|--retrain\b', path.read_text()):
      assert name.lstrip("-") in _study_flags()["hyperparams"]


def test_the_kubernetes_jobs_are_an_unsharded_job_an_indexed_job_and_a_report_job():
  docs = list(yaml.safe_load_all((DEPLOY / "kubernetes" / "jobs.yaml").read_text()))
  assert [d["kind"] for d in docs] == ["Job"] * 3
  by_stage = {d["metadata"]["labels"]["adv-tf/stage"]: d for d in docs}
  assert list(by_stage) == ["unsharded", "sharded", "report"]
  known = _study_flags()
  args = []
  for stage, job in by_stage.items():
    assert job["metadata"]["name"] == f"adv-tf-{stage}"
    (container,) = job["spec"]["template"]["spec"]["containers"]
    module = container["command"][-1]
    study = module.removeprefix("experiments.").replace("_", "-")
    assert container["command"][:2] == ["python", "-m"] and study in known
    used = dict(FLAG.findall(" ".join(container["args"])))
    assert set(used) <= known[study] and used["stage"] == stage
    args.append({k: v for k, v in used.items() if k != "stage"})
  assert args[0] == args[1] == args[2] or (args[0] == args[1] and set(args[2]) <= set(args[0]))
  indexed = by_stage["sharded"]["spec"]
  assert indexed["completionMode"] == "Indexed"
  env = {e["name"]: e["value"] for e in indexed["template"]["spec"]["containers"][0]["env"]}
  assert int(env["ADV_TF_NUM_SHARDS"]) == indexed["completions"] == indexed["parallelism"]
  run_sh = (DEPLOY / "kubernetes" / "run.sh").read_text()
  assert "kubectl wait --for=condition=complete" in run_sh and "unsharded sharded report" in run_sh
  assert "--for=condition=failed" in run_sh  # a failed Job stops the chain instead of hanging until the timeout
