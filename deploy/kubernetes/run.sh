#!/usr/bin/env bash
# Runs the three Jobs of jobs.yaml in order: each starts once the previous one completed.
# Usage: deploy/kubernetes/run.sh [jobs.yaml] (kubectl configured for the cluster; TIMEOUT default 48h).
set -euo pipefail
file="${1:-$(dirname "$0")/jobs.yaml}"
for stage in unsharded sharded report; do
  kubectl apply -f "$file" -l "adv-tf/stage=${stage}"
  kubectl wait --for=condition=complete --timeout="${TIMEOUT:-48h}" "job/adv-tf-${stage}"
done
