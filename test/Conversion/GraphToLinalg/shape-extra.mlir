// RUN: fmc-opt %s --fmc-convert-graph-to-linalg --split-input-file | FileCheck %s

// GatherElements reads data at the index from `indices` along the axis and
// at the result's own index elsewhere.
// CHECK-LABEL: func.func @gather_elements
// CHECK: linalg.generic
// CHECK: ^bb0(%[[IDX:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[D0:.*]] = linalg.index 0
// CHECK: arith.index_cast %[[IDX]]
// CHECK: tensor.extract %{{.*}}[%[[D0]], %{{.*}}] : tensor<3x4xf32>
func.func @gather_elements(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>) -> tensor<3x2xf32> {
  %0 = fmc.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @pad
// CHECK: %[[V:.*]] = tensor.extract %{{.*}}[] : tensor<f32>
// CHECK: tensor.pad %{{.*}} low[1, 0] high[0, 2]
// CHECK: tensor.yield %[[V]]
func.func @pad(%x: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<4x6xf32> {
  %0 = fmc.pad %x, %v {low = array<i64: 1, 0>, high = array<i64: 0, 2>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}
