#!/usr/bin/env bash
# Builds fmc (installing what it needs) and runs the whole test suite: lit
# FileCheck tests, end-to-end tests against ONNX Runtime, and the GoogleTest
# unit tests. Ends with the line 'N passed, N failed, N skipped'.
#
#   scripts/test.sh [lit options]      e.g. scripts/test.sh --filter E2E
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/bootstrap.sh || { echo "0 passed, 1 failed (the build failed)"; exit 1; }

log=$(mktemp)
/usr/lib/llvm-22/bin/lit -sv --time-tests "$@" build/test build/test/Unit 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count() { sed -nE "s/^ *$1 *: *([0-9]+).*/\1/p" "$log" | tail -n 1; }
passed=$(( $(count Passed || true) + 0 ))
xfail=$(( $(count 'Expectedly Failed' || true) + 0 ))
failed=$(( $(count Failed || true) + $(count 'Unexpectedly Passed' || true) + $(count Unresolved || true) + $(count 'Timed Out' || true) + 0 ))
skipped=$(( $(count Unsupported || true) + $(count Excluded || true) + 0 ))
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # lit itself failed (no tests found, bad config)
fi
echo "$((passed + xfail)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
