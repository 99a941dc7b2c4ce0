#!/usr/bin/env bash
# Prepares every GPU check and benchmark of issue 6 in one folder, so that a
# lent GPU machine (little device time, no LLVM) runs them all in one call.
#
#   scripts/gpu_session.sh [sm_90a|sm_90|sm_80|...]     # here, after building
#   # then on the GPU machine, from the repository root (carry: gpurun):
#   bash gpurun/run.sh                                   # logs under $OUT
#
# gpurun/ holds one gpu_check.py folder per run (scripts/gpu_check.py
# prepare; each with the runtime library and its bindings), and run.sh,
# which checks them in order of value, each under a time limit, and prints
# a summary. Timing-only models make their inputs on the GPU host, so the
# whole folder stays well under the 64 MiB a device call carries:
#   tiles    the 128 x 128 matmul tiles (sm_90a: the wgmma kernel) on
#            small fp16 products vs ONNX Runtime (as in wgmma.test and
#            large-matmul.test: rtol 2e-3, atol 1e-3)
#   tiles_tf32
#            (sm_90a) --precision=tf32's f32 products on the warpgroup
#            kernel (wgmma .tf32, the weight stored [n][k]) and on
#            mma.sync, as in wgmma-tf32.test, vs ONNX Runtime (rtol 1e-2,
#            atol 5e-3)
#   tiles_tma
#            (sm_90a) the warpgroup kernel with --gpu-tma (slices copied
#            by TMA: tensor maps, mbarriers) on wgmma-tma.test's and
#            wgmma.test's products vs ONNX Runtime (rtol 2e-3, atol 1e-3)
#   attn_edges
#            the fused attention kernels on the shapes their host
#            emulation is tested with (wgmma-attention.test,
#            half-io.test: partial blocks, causal, masks, GQA, Dv 48,
#            fewer keys than a block, a KV-cache offset, D 128) in fp16 vs ONNX Runtime (rtol 1e-2, atol 2e-3); on
#            sm_90a the warpgroup kernel with one and two warpgroups
#            (attn_edges2: --gpu-sms=1)
#   check    the zoo and the matmul cases, fp32, vs ONNX Runtime (1e-3)
#   conformance
#            one ONNX node test per operator (gpu_check.py --conformance),
#            fp32, vs the tests' expected outputs and tolerances
#   fp16     matmul cases with fp16 weights and the 4096^3 GEMM (f16 in and
#            out) vs torch.matmul; on sm_90a the warpgroup (wgmma) kernel's
#            128 x 256 tiles, fp16_wg128 the same GEMM on its 128 x 128
#            tiles, fp16_mma on the mma.sync kernel and fp16_tma on the
#            warpgroup kernel fed by TMA (--gpu-tma)
#   attn16   the attention benchmark (B 4, H 16, D 64/128, S 512..8192,
#            causal and not) in f16 vs PyTorch SDPA, and two attentions
#            (f32 and f16 in and out) checked against ONNX Runtime; on
#            sm_90a the warpgroup (wgmma) kernel, attn16_mma the same at
#            S = 4096 on the mma.sync kernel
#   bf16     the zoo with bf16 weights
#   decode   the examples' GPT-2 and LLaMA decode steps (one token, 8
#            cached) in fp16, launched one by one and from a CUDA graph
#   attn_decode
#            one decode step's grouped-query attention (32 heads over 8,
#            D = 128, 1K-16K cached keys) in f16: the bandwidth at which
#            the decoding kernel reads K and V, vs SDPA
#
# run.sh runs them in that order within a budget of device seconds
# (FMC_GPU_BUDGET, default 540: a device call may run 600), skipping a
# check whose time limit would pass it; `bash gpurun/run.sh NAME...` runs
# only the named checks (e.g. the ones a first call skipped).
set -euo pipefail

target=${1:-sm_90a}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/gpurun"
python="$root/.venv/bin/python"
prepare() {
  local name=$1
  shift
  echo "gpu_session: preparing $name"
  "$python" "$root/scripts/gpu_check.py" prepare --target "$target" \
    --out "$out/$name" "$@" >"$out/$name.prepare.log"
}

rm -rf "$out"
mkdir -p "$out"
prepare check --matmul-cases
prepare conformance --models --conformance
# The large matmul kernels on small products (--gpu-sms=1: the 128 x 128
# tiles; on sm_90a the warpgroup kernel), checked against ONNX Runtime.
prepare tiles --models \
  wgmma=test/Targets/CUDA/Inputs/wgmma.onnxtxt \
  large=test/Targets/CUDA/Inputs/large-matmul.onnxtxt \
  --compile-flag=--precision=fp16 --compile-flag=--gpu-sms=1
if [[ $target == sm_90a ]]; then
  "$python" "$root/test/Targets/CUDA/Inputs/tf32_products.py" \
    "$out/tf32_products.onnx"
  prepare tiles_tf32 --models "tf32=$out/tf32_products.onnx" \
    --compile-flag=--precision=tf32 --compile-flag=--gpu-sms=1
  rm "$out/tf32_products.onnx"
  prepare tiles_tma --models \
    tma=test/Targets/CUDA/Inputs/wgmma-tma.onnxtxt \
    wgmma=test/Targets/CUDA/Inputs/wgmma.onnxtxt \
    --compile-flag=--precision=fp16 --compile-flag=--gpu-sms=1 \
    --compile-flag=--gpu-tma
