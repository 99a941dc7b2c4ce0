// RUN: fmc-opt %s --fmc-convert-graph-to-linalg --split-input-file | FileCheck %s

// ArgMax carries (best value, best index) through one reduction that starts
// from the first element.
// CHECK-LABEL: func.func @arg_max
// CHECK: %[[FIRST:.*]] = tensor.extract_slice %{{.*}}[0, 0] [2, 1] [1, 1] : tensor<2x5xf32> to tensor<2xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%{{.*}} : tensor<2x5xf32>) outs(%[[FIRST]], %{{.*}} : tensor<2xf32>, tensor<2xi64>)
// CHECK: linalg.index 1
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf uno
// CHECK: linalg.yield
// CHECK: tensor.expand_shape
func.func @arg_max(%x: tensor<2x5xf32>) -> tensor<2x1xi64> {
  %0 = fmc.arg_max %x {axis = 1 : i64, keepdims = true, select_last_index = false} : (tensor<2x5xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// Last index on ties: the comparison is non-strict.
// CHECK-LABEL: func.func @arg_min_last
// CHECK: arith.cmpi sle
func.func @arg_min_last(%x: tensor<5xi32>) -> tensor<i64> {
  %0 = fmc.arg_min %x {axis = 0 : i64, keepdims = false, select_last_index = true} : (tensor<5xi32>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// CumSum: result[i] sums input[k] for k <= i (exclusive: k < i).
// CHECK-LABEL: func.func @cumsum
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: %[[K:.*]] = linalg.index 2
// CHECK: %[[I:.*]] = linalg.index 1
// CHECK: arith.cmpi slt, %[[K]], %[[I]]
func.func @cumsum(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = fmc.cumsum %x {axis = 1 : i64, exclusive = true, reverse = false} : tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_prod
// CHECK: arith.constant 1.000000e+00
// CHECK: linalg.generic
// CHECK: arith.mulf
func.func @reduce_prod(%x: tensor<2x5xf32>) -> tensor<2xf32> {
  %0 = fmc.reduce_prod %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x5xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Einsum: output subscripts are parallel loops, the others reductions.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @einsum
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @einsum(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = fmc.einsum %a, %b {equation = "bij,bjk->bik"} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}
