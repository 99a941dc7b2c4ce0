// RUN: fmc-opt %s | fmc-opt | FileCheck %s

// Round trip of the transformer ops other than attention: norms, skip + norm,
// GELU, SiLU and rotary embeddings.

// CHECK-LABEL: func.func @norms
// CHECK: fmc.rms_norm %{{.*}}, %{{.*}} {axis = 2 : i64, epsilon = 9.99999997E-7 : f32} : (tensor<1x16x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
// CHECK: fmc.rms_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
// CHECK: %{{.*}}, %{{.*}} = fmc.skip_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, rms = false} : (tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x64xf32>)
// CHECK: %{{.*}}, %{{.*}} = fmc.skip_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 2 : i64, epsilon = 9.99999997E-7 : f32, rms = true} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x64xf32>)
func.func @norms(%x: tensor<1x16x64xf32>, %s: tensor<64xf32>, %b: tensor<64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>) {
  %0 = fmc.rms_norm %x, %s {axis = 2 : i64, epsilon = 1.0e-6 : f32} : (tensor<1x16x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %1 = fmc.rms_norm %x, %s, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %2:2 = fmc.skip_norm %0, %1, %s, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32, rms = false} : (tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x64xf32>)
  // The skip broadcasts (a bias-like [hidden] residual).
  %3:2 = fmc.skip_norm %0, %b, %s {axis = 2 : i64, epsilon = 1.0e-6 : f32, rms = true} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x64xf32>)
  return %2#0, %2#1, %3#0, %3#1 : tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>
}

// CHECK-LABEL: func.func @activations
// CHECK: fmc.gelu %{{.*}} : tensor<2x8xf32>
// CHECK: fmc.gelu %{{.*}} {approximate = "tanh"} : tensor<2x8xf32>
// CHECK: fmc.silu %{{.*}} : tensor<2x8xf16>
func.func @activations(%x: tensor<2x8xf32>, %h: tensor<2x8xf16>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf16>) {
  %0 = fmc.gelu %x : tensor<2x8xf32>
  %1 = fmc.gelu %x {approximate = "tanh"} : tensor<2x8xf32>
  %2 = fmc.silu %h : tensor<2x8xf16>
  return %0, %1, %2 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf16>
}

// CHECK-LABEL: func.func @rotary
// CHECK: fmc.rotary %{{.*}}, %{{.*}}, %{{.*}} {interleaved = false} : (tensor<1x4x16x32xf32>, tensor<1x1x16x32xf32>, tensor<1x1x16x32xf32>) -> tensor<1x4x16x32xf32>
// CHECK: fmc.rotary %{{.*}}, %{{.*}}, %{{.*}} {interleaved = true} : (tensor<1x4x16x32xf32>, tensor<16x8xf32>, tensor<16x8xf32>) -> tensor<1x4x16x32xf32>
func.func @rotary(%x: tensor<1x4x16x32xf32>, %c: tensor<1x1x16x32xf32>, %s: tensor<1x1x16x32xf32>, %pc: tensor<16x8xf32>, %ps: tensor<16x8xf32>) -> (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) {
  %0 = fmc.rotary %x, %c, %s {interleaved = false} : (tensor<1x4x16x32xf32>, tensor<1x1x16x32xf32>, tensor<1x1x16x32xf32>) -> tensor<1x4x16x32xf32>
  // Partial rotation: the first 8 of 32 features.
  %1 = fmc.rotary %x, %pc, %ps {interleaved = true} : (tensor<1x4x16x32xf32>, tensor<16x8xf32>, tensor<16x8xf32>) -> tensor<1x4x16x32xf32>
  return %0, %1 : tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>
}
