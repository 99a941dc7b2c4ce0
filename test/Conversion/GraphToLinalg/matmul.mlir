// RUN: fmc-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fmc-convert-graph-to-linalg))' | FileCheck %s

// Loops are batch dims, then m and n and k (k the only reduction). The
// checks accept k innermost or between m and n; the maps pin which loop is k:
// the one shared by lhs and rhs and absent from the result.

// CHECK: #[[$LHS:.+]] = affine_map<(d0, d1, d2) -> (d0, [[$K:d[12]]])>
// CHECK: #[[$RHS:.+]] = affine_map<(d0, d1, d2) -> ([[$K]], [[$N:d[12]]])>
// CHECK: #[[$OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, [[$N]])>
// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME:    (%[[A:.*]]: tensor<3x4xf32>, %[[B:.*]]: tensor<4x5xf32>)
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<3x5xf32>
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<3x5xf32>)
// CHECK:         %[[R:.*]] = linalg.generic
// CHECK-SAME:        indexing_maps = [#[[$LHS]], #[[$RHS]], #[[$OUT]]]
// CHECK-SAME:        iterator_types = [{{"parallel", "parallel", "reduction"|"parallel", "reduction", "parallel"}}]
// CHECK-SAME:        ins(%[[A]], %[[B]] : tensor<3x4xf32>, tensor<4x5xf32>) outs(%[[INIT]] : tensor<3x5xf32>)
// CHECK:         ^bb0(%[[L:.*]]: f32, %[[RS:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[L]], %[[RS]] : f32
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK:         return %[[R]]
func.func @matmul_2d(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %0 = fmc.matmul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// A matrix rhs is shared by every batch: its map has no batch dim.
// CHECK: #[[$LHS:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, [[$K:d[23]]])>
// CHECK: #[[$RHS:.+]] = affine_map<(d0, d1, d2, d3) -> ([[$K]], [[$N:d[23]]])>
// CHECK: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, [[$N]])>
// CHECK-LABEL: func.func @matmul_batch_matrix
// CHECK-SAME:    (%[[A:.*]]: tensor<2x4x8xf32>, %[[B:.*]]: tensor<8x5xf32>)
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4x5xf32>)
// CHECK:         %[[R:.*]] = linalg.generic
// CHECK-SAME:        indexing_maps = [#[[$LHS]], #[[$RHS]], #[[$OUT]]]
// CHECK-SAME:        iterator_types = ["parallel", "parallel", {{"parallel", "reduction"|"reduction", "parallel"}}]
// CHECK-SAME:        ins(%[[A]], %[[B]] : tensor<2x4x8xf32>, tensor<8x5xf32>) outs(%[[INIT]] : tensor<2x4x5xf32>)
// CHECK:         return %[[R]] : tensor<2x4x5xf32>
func.func @matmul_batch_matrix(%a: tensor<2x4x8xf32>, %b: tensor<8x5xf32>) -> tensor<2x4x5xf32> {
  %0 = fmc.matmul %a, %b : (tensor<2x4x8xf32>, tensor<8x5xf32>) -> tensor<2x4x5xf32>
  return %0 : tensor<2x4x5xf32>
}

// -----

