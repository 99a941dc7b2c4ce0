#!/usr/bin/env bash
# Installs what fmc needs on a fresh Debian 12 machine and builds it.
#
#   scripts/bootstrap.sh            # idempotent; later runs only rebuild
#
# - Debian packages: LLVM/MLIR 22, clang/lld 22 (and compiler-rt's builtins,
#   which compiled models link), protobuf, ONNX (libonnx,
#   test data), GoogleTest, ninja, ccache.
# - A Python virtualenv in .venv with scripts/requirements.txt.
# - A Release build in build/ (clang-22 + lld, ccache when present).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

packages=(libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools clang-22 lld-22
          libclang-rt-22-dev
          clang-format-22 libonnx-dev libonnx-testdata libprotobuf-dev
          protobuf-compiler libgtest-dev ninja-build ccache cmake python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ] || ! cmp -s scripts/requirements.txt .venv/requirements.txt; then
  echo "bootstrap: creating the Python virtualenv in .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements.txt
  cp scripts/requirements.txt .venv/requirements.txt
fi

llvm=/usr/lib/llvm-22
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=$llvm/bin/clang -DCMAKE_CXX_COMPILER=$llvm/bin/clang++ \
    -DLLVM_USE_LINKER=lld -DMLIR_DIR=$llvm/lib/cmake/mlir \
    -DFMC_TEST_PYTHON="$root/.venv/bin/python" "${launcher[@]}" >/dev/null
fi
echo "bootstrap: building (ninja -C build)"
if ! ninja -C build -j"$(nproc)" >build/ninja.log 2>&1; then
  grep -vE '^\[[0-9]+/[0-9]+\] ' build/ninja.log | tail -n 60
  echo "bootstrap: the build failed (full log: build/ninja.log)"
  exit 1
fi
