#!/usr/bin/env bash
# Runs every ONNX backend node test of both suites (onnx from PyPI, Debian's
# libonnx-testdata) through fmc for the host and regenerates
# docs/CONFORMANCE.md. Extra options go to the runner, e.g. --jobs 4.
#
#   scripts/conformance.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
exec .venv/bin/python test/Conformance/run_conformance.py \
  --fmc build/bin/fmc --markdown docs/CONFORMANCE.md "$@"
