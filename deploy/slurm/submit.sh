#!/usr/bin/env bash
# Submits one study as three dependent SLURM jobs (see deploy/README.md):
#   1. unsharded.sbatch  the study's unsharded stages (e.g. the selection), once;
#   2. sharded.sbatch    the cells as a job array of NUM_SHARDS tasks, after 1 succeeded (--dependency=afterok);
#   3. report.sbatch     the report, after every array task succeeded.
# Usage: deploy/slurm/submit.sh STUDY PROFILE NUM_SHARDS [extra study flags...]
#   e.g. OUTPUT_DIR=/shared/results/hyperparams/paper deploy/slurm/submit.sh hyperparams paper 16
# Environment: OUTPUT_DIR (a folder every node sees; default results/<study>/<profile>), DATA_DIR (TFDS data,
# default ~/tensorflow_datasets), PYTHON (default .venv/bin/python), SEED (default 0), RETRAIN=1 to retrain
# cached models (once per model for the whole array: --retrain_token is this submission's id).
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: $0 STUDY PROFILE NUM_SHARDS [extra study flags...]" >&2
  exit 2
fi
export STUDY="$1" PROFILE="$2" NUM_SHARDS="$3"
shift 3
export EXTRA_FLAGS="$*"
export OUTPUT_DIR="${OUTPUT_DIR:-results/${STUDY//-/_}/${PROFILE}}"
export DATA_DIR="${DATA_DIR:-$HOME/tensorflow_datasets}"
export PYTHON="${PYTHON:-.venv/bin/python}"
export SEED="${SEED:-0}"
export RETRAIN_FLAGS=""
if [[ "${RETRAIN:-0}" == 1 ]]; then
  RETRAIN_FLAGS="--retrain --retrain_token=submit-$(date +%s)-$$"
fi
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$OUTPUT_DIR/slurm-logs"

first=$(sbatch --parsable --job-name="adv-tf-${STUDY}-unsharded" --output="$OUTPUT_DIR/slurm-logs/%x-%j.out" \
  "$here/unsharded.sbatch")
cells=$(sbatch --parsable --dependency="afterok:${first}" --array="0-$((NUM_SHARDS - 1))" \
  --job-name="adv-tf-${STUDY}-sharded" --output="$OUTPUT_DIR/slurm-logs/%x-%A_%a.out" "$here/sharded.sbatch")
report=$(sbatch --parsable --dependency="afterok:${cells}" --job-name="adv-tf-${STUDY}-report" \
  --output="$OUTPUT_DIR/slurm-logs/%x-%j.out" "$here/report.sbatch")
echo "submitted: unsharded ${first}, array ${cells} (${NUM_SHARDS} tasks), report ${report} -> ${OUTPUT_DIR}"
