// RUN: fmc-opt %s --fmc-fuse-sibling-matmuls --split-input-file | FileCheck %s

// LLaMA's query, key and value projections: three products of %x with
// weights of two rows. One product over the weights side by side ([2][5]:
// row r of q, then of k, then of v), a new weight that replaces the three;
// the former values are its columns 0-1, 2 and 3-4.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x2xf32>, %[[W:[^:]+]]: tensor<2x5xf32> {{{.*}}fmc.weight = dense_resource<"q+k+v"> : tensor<2x5xf32>})
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x5xf32>)
// CHECK: %[[P:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[W]] : tensor<4x2xf32>, tensor<2x5xf32>) outs(%[[INIT]] : tensor<4x5xf32>)
// CHECK-NOT: linalg.generic
// CHECK: %[[Q:.+]] = tensor.extract_slice %[[P]][0, 0] [4, 2] [1, 1]
// CHECK: %[[K:.+]] = tensor.extract_slice %[[P]][0, 2] [4, 1] [1, 1]
// CHECK: %[[V:.+]] = tensor.extract_slice %[[P]][0, 3] [4, 2] [1, 1]
// CHECK: return %[[Q]], %[[K]], %[[V]]
// CHECK: "q+k+v": "0x400000000000803F000000400000A0400000E0400000004100004040000080400000C0400000104100002041"
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @main(%x: tensor<4x2xf32>, %q: tensor<2x2xf32> {fmc.weight = dense_resource<q> : tensor<2x2xf32>}, %k: tensor<2x1xf32> {fmc.weight = dense_resource<k> : tensor<2x1xf32>}, %v: tensor<2x2xf32> {fmc.weight = dense_resource<v> : tensor<2x2xf32>}) -> (tensor<4x2xf32>, tensor<4x1xf32>, tensor<4x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<4x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e1 = tensor.empty() : tensor<4x1xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %a = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %q : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f2 : tensor<4x2xf32>) {
  ^bb0(%i: f32, %w: f32, %o: f32):
    %p = arith.mulf %i, %w : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %b = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %k : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f1 : tensor<4x1xf32>) {
  ^bb0(%i: f32, %w: f32, %o: f32):
    %p = arith.mulf %i, %w : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x1xf32>
  %c = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %v : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f2 : tensor<4x2xf32>) {
  ^bb0(%i: f32, %w: f32, %o: f32):
    %p = arith.mulf %i, %w : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  return %a, %b, %c : tensor<4x2xf32>, tensor<4x1xf32>, tensor<4x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      q: "0x040000000000803F000000400000404000008040",
      k: "0x040000000000A0400000C040",
      v: "0x040000000000E040000000410000104100002041"
    }
  }
#-}

// -----

// Kept apart: a product whose value an elementwise op reads (a bias add,
// which the matmul kernel takes as its epilogue: %b), and products of
// different activations (%c of %y). %a alone has no sibling left.
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
// CHECK-LABEL: func.func @main(
// CHECK-SAME: dense_resource<q>
// CHECK-SAME: dense_resource<k>
// CHECK-SAME: dense_resource<v>
// CHECK-NOT: tensor.extract_slice
// CHECK-COUNT-4: linalg.generic
// CHECK-NOT: tensor.extract_slice
func.func @main(%x: tensor<4x2xf32>, %y: tensor<4x2xf32>, %q: tensor<2x2xf32> {fmc.weight = dense_resource<q> : tensor<2x2xf32>}, %k: tensor<2x1xf32> {fmc.weight = dense_resource<k> : tensor<2x1xf32>}, %v: tensor<2x2xf32> {fmc.weight = dense_resource<v> : tensor<2x2xf32>}) -> (tensor<4x2xf32>, tensor<4x1xf32>, tensor<4x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<4x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e1 = tensor.empty() : tensor<4x1xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %a = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %q : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f2 : tensor<4x2xf32>) {
  ^bb0(%i: f32, %w: f32, %o: f32):
    %p = arith.mulf %i, %w : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %b = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %k : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f1 : tensor<4x1xf32>) {
  ^bb0(%i: f32, %w: f32, %o: f32):
    %p = arith.mulf %i, %w : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x1xf32>
  %bias = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<4x1xf32>) outs(%e1 : tensor<4x1xf32>) {
  ^bb0(%i: f32, %o: f32):
    %s = arith.addf %i, %zero : f32
    linalg.yield %s : f32
  } -> tensor<4x1xf32>
  %c = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%y, %v : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f2 : tensor<4x2xf32>) {
  ^bb0(%i: f32, %w: f32, %o: f32):
    %p = arith.mulf %i, %w : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  return %a, %bias, %c : tensor<4x2xf32>, tensor<4x1xf32>, tensor<4x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      q: "0x040000000000803F000000400000404000008040",
      k: "0x040000000000A0400000C040",
      v: "0x040000000000E040000000410000104100002041"
    }
  }
#-}

// -----

// Kept apart, without an error: a weight whose bytes are not there to
// concatenate (%k's resource has no blob; a blob of the wrong size is
// skipped the same way). %q and %v still join.
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @main(
// CHECK-SAME: dense_resource<k>
// CHECK-SAME: dense_resource<"q+v"> : tensor<2x4xf32>
// CHECK: linalg.generic {{.*}} tensor<2x4xf32>
// CHECK: linalg.generic {{.*}} tensor<2x1xf32>
// CHECK: "q+v": "0x400000000000803F000000400000E0400000004100004040000080400000104100002041"
func.func @main(%x: tensor<4x2xf32>, %q: tensor<2x2xf32> {fmc.weight = dense_resource<q> : tensor<2x2xf32>}, %k: tensor<2x1xf32> {fmc.weight = dense_resource<k> : tensor<2x1xf32>}, %v: tensor<2x2xf32> {fmc.weight = dense_resource<v> : tensor<2x2xf32>}) -> (tensor<4x2xf32>, tensor<4x1xf32>, tensor<4x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<4x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e1 = tensor.empty() : tensor<4x1xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %a = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %q : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f2 : tensor<4x2xf32>) {
  ^bb0(%i: f32, %w: f32, %o: f32):
    %p = arith.mulf %i, %w : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %b = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %k : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f1 : tensor<4x1xf32>) {
  ^bb0(%i: f32, %w: f32, %o: f32):
    %p = arith.mulf %i, %w : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x1xf32>
  %c = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %v : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f2 : tensor<4x2xf32>) {
  ^bb0(%i: f32, %w: f32, %o: f32):
    %p = arith.mulf %i, %w : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  return %a, %b, %c : tensor<4x2xf32>, tensor<4x1xf32>, tensor<4x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      q: "0x040000000000803F000000400000404000008040",
      v: "0x040000000000E040000000410000104100002041"
    }
  }
#-}
