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

// Decoding with a KV cache: the past goes in, the presents (cache + new)
// come out.
// CHECK-LABEL: func.func @kv_cache
// CHECK: %{{.*}}, %{{.*}}:2 = fmc.attention %{{.*}}, %{{.*}}, %{{.*}} past %{{.*}}, %{{.*}} {causal = true, scale = 1.250000e-01 : f64} : (tensor<1x8x1x64xf32>, tensor<1x2x1x64xf32>, tensor<1x2x1x32xf32>, tensor<1x2x7x64xf32>, tensor<1x2x7x32xf32>) -> (tensor<1x8x1x32xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x32xf32>)
func.func @kv_cache(%q: tensor<1x8x1x64xf32>, %k: tensor<1x2x1x64xf32>, %v: tensor<1x2x1x32xf32>, %pk: tensor<1x2x7x64xf32>, %pv: tensor<1x2x7x32xf32>) -> (tensor<1x8x1x32xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x32xf32>) {
  %0:3 = fmc.attention %q, %k, %v past %pk, %pv {causal = true, scale = 0.125 : f64} : (tensor<1x8x1x64xf32>, tensor<1x2x1x64xf32>, tensor<1x2x1x32xf32>, tensor<1x2x7x64xf32>, tensor<1x2x7x32xf32>) -> (tensor<1x8x1x32xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x32xf32>)
  return %0#0, %0#1, %0#2 : tensor<1x8x1x32xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x32xf32>
}
