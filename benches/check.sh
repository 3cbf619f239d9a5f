#!/usr/bin/env bash
# Benchmarks `shipshape check`:
#   1. on this repository's workspace (every app and environment), warm;
#   2. one environment from a cold process;
#   3. on a generated workspace of N copies of every app (default 200 apps x 3 environments),
#      with a parse-only reference measured in the same run (`render` to a scratch folder).
# Needs hyperfine (apt-get install hyperfine). Usage: benches/check.sh [COPIES]
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-67}
cargo build --release --quiet
bin=$PWD/target/release/shipshape
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "== check on the repository workspace"
hyperfine --warmup 3 --runs 20 -N "$bin check"
echo "== check of one environment (cold process)"
hyperfine --warmup 3 --runs 50 -N "$bin check materi-api/production"

echo "== generated workspace: $copies copies of every app"
mkdir -p "$scratch/ws/environments"
[ -d templates ] && cp -r templates "$scratch/ws/"
cp shipshape.yaml "$scratch/ws/"
for app in environments/*/; do
  app=$(basename "$app")
  for i in $(seq 1 "$copies"); do
    cp -r "environments/$app" "$scratch/ws/environments/$app-$i"
    # Exemptions name objects, whose names carry the app's: follow the rename.
    sed -i "/^allow:/,\$ s/name: $app-/name: $app-$i-/" "$scratch/ws/environments/$app-$i"/*.yaml
  done
done
envs=$(find "$scratch/ws/environments" -name '*.yaml' ! -name app.yaml | wc -l)
"$bin" golden accept --workspace "$scratch/ws" >/dev/null
"$bin" check --workspace "$scratch/ws" | tail -3  # must pass: the benchmark times a clean check
files=$(find "$scratch/ws/golden" -type f | wc -l)
echo "$envs environments, $files golden files"
hyperfine --warmup 1 --runs 10 -N \
  "$bin check --workspace $scratch/ws" \
  "$bin render --workspace $scratch/ws --out $scratch/out"
