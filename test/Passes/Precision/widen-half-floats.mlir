// RUN: fmc-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fmc-widen-half-floats))' | FileCheck %s

// Computing ops run in f32 between casts; each result is rounded once.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xbf16>, %[[B:.*]]: tensor<3x4xbf16>)
// CHECK: %[[WA:.*]] = fmc.cast %[[A]] : tensor<2x3xbf16> to tensor<2x3xf32>
// CHECK: %[[WB:.*]] = fmc.cast %[[B]] : tensor<3x4xbf16> to tensor<3x4xf32>
// CHECK: %[[MM:.*]] = fmc.matmul %[[WA]], %[[WB]] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK: %[[R:.*]] = fmc.cast %[[MM]] : tensor<2x4xf32> to tensor<2x4xbf16>
// Data movement stays in bf16.
// CHECK: %[[T:.*]] = fmc.transpose %[[R]] {perm = array<i64: 1, 0>} : tensor<2x4xbf16> -> tensor<4x2xbf16>
// CHECK: %[[WT:.*]] = fmc.cast %[[T]] : tensor<4x2xbf16> to tensor<4x2xf32>
// CHECK: %[[S:.*]] = fmc.softmax %[[WT]] {axis = 1 : i64} : tensor<4x2xf32>
// CHECK: %[[OUT:.*]] = fmc.cast %[[S]] : tensor<4x2xf32> to tensor<4x2xbf16>
// CHECK: return %[[OUT]]
func.func @chain(%a: tensor<2x3xbf16>, %b: tensor<3x4xbf16>) -> tensor<4x2xbf16> {
  %0 = fmc.matmul %a, %b : (tensor<2x3xbf16>, tensor<3x4xbf16>) -> tensor<2x4xbf16>
  %1 = fmc.transpose %0 {perm = array<i64: 1, 0>} : tensor<2x4xbf16> -> tensor<4x2xbf16>
  %2 = fmc.softmax %1 {axis = 1 : i64} : tensor<4x2xbf16>
  return %2 : tensor<4x2xbf16>
}

// -----

// Comparisons widen their operands only; f32 ops are left alone.
// CHECK-LABEL: func.func @compare
// CHECK-SAME: (%[[A:.*]]: tensor<4xf16>, %[[B:.*]]: tensor<4xf16>, %[[C:.*]]: tensor<4xf32>)
// CHECK: %[[WA:.*]] = fmc.cast %[[A]] : tensor<4xf16> to tensor<4xf32>
// CHECK: %[[WB:.*]] = fmc.cast %[[B]] : tensor<4xf16> to tensor<4xf32>
// CHECK: fmc.less %[[WA]], %[[WB]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
// CHECK-NEXT: fmc.add %[[C]], %[[C]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
func.func @compare(%a: tensor<4xf16>, %b: tensor<4xf16>, %c: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xf32>) {
  %0 = fmc.less %a, %b : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xi1>
  %1 = fmc.add %c, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xi1>, tensor<4xf32>
}
