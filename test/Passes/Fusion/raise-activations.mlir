// RUN: fmc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(fmc-raise-activations))" | FileCheck %s

// BERT/ViT/Whisper (torch nn.GELU): (x * (1 + erf(x / 1.4142135))) * 0.5.
// CHECK-LABEL: func.func @erf_gelu
// CHECK-SAME:    (%[[X:.*]]: tensor<2x16xf32>)
// CHECK:         %[[Y:.*]] = fmc.gelu %[[X]] : tensor<2x16xf32>
// CHECK-NOT:     fmc.erf
// CHECK:         return %[[Y]]
func.func @erf_gelu(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %s2 = fmc.constant dense<1.41421354> : tensor<f32>
  %one = fmc.constant dense<1.0> : tensor<f32>
  %half = fmc.constant dense<0.5> : tensor<f32>
  %d = fmc.div %x, %s2 : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  %e = fmc.erf %d : tensor<2x16xf32>
  %a = fmc.add %e, %one : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  %m = fmc.mul %x, %a : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %y = fmc.mul %m, %half : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

// GPT-2's NewGELU: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))),
// with the half applied to x first and x^3 as pow.
// CHECK-LABEL: func.func @tanh_gelu_pow
// CHECK:         %[[Y:.*]] = fmc.gelu %arg0 {approximate = "tanh"} : tensor<2x16xf32>
// CHECK-NOT:     fmc.tanh
// CHECK:         return %[[Y]]
func.func @tanh_gelu_pow(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %half = fmc.constant dense<0.5> : tensor<f32>
  %three = fmc.constant dense<3.0> : tensor<f32>
  %c = fmc.constant dense<0.044715> : tensor<f32>
  %k = fmc.constant dense<0.797884583> : tensor<f32>
  %one = fmc.constant dense<1.0> : tensor<f32>
  %hx = fmc.mul %x, %half : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  %p = fmc.pow %x, %three : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  %cp = fmc.mul %p, %c : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  %s = fmc.add %x, %cp : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %ks = fmc.mul %s, %k : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  %t = fmc.tanh %ks : tensor<2x16xf32>
  %a = fmc.add %t, %one : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  %y = fmc.mul %hx, %a : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

// The tanh form with x^3 as x * x * x and constants in other orders; the
// erf form with x * (1 / sqrt(2)) and 0.5 * (x * (1 + erf)).
// CHECK-LABEL: func.func @other_orders
// CHECK:         fmc.gelu %arg0 {approximate = "tanh"}
// CHECK:         fmc.gelu %arg0 : tensor<4xf32>
func.func @other_orders(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %half = fmc.constant dense<0.5> : tensor<f32>
  %c = fmc.constant dense<0.044715> : tensor<f32>
  %k = fmc.constant dense<0.7978846> : tensor<f32>
  %one = fmc.constant dense<1.0> : tensor<f32>
  %r2 = fmc.constant dense<0.70710678> : tensor<f32>
  %x2 = fmc.mul %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %x3 = fmc.mul %x2, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %cx3 = fmc.mul %c, %x3 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %s = fmc.add %cx3, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %ks = fmc.mul %k, %s : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %t = fmc.tanh %ks : tensor<4xf32>
  %a = fmc.add %one, %t : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %xa = fmc.mul %a, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y = fmc.mul %half, %xa : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %d = fmc.mul %r2, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %e = fmc.erf %d : tensor<4xf32>
  %a2 = fmc.add %e, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %xa2 = fmc.mul %x, %a2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y2 = fmc.mul %half, %xa2 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return %y, %y2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// LLaMA's SiLU in SwiGLU: x * sigmoid(x); the product with `up` stays.
// CHECK-LABEL: func.func @swiglu
// CHECK:         %[[S:.*]] = fmc.silu %arg0 : tensor<2x8xf32>
// CHECK:         fmc.mul %[[S]], %arg1
func.func @swiglu(%g: tensor<2x8xf32>, %u: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %s = fmc.sigmoid %g : tensor<2x8xf32>
  %gs = fmc.mul %g, %s : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %y = fmc.mul %gs, %u : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// Near misses, left alone: erf of x / 2; 1 + erf multiplied by another
// tensor; a 0.6 instead of 0.5; a wrong cubic coefficient; y * sigmoid(x);
// a sigmoid also returned.
// CHECK-LABEL: func.func @near_misses
// CHECK-NOT:     fmc.gelu
// CHECK-NOT:     fmc.silu
// CHECK:         return
func.func @near_misses(%x: tensor<4xf32>, %z: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %half = fmc.constant dense<0.5> : tensor<f32>
  %six = fmc.constant dense<0.6> : tensor<f32>
  %two = fmc.constant dense<2.0> : tensor<f32>
  %s2 = fmc.constant dense<1.41421354> : tensor<f32>
  %one = fmc.constant dense<1.0> : tensor<f32>
  %bad = fmc.constant dense<0.05> : tensor<f32>
  %k = fmc.constant dense<0.797884583> : tensor<f32>
  %d0 = fmc.div %x, %two : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %e0 = fmc.erf %d0 : tensor<4xf32>
  %a0 = fmc.add %e0, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %m0 = fmc.mul %x, %a0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y0 = fmc.mul %m0, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %d1 = fmc.div %x, %s2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %e1 = fmc.erf %d1 : tensor<4xf32>
  %a1 = fmc.add %e1, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %m1 = fmc.mul %z, %a1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y1 = fmc.mul %m1, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %d2 = fmc.div %x, %s2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %e2 = fmc.erf %d2 : tensor<4xf32>
  %a2 = fmc.add %e2, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %m2 = fmc.mul %x, %a2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y2 = fmc.mul %m2, %six : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %x2 = fmc.mul %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %x3 = fmc.mul %x2, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %cx3 = fmc.mul %bad, %x3 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %s = fmc.add %cx3, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %ks = fmc.mul %k, %s : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %t = fmc.tanh %ks : tensor<4xf32>
  %a3 = fmc.add %one, %t : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %xa3 = fmc.mul %a3, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y3 = fmc.mul %half, %xa3 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %sg = fmc.sigmoid %x : tensor<4xf32>
  %y4 = fmc.mul %z, %sg : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %sg2 = fmc.sigmoid %z : tensor<4xf32>
  %y5 = fmc.mul %z, %sg2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y0, %y1, %y2, %y3, %y4, %y5, %sg2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
