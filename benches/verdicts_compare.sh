#!/usr/bin/env bash
# Compares the verdicts of two shipshape builds: `validate` and `lint` over the Kubernetes
# output in golden/ and over every folder under tests/fixtures/, and prints every finding or
# resource status that one build reports and the other does not.
#
#   benches/verdicts_compare.sh OLD_BINARY NEW_BINARY
#
# Run from the repository root. Build the old binary from an earlier commit first (e.g. with
# `git worktree add`), copy it aside, then build the new one.
set -euo pipefail
old=$1
new=$2

targets=()
while IFS= read -r f; do targets+=("$f"); done < <(find golden -name kubernetes.yaml | sort)
for d in tests/fixtures/*/; do targets+=("${d%/}"); done

# One line per verdict: command, location, code or status, object, message.
verdicts() {
  local bin=$1 cmd=$2 target=$3
  local args=(-o json)
  [ "$cmd" = lint ] && args=(--format json)
  "$bin" "$cmd" "${args[@]}" "$target" 2>/dev/null | python3 -c '
import json, sys
cmd = sys.argv[1]
try:
    report = json.load(sys.stdin)
except ValueError:
    print(cmd, "<no JSON report>")
    sys.exit()
for f in report.get("findings", []):
    print(cmd, "%s:%s:%s" % (f.get("file"), f.get("line"), f.get("column")), f.get("code"), f.get("object"), f.get("message"))
for r in report.get("resources", []):
    if r.get("status") != "valid":
        print(cmd, "%s:%s:%s" % (r.get("file"), r.get("line"), r.get("column")), "status=" + str(r.get("status")), r.get("object"), r.get("reason") or "")
s = report.get("summary", {}).get("resources")
if s:
    print(cmd, "summary", json.dumps(s, sort_keys=True))
' "$cmd" | sort || true
  echo "$cmd exit=${PIPESTATUS[0]} $target"
}

for target in "${targets[@]}"; do
  for cmd in validate lint; do
    diff <(verdicts "$old" "$cmd" "$target") <(verdicts "$new" "$cmd" "$target") \
      | grep '^[<>]' | sed 's/^</before:/; s/^>/after: /' || true
  done
done
