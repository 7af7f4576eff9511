#!/usr/bin/env bash
# Runs the three Jobs of jobs.yaml in order: each starts once the previous one completed; a failed Job stops
# the chain at once (instead of waiting for the timeout).
# Usage: deploy/kubernetes/run.sh [jobs.yaml] (kubectl configured for the cluster; TIMEOUT default 48h).
set -euo pipefail
file="${1:-$(dirname "$0")/jobs.yaml}"
for stage in unsharded sharded report; do
  job="job/adv-tf-${stage}"
  kubectl apply -f "$file" -l "adv-tf/stage=${stage}"
  kubectl wait --for=condition=complete --timeout="${TIMEOUT:-48h}" "$job" &
  complete=$!
  kubectl wait --for=condition=failed --timeout="${TIMEOUT:-48h}" "$job" &
  failed=$!
  wait -n "$complete" "$failed" || true
  if kubectl get "$job" -o jsonpath='{.status.conditions[?(@.type=="Failed")].status}' | grep -q True; then
    kill "$complete" "$failed" 2>/dev/null || true
    echo "run.sh: $job failed (kubectl describe $job); fix it, delete the job and run this script again" >&2
    exit 1
  fi
  kill "$failed" 2>/dev/null || true
  wait "$complete"
done
