// RUN: fmc-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(fmc-convert-graph-to-linalg))' | FileCheck %s

// Pow with an exponent of another type: converted to the base's type.
// CHECK-LABEL: func.func @pow_f16_exponent
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: math.powf
func.func @pow_f16_exponent(%a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  %0 = fmc.pow %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @pow_int_base_float_exponent
// CHECK: arith.sitofp %{{.*}} : i32 to f32
// CHECK: math.powf
// CHECK: arith.fptosi %{{.*}} : f32 to i32
func.func @pow_int_base_float_exponent(%a: tensor<3xi32>, %b: tensor<3xf32>) -> tensor<3xi32> {
  %0 = fmc.pow %a, %b : (tensor<3xi32>, tensor<3xf32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// CHECK-LABEL: func.func @pow_int_widths
// CHECK: arith.trunci %{{.*}} : i64 to i32
// CHECK: math.ipowi %{{.*}}, %{{.*}} : i32
func.func @pow_int_widths(%a: tensor<3xi32>, %b: tensor<3xi64>) -> tensor<3xi32> {
  %0 = fmc.pow %a, %b : (tensor<3xi32>, tensor<3xi64>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// An empty slice is an empty tensor (no out-of-bounds extract_slice).
// CHECK-LABEL: func.func @empty_slice
// CHECK: %[[E:.*]] = tensor.empty() : tensor<0x10xf32>
// CHECK: return %[[E]]
func.func @empty_slice(%a: tensor<4x10xf32>) -> tensor<0x10xf32> {
  %0 = fmc.slice %a {offsets = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<4x10xf32> -> tensor<0x10xf32>
  return %0 : tensor<0x10xf32>
}

// -----

// A static fmc.shape that canonicalization did not fold is a constant.
// CHECK-LABEL: func.func @static_shape
// CHECK: arith.constant dense<[4, 10]> : tensor<2xi64>
func.func @static_shape(%a: tensor<4x10xf32>) -> tensor<2xi64> {
  %0 = fmc.shape %a : tensor<4x10xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @int_mean(%a: tensor<4x10xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{integer reduce_mean is not supported yet}}
  %0 = fmc.reduce_mean %a {axes = array<i64: 1>, keepdims = false} : (tensor<4x10xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}
