#!/usr/bin/env bash
# Regenerates the embedded Kubernetes schemas (schemas/kubernetes/v1.<minor>.json) from the
# k8s-openapi types, one build per Kubernetes version, in shipshape's strict form.
#
#   schemas/generate.sh            all versions (1.33 to 1.37)
#   schemas/generate.sh 1.37       one version
#   schemas/generate.sh --check    regenerate, then fail if schemas/ differs from the commit
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
versions=()
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    1.*) versions+=("$arg") ;;
    *) echo "usage: schemas/generate.sh [--check] [1.33 ... 1.37]" >&2; exit 2 ;;
  esac
done
if [ ${#versions[@]} -eq 0 ]; then
  versions=(1.33 1.34 1.35 1.36 1.37)
fi

for v in "${versions[@]}"; do
  feature="v1_${v#1.}"
  cargo run --quiet --locked --features "schemagen,k8s-openapi/${feature}" --bin schemagen -- schemas/kubernetes
done

if $check; then
  git diff --exit-code -- schemas/ || {
    echo "schemas/ is stale: run schemas/generate.sh and commit the result" >&2
    exit 1
  }
fi
