// RUN: fmc-opt %s --fmc-gpu-transpose-weights='width=4' | FileCheck %s
// RUN: fmc-opt %s --fmc-gpu-transpose-weights='width=4 min-rows=1' | FileCheck %s --check-prefix=NONE
// RUN: not fmc-opt %s --fmc-gpu-transpose-weights='width=0' 2>&1 | FileCheck %s --check-prefix=BAD

// A one-row product reads %w [k = 8][n = 3]: rows of 3 f32, not a whole
// 16-byte vector (width 4), while k is. The weight becomes its transpose
// [3][8] (row j holds column j: 0 3 6 ... 21, then 1 4 ... 22, 2 5 ... 23)
// and the product's rhs map reads it as (n, k). %v [8][4] (n a whole
// vector) stays; so does %u [8][3], because an 8-row product also reads it
// (not every reader is a matrix-vector product). With min-rows=1 no
// product is one.
// CHECK-DAG: #[[LHS:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[NK:.+]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[KN:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x8xf32>
// CHECK-SAME: %[[P:[^:]+]]: tensor<8x8xf32>
// CHECK-SAME: %[[V:[^:]+]]: tensor<8x4xf32> {fmc.weight = dense_resource<v>
// CHECK-SAME: %[[U:[^:]+]]: tensor<8x3xf32> {fmc.weight = dense_resource<u>
// CHECK-SAME: %[[T:[^:]+]]: tensor<3x8xf32> {{{.*}}fmc.weight = dense_resource<w.t> : tensor<3x8xf32>}
// CHECK-NOT: dense_resource<w> :
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[NK]], {{.+}}]{{.*}} ins(%[[X]], %[[T]] : tensor<1x8xf32>, tensor<3x8xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[KN]], {{.+}}]{{.*}} ins(%[[X]], %[[V]] : tensor<1x8xf32>, tensor<8x4xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[KN]], {{.+}}]{{.*}} ins(%[[X]], %[[U]] : tensor<1x8xf32>, tensor<8x3xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[KN]], {{.+}}]{{.*}} ins(%[[P]], %[[U]] : tensor<8x8xf32>, tensor<8x3xf32>)
// CHECK: w.t: "0x4000000000000000000040400000C040000010410000404100007041000090410000A8410000803F000080400000E040000020410000504100008041000098410000B041000000400000A040000000410000304100006041000088410000A0410000B841"
// NONE-NOT: w.t
// NONE: dense_resource<w> : tensor<8x3xf32>
// NONE-NOT: w.t
// BAD: error: fmc-gpu-transpose-weights: width must be > 0
#lhs = affine_map<(m, k, n) -> (m, k)>
#rhs = affine_map<(m, k, n) -> (k, n)>
#out = affine_map<(m, k, n) -> (m, n)>
func.func @main(%x: tensor<1x8xf32>, %p: tensor<8x8xf32>, %w: tensor<8x3xf32> {fmc.weight = dense_resource<w> : tensor<8x3xf32>}, %v: tensor<8x4xf32> {fmc.weight = dense_resource<v> : tensor<8x4xf32>}, %u: tensor<8x3xf32> {fmc.weight = dense_resource<u> : tensor<8x3xf32>}) -> (tensor<1x3xf32>, tensor<1x4xf32>, tensor<1x3xf32>, tensor<8x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %e3 = tensor.empty() : tensor<1x3xf32>
  %a3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %e4 = tensor.empty() : tensor<1x4xf32>
  %a4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %e8 = tensor.empty() : tensor<8x3xf32>
  %a8 = linalg.fill ins(%zero : f32) outs(%e8 : tensor<8x3xf32>) -> tensor<8x3xf32>
  %y = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<1x8xf32>, tensor<8x3xf32>) outs(%a3 : tensor<1x3xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %m = arith.mulf %l, %r : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x3xf32>
  %z = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %v : tensor<1x8xf32>, tensor<8x4xf32>) outs(%a4 : tensor<1x4xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %m = arith.mulf %l, %r : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x4xf32>
  %q = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %u : tensor<1x8xf32>, tensor<8x3xf32>) outs(%a3 : tensor<1x3xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %m = arith.mulf %l, %r : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x3xf32>
  %t = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%p, %u : tensor<8x8xf32>, tensor<8x3xf32>) outs(%a8 : tensor<8x3xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %m = arith.mulf %l, %r : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<8x3xf32>
  return %y, %z, %q, %t : tensor<1x3xf32>, tensor<1x4xf32>, tensor<1x3xf32>, tensor<8x3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041000080410000884100009041000098410000A0410000A8410000B0410000B841",
      v: "0x04000000000000000000803F0000004000004040000080400000A0400000C040000000000000803F0000004000004040000080400000A0400000C040000000000000803F0000004000004040000080400000A0400000C040000000000000803F0000004000004040000080400000A0400000C040000000000000803F0000004000004040",
      u: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041000080410000884100009041000098410000A0410000A8410000B0410000B841"
    }
  }
#-}
