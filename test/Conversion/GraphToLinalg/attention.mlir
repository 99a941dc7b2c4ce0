// RUN: fmc-opt %s --fmc-convert-graph-to-linalg -cse | FileCheck %s
// RUN: fmc-opt %s --fmc-convert-graph-to-linalg="attention-query-tile=32 attention-key-tile=128" -cse | FileCheck %s --check-prefix=TILES

// FlashAttention at S = T = 512: loops over batch, heads and 64-query
// blocks, an inner loop over 64-key tiles carrying the running max, sum and
// accumulator; the largest score buffer is 64 x 64, never 512 x 512.
// Causal: the key loop stops at the block's frontier.

// CHECK-LABEL: func.func @causal
// CHECK-NOT:     tensor<512x512xf32>
// CHECK-NOT:     tensor<1x4x512x512xf32>
// CHECK:         scf.for %[[B:.*]] = %c0 to %c1 step %c1
// CHECK:           scf.for %[[H:.*]] = %c0 to %c4 step %c1
// CHECK:             scf.for %[[I0:.*]] = %c0 to %c512 step %c64
// CHECK:               %[[KVH:.*]] = arith.divui %[[H]], %c2
// CHECK:               tensor.extract_slice %{{.*}}[%[[B]], %[[H]], %[[I0]], 0] [1, 1, 64, 64] [1, 1, 1, 1] : tensor<1x4x512x64xf32> to tensor<64x64xf32>
// CHECK:               %[[LAST:.*]] = arith.addi %[[I0]], %c63
// CHECK:               %[[END:.*]] = arith.minui
// CHECK:               %{{.*}}:3 = scf.for %[[J0:.*]] = %c0 to %[[END]] step %c64 iter_args(%[[M:.*]] = %{{.*}}, %[[L:.*]] = %{{.*}}, %[[O:.*]] = %{{.*}}) -> (tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>)
// CHECK:                 tensor.extract_slice %{{.*}}[%[[B]], %[[KVH]], %[[J0]], 0] [1, 1, 64, 64]
// CHECK:                 linalg.generic {{.*}} outs(%{{.*}} : tensor<64x64xf32>)
// CHECK:                   arith.cmpi ugt
// CHECK:                   arith.select
// CHECK:                 linalg.generic {{.*}} ins(%{{.*}} : tensor<64x64xf32>) outs(%{{.*}} : tensor<64xf32>)
// CHECK:                   arith.maximumf
// CHECK:                 linalg.generic {{.*}} ins(%[[M]], %{{.*}} : tensor<64xf32>, tensor<64xf32>)
// CHECK:                   math.exp
// The new state is copied back into the loop-carried tensors.
// CHECK:                 %[[M2:.*]] = linalg.copy ins(%{{.*}} : tensor<64xf32>) outs(%[[M]] : tensor<64xf32>)
// CHECK:                 %[[L2:.*]] = linalg.copy ins(%{{.*}} : tensor<64xf32>) outs(%[[L]] : tensor<64xf32>)
// CHECK:                 %[[O2:.*]] = linalg.copy ins(%{{.*}} : tensor<64x64xf32>) outs(%[[O]] : tensor<64x64xf32>)
// CHECK:                 scf.yield %[[M2]], %[[L2]], %[[O2]]
// CHECK:               arith.divf
// CHECK:               tensor.insert_slice %{{.*}} into %{{.*}}[%[[B]], %[[H]], %[[I0]], 0] [1, 1, 64, 64]
// TILES-LABEL: func.func @causal
// TILES:         scf.for %{{.*}} = %c0 to %c512 step %c32
// TILES:         tensor<32x128xf32>
func.func @causal(%q: tensor<1x4x512x64xf32>, %k: tensor<1x2x512x64xf32>, %v: tensor<1x2x512x64xf32>) -> tensor<1x4x512x64xf32> {
  %0 = fmc.attention %q, %k, %v {causal = true, scale = 0.125 : f64} : (tensor<1x4x512x64xf32>, tensor<1x2x512x64xf32>, tensor<1x2x512x64xf32>) -> tensor<1x4x512x64xf32>
  return %0 : tensor<1x4x512x64xf32>
}

// A 32 KiB budget (an L1) gives 16-wide blocks for D = Dv = 64.
// RUN: fmc-opt %s --fmc-convert-graph-to-linalg="attention-cache-bytes=32768" -cse | FileCheck %s --check-prefix=SMALL
// SMALL-LABEL: func.func @causal
// SMALL:         scf.for %{{.*}} = %c0 to %c512 step %c16
// SMALL:         tensor<16x16xf32>

// A boolean mask selects -inf where it is false, inside the tile's score
// computation (no S x T additive mask is built).
// CHECK-LABEL: func.func @bool_mask
// CHECK: %[[M:.*]] = tensor.extract %arg3[%{{.*}}, %{{.*}}] : tensor<4x6xi1>
// CHECK: arith.select %[[M]], %{{.*}}, %{{.*}} : f32
func.func @bool_mask(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x8xf32>, %v: tensor<1x2x6x8xf32>, %m: tensor<4x6xi1>) -> tensor<1x2x4x8xf32> {
  %0 = fmc.attention %q, %k, %v mask %m {causal = false, scale = 1.0 : f64} : (tensor<1x2x4x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>, tensor<4x6xi1>) -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}
