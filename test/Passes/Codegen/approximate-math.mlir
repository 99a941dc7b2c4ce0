// RUN: fmc-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fmc-approximate-math))' | FileCheck %s
// RUN: fmc-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fmc-approximate-math{fma=false}))' | FileCheck %s --check-prefix=NOFMA

// Without FMA on the target, the polynomials multiply and add (math.fma
// would become fmaf calls).
// NOFMA-LABEL: func.func @erf
// NOFMA-NOT: math.fma
// NOFMA: arith.mulf
// NOFMA: arith.addf
// NOFMA-NOT: math.fma
// NOFMA-LABEL: func.func

// CHECK-LABEL: func.func @erf
// CHECK-SAME:    (%[[X:.*]]: f32)
// CHECK-NOT:     math.erf
// erf is odd: the polynomial is evaluated on |x| and the sign restored.
// CHECK:         %[[NEG:.*]] = arith.cmpf olt, %[[X]], %{{.*}} : f32
// CHECK:         math.fma
// CHECK:         arith.select %[[NEG]]
// CHECK-NOT:     math.erf
// CHECK:         return
func.func @erf(%x: f32) -> f32 {
  %0 = math.erf %x : f32
  return %0 : f32
}

// -----

// CHECK-LABEL: func.func @tanh
// CHECK-NOT:     math.tanh
// CHECK:         math.fma %{{.*}} : f32
// CHECK-NOT:     math.tanh
// CHECK:         arith.select
// CHECK-NOT:     math.tanh
// CHECK:         return
func.func @tanh(%x: f32) -> f32 {
  %0 = math.tanh %x : f32
  return %0 : f32
}

// -----

// Vectors are approximated elementwise in vector form.
// CHECK-LABEL: func.func @exp_vector
// CHECK-SAME:    (%[[V:.*]]: vector<8xf32>)
// CHECK-NOT:     math.exp
// CHECK:         math.fma %{{.*}} : vector<8xf32>
// CHECK:         math.floor %{{.*}} : vector<8xf32>
// CHECK-NOT:     math.exp
// CHECK:         return %{{.*}} : vector<8xf32>
func.func @exp_vector(%v: vector<8xf32>) -> vector<8xf32> {
  %0 = math.exp %v : vector<8xf32>
  return %0 : vector<8xf32>
}

// -----

// CHECK-LABEL: func.func @log
// CHECK-NOT:     math.log
// CHECK:         math.fma
// CHECK-NOT:     math.log
// CHECK:         return
func.func @log(%x: f32) -> f32 {
  %0 = math.log %x : f32
  return %0 : f32
}

// -----

// f16 is computed in f32.
// CHECK-LABEL: func.func @tanh_f16
// CHECK-SAME:    (%[[H:.*]]: f16)
// CHECK:         %[[W:.*]] = arith.extf %[[H]] : f16 to f32
// CHECK-NOT:     math.tanh
// CHECK:         math.fma %{{.*}} : f32
// CHECK:         %[[N:.*]] = arith.truncf %{{.*}} : f32 to f16
// CHECK:         return %[[N]] : f16
func.func @tanh_f16(%h: f16) -> f16 {
  %0 = math.tanh %h : f16
  return %0 : f16
}

// -----

// Ops the hardware has stay.
// CHECK-LABEL: func.func @sqrt_kept
// CHECK-SAME:    (%[[X:.*]]: f32)
// CHECK-NEXT:    %[[S:.*]] = math.sqrt %[[X]] : f32
// CHECK-NEXT:    return %[[S]]
func.func @sqrt_kept(%x: f32) -> f32 {
  %0 = math.sqrt %x : f32
  return %0 : f32
}

// -----

// Functions without an intrinsic or a polynomial are expanded into exp/log
// expressions, which are then approximated.
// CHECK-LABEL: func.func @hyperbolic
// CHECK-NOT:     math.sinh
// CHECK-NOT:     math.atanh
// CHECK-NOT:     math.tan
// CHECK-NOT:     math.exp
// CHECK:         return
func.func @hyperbolic(%x: f32) -> f32 {
  %0 = math.sinh %x : f32
  %1 = math.atanh %0 : f32
  %2 = math.tan %1 : f32
  return %2 : f32
}
