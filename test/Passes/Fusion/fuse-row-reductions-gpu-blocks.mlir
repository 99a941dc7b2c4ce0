// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-fuse-row-reductions{gpu-blocks=true}),canonicalize,cse)' | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-fuse-row-reductions),canonicalize,cse)' | FileCheck %s --check-prefix=PLAIN

// A norm over one row (a decode step: batch 1, one token), two row dims.
// With gpu-blocks the loop is mapped to blocks, last row dim fastest, and
// canonicalization keeps its single iteration (fmc-gpu-launch-row-loops
// makes it one kernel); without, the loop is inlined and the chain's ops
// are left at the top level.
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @one_row
// CHECK-NOT:     linalg.generic
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) in (1, 1)
// CHECK-COUNT-2:   linalg.generic
// CHECK:         } {mapping = [#gpu.block<linear_dim_1>, #gpu.block<linear_dim_0>]}
// CHECK-NOT:     linalg.generic
// PLAIN-LABEL: func.func @one_row
// PLAIN-NOT:     scf.forall
// PLAIN-COUNT-2: linalg.generic
// PLAIN-NOT:     scf.forall
func.func @one_row(%x: tensor<1x1x64xf32>) -> tensor<1x1x64xf32> {
  %zero = arith.constant 0.0 : f32
  %count = arith.constant 64.0 : f32
  %e = tensor.empty() : tensor<1x1xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1xf32>) -> tensor<1x1xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<1x1x64xf32>) outs(%acc : tensor<1x1xf32>) {
  ^bb0(%a: f32, %s: f32):
    %r = arith.addf %s, %a : f32
    linalg.yield %r : f32
  } -> tensor<1x1xf32>
  %full = tensor.empty() : tensor<1x1x64xf32>
  %c = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %sum : tensor<1x1x64xf32>, tensor<1x1xf32>) outs(%full : tensor<1x1x64xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %m = arith.divf %s, %count : f32
    %r = arith.subf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x64xf32>
  return %c : tensor<1x1x64xf32>
}
