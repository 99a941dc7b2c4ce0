// RUN: fmc-opt %s | fmc-opt | FileCheck %s

// Round trip of fmc.attention with and without a mask.

// CHECK-LABEL: func.func @attention
// CHECK: fmc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.250000e-01 : f64} : (tensor<1x8x16x64xf32>, tensor<1x2x32x64xf32>, tensor<1x2x32x32xf32>) -> tensor<1x8x16x32xf32>
// CHECK: fmc.attention %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} {causal = false, scale = 1.000000e+00 : f64} : (tensor<1x8x16x64xf32>, tensor<1x2x32x64xf32>, tensor<1x2x32x32xf32>, tensor<1x1x16x32xf32>) -> tensor<1x8x16x32xf32>
func.func @attention(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x32x64xf32>, %v: tensor<1x2x32x32xf32>, %m: tensor<1x1x16x32xf32>) -> (tensor<1x8x16x32xf32>, tensor<1x8x16x32xf32>) {
  %0 = fmc.attention %q, %k, %v {causal = true, scale = 0.125 : f64} : (tensor<1x8x16x64xf32>, tensor<1x2x32x64xf32>, tensor<1x2x32x32xf32>) -> tensor<1x8x16x32xf32>
  %1 = fmc.attention %q, %k, %v mask %m {causal = false, scale = 1.0 : f64} : (tensor<1x8x16x64xf32>, tensor<1x2x32x64xf32>, tensor<1x2x32x32xf32>, tensor<1x1x16x32xf32>) -> tensor<1x8x16x32xf32>
  return %0, %1 : tensor<1x8x16x32xf32>, tensor<1x8x16x32xf32>
}

// A boolean mask (false removes a key).
// CHECK-LABEL: func.func @bool_mask
// CHECK: fmc.attention %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} {causal = false, scale = 1.000000e+00 : f64} : (tensor<1x8x16x64xf32>, tensor<1x2x32x64xf32>, tensor<1x2x32x32xf32>, tensor<16x32xi1>) -> tensor<1x8x16x32xf32>
func.func @bool_mask(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x32x64xf32>, %v: tensor<1x2x32x32xf32>, %m: tensor<16x32xi1>) -> tensor<1x8x16x32xf32> {
  %0 = fmc.attention %q, %k, %v mask %m {causal = false, scale = 1.0 : f64} : (tensor<1x8x16x64xf32>, tensor<1x2x32x64xf32>, tensor<1x2x32x32xf32>, tensor<16x32xi1>) -> tensor<1x8x16x32xf32>
  return %0 : tensor<1x8x16x32xf32>
}
