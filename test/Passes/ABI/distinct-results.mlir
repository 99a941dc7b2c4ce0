// RUN: fmc-opt %s --fmc-distinct-results | FileCheck %s

// A value returned at several positions is copied for every position after
// its first; a value returned once stays as it is.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4xf32>
// CHECK:         %[[R:.*]] = fmc.relu %[[X]]
// CHECK:         %[[E1:.*]] = tensor.empty() : tensor<4xf32>
// CHECK:         %[[C1:.*]] = linalg.copy ins(%[[R]] : tensor<4xf32>) outs(%[[E1]] : tensor<4xf32>)
// CHECK:         %[[E2:.*]] = tensor.empty() : tensor<4xf32>
// CHECK:         %[[C2:.*]] = linalg.copy ins(%[[R]] : tensor<4xf32>) outs(%[[E2]] : tensor<4xf32>)
// CHECK:         return %[[X]], %[[R]], %[[C1]], %[[C2]]
func.func @main(%x: tensor<4xf32> {fmc.input = "x"})
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %r = fmc.relu %x : tensor<4xf32>
  return %x, %r, %r, %r : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
