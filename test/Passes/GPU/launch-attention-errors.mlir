// RUN: not fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=f16}))' 2>&1 | FileCheck %s

// The GPU attention kernels read f32, f16 or bf16 (activations stored
// narrow): an f64 attention is rejected at the op, not miscompiled.
// CHECK: launch-attention-errors.mlir:[[@LINE+2]]:3: error: the attention kernel takes f32, f16 or bf16 operands
func.func @f64(%q: memref<1x2x64x32xf64>, %o: memref<1x2x64x32xf64>) {
  fmc.attention_kernel %q, %q, %q into %o {causal = false, scale = 0.125 : f64} : (memref<1x2x64x32xf64>, memref<1x2x64x32xf64>, memref<1x2x64x32xf64>, memref<1x2x64x32xf64>) -> ()
  return
}
