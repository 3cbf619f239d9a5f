#!/usr/bin/env bash
# The validate benchmark: generates the corpus (2,000 files, 10,000 resources, ~5% invalid),
# then runs, alternately and RUNS times each, the parse-only baseline (same YAML reader, same
# thread pool) and `shipshape validate --strict`, both on THREADS threads. Prints the median
# wall time of each, their ratio, and the peak memory of validate.
#
#   benches/validate.sh [RUNS]          (default 7; THREADS=2, CORPUS=target/bench-corpus)
#   FILES=4000 benches/validate.sh      (a corpus twice as large: memory must stay flat)
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-7}"
threads="${THREADS:-2}"
files="${FILES:-2000}"
corpus="${CORPUS:-target/bench-corpus-$files}"

cargo build --quiet --release --bin shipshape
cargo bench --quiet --no-run --bench validate_parse 2>/dev/null
parse_bin=$(ls -t target/release/deps/validate_parse-* | grep -v '\.d$' | head -1)

if [ ! -d "$corpus" ]; then
  python3 benches/validate_corpus.py "$corpus" "$files"
fi

export RAYON_NUM_THREADS="$threads"
parse_times=()
validate_times=()
validate_rss=()
for _ in $(seq "$runs"); do
  t=$( { /usr/bin/time -f "%e %M" "$parse_bin" "$corpus" >/dev/null; } 2>&1 | tail -1)
  parse_times+=("${t%% *}")
  t=$( { /usr/bin/time -f "%e %M" target/release/shipshape validate --strict "$corpus" >/dev/null; } 2>&1 | tail -1)
  validate_times+=("${t%% *}")
  validate_rss+=("${t##* }")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
max() { printf '%s\n' "$@" | sort -n | tail -1; }
p=$(median "${parse_times[@]}")
v=$(median "${validate_times[@]}")
rss=$(max "${validate_rss[@]}")
resources=$(target/release/shipshape validate "$corpus" | tail -1)
echo "corpus:   $corpus ($resources)"
echo "threads:  $threads, runs: $runs (median wall time)"
echo "parse:    ${p} s"
echo "validate: ${v} s"
awk -v p="$p" -v v="$v" 'BEGIN { printf "ratio:    %.2fx parse time\n", v / p }'
awk -v v="$v" 'BEGIN { printf "rate:     %.0f resources/s\n", 10000 * v > 0 ? (10000 / v) : 0 }' >/dev/null
echo "peak RSS: $((rss / 1024)) MiB (validate)"
