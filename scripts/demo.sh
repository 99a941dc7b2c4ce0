#!/usr/bin/env bash
# fmc's main job on the bundled example: compile a 2-layer BERT-style encoder
# for this CPU, run it, compare every output with ONNX Runtime, print the
# errors and the time of both.
#
#   scripts/demo.sh [model.onnx]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
model=${1:-examples/bert_tiny/model.onnx}
echo "== fmc compile $model --target=host"
build/bin/fmc compile "$model" --target=host -o build/demo.fmc
build/bin/fmc inspect build/demo.fmc
echo "== fmc run build/demo.fmc vs onnxruntime (same random inputs)"
.venv/bin/python test/E2E/compare_with_ort.py "$model" --fmc build/bin/fmc \
  --int-range input_ids=0:512 --runs 20