// A size-1 batch dim broadcasts through the map (constant 0), without
// materializing the lhs at the batch size.
// CHECK: #[[$LHS:.+]] = affine_map<(d0, d1, d2, d3) -> (0, d1, [[$K:d[23]]])>
// CHECK: #[[$RHS:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, [[$K]], [[$N:d[23]]])>
// CHECK: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, [[$N]])>
// CHECK-LABEL: func.func @matmul_batch_broadcast
// CHECK-SAME:    (%[[A:.*]]: tensor<1x3x4xf32>, %[[B:.*]]: tensor<2x4x5xf32>)
// CHECK-NOT:     linalg.broadcast
// CHECK:         linalg.generic
// CHECK-SAME:        indexing_maps = [#[[$LHS]], #[[$RHS]], #[[$OUT]]]
// CHECK-SAME:        iterator_types = ["parallel", "parallel", {{"parallel", "reduction"|"reduction", "parallel"}}]
// CHECK-SAME:        ins(%[[A]], %[[B]] : tensor<1x3x4xf32>, tensor<2x4x5xf32>) outs(%{{.*}} : tensor<2x3x5xf32>)
func.func @matmul_batch_broadcast(%a: tensor<1x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = fmc.matmul %a, %b : (tensor<1x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// A 1-D lhs becomes a 1xK matrix and the 1xN result a vector again.
// CHECK-LABEL: func.func @matmul_vector_lhs
// CHECK-SAME:    (%[[V:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<8x5xf32>)
// CHECK:         %[[ROW:.*]] = tensor.expand_shape %[[V]] {{\[}}[0, 1]] output_shape [1, 8] : tensor<8xf32> into tensor<1x8xf32>
// CHECK:         %[[MM:.*]] = linalg.generic
// CHECK-SAME:        iterator_types = [{{"parallel", "parallel", "reduction"|"parallel", "reduction", "parallel"}}]
// CHECK-SAME:        ins(%[[ROW]], %[[B]] : tensor<1x8xf32>, tensor<8x5xf32>)
// CHECK:         %[[R:.*]] = tensor.collapse_shape %[[MM]] {{\[}}[0, 1]] : tensor<1x5xf32> into tensor<5xf32>
// CHECK:         return %[[R]]
func.func @matmul_vector_lhs(%v: tensor<8xf32>, %b: tensor<8x5xf32>) -> tensor<5xf32> {
  %0 = fmc.matmul %v, %b : (tensor<8xf32>, tensor<8x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// A 1-D rhs becomes a Kx1 matrix; with two batch dims on the lhs.
// CHECK: #[[$LHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, [[$K:d[34]]])>
// CHECK: #[[$RHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> ([[$K]], [[$N:d[34]]])>
// CHECK: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, [[$N]])>
// CHECK-LABEL: func.func @matmul_vector_rhs
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3x4x8xf32>, %[[V:.*]]: tensor<8xf32>)
// CHECK:         %[[COL:.*]] = tensor.expand_shape %[[V]] {{\[}}[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
// CHECK:         %[[MM:.*]] = linalg.generic
// CHECK-SAME:        indexing_maps = [#[[$LHS]], #[[$RHS]], #[[$OUT]]]
// CHECK-SAME:        iterator_types = ["parallel", "parallel", "parallel", {{"parallel", "reduction"|"reduction", "parallel"}}]
// CHECK-SAME:        ins(%[[A]], %[[COL]] : tensor<2x3x4x8xf32>, tensor<8x1xf32>) outs(%{{.*}} : tensor<2x3x4x1xf32>)
// CHECK:         %[[R:.*]] = tensor.collapse_shape %[[MM]] {{\[}}[0], [1], [2, 3]] : tensor<2x3x4x1xf32> into tensor<2x3x4xf32>
// CHECK:         return %[[R]]
func.func @matmul_vector_rhs(%a: tensor<2x3x4x8xf32>, %v: tensor<8xf32>) -> tensor<2x3x4xf32> {
  %0 = fmc.matmul %a, %v : (tensor<2x3x4x8xf32>, tensor<8xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Vector dot vector: a 1x1 matrix collapsed to a scalar tensor.
// CHECK-LABEL: func.func @matmul_dot
// CHECK-SAME:    (%[[V:.*]]: tensor<8xf32>, %[[W:.*]]: tensor<8xf32>)
// CHECK-DAG:     %[[ROW:.*]] = tensor.expand_shape %[[V]] {{\[}}[0, 1]] output_shape [1, 8]
// CHECK-DAG:     %[[COL:.*]] = tensor.expand_shape %[[W]] {{\[}}[0, 1]] output_shape [8, 1]
// CHECK:         %[[MM:.*]] = linalg.generic
// CHECK-SAME:        ins(%[[ROW]], %[[COL]] : tensor<1x8xf32>, tensor<8x1xf32>)
// CHECK:         %[[R:.*]] = tensor.collapse_shape %[[MM]] [] : tensor<1x1xf32> into tensor<f32>
// CHECK:         return %[[R]]
func.func @matmul_dot(%v: tensor<8xf32>, %w: tensor<8xf32>) -> tensor<f32> {
  %0 = fmc.matmul %v, %w : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @matmul_integer
// CHECK:         %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : i32)
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%[[INIT]] : tensor<3x5xi32>)
// CHECK:         ^bb0(%[[L:.*]]: i32, %[[R:.*]]: i32, %[[ACC:.*]]: i32):
// CHECK-NEXT:      %[[P:.*]] = arith.muli %[[L]], %[[R]] : i32
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[ACC]], %[[P]] : i32
// CHECK-NEXT:      linalg.yield %[[S]] : i32
func.func @matmul_integer(%a: tensor<3x4xi32>, %b: tensor<4x5xi32>) -> tensor<3x5xi32> {
  %0 = fmc.matmul %a, %b : (tensor<3x4xi32>, tensor<4x5xi32>) -> tensor<3x5xi32>
  return %0 : tensor<3x5xi32>
}
