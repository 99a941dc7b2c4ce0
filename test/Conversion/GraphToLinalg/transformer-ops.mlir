// RUN: fmc-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fmc-convert-graph-to-linalg))' | FileCheck %s

// RMS norm: no mean is subtracted; sum of squares / count (where it is
// read), then x * rsqrt(ms + eps) * scale.
// CHECK-LABEL: func.func @rms_norm
// CHECK-NOT: arith.subf
// CHECK: arith.mulf %[[A:.+]], %[[A]] : f32
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.constant 9.99999997E-7 : f32
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: math.rsqrt
// CHECK-NOT: arith.addf %{{.*}}, %in_
// CHECK: return
func.func @rms_norm(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<2x8xf32> {
  %0 = fmc.rms_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-6 : f32} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Skip + layer norm: the sum is computed once and is the second result; the
// norm subtracts the mean of the sum.
// CHECK-LABEL: func.func @skip_norm
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} ins(%arg0, %arg1 :
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] :
// CHECK: arith.subf
// CHECK: %[[NORM:.+]] = linalg.generic {{.*}} ins({{.*}}, %arg2, %arg3 :
// CHECK: math.rsqrt
// CHECK: return %[[NORM]], %[[SUM]]
func.func @skip_norm(%x: tensor<2x8xf32>, %k: tensor<2x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %0:2 = fmc.skip_norm %x, %k, %s, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32, rms = false} : (tensor<2x8xf32>, tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>)
  return %0#0, %0#1 : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// GELU (erf and tanh forms) and SiLU, one elementwise generic each.
// CHECK-LABEL: func.func @activations
// CHECK: arith.constant 0.707106769 : f32
// CHECK: math.erf
// CHECK: arith.constant 4.471500e-02 : f32
// CHECK: arith.constant 0.797884583 : f32
// CHECK: math.tanh
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: arith.divf %in, %{{.*}} : f32
func.func @activations(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  %0 = fmc.gelu %x : tensor<2x8xf32>
  %1 = fmc.gelu %x {approximate = "tanh"} : tensor<2x8xf32>
  %2 = fmc.silu %x : tensor<2x8xf32>
  return %0, %1, %2 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// Rotary over the first 6 of 8 features, half-split: the partner of d is
// d + 3 or d - 3, negated in the first half; cos/sin are read at the
// position (dim 2) and feature; d >= 6 passes through.
// CHECK-LABEL: func.func @rotary
// CHECK: %[[P:.+]] = linalg.index 2 : index
// CHECK: %[[D:.+]] = linalg.index 3 : index
// CHECK: %[[IN:.+]] = arith.cmpi ult, %[[D]], %c6
// CHECK: %[[DC:.+]] = arith.minui %[[D]], %c5
// CHECK: %[[NEG:.+]] = arith.cmpi ult, %[[DC]], %c3
// CHECK: %[[PART:.+]] = arith.select %[[NEG]]
// CHECK: tensor.extract %arg0[%{{.*}}, %{{.*}}, %[[P]], %[[PART]]]
// CHECK: tensor.extract %arg1[%[[P]], %[[DC]]]
// CHECK: tensor.extract %arg2[%[[P]], %[[DC]]]
// CHECK: arith.select %[[IN]]
func.func @rotary(%x: tensor<1x2x4x8xf32>, %c: tensor<4x6xf32>, %s: tensor<4x6xf32>) -> tensor<1x2x4x8xf32> {
  %0 = fmc.rotary %x, %c, %s {interleaved = false} : (tensor<1x2x4x8xf32>, tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

// Interleaved: the partner is d xor 1, negated at even d.
// CHECK-LABEL: func.func @rotary_interleaved
// CHECK: %[[D:.+]] = linalg.index 2 : index
// CHECK: %[[DC:.+]] = arith.minui %[[D]], %c7
// CHECK: %[[LOW:.+]] = arith.andi %[[DC]], %c1
// CHECK: arith.cmpi eq, %[[LOW]], %c0
// CHECK: arith.xori %[[DC]], %c1
func.func @rotary_interleaved(%x: tensor<2x4x8xf32>, %c: tensor<4x8xf32>, %s: tensor<4x8xf32>) -> tensor<2x4x8xf32> {
  %0 = fmc.rotary %x, %c, %s {interleaved = true} : (tensor<2x4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<2x4x8xf32>
  return %0 : tensor<2x4x8xf32>
}
