#!/usr/bin/env bash
# Benchmarks `shipshape check` on whole systems: a generated workspace of APPS apps x 3
# environments (default 334: 1,002 environments) whose apps have five components each (two
# Deployments with a sidecar, a StatefulSet, a CronJob, a Job), beside the same apps as single
# workloads (today's shape), and beside the five-component apps with NetworkPolicies and a
# connection from each app to the next (the connection graph), measured in the same run. All
# must check clean first.
# Needs hyperfine (apt-get install hyperfine). Usage: benches/components.sh [APPS]
set -euo pipefail
cd "$(dirname "$0")/.."
apps=${1:-334}
cargo build --release --quiet
bin=$PWD/target/release/shipshape
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

for shape in one five graph; do
  flags=()
  [ "$shape" = five ] && flags=(--components)
  [ "$shape" = graph ] && flags=(--components --graph)
  python3 benches/components.py "$scratch/$shape" "$apps" "${flags[@]}"
  "$bin" golden accept --workspace "$scratch/$shape" >/dev/null
  echo "== $shape: $(find "$scratch/$shape/environments" -name '*.yaml' ! -name app.yaml | wc -l) environments"
  "$bin" check --workspace "$scratch/$shape" | tail -3
done
hyperfine --warmup 1 --runs 10 -N \
  "$bin check --workspace $scratch/one" \
  "$bin check --workspace $scratch/five" \
  "$bin check --workspace $scratch/graph"
