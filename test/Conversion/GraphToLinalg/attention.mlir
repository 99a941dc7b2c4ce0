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

// A KV cache: the cache and the new keys (values) are written into one
// [.., P + T, ..] tensor, which the loop reads and which is the present.
// CHECK-LABEL: func.func @kv_cache
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2x8x8xf32>
// CHECK: %[[K1:.*]] = tensor.insert_slice %arg3 into %[[E]][0, 0, 0, 0] [1, 2, 7, 8] [1, 1, 1, 1]
// CHECK: %[[KEYS:.*]] = tensor.insert_slice %arg1 into %[[K1]][0, 0, 7, 0] [1, 2, 1, 8] [1, 1, 1, 1]
// CHECK: %[[VALS:.*]] = tensor.insert_slice %arg2 into %{{.*}}[0, 0, 7, 0] [1, 2, 1, 8] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %[[KEYS]]
// CHECK: return %{{.*}}, %[[KEYS]], %[[VALS]]
func.func @kv_cache(%q: tensor<1x4x1x8xf32>, %k: tensor<1x2x1x8xf32>, %v: tensor<1x2x1x8xf32>, %pk: tensor<1x2x7x8xf32>, %pv: tensor<1x2x7x8xf32>) -> (tensor<1x4x1x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) {
  %0:3 = fmc.attention %q, %k, %v past %pk, %pv {causal = true, scale = 0.125 : f64} : (tensor<1x4x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x7x8xf32>, tensor<1x2x7x8xf32>) -> (tensor<1x4x1x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>)
  return %0#0, %0#1, %0#2 : tensor<1x4x1x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>
}
