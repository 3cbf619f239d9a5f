#!/usr/bin/env bash
# The lint benchmark: `shipshape lint` on a 10,000-resource corpus (2,000 files), RUNS times on
# THREADS threads; prints the median wall time, the median CPU time (user + sys) and the peak
# memory. Target: under 1 s wall on the 2-core machine.
#
# The corpus is the validate benchmark's (benches/validate_corpus.py: mixed kinds, ~5% schema
# errors, objects that do not reference each other, so the cross-resource rules report many
# findings), or, when that generator is not there or CORPUS_GEN=lint, benches/lint_corpus.py
# (coherent applications whose objects reference each other, ~10% breaking a rule);
# CORPUS_GEN=lint-expressions writes the same with every selector as matchExpressions.
# benches/lint_scale.sh measures 10,000 to 160,000 resources.
#
#   benches/lint.sh [RUNS]              (default 7; THREADS=2, FILES=2000)
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-7}"
threads="${THREADS:-2}"
files="${FILES:-2000}"
generator="benches/validate_corpus.py"
gen_args=()
if [ "${CORPUS_GEN:-}" = "lint" ] || [ "${CORPUS_GEN:-}" = "lint-expressions" ] || [ ! -f "$generator" ]; then
  generator="benches/lint_corpus.py"
fi
suffix=""
if [ "${CORPUS_GEN:-}" = "lint-expressions" ]; then
  gen_args=(--expressions)
  suffix="-expressions"
fi
corpus="${CORPUS:-target/bench-lint-$(basename "$generator" .py)$suffix-$files}"

cargo build --quiet --release --bin shipshape
if [ ! -d "$corpus" ]; then
  python3 "$generator" "$corpus" "$files" "${gen_args[@]}"
fi

export RAYON_NUM_THREADS="$threads"
walls=()
cpus=()
rss=()
for _ in $(seq "$runs"); do
  t=$( { /usr/bin/time -f "%e %U %S %M" target/release/shipshape lint "$corpus" >/dev/null || true; } 2>&1 | tail -1)
  read -r wall user sys mem <<<"$t"
  walls+=("$wall")
  cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')")
  rss+=("$mem")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
max() { printf '%s\n' "$@" | sort -n | tail -1; }
summary=$(target/release/shipshape lint "$corpus" | tail -1 || true)
echo "corpus:   $corpus ($generator, $files files)"
echo "result:   $summary"
echo "threads:  $threads, runs: $runs"
echo "wall:     $(median "${walls[@]}") s (median)"
echo "cpu:      $(median "${cpus[@]}") s user+sys (median)"
echo "peak RSS: $(( $(max "${rss[@]}") / 1024 )) MiB"
