// RUN: fmc-opt %s --fmc-convert-graph-to-linalg --split-input-file | FileCheck %s

// ScatterND: a loop nest over the updates carrying the result tensor; each
// step reads the q indices (negative ones wrap), combines and inserts.
// CHECK-LABEL: func.func @scatter_add
// CHECK-SAME:    (%[[D:.*]]: tensor<4x3xf32>, %[[I:.*]]: tensor<2x1xi64>, %[[U:.*]]: tensor<2x3xf32>)
// CHECK:         %[[R:.*]] = scf.for %[[P:.*]] = {{.*}} iter_args(%[[T0:.*]] = %[[D]]) -> (tensor<4x3xf32>)
// CHECK:           scf.for %[[C:.*]] = {{.*}} iter_args(%[[T:.*]] = %[[T0]]) -> (tensor<4x3xf32>)
// CHECK:             %[[RAW:.*]] = tensor.extract %[[I]][%[[P]], %{{.*}}] : tensor<2x1xi64>
// CHECK:             %[[IDX:.*]] = arith.index_cast %[[RAW]] : i64 to index
// CHECK:             %[[NEG:.*]] = arith.cmpi slt, %[[IDX]]
// CHECK:             %[[WRAP:.*]] = arith.addi %[[IDX]], %c4
// CHECK:             %[[ROW:.*]] = arith.select %[[NEG]], %[[WRAP]], %[[IDX]]
// CHECK:             %[[UPD:.*]] = tensor.extract %[[U]][%[[P]], %[[C]]]
// CHECK:             %[[OLD:.*]] = tensor.extract %[[T]][%[[ROW]], %[[C]]]
// CHECK:             %[[SUM:.*]] = arith.addf %[[OLD]], %[[UPD]]
// CHECK:             tensor.insert %[[SUM]] into %[[T]][%[[ROW]], %[[C]]]
// CHECK:         return %[[R]]
func.func @scatter_add(%d: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %0 = fmc.scatter_nd %d, %i, %u {reduction = "add"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Without a reduction the update replaces the element (no extract of it).
// CHECK-LABEL: func.func @scatter_none
// CHECK:         %[[UPD:.*]] = tensor.extract %{{.*}} : tensor<2xi32>
// CHECK-NOT:     arith.addi
// CHECK:         tensor.insert %[[UPD]]
func.func @scatter_none(%d: tensor<5xi32>, %i: tensor<2x1xi64>, %u: tensor<2xi32>) -> tensor<5xi32> {
  %0 = fmc.scatter_nd %d, %i, %u {reduction = "none"} : (tensor<5xi32>, tensor<2x1xi64>, tensor<2xi32>) -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// -----

// CHECK-LABEL: func.func @bitcast
// CHECK:         linalg.generic
// CHECK:           arith.bitcast %{{.*}} : f32 to i32
func.func @bitcast(%a: tensor<4xf32>) -> tensor<4xi32> {
  %0 = fmc.bitcast %a : tensor<4xf32> to tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CumProd: the triangular reduction of CumSum with 1 and mulf.
// CHECK-LABEL: func.func @cumprod
// CHECK:         %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:         linalg.fill ins(%[[ONE]] : f32)
// CHECK:         linalg.generic
// CHECK:           arith.cmpi sle
// CHECK:           arith.select
// CHECK:           arith.mulf
func.func @cumprod(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = fmc.cumprod %a {axis = 0 : i64, exclusive = false, reverse = false} : tensor<4xf32>
  return %0 : tensor<4xf32>
}
