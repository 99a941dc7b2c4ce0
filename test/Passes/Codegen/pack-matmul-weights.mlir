// RUN: fmc-opt %s --fmc-pack-matmul-weights="width=4 min-elements=1" | FileCheck %s

// W is [K=3, N=5] = 1..15 row-major; WT is the same matrix stored [N, K] and
// read through linalg.transpose (Gemm transB). Both become two panels of
// 3 x 4 floats, the second holding column 4 and three zero columns, so their
// packed blobs are identical. TIED is also used elsewhere and keeps its
// argument; X is an input and is not packed.

#lhs = affine_map<(m, k, n) -> (m, k)>
#rhs = affine_map<(m, k, n) -> (k, n)>
#out = affine_map<(m, k, n) -> (m, n)>

// CHECK-DAG: #[[PACKED:.+]] = affine_map<(d0, d1, d2) -> (d2 floordiv 4, d1, d2 mod 4)>
// CHECK-DAG: #[[RHS:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x3xf32> {fmc.input = "a"},
// CHECK-SAME: %[[X:[^:]+]]: tensor<3x5xf32> {fmc.input = "x"},
// CHECK-SAME: %[[TIED:[^:]+]]: tensor<3x5xf32> {bufferization.writable = false, fmc.weight = dense_resource<TIED> : tensor<3x5xf32>},
// CHECK-SAME: %[[WP:[^:]+]]: tensor<2x3x4xf32> {bufferization.writable = false, fmc.weight = dense_resource<W.packed> : tensor<2x3x4xf32>},
// CHECK-SAME: %[[WTP:[^:]+]]: tensor<2x3x4xf32> {bufferization.writable = false, fmc.weight = dense_resource<WT.packed> : tensor<2x3x4xf32>},
// CHECK-SAME: %[[TIEDP:[^:]+]]: tensor<2x3x4xf32> {bufferization.writable = false, fmc.weight = dense_resource<TIED.packed> : tensor<2x3x4xf32>})
func.func @main(%a: tensor<2x3xf32> {fmc.input = "a"},
                %x: tensor<3x5xf32> {fmc.input = "x"},
                %w: tensor<3x5xf32> {bufferization.writable = false, fmc.weight = dense_resource<W> : tensor<3x5xf32>},
                %wt: tensor<5x3xf32> {bufferization.writable = false, fmc.weight = dense_resource<WT> : tensor<5x3xf32>},
                %tied: tensor<3x5xf32> {bufferization.writable = false, fmc.weight = dense_resource<TIED> : tensor<3x5xf32>})
    -> (tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x5xf32>, tensor<3x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<2x5xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<2x5xf32>) -> tensor<2x5xf32>
  // CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[PACKED]], #{{.+}}]
  // CHECK-SAME: ins(%[[A]], %[[WP]] : tensor<2x3xf32>, tensor<2x3x4xf32>)
  %0 = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %w : tensor<2x3xf32>, tensor<3x5xf32>) outs(%init : tensor<2x5xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x5xf32>
  %tempty = tensor.empty() : tensor<3x5xf32>
  %transposed = linalg.transpose ins(%wt : tensor<5x3xf32>) outs(%tempty : tensor<3x5xf32>) permutation = [1, 0]
  // CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[PACKED]], #{{.+}}]
  // CHECK-SAME: ins(%[[A]], %[[WTP]] : tensor<2x3xf32>, tensor<2x3x4xf32>)
  %1 = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %transposed : tensor<2x3xf32>, tensor<3x5xf32>) outs(%init : tensor<2x5xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %r, %l : f32
    %s = arith.addf %p, %o : f32
    linalg.yield %s : f32
  } -> tensor<2x5xf32>
  // CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[RHS]], #{{.+}}]
  // CHECK-SAME: ins(%[[A]], %[[X]] : tensor<2x3xf32>, tensor<3x5xf32>)
  %2 = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %x : tensor<2x3xf32>, tensor<3x5xf32>) outs(%init : tensor<2x5xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x5xf32>
  // CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[PACKED]], #{{.+}}]
  // CHECK-SAME: ins(%[[A]], %[[TIEDP]] : tensor<2x3xf32>, tensor<2x3x4xf32>)
  %3 = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %tied : tensor<2x3xf32>, tensor<3x5xf32>) outs(%init : tensor<2x5xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x5xf32>
  // CHECK: return %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[TIED]]
  return %0, %1, %2, %3, %tied : tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x5xf32>, tensor<3x5xf32>
}

// CHECK-DAG: W.packed: "0x400000000000803F0000004000004040000080400000C0400000E0400000004100001041000030410000404100005041000060410000A0400000000000000000000000000000204100000000000000000000000000007041000000000000000000000000"
// CHECK-DAG: WT.packed: "0x400000000000803F0000004000004040000080400000C0400000E0400000004100001041000030410000404100005041000060410000A0400000000000000000000000000000204100000000000000000000000000007041000000000000000000000000"

{-#
  dialect_resources: {
    builtin: {
      W: "0x040000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041",
      WT: "0x040000000000803F0000C04000003041000000400000E040000040410000404000000041000050410000804000001041000060410000A0400000204100007041",
      TIED: "0x040000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041"
    }
  }
#-}
