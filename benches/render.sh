#!/usr/bin/env bash
# Benchmark `shipshape render` (release build, wall time with hyperfine):
#   1. the repository's own workspace (5 apps x 3 environments, 26 files);
#   2. one environment from a cold process (materi-api/production);
#   3. a generated workspace of 1,005 environments (the repository's 15 copied 67 times,
#      1,742 files), all loaded and rendered in parallel in one process.
# Output goes to a temporary folder; nothing in the repository changes.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
bin="$PWD/target/release/shipshape"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/big/environments"
for i in $(seq -w 1 67); do
  for app in environments/*/; do
    cp -r "$app" "$tmp/big/environments/$(basename "$app")-$i"
  done
done
envs=$(find "$tmp/big/environments" -name '*.yaml' ! -name app.yaml | wc -l)
echo "generated workspace: $envs environments"

hyperfine --warmup 2 --runs "${RUNS:-10}" --export-markdown "$tmp/results.md" \
  -n "render repository workspace (15 envs)" "$bin render --workspace . --out $tmp/out1" \
  -n "render materi-api/production (cold process)" "$bin render materi-api/production --workspace . --out $tmp/out2" \
  -n "render generated workspace ($envs envs)" "$bin render --workspace $tmp/big --out $tmp/out3"
cat "$tmp/results.md"
echo "files written for the generated workspace: $(find "$tmp/out3" -type f | wc -l)"