fi
edges=(wgmma_attention=test/Targets/CUDA/Inputs/wgmma-attention.onnxtxt
  wgmma_edges=test/Targets/CUDA/Inputs/wgmma-attention-edges.onnxtxt
  half_io_d128=test/Targets/CUDA/Inputs/half-io-d128.onnxtxt)
prepare attn_edges --models "${edges[@]}" --compile-flag=--precision=fp16
prepare attn_edges2 --models "${edges[@]}" --compile-flag=--precision=fp16 \
  --compile-flag=--gpu-sms=1
prepare fp16 --models --matmul-cases --compile-flag=--precision=fp16 \
  --gemm 4096 --half-io
if [[ $target == sm_90a ]]; then
  prepare fp16_mma --models --compile-flag=--precision=fp16 \
    --compile-flag=--gpu-wgmma=false --gemm 4096 --half-io
  # The same GEMM on the 128 x 128 warpgroup tiles (1024 blocks; 512 of
  # 128 x 256 are too few for 600 SMs).
  prepare fp16_wg128 --models --compile-flag=--precision=fp16 \
    --compile-flag=--gpu-sms=600 --gemm 4096 --half-io
  prepare fp16_tma --models --compile-flag=--precision=fp16 \
    --compile-flag=--gpu-tma --gemm 4096 --half-io
fi
prepare attn16 --models --attention --compile-flag=--precision=fp16 --half-io
if [[ $target == sm_90a ]]; then
  prepare attn16_mma --models --attention --attention-seqs 4096 \
    --compile-flag=--precision=fp16 --compile-flag=--gpu-wgmma=false --half-io
fi
prepare bf16 --compile-flag=--precision=bf16
# Decode steps (one token, 8 cached) of the examples' GPT-2 and LLaMA, fp16:
# their symbolic dims pinned in copies of the models (gpu_check makes inputs
# of the model's own shapes).
for name in gpt2_kv llama_kv; do
  "$python" "$root/test/E2E/pin_dims.py" "$root/examples/models/$name.onnx" \
    "$out/${name}_step.onnx" seq=1 past=8 total=9
done
prepare decode --models "gpt2_kv=$out/gpt2_kv_step.onnx@0:256" \
  "llama_kv=$out/llama_kv_step.onnx@0:256" --compile-flag=--precision=fp16
rm "$out"/*_step.onnx
prepare attn_decode --models --decode-attention \
  --compile-flag=--precision=fp16 --half-io

cat >"$out/run.sh" <<'EOF'
#!/usr/bin/env bash
# Runs the checks prepared by scripts/gpu_session.sh (on the GPU machine).
here=$(cd "$(dirname "$0")" && pwd)
logs=${OUT:-$here}
: >"$logs/summary.txt"
nvidia-smi --query-gpu=name,compute_cap,clocks.max.sm --format=csv \
  | tee "$logs/gpu.txt"
budget=${FMC_GPU_BUDGET:-540}
wanted=" $* "
# run [LABEL=]NAME LIMIT ARGS...: checks folder NAME, logs as LABEL; skipped
# where it was not asked for, or where LIMIT would pass the budget.
run() {
  local name=${1#*=} label=${1%%=*} limit=$2
  shift 2
  [[ -d $here/$name ]] || return 0
  if [[ $wanted != "  " && $wanted != *" $label "* ]]; then
    return 0
  fi
  if ((SECONDS + limit > budget)); then
    echo "$label: skipped (${SECONDS} s used of ${budget})" |
      tee -a "$logs/summary.txt"
    return 0
  fi
  echo "== $label"
  timeout "$limit" python3 "$here/$name/gpu_check.py" check "$here/$name" \
    "$@" 2>&1 | tee "$logs/$label.log"
  echo "$label: exit ${PIPESTATUS[0]}" | tee -a "$logs/summary.txt"
}
# Tolerances: fp32 1e-3 (issue 6); fp16 and bf16 as in docs/BENCHMARKS.md.
run tiles 45 --rtol 2e-3 --atol 1e-3
run tiles_tf32 30 --rtol 1e-2 --atol 5e-3
run tiles_tma 30 --rtol 2e-3 --atol 1e-3
run attn_edges 30 --rtol 1e-2 --atol 2e-3
run attn_edges2 30 --rtol 1e-2 --atol 2e-3
run check 120
run conformance 60 --runs 1
run fp16 75 --rtol 1e-2 --atol 5e-3
run fp16_mma 45 --rtol 1e-2 --atol 5e-3
run fp16_wg128 45 --rtol 1e-2 --atol 5e-3
run fp16_tma 45 --rtol 1e-2 --atol 5e-3
run attn16 120 --rtol 1e-2 --atol 2e-3
run attn16_mma 40 --rtol 1e-2 --atol 2e-3
# Decode latency: launches one by one, then replayed from a CUDA graph.
run decode 40 --rtol 1e-2 --atol 5e-3
run decode_graph=decode 40 --rtol 1e-2 --atol 5e-3 --cuda-graph
run attn_decode 45
run bf16 75 --rtol 5e-2 --atol 2e-2
cat "$logs/summary.txt"
EOF
chmod +x "$out/run.sh"
du -sh "$out"
echo "gpu_session: on the GPU machine, carry gpurun and run: bash gpurun/run.sh"
