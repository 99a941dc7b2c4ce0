// RUN: fmc-opt %s --fmc-convert-graph-to-linalg --split-input-file | FileCheck %s

// Python-style integer remainder: the truncated remainder is moved to the
// divisor's sign.
// CHECK-LABEL: func.func @mod
// CHECK: linalg.generic
// CHECK: %[[REM:.*]] = arith.remsi %[[A:.*]], %[[B:.*]] : i32
// CHECK: arith.cmpi slt, %[[REM]]
// CHECK: arith.cmpi slt, %[[B]]
// CHECK: %[[FIXED:.*]] = arith.addi %[[REM]], %[[B]]
// CHECK: arith.select %{{.*}}, %[[FIXED]], %[[REM]]
func.func @mod(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = fmc.mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Arithmetic right shift of signed values; out-of-range amounts saturate.
// CHECK-LABEL: func.func @shift_right
// CHECK: %[[SH:.*]] = arith.shrsi
// CHECK: %[[FAR:.*]] = arith.cmpi uge
// CHECK: arith.select %[[FAR]], %{{.*}}, %[[SH]]
func.func @shift_right(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %0 = fmc.shift_right %a, %b : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// CHECK-LABEL: func.func @unary
// CHECK: math.ceil
// CHECK: math.roundeven
// CHECK: math.atanh
// CHECK: arith.cmpf uno
func.func @unary(%x: tensor<4xf32>) -> tensor<4xi1> {
  %0 = fmc.ceil %x : tensor<4xf32>
  %1 = fmc.round %0 : tensor<4xf32>
  %2 = fmc.atanh %1 : tensor<4xf32>
  %3 = fmc.is_nan %2 : tensor<4xf32> -> tensor<4xi1>
  return %3 : tensor<4xi1>
}

// -----

// Sign: 1 above zero, -1 below, x itself (zero or NaN) otherwise.
// CHECK-LABEL: func.func @sign
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.0
// CHECK-DAG: %[[M1:.*]] = arith.constant -1.0
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[X:.*]], %{{.*}}
// CHECK: %[[NEG:.*]] = arith.cmpf olt, %[[X]]
// CHECK: %[[IN:.*]] = arith.select %[[NEG]], %[[M1]], %[[X]]
// CHECK: arith.select %[[POS]], %[[ONE]], %[[IN]]
func.func @sign(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = fmc.sign %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
