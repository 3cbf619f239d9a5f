#!/usr/bin/env bash
# The validate benchmark: generates the corpus (2,000 files, 10,000 resources, ~5% invalid),
# then runs, alternately and RUNS times each, the parse-only reference (same YAML reader, same
# thread pool; also with the full reader alone, without the fast path for plain manifests) and
# `shipshape validate --strict`, all on THREADS threads (benches/interleave.py). Prints the
# median and minimum wall and CPU time of each, their ratios to the reference, and the peak
# memory of validate.
#
#   benches/validate.sh [RUNS]          (default 30; THREADS=2, CORPUS=target/bench-corpus-2000)
#   FILES=4000 benches/validate.sh      (a corpus twice as large: memory must stay flat)
#   SKIP_BUILD=1 benches/validate.sh    (reuse the last release builds)
#   BASELINE=path/to/shipshape benches/validate.sh   (also run another build, side by side)
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-30}"
threads="${THREADS:-2}"
files="${FILES:-2000}"
corpus="${CORPUS:-target/bench-corpus-$files}"

if [ -z "${SKIP_BUILD:-}" ]; then  # SKIP_BUILD=1 reuses the last release builds
  cargo build --quiet --release --bin shipshape
  cargo bench --quiet --no-run --bench validate_parse
fi
parse_bin=$(ls -t target/release/deps/validate_parse-* | grep -v '\.d$' | head -1)

if [ ! -d "$corpus" ]; then
  python3 benches/validate_corpus.py "$corpus" "$files"
fi

summary=$(target/release/shipshape validate --strict "$corpus" | tail -2 | head -1 || true)
echo "corpus: $corpus ($summary)"
export RAYON_NUM_THREADS="$threads"
commands=(
  "parse=$parse_bin $corpus"
  "full=$parse_bin $corpus --full-reader"
  "validate=target/release/shipshape validate --strict $corpus"
)
if [ -n "${BASELINE:-}" ]; then
  commands+=("baseline=$BASELINE validate --strict $corpus")
fi
python3 benches/interleave.py "$runs" "${commands[@]}"
# Peak memory with /usr/bin/time (the largest of three runs).
rss=0
for _ in 1 2 3; do
  kib=$({ /usr/bin/time -f %M target/release/shipshape validate --strict "$corpus" >/dev/null || true; } 2>&1 | tail -1)
  rss=$((kib > rss ? kib : rss))
done
echo "peak RSS of validate: $((rss / 1024)) MiB"
