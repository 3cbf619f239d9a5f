#!/usr/bin/env bash
# Instruction and cache-miss counts of the validate benchmark, from a simulated processor
# (valgrind's cachegrind), for the parse-only reference and `shipshape validate --strict` on
# the same corpus. Unlike times, the counts do not depend on the machine's load: they tell
# whether a change does less work, where wall times on a shared machine cannot.
#
#   benches/validate_counts.sh                       (after benches/validate.sh has built)
#   BASELINE=path/to/shipshape benches/validate_counts.sh   (also count another build)
#
# One worker thread (RAYON_NUM_THREADS=1): cachegrind runs threads one at a time on one
# simulated cache, so with more threads the counts would mix them. Simulated caches: the
# host's first-level sizes (I1, D1) as cachegrind reads them. Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null; then
  echo "valgrind is needed (apt-get install valgrind)" >&2
  exit 2
fi
corpus="${CORPUS:-target/bench-corpus-2000}"
if [ ! -d "$corpus" ]; then
  python3 benches/validate_corpus.py "$corpus" 2000
fi
parse_bin=$(ls -t target/release/deps/validate_parse-* | grep -v '\.d$' | head -1)
commands=(
  "parse=$parse_bin $corpus"
  "validate=target/release/shipshape validate --strict $corpus"
)
if [ -n "${BASELINE:-}" ]; then
  commands+=("baseline=$BASELINE validate --strict $corpus")
fi

export RAYON_NUM_THREADS=1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# One figure of cachegrind's summary ("I refs:", "I1 misses:", ...), without separators.
count() { grep -E "== $1" "$out" | head -1 | sed -E 's/.*: +([0-9,]+).*/\1/' | tr -d ,; }
printf '%10s %16s %12s %12s %8s\n' "" instructions "I1 misses" "D1 misses" ratio
reference=""
for entry in "${commands[@]}"; do
  name=${entry%%=*}
  # shellcheck disable=SC2086 # the command is split into words on purpose
  valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null \
    ${entry#*=} 2>"$out" >/dev/null || true
  ir=$(count "I +refs:")
  i1=$(count "I1 +misses:")
  d1=$(count "D1 +misses:")
  reference=${reference:-$ir}
  ratio=$(python3 -c "print(f'{$ir / $reference:.3f}x')")
  printf '%10s %16s %12s %12s %8s\n' "$name" "$ir" "$i1" "$d1" "$ratio"
done
