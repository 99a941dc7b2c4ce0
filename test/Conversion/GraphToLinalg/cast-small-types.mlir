// RUN: fmc-opt %s --fmc-convert-graph-to-linalg --split-input-file | FileCheck %s

// A saturating cast clamps to the result's largest finite value in the
// source type (NaN-propagating minimumf/maximumf), then rounds.
// CHECK-LABEL: func.func @saturate
// CHECK:         linalg.generic
// CHECK:           %[[HI:.*]] = arith.constant 4.480000e+02 : f16
// CHECK:           %[[LO:.*]] = arith.constant -4.480000e+02 : f16
// CHECK:           %[[MIN:.*]] = arith.minimumf %{{.*}}, %[[HI]] : f16
// CHECK:           %[[MAX:.*]] = arith.maximumf %[[MIN]], %[[LO]] : f16
// CHECK:           arith.truncf %[[MAX]] : f16 to f8E4M3FN
func.func @saturate(%a: tensor<4xf16>) -> tensor<4xf8E4M3FN> {
  %0 = fmc.cast %a {saturate} : tensor<4xf16> to tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

// Without saturate: a plain rounding truncation.
// CHECK-LABEL: func.func @no_saturate
// CHECK-NOT:     arith.minimumf
// CHECK:         arith.truncf %{{.*}} : f32 to f8E5M2
func.func @no_saturate(%a: tensor<4xf32>) -> tensor<4xf8E5M2> {
  %0 = fmc.cast %a : tensor<4xf32> to tensor<4xf8E5M2>
  return %0 : tensor<4xf8E5M2>
}

// -----

// Floats to 4-bit integers wrap: through i64, then truncated (unsigned
// results too, as signless i4).
// CHECK-LABEL: func.func @to_int4
// CHECK:         %[[W:.*]] = arith.fptosi %{{.*}} : f32 to i64
// CHECK:         arith.trunci %[[W]] : i64 to i4
// CHECK:         %[[W2:.*]] = arith.fptosi %{{.*}} : f32 to i64
// CHECK:         arith.trunci %[[W2]] : i64 to i4
func.func @to_int4(%a: tensor<4xf32>) -> (tensor<4xi4>, tensor<4xui4>) {
  %0 = fmc.cast %a : tensor<4xf32> to tensor<4xi4>
  %1 = fmc.cast %a : tensor<4xf32> to tensor<4xui4>
  return %0, %1 : tensor<4xi4>, tensor<4xui4>
}
