// RUN: fmc-opt %s --fmc-unshare-fills | FileCheck %s
// RUN: fmc-opt %s --fmc-unshare-fills --one-shot-bufferize | FileCheck %s --check-prefix=BUFFERS

// One zero fill (as CSE leaves it) initializes two matmuls: each gets its own
// fill and tensor.empty right before it, and the shared ones are gone.
// CHECK-LABEL: func.func @two_matmuls(
// CHECK-NOT: linalg.fill
// CHECK: %[[E1:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[F1:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[E1]] : tensor<4x8xf32>)
// CHECK-NEXT: %[[M1:.+]] = linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x6xf32>, tensor<6x8xf32>) outs(%[[F1]] : tensor<4x8xf32>)
// CHECK-NEXT: %[[E2:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[F2:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[E2]] : tensor<4x8xf32>)
// CHECK-NEXT: %[[M2:.+]] = linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x6xf32>, tensor<6x8xf32>) outs(%[[F2]] : tensor<4x8xf32>)
// CHECK-NOT: linalg.fill
// Bufferized, no zeros are copied: each matmul accumulates in place.
// BUFFERS-LABEL: func.func @two_matmuls(
// BUFFERS-NOT: memref.copy
// BUFFERS: linalg.fill
// BUFFERS-NOT: memref.copy
// BUFFERS: linalg.matmul
// BUFFERS-NOT: memref.copy
// BUFFERS: linalg.fill
// BUFFERS-NOT: memref.copy
// BUFFERS: linalg.matmul
func.func @two_matmuls(%a: tensor<4x6xf32>, %b: tensor<6x8xf32>, %c: tensor<6x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x8xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x8xf32>) -> tensor<4x8xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x6xf32>, tensor<6x8xf32>) outs(%fill : tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = linalg.matmul ins(%a, %c : tensor<4x6xf32>, tensor<6x8xf32>) outs(%fill : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// A fill with one user is left alone.
// CHECK-LABEL: func.func @one_matmul(
// CHECK: tensor.empty()
// CHECK-NEXT: arith.constant 0.0
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: arith.constant 1.0
// CHECK-NEXT: linalg.matmul
func.func @one_matmul(%a: tensor<4x6xf32>, %b: tensor<6x8xf32>) -> tensor<4x8xf32> {
  %empty = tensor.empty() : tensor<4x8xf32>
  %zero = arith.constant 0.0 : f32
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x8xf32>) -> tensor<4x8xf32>
  %one = arith.constant 1.0 : f32
  %0 = linalg.matmul ins(%a, %b : tensor<4x6xf32>, tensor<6x8xf32>) outs(%fill : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
