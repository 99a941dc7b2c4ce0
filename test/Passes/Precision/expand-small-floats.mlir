// RUN: fmc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(fmc-expand-small-floats))" | FileCheck %s

// Decoding f8E4M3FN: field << 20 rebiased by (127 - 7) << 23, subnormals as
// mantissa * 2^-9, the all-ones field is NaN, the sign negates.

// CHECK-LABEL: func.func @decode_e4m3fn(
// CHECK-NOT:     arith.extf
// CHECK:         %[[B8:.*]] = arith.bitcast %{{.*}} : f8E4M3FN to i8
// CHECK:         %[[B:.*]] = arith.extui %[[B8]] : i8 to i32
// CHECK:         arith.constant 1006632960 : i32
// CHECK:         arith.constant 0.001953125 : f32
// CHECK:         %[[NAN:.*]] = arith.constant 0x7FC00000 : f32
// CHECK:         arith.cmpi eq, %{{.*}}, %c127
// CHECK:         arith.select %{{.*}}, %[[NAN]]
// CHECK:         arith.negf
// CHECK-NOT:     arith.extf
// CHECK:         return
func.func @decode_e4m3fn(%a: f8E4M3FN) -> f32 {
  %0 = arith.extf %a : f8E4M3FN to f32
  return %0 : f32
}

// -----

// Encoding f8E5M2FNUZ from f16: through f32, round with (a + c) - c where
// c = 2^(e - 2 + 23) for e clamped to [-15, 16]; overflow (> 57344) and NaN
// give the single NaN pattern 0x80; -0 becomes +0.

// CHECK-LABEL: func.func @encode_e5m2fnuz(
// CHECK:         %[[X:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK:         arith.constant -15 : i32
// CHECK:         arith.maxsi
// CHECK:         arith.constant 16 : i32
// CHECK:         arith.minsi
// CHECK:         %[[C:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:         %[[SUM:.*]] = arith.addf %{{.*}}, %[[C]] : f32
// CHECK:         %[[R:.*]] = arith.subf %[[SUM]], %[[C]] : f32
// CHECK:         %[[MAX:.*]] = arith.constant 5.734400e+04 : f32
// CHECK:         arith.cmpf ogt, %[[R]], %[[MAX]] : f32
// CHECK:         arith.constant 128 : i32
// CHECK:         %[[I:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK:         arith.bitcast %[[I]] : i8 to f8E5M2FNUZ
// CHECK-NOT:     arith.truncf
func.func @encode_e5m2fnuz(%a: f16) -> f8E5M2FNUZ {
  %0 = arith.truncf %a : f16 to f8E5M2FNUZ
  return %0 : f8E5M2FNUZ
}

// -----

// f4E2M1FN has no NaN or infinity: overflow gives the largest value (0x7).

// CHECK-LABEL: func.func @encode_f4(
// CHECK:         arith.constant 6.000000e+00 : f32
// CHECK:         arith.constant 7 : i32
// CHECK:         arith.trunci %{{.*}} : i32 to i4
// CHECK:         arith.bitcast %{{.*}} : i4 to f4E2M1FN
func.func @encode_f4(%a: f32) -> f4E2M1FN {
  %0 = arith.truncf %a : f32 to f4E2M1FN
  return %0 : f4E2M1FN
}

// -----

// Other conversions are left alone.

// CHECK-LABEL: func.func @untouched(
// CHECK:         arith.extf %{{.*}} : f16 to f32
// CHECK:         arith.truncf %{{.*}} : f32 to bf16
func.func @untouched(%a: f16) -> bf16 {
  %0 = arith.extf %a : f16 to f32
  %1 = arith.truncf %0 : f32 to bf16
  return %1 : bf16
}
