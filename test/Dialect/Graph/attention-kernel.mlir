// RUN: fmc-opt %s | fmc-opt | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: fmc-opt %s --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" | FileCheck %s

// On tensors fmc.attention_kernel returns its destination's value; one-shot
// bufferization gives it buffers: the operands' and a new one for the
// empty destination, which it writes (no copy of the uninitialized
// destination) and which the function returns.
// ROUNDTRIP: fmc.attention_kernel %arg0, %arg1, %arg2 mask %arg3 into %{{.+}} {causal = true, scale = 5.000000e-01 : f64} : (tensor<2x4x8x16xf32>, tensor<2x2x8x16xf32>, tensor<2x2x8x16xf32>, tensor<8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
// CHECK-LABEL: func.func @kernel(
// CHECK-SAME: %[[Q:.+]]: memref<2x4x8x16xf32>, %[[K:.+]]: memref<2x2x8x16xf32>, %[[V:.+]]: memref<2x2x8x16xf32>, %[[M:.+]]: memref<8x8xf32>) -> memref<2x4x8x16xf32>
// CHECK: %[[OUT:.+]] = memref.alloc() {{.*}}: memref<2x4x8x16xf32>
// CHECK-NOT: memref.copy
// CHECK: fmc.attention_kernel %[[Q]], %[[K]], %[[V]] mask %[[M]] into %[[OUT]] {causal = true, scale = 5.000000e-01 : f64} : (memref<2x4x8x16xf32>, memref<2x2x8x16xf32>, memref<2x2x8x16xf32>, memref<8x8xf32>, memref<2x4x8x16xf32>) -> ()
// CHECK: return %[[OUT]]
func.func @kernel(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x2x8x16xf32>, %m: tensor<8x8xf32>) -> tensor<2x4x8x16xf32> {
  %init = tensor.empty() : tensor<2x4x8x16xf32>
  %0 = fmc.attention_kernel %q, %k, %v mask %m into %init {causal = true, scale = 0.5 : f64} : (tensor<2x4x8x16xf32>, tensor<2x2x8x16xf32>, tensor<2x2x8x16xf32>, tensor<8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %0 : tensor<2x4x8x16xf32>
}
