// RUN: fmc-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fmc-convert-graph-to-linalg))' | FileCheck %s

// Reshapes are views: collapse_shape/expand_shape when the dims group, and
// through a 1-D tensor otherwise.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3x4xf32>, %[[B:.*]]: tensor<6xf32>, %[[C:.*]]: tensor<1x6x1xf32>)
// CHECK:         %[[R0:.*]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK:         %[[R1:.*]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape %[[R0]] {{\[}}[0, 1]] : tensor<6x4xf32> into tensor<24xf32>
// CHECK:         %[[R2:.*]] = tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK:         %[[R3:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0, 1, 2]] : tensor<1x6x1xf32> into tensor<6xf32>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
func.func @reshape(%a: tensor<2x3x4xf32>, %b: tensor<6xf32>, %c: tensor<1x6x1xf32>) -> (tensor<6x4xf32>, tensor<2x3xf32>, tensor<4x6xf32>, tensor<6xf32>) {
  %0 = fmc.reshape %a : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = fmc.reshape %b : tensor<6xf32> -> tensor<2x3xf32>
  %2 = fmc.reshape %0 : tensor<6x4xf32> -> tensor<4x6xf32>
  %3 = fmc.reshape %c : tensor<1x6x1xf32> -> tensor<6xf32>
  return %0, %1, %2, %3 : tensor<6x4xf32>, tensor<2x3xf32>, tensor<4x6xf32>, tensor<6xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_scalar
// CHECK-SAME:    (%[[S:.*]]: tensor<f32>)
// CHECK:         %[[R:.*]] = tensor.expand_shape %[[S]] [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
// CHECK:         return %[[R]]
func.func @reshape_scalar(%s: tensor<f32>) -> tensor<1x1xf32> {
  %0 = fmc.reshape %s : tensor<f32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3x4xf32>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK:         %[[T:.*]] = linalg.transpose ins(%[[A]] : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
// CHECK:         return %[[T]]
func.func @transpose(%a: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = fmc.transpose %a {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// Each input is inserted at its running offset; empty inputs are skipped.
// CHECK-LABEL: func.func @concat
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x1xf32>, %[[Z:.*]]: tensor<2x0xf32>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2x7xf32>
// CHECK-NOT:     %[[Z]]
// CHECK:         %[[I0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x7xf32>
// CHECK:         %[[I1:.*]] = tensor.insert_slice %[[B]] into %[[I0]][0, 3] [2, 1] [1, 1] : tensor<2x1xf32> into tensor<2x7xf32>
// CHECK:         %[[I2:.*]] = tensor.insert_slice %[[A]] into %[[I1]][0, 4] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x7xf32>
// CHECK:         return %[[I2]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>, %z: tensor<2x0xf32>) -> tensor<2x7xf32> {
  %0 = fmc.concat %a, %z, %b, %a {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>, tensor<2x1xf32>, tensor<2x3xf32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

// CHECK-LABEL: func.func @concat_axis0
// CHECK-SAME:    (%[[A:.*]]: tensor<1x4xi64>, %[[B:.*]]: tensor<2x4xi64>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<3x4xi64>
// CHECK:         %[[I0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [1, 4] [1, 1]
// CHECK:         %[[I1:.*]] = tensor.insert_slice %[[B]] into %[[I0]][1, 0] [2, 4] [1, 1]
// CHECK:         return %[[I1]]
func.func @concat_axis0(%a: tensor<1x4xi64>, %b: tensor<2x4xi64>) -> tensor<3x4xi64> {
  %0 = fmc.concat %a, %b {axis = 0 : i64} : (tensor<1x4xi64>, tensor<2x4xi64>) -> tensor<3x4xi64>
  return %0 : tensor<3x4xi64>
}

// -----

// CHECK-LABEL: func.func @slice
// CHECK-SAME:    (%[[A:.*]]: tensor<4x10xf32>)
// CHECK:         %[[S:.*]] = tensor.extract_slice %[[A]][1, 2] [2, 3] [2, 3] : tensor<4x10xf32> to tensor<2x3xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[S]]
func.func @slice(%a: tensor<4x10xf32>) -> tensor<2x3xf32> {
  %0 = fmc.slice %a {offsets = array<i64: 1, 2>, steps = array<i64: 2, 3>} : tensor<4x10xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Step -3 from 8 reads 8, 5, 2: an ascending slice from 2, then reversed.
// CHECK-DAG: #[[$REV:.+]] = affine_map<(d0, d1) -> (d0, -d1 + 2)>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @slice_negative_step
// CHECK-SAME:    (%[[A:.*]]: tensor<4x10xf32>)
// CHECK:         %[[S:.*]] = tensor.extract_slice %[[A]][1, 2] [2, 3] [1, 3] : tensor<4x10xf32> to tensor<2x3xf32>
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#[[$REV]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:        ins(%[[S]] : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK:         ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      linalg.yield %[[X]] : f32
// CHECK:         return %[[R]]
func.func @slice_negative_step(%a: tensor<4x10xf32>) -> tensor<2x3xf32> {
  %0 = fmc.slice %a {offsets = array<i64: 1, 8>, steps = array<i64: 1, -3>} : tensor<4x10xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// result[i, j, k] = data[clamp(wrap(indices[i, j])), k]
// CHECK-DAG: #[[$IDX:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME:    (%[[D:.*]]: tensor<5x3xf32>, %[[I:.*]]: tensor<2x4xi64>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2x4x3xf32>
// CHECK:         %[[G:.*]] = linalg.generic {indexing_maps = [#[[$IDX]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME:        ins(%[[I]] : tensor<2x4xi64>) outs(%[[E]] : tensor<2x4x3xf32>)
// CHECK:         ^bb0(%[[RAW:.*]]: i64, %{{.*}}: f32):
// CHECK:           %[[IDX:.*]] = arith.index_cast %[[RAW]] : i64 to index
// CHECK-DAG:       %[[N:.*]] = arith.constant 5 : index
// CHECK-DAG:       %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG:       %[[LAST:.*]] = arith.constant 4 : index
// CHECK:           %[[NEG:.*]] = arith.cmpi slt, %[[IDX]], %[[ZERO]] : index
// CHECK:           %[[PLUS:.*]] = arith.addi %[[IDX]], %[[N]] : index
// CHECK:           %[[WRAP:.*]] = arith.select %[[NEG]], %[[PLUS]], %[[IDX]] : index
// CHECK:           %[[LO:.*]] = arith.maxsi %[[WRAP]], %[[ZERO]] : index
// CHECK:           %[[CLAMP:.*]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK:           %[[K:.*]] = linalg.index 2 : index
// CHECK:           %[[V:.*]] = tensor.extract %[[D]][%[[CLAMP]], %[[K]]] : tensor<5x3xf32>
// CHECK:           linalg.yield %[[V]] : f32
// CHECK:         return %[[G]]
func.func @gather(%d: tensor<5x3xf32>, %i: tensor<2x4xi64>) -> tensor<2x4x3xf32> {
  %0 = fmc.gather %d, %i {axis = 0 : i64} : (tensor<5x3xf32>, tensor<2x4xi64>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// Gather along a middle axis with i32 indices: the outer and inner dims
// are linalg.index of the loops around the index dims.
// CHECK-DAG: #[[$IDX:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @gather_middle_axis
// CHECK-SAME:    (%[[D:.*]]: tensor<2x5x3xf32>, %[[I:.*]]: tensor<4xi32>)
// CHECK:         linalg.generic {indexing_maps = [#[[$IDX]], #{{[a-z0-9]+}}]
// CHECK-SAME:        ins(%[[I]] : tensor<4xi32>)
// CHECK:         ^bb0(%[[RAW:.*]]: i32, %{{.*}}: f32):
// CHECK:           arith.index_cast %[[RAW]] : i32 to index
// CHECK:           %[[CLAMP:.*]] = arith.minsi
// CHECK:           %[[OUTER:.*]] = linalg.index 0 : index
// CHECK:           %[[INNER:.*]] = linalg.index 2 : index
// CHECK:           tensor.extract %[[D]][%[[OUTER]], %[[CLAMP]], %[[INNER]]] : tensor<2x5x3xf32>
func.func @gather_middle_axis(%d: tensor<2x5x3xf32>, %i: tensor<4xi32>) -> tensor<2x4x3xf32> {
  %0 = fmc.gather %d, %i {axis = 1 : i64} : (tensor<2x5x3xf32>, tensor<4xi32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}
