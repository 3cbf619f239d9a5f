#!/usr/bin/env bash
# The validate benchmark: generates the corpus (2,000 files, 10,000 resources, ~5% invalid),
# then runs, alternately and RUNS times each, the parse-only baseline (same YAML reader, same
# thread pool; also with the full reader alone, without the fast path for plain manifests) and
# `shipshape validate --strict`, all on THREADS threads. Prints the median
# wall time of each, their ratio, and the peak memory of validate.
#
#   benches/validate.sh [RUNS]          (default 7; THREADS=2, CORPUS=target/bench-corpus)
#   FILES=4000 benches/validate.sh      (a corpus twice as large: memory must stay flat)
#   SKIP_BUILD=1 benches/validate.sh    (reuse the last release builds)
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-7}"
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

export RAYON_NUM_THREADS="$threads"
# One measurement: "wall cpu rss_kib" (cpu = user + sys).
measure() {
  { /usr/bin/time -f "%e %U %S %M" "$@" >/dev/null; } 2>&1 | tail -1 |
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}
parse_wall=(); parse_cpu=(); full_wall=(); full_cpu=(); validate_wall=(); validate_cpu=(); validate_rss=()
for _ in $(seq "$runs"); do
  read -r w c _ < <(measure "$parse_bin" "$corpus")
  parse_wall+=("$w"); parse_cpu+=("$c")
  read -r w c _ < <(measure "$parse_bin" "$corpus" --full-reader)
  full_wall+=("$w"); full_cpu+=("$c")
  read -r w c r < <(measure target/release/shipshape validate --strict "$corpus")
  validate_wall+=("$w"); validate_cpu+=("$c"); validate_rss+=("$r")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
max() { printf '%s\n' "$@" | sort -n | tail -1; }
pw=$(median "${parse_wall[@]}"); pc=$(median "${parse_cpu[@]}")
fw=$(median "${full_wall[@]}"); fc=$(median "${full_cpu[@]}")
vw=$(median "${validate_wall[@]}"); vc=$(median "${validate_cpu[@]}")
rss=$(max "${validate_rss[@]}")
summary=$(target/release/shipshape validate --strict "$corpus" | tail -2 | head -1 || true)
echo "corpus:    $corpus ($summary)"
echo "threads:   $threads; medians of $runs alternating runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "parse:     ${pw} s wall, ${pc} s cpu (the reader validate uses)"
echo "full:      ${fw} s wall, ${fc} s cpu (parse with the full YAML reader only)"
echo "validate:  ${vw} s wall, ${vc} s cpu"
awk -v pw="$pw" -v vw="$vw" -v pc="$pc" -v vc="$vc" \
  'BEGIN { printf "ratio:     %.2fx parse (wall), %.2fx parse (cpu)\n", vw / pw, vc / pc }'
echo "peak RSS:  $((rss / 1024)) MiB (validate, largest of the runs)"
