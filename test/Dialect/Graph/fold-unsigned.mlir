// RUN: fmc-opt %s -canonicalize | FileCheck %s

// Unsigned integer arithmetic is not folded with signed semantics (it is not
// folded at all yet).
// CHECK-LABEL: func.func @unsigned
// CHECK: fmc.div
// CHECK: fmc.max
func.func @unsigned() -> (tensor<2xui8>, tensor<2xui8>) {
  %a = fmc.constant dense<[200, 7]> : tensor<2xui8>
  %b = fmc.constant dense<[2, 1]> : tensor<2xui8>
  %0 = fmc.div %a, %b : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  %1 = fmc.max %a, %b : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  return %0, %1 : tensor<2xui8>, tensor<2xui8>
}
