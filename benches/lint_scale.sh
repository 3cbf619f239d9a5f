#!/usr/bin/env bash
# How `lint` scales: CPU time (user + sys), wall time and peak memory (max RSS) of `lint` and
# `validate` on corpora of 10,000, 40,000 and 160,000 resources, for one or more builds in the
# same run (each command RUNS times, alternating builds; medians of time, maximum of memory).
#
#   benches/lint_scale.sh [RUNS] BINARY...        (default RUNS 3; THREADS=2)
#
# CORPUS_GEN picks the corpus: `validate` (benches/validate_corpus.py, the default of
# benches/lint.sh), `lint` (benches/lint_corpus.py, connected apps) or `lint-expressions` (the
# same with every selector written as matchExpressions). SIZES lists file counts (five
# resources a file; default "2000 8000 32000"). Corpora are generated under target/ once.
# COMMANDS (default "lint validate") picks what is timed; validate runs without --strict, as
# lint reads the files. Output: one line per build, command and size.
set -euo pipefail
[ -n "${TRACE:-}" ] && set -x
cd "$(dirname "$0")/.."

runs=3
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  runs=$1
  shift
fi
[ $# -gt 0 ] || { echo "usage: benches/lint_scale.sh [RUNS] BINARY..." >&2; exit 2; }
export RAYON_NUM_THREADS="${THREADS:-2}"
gen="${CORPUS_GEN:-validate}"
sizes="${SIZES:-2000 8000 32000}"
commands="${COMMANDS:-lint validate}"

corpus_for() {
  local files=$1 dir="target/bench-scale-$gen-$1"
  if [ ! -d "$dir" ]; then
    case "$gen" in
      validate) python3 benches/validate_corpus.py "$dir" "$files" >&2 ;;
      lint) python3 benches/lint_corpus.py "$dir" "$files" >&2 ;;
      lint-expressions) python3 benches/lint_corpus.py "$dir" "$files" --expressions >&2 ;;
      *) echo "unknown CORPUS_GEN $gen" >&2; exit 2 ;;
    esac
  fi
  echo "$dir"
}

timing=$(mktemp)
trap 'rm -f "$timing"' EXIT
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
max() { printf '%s\n' "$@" | sort -n | tail -1; }

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); threads $RAYON_NUM_THREADS; runs $runs; corpus $gen"
printf '%-28s %-9s %8s %9s %9s %9s\n' build command resources "cpu s" "wall s" "RSS MiB"
for files in $sizes; do
  corpus=$(corpus_for "$files")
  for cmd in $commands; do
    declare -A cpus=() walls=() rss=()
    for _ in $(seq "$runs"); do
      for bin in "$@"; do
        /usr/bin/time -o "$timing" -f "%e %U %S %M" "$bin" "$cmd" "$corpus" >/dev/null 2>&1 || true
        t=$(tail -1 "$timing")
        read -r wall user sys mem <<<"$t"
        cpus[$bin]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') "
        walls[$bin]+="$wall "
        rss[$bin]+="$mem "
      done
    done
    for bin in "$@"; do
      # shellcheck disable=SC2086
      printf '%-28s %-9s %8d %9s %9s %9d\n' "$bin" "$cmd" $((files * 5)) \
        "$(median ${cpus[$bin]})" "$(median ${walls[$bin]})" $(( $(max ${rss[$bin]}) / 1024 ))
    done
    unset cpus walls rss
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
