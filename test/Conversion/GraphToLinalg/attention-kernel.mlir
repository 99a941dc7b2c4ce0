// RUN: fmc-opt %s --fmc-convert-graph-to-linalg="attention-kernel=true" -cse | FileCheck %s
// RUN: fmc-opt %s --fmc-convert-graph-to-linalg | FileCheck %s --check-prefix=LOOPS
// RUN: fmc-opt %s --fmc-convert-graph-to-linalg="attention-kernel=true attention-kernel-max-head=8" | FileCheck %s --check-prefix=LOOPS

// With attention-kernel (GPU targets), f32 attention becomes one
// fmc.attention_kernel into an empty destination; without it, or with a
// head (16 here) larger than the kernel takes, the FlashAttention loops.
// CHECK-LABEL: func.func @plain
// CHECK-NOT: scf.for
// CHECK: %[[INIT:.+]] = tensor.empty() : tensor<1x4x64x16xf32>
// CHECK: %[[R:.+]] = fmc.attention_kernel %arg0, %arg1, %arg2 mask %arg3 into %[[INIT]] {causal = false, scale = 2.500000e-01 : f64} : (tensor<1x4x64x16xf32>, tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32>, tensor<64x64xi1>, tensor<1x4x64x16xf32>) -> tensor<1x4x64x16xf32>
// CHECK: return %[[R]]
// LOOPS-LABEL: func.func @plain
// LOOPS-NOT: fmc.attention_kernel
// LOOPS: scf.for
func.func @plain(%q: tensor<1x4x64x16xf32>, %k: tensor<1x2x64x16xf32>, %v: tensor<1x2x64x16xf32>, %m: tensor<64x64xi1>) -> tensor<1x4x64x16xf32> {
  %0 = fmc.attention %q, %k, %v mask %m {causal = false, scale = 0.25 : f64} : (tensor<1x4x64x16xf32>, tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32>, tensor<64x64xi1>) -> tensor<1x4x64x16xf32>
  return %0 : tensor<1x4x64x16xf32>
}

// With a cache, the kernel reads the cache followed by the new keys and
// values, which are also the presents.
// CHECK-LABEL: func.func @cache
// CHECK: %[[K:.+]] = tensor.insert_slice %arg1 into %{{.+}}[0, 0, 7, 0] [1, 2, 1, 8] [1, 1, 1, 1] : tensor<1x2x1x8xf32> into tensor<1x2x8x8xf32>
// CHECK: %[[V:.+]] = tensor.insert_slice %arg2 into %{{.+}}[0, 0, 7, 0] [1, 2, 1, 8] [1, 1, 1, 1] : tensor<1x2x1x8xf32> into tensor<1x2x8x8xf32>
// CHECK: %[[R:.+]] = fmc.attention_kernel %arg0, %[[K]], %[[V]] into %{{.+}} {causal = true, scale = 1.250000e-01 : f64} : (tensor<1x4x1x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x4x1x8xf32>) -> tensor<1x4x1x8xf32>
// CHECK: return %[[R]], %[[K]], %[[V]]
func.func @cache(%q: tensor<1x4x1x8xf32>, %k: tensor<1x2x1x8xf32>, %v: tensor<1x2x1x8xf32>, %pk: tensor<1x2x7x8xf32>, %pv: tensor<1x2x7x8xf32>) -> (tensor<1x4x1x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) {
  %0:3 = fmc.attention %q, %k, %v past %pk, %pv {causal = true, scale = 0.125 : f64} : (tensor<1x4x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x7x8xf32>, tensor<1x2x7x8xf32>) -> (tensor<1x4x1x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>)
  return %0#0, %0#1, %0#2 : tensor<1x4x1x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>
}

// The kernel is f32 only: f64 attention keeps the loops.
// CHECK-LABEL: func.func @double
// CHECK-NOT: fmc.attention_kernel
// CHECK: scf.for
func.func @double(%q: tensor<1x1x8x8xf64>, %k: tensor<1x1x8x8xf64>, %v: tensor<1x1x8x8xf64>) -> tensor<1x1x8x8xf64> {
  %0 = fmc.attention %q, %k, %v {causal = false, scale = 0.125 : f64} : (tensor<1x1x8x8xf64>, tensor<1x1x8x8xf64>, tensor<1x1x8x8xf64>) -> tensor<1x1x8x8xf64>
  return %0 : tensor<1x1x8x8xf64>
}
