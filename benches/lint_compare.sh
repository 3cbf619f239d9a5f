#!/usr/bin/env bash
# Compares the reports of two shipshape builds byte for byte: `lint` (text and JSON, with the
# exit code) over every folder and every manifest file under tests/fixtures/ and golden/, over
# golden/ as one set, over each corpus given, and `shipshape check` (text and JSON) of the
# repository's workspace. Prints each input whose output differs (with the first lines of the
# diff) and a summary line; exits 1 when anything differs.
#
#   benches/lint_compare.sh OLD_BINARY NEW_BINARY [CORPUS_DIR...]
#
# Run from the repository root (both builds read its shipshape.yaml). Build the old binary
# from an earlier commit first (e.g. with `git worktree add`) and copy it aside. The corpora
# are those of benches/lint_corpus.py (with and without `--expressions`) and
# benches/validate_corpus.py; their reports are compared as SHA-256 digests, not kept.
set -euo pipefail
old=$1
new=$2
shift 2

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One run: the report on stdout, then the exit code; stderr is left out (progress).
run() {
  local bin=$1
  shift
  local code=0
  "$bin" "$@" 2>/dev/null || code=$?
  echo "exit=$code"
}

compared=0
differ=0
compare() {
  local label=$1
  shift
  compared=$((compared + 1))
  run "$old" "$@" >"$out/old"
  run "$new" "$@" >"$out/new"
  if ! cmp -s "$out/old" "$out/new"; then
    differ=$((differ + 1))
    echo "DIFFERS: $label"
    diff "$out/old" "$out/new" | head -20 || true
  fi
}

targets=()
while IFS= read -r t; do targets+=("$t"); done < <(
  find tests/fixtures golden -type d | sort
  find tests/fixtures golden -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort
)
for t in "${targets[@]}"; do
  compare "lint $t (text)" lint "$t"
  compare "lint $t (json)" lint --format json "$t"
done
compare "check (text)" check
compare "check (json)" check --format json

for corpus in "$@"; do
  for format in text json; do
    compared=$((compared + 1))
    a=$(run "$old" lint --format "$format" "$corpus" | sha256sum)
    b=$(run "$new" lint --format "$format" "$corpus" | sha256sum)
    if [ "$a" != "$b" ]; then
      differ=$((differ + 1))
      echo "DIFFERS: lint $corpus ($format)"
    else
      echo "same: lint $corpus ($format) ${a%% *}"
    fi
  done
done

echo "$compared reports compared, $differ differ"
[ "$differ" -eq 0 ]
