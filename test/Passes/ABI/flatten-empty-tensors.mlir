// RUN: fmc-opt %s -split-input-file --fmc-flatten-empty-tensors | FileCheck %s
// RUN: not fmc-opt %s -split-input-file --fmc-flatten-empty-tensors=function=nope 2>&1 | FileCheck %s --check-prefix=NOPE

// A zero-element argument of rank > 1 becomes tensor<0xT> and its uses read
// an empty tensor of the original shape; zero-element results each return
// their own tensor.empty; other tensors are untouched.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<0xf32> {fmc.input = "x"}, %[[Y:[^:]*]]: tensor<4xf32> {fmc.input = "y"})
// CHECK-SAME:    -> (tensor<0xf32> {fmc.output = "a"}, tensor<0xf32> {fmc.output = "b"}, tensor<4xf32> {fmc.output = "c"})
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<3x0x5xf32>
// CHECK:         %[[R:.*]] = fmc.relu %[[E]] : tensor<3x0x5xf32>
// CHECK:         %[[A:.*]] = tensor.empty() : tensor<0xf32>
// CHECK:         %[[B:.*]] = tensor.empty() : tensor<0xf32>
// CHECK:         return %[[A]], %[[B]], %[[Y]]
func.func @main(%x: tensor<3x0x5xf32> {fmc.input = "x"}, %y: tensor<4xf32> {fmc.input = "y"})
    -> (tensor<3x0x5xf32> {fmc.output = "a"}, tensor<3x0x5xf32> {fmc.output = "b"}, tensor<4xf32> {fmc.output = "c"}) {
  %r = fmc.relu %x : tensor<3x0x5xf32>
  return %r, %r, %y : tensor<3x0x5xf32>, tensor<3x0x5xf32>, tensor<4xf32>
}

// NOPE: error: no model function named 'nope'
