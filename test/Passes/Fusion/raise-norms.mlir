// RUN: fmc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(fmc-raise-norms))" | FileCheck %s

// LLaMA's RMSNorm as torch.onnx writes it: pow(x, 2), mean over the last
// dim, + eps, sqrt, 1 / r, x * that, * weight.
// CHECK-LABEL: func.func @llama_rms
// CHECK-SAME:    (%[[X:.*]]: tensor<1x16x64xf32>, %[[W:.*]]: tensor<64xf32>)
// CHECK:         %[[Y:.*]] = fmc.rms_norm %[[X]], %[[W]] {axis = 2 : i64, epsilon = 9.99999997E-7 : f32}
// CHECK-NOT:     fmc.reduce_mean
// CHECK:         return %[[Y]]
func.func @llama_rms(%x: tensor<1x16x64xf32>, %w: tensor<64xf32>) -> tensor<1x16x64xf32> {
  %two = fmc.constant dense<2.0> : tensor<f32>
  %eps = fmc.constant dense<1.0e-6> : tensor<f32>
  %one = fmc.constant dense<1.0> : tensor<f32>
  %sq = fmc.pow %x, %two : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %ms = fmc.reduce_mean %sq {axes = array<i64: 2>, keepdims = true} : (tensor<1x16x64xf32>) -> tensor<1x16x1xf32>
  %a = fmc.add %ms, %eps : (tensor<1x16x1xf32>, tensor<f32>) -> tensor<1x16x1xf32>
  %r = fmc.sqrt %a : tensor<1x16x1xf32>
  %inv = fmc.div %one, %r : (tensor<f32>, tensor<1x16x1xf32>) -> tensor<1x16x1xf32>
  %n = fmc.mul %x, %inv : (tensor<1x16x64xf32>, tensor<1x16x1xf32>) -> tensor<1x16x64xf32>
  %y = fmc.mul %w, %n : (tensor<64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  return %y : tensor<1x16x64xf32>
}

// -----

// Layer norm decomposed (opset < 17 exporters): x - mean, d * d, mean, + eps,
// sqrt, d / r, * gamma + beta, over the last two dims. The residual x + y
// feeding it becomes a skip_norm whose sum replaces the add everywhere.
// CHECK-LABEL: func.func @skip_layer_norm
// CHECK-SAME:    (%[[X:.*]]: tensor<2x4x8xf32>, %[[R:.*]]: tensor<2x4x8xf32>, %[[G:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK:         %[[N:.*]], %[[S:.*]] = fmc.skip_norm %[[X]], %[[R]], %[[G]], %[[B]] {axis = 1 : i64, epsilon = 9.99999974E-6 : f32, rms = false}
// CHECK-NOT:     fmc.reduce_mean
// CHECK:         return %[[N]], %[[S]]
func.func @skip_layer_norm(%x: tensor<2x4x8xf32>, %res: tensor<2x4x8xf32>, %g: tensor<4x8xf32>, %b: tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x8xf32>) {
  %eps = fmc.constant dense<1.0e-5> : tensor<f32>
  %h = fmc.add %x, %res : (tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %m = fmc.reduce_mean %h {axes = array<i64: 1, 2>, keepdims = true} : (tensor<2x4x8xf32>) -> tensor<2x1x1xf32>
  %d = fmc.sub %h, %m : (tensor<2x4x8xf32>, tensor<2x1x1xf32>) -> tensor<2x4x8xf32>
  %sq = fmc.mul %d, %d : (tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %v = fmc.reduce_mean %sq {axes = array<i64: 1, 2>, keepdims = true} : (tensor<2x4x8xf32>) -> tensor<2x1x1xf32>
  %a = fmc.add %v, %eps : (tensor<2x1x1xf32>, tensor<f32>) -> tensor<2x1x1xf32>
  %r = fmc.sqrt %a : tensor<2x1x1xf32>
  %n = fmc.div %d, %r : (tensor<2x4x8xf32>, tensor<2x1x1xf32>) -> tensor<2x4x8xf32>
  %s = fmc.mul %n, %g : (tensor<2x4x8xf32>, tensor<4x8xf32>) -> tensor<2x4x8xf32>
  %y = fmc.add %s, %b : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  return %y, %h : tensor<2x4x8xf32>, tensor<2x4x8xf32>
}

// -----

// No weight: the scale becomes ones; reciprocal(r) form.
// CHECK-LABEL: func.func @rms_no_weight
// CHECK:         %[[ONES:.*]] = fmc.constant dense<1.000000e+00> : tensor<8xf32>
// CHECK:         fmc.rms_norm %{{.*}}, %[[ONES]] {axis = 1 : i64
func.func @rms_no_weight(%x: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %eps = fmc.constant dense<1.0e-5> : tensor<f32>
  %sq = fmc.mul %x, %x : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  %ms = fmc.reduce_mean %sq {axes = array<i64: 1>, keepdims = true} : (tensor<3x8xf32>) -> tensor<3x1xf32>
  %a = fmc.add %eps, %ms : (tensor<f32>, tensor<3x1xf32>) -> tensor<3x1xf32>
  %r = fmc.sqrt %a : tensor<3x1xf32>
  %inv = fmc.reciprocal %r : tensor<3x1xf32>
  %n = fmc.mul %inv, %x : (tensor<3x1xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  return %n : tensor<3x8xf32>
}

// -----

// Near misses, left alone: the mean is over a leading dim; the squares are
// also returned; the epsilon is not a constant; pow by 3; the layer norm's
// centered value is also returned; a "weight" that varies along the rows.
// CHECK-LABEL: func.func @near_misses
// CHECK-NOT:     fmc.rms_norm
// CHECK-NOT:     fmc.layer_norm
// CHECK-NOT:     fmc.skip_norm
// CHECK:         return
func.func @near_misses(%x: tensor<3x8xf32>, %e: tensor<f32>, %w: tensor<3x1xf32>) -> (tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>) {
  %eps = fmc.constant dense<1.0e-5> : tensor<f32>
  %two = fmc.constant dense<2.0> : tensor<f32>
  %three = fmc.constant dense<3.0> : tensor<f32>
  // Mean over dim 0.
  %sq0 = fmc.mul %x, %x : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  %ms0 = fmc.reduce_mean %sq0 {axes = array<i64: 0>, keepdims = true} : (tensor<3x8xf32>) -> tensor<1x8xf32>
  %a0 = fmc.add %ms0, %eps : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %r0 = fmc.sqrt %a0 : tensor<1x8xf32>
  %n0 = fmc.div %x, %r0 : (tensor<3x8xf32>, tensor<1x8xf32>) -> tensor<3x8xf32>
  // Squares with another use.
  %sq1 = fmc.pow %x, %two : (tensor<3x8xf32>, tensor<f32>) -> tensor<3x8xf32>
  %ms1 = fmc.reduce_mean %sq1 {axes = array<i64: 1>, keepdims = true} : (tensor<3x8xf32>) -> tensor<3x1xf32>
  %a1 = fmc.add %ms1, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %r1 = fmc.sqrt %a1 : tensor<3x1xf32>
  %n1 = fmc.div %x, %r1 : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32>
  // Epsilon from an argument.
  %sq2 = fmc.mul %x, %x : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  %ms2 = fmc.reduce_mean %sq2 {axes = array<i64: 1>, keepdims = true} : (tensor<3x8xf32>) -> tensor<3x1xf32>
  %a2 = fmc.add %ms2, %e : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %r2 = fmc.sqrt %a2 : tensor<3x1xf32>
  %n2 = fmc.div %x, %r2 : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32>
  // Cubes.
  %sq3 = fmc.pow %x, %three : (tensor<3x8xf32>, tensor<f32>) -> tensor<3x8xf32>
  %ms3 = fmc.reduce_mean %sq3 {axes = array<i64: 1>, keepdims = true} : (tensor<3x8xf32>) -> tensor<3x1xf32>
  %a3 = fmc.add %ms3, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %r3 = fmc.sqrt %a3 : tensor<3x1xf32>
  %n3 = fmc.div %x, %r3 : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32>
  // Layer norm whose centered value is also returned.
  %m4 = fmc.reduce_mean %x {axes = array<i64: 1>, keepdims = true} : (tensor<3x8xf32>) -> tensor<3x1xf32>
  %d4 = fmc.sub %x, %m4 : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32>
  %sq4 = fmc.mul %d4, %d4 : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  %ms4 = fmc.reduce_mean %sq4 {axes = array<i64: 1>, keepdims = true} : (tensor<3x8xf32>) -> tensor<3x1xf32>
  %a4 = fmc.add %ms4, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %r4 = fmc.sqrt %a4 : tensor<3x1xf32>
  %n4 = fmc.div %d4, %r4 : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32>
  return %n0, %sq1, %n1, %n2, %n3, %n4, %d4 : tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>
}

// -----

// A per-row factor after the norm is not a weight: the norm is raised
// without it (ones), and the multiply stays.
// CHECK-LABEL: func.func @row_factor
// CHECK:         %[[N:.*]] = fmc.rms_norm
// CHECK:         fmc.mul %[[N]], %{{.*}} : (tensor<3x8xf32>, tensor<3x1xf32>)
func.func @row_factor(%x: tensor<3x8xf32>, %w: tensor<3x1xf32>) -> tensor<3x8xf32> {
  %eps = fmc.constant dense<1.0e-5> : tensor<f32>
  %sq = fmc.mul %x, %x : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  %ms = fmc.reduce_mean %sq {axes = array<i64: 1>, keepdims = true} : (tensor<3x8xf32>) -> tensor<3x1xf32>
  %a = fmc.add %ms, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %r = fmc.sqrt %a : tensor<3x1xf32>
  %n = fmc.div %x, %r : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32>
  %y = fmc.mul %n, %w : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}
