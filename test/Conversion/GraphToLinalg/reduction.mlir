// RUN: fmc-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fmc-convert-graph-to-linalg))' | FileCheck %s

// Reduced dims are "reduction" iterators and absent from the output map.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$MID:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @reduce_sum
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3x4xf32>)
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<3xf32>
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<3xf32>)
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$MID]]], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[A]] : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<3xf32>)
// CHECK:         ^bb0(%[[X:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[X]] : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK:         return %[[R]] : tensor<3xf32>
func.func @reduce_sum(%a: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %0 = fmc.reduce_sum %a {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// The mean divides the sum by the number of reduced elements (4); keepdims
// expands the reduced tensor back.
// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @reduce_mean_keepdims
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3x4xf32>)
// CHECK:         %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[A]] : tensor<2x3x4xf32>)
// CHECK:           arith.addf
// CHECK:         %[[MEAN:.*]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:        ins(%[[SUM]] : tensor<2x3xf32>)
// CHECK:         ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[N:.*]] = arith.constant 4.000000e+00 : f32
// CHECK-NEXT:      %[[D:.*]] = arith.divf %[[X]], %[[N]] : f32
// CHECK-NEXT:      linalg.yield %[[D]] : f32
// CHECK:         %[[R:.*]] = tensor.expand_shape %[[MEAN]] {{\[}}[0], [1, 2]] output_shape [2, 3, 1] : tensor<2x3xf32> into tensor<2x3x1xf32>
// CHECK:         return %[[R]]
func.func @reduce_mean_keepdims(%a: tensor<2x3x4xf32>) -> tensor<2x3x1xf32> {
  %0 = fmc.reduce_mean %a {axes = array<i64: 2>, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

// Two reduced axes: the count is 2 * 4.
// CHECK-LABEL: func.func @reduce_mean_two_axes
// CHECK:           arith.addf
// CHECK:         ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[N:.*]] = arith.constant 8.000000e+00 : f32
// CHECK-NEXT:      arith.divf %[[X]], %[[N]] : f32
func.func @reduce_mean_two_axes(%a: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %0 = fmc.reduce_mean %a {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Max/min start from the identity of the combiner.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROWS:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$ALL:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @reduce_max_min
// CHECK-SAME:    (%[[I:.*]]: tensor<5x6xi32>, %[[F:.*]]: tensor<5x6xf32>)
// CHECK:         %[[IMIN:.*]] = arith.constant -2147483648 : i32
// CHECK:         %[[INIT0:.*]] = linalg.fill ins(%[[IMIN]] : i32) outs(%{{.*}} : tensor<5xi32>)
// CHECK:         %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROWS]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME:        ins(%[[I]] : tensor<5x6xi32>) outs(%[[INIT0]] : tensor<5xi32>)
// CHECK:         ^bb0(%[[X:.*]]: i32, %[[ACC:.*]]: i32):
// CHECK-NEXT:      %[[M:.*]] = arith.maxsi %[[ACC]], %[[X]] : i32
// CHECK-NEXT:      linalg.yield %[[M]] : i32
// CHECK:         %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK:         %[[INIT1:.*]] = linalg.fill ins(%[[INF]] : f32) outs(%{{.*}} : tensor<f32>)
// CHECK:         %[[MIN:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ALL]]], iterator_types = ["reduction", "reduction"]}
// CHECK-SAME:        ins(%[[F]] : tensor<5x6xf32>) outs(%[[INIT1]] : tensor<f32>)
// CHECK:           arith.minimumf
// CHECK:         %[[KEPT:.*]] = tensor.expand_shape %[[MIN]] [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
// CHECK:         return %[[MAX]], %[[KEPT]]
func.func @reduce_max_min(%i: tensor<5x6xi32>, %f: tensor<5x6xf32>) -> (tensor<5xi32>, tensor<1x1xf32>) {
  %0 = fmc.reduce_max %i {axes = array<i64: 1>, keepdims = false} : (tensor<5x6xi32>) -> tensor<5xi32>
  %1 = fmc.reduce_min %f {axes = array<i64: 0, 1>, keepdims = true} : (tensor<5x6xf32>) -> tensor<1x1xf32>
  return %0, %1 : tensor<5xi32>, tensor<1x1xf32>
}

// -----

// softmax = exp(x - max) / sum(exp(x - max)); the elementwise steps read
// the reductions by row (no reshape between them, so that they tile by
// rows together).
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROWS:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK-SAME:    (%[[A:.*]]: tensor<2x8xf32>)
// CHECK:         %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:         %[[MINIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<2xf32>)
// CHECK:         %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROWS]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME:        ins(%[[A]] : tensor<2x8xf32>) outs(%[[MINIT]] : tensor<2xf32>)
// CHECK:           arith.maximumf
// CHECK-NOT:     tensor.expand_shape
// CHECK:         %[[EXP:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROWS]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:        ins(%[[A]], %[[MAX]] : tensor<2x8xf32>, tensor<2xf32>)
// CHECK:         ^bb0(%[[X:.*]]: f32, %[[M:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[D:.*]] = arith.subf %[[X]], %[[M]] : f32
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[D]] : f32
// CHECK-NEXT:      linalg.yield %[[E]] : f32
// CHECK:         %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROWS]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME:        ins(%[[EXP]] : tensor<2x8xf32>)
// CHECK:           arith.addf
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROWS]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:        ins(%[[EXP]], %[[SUM]] : tensor<2x8xf32>, tensor<2xf32>)
// CHECK:         ^bb0(%[[N:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[Q:.*]] = arith.divf %[[N]], %[[S]] : f32
// CHECK-NEXT:      linalg.yield %[[Q]] : f32
// CHECK:         return %[[R]]
func.func @softmax(%a: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = fmc.softmax %a {axis = 1 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Softmax over a leading axis: the reductions are read by column.
// CHECK-DAG: #[[$COLS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @softmax_axis0
// CHECK:         linalg.generic {{.*}}, #[[$COLS]]], iterator_types = ["reduction", "parallel"]
// CHECK:         linalg.generic {{.*}}, #[[$COLS]], {{.*}}
// CHECK:           math.exp
func.func @softmax_axis0(%a: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = fmc.softmax %a {axis = 0 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// y = (x - mean) * rsqrt(var + eps) * scale + bias, over the last dim; the
// means are the sums divided by the count where they are read (by row).
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ROWS:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$LAST:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @layer_norm_bias
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>, %[[SCALE:.*]]: tensor<4xf32>, %[[BIAS:.*]]: tensor<4xf32>)
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:        ins(%[[X]] : tensor<2x3x4xf32>)
// CHECK:         %[[CENTERED:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROWS]], #[[$ID]]]
// CHECK-SAME:        ins(%[[X]], %[[SUM]] : tensor<2x3x4xf32>, tensor<2x3xf32>)
// CHECK:         ^bb0(%[[XS:.*]]: f32, %[[SS0:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[N0:.*]] = arith.constant 4.000000e+00 : f32
// CHECK-NEXT:      %[[MEAN:.*]] = arith.divf %[[SS0]], %[[N0]] : f32
// CHECK-NEXT:      arith.subf %[[XS]], %[[MEAN]] : f32
// CHECK:         %[[SQ:.*]] = linalg.generic
// CHECK-SAME:        ins(%[[CENTERED]] : tensor<2x3x4xf32>)
// CHECK:         ^bb0(%[[C:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      arith.mulf %[[C]], %[[C]] : f32
// CHECK:         %[[VSUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:        ins(%[[SQ]] : tensor<2x3x4xf32>)
// CHECK-NOT:     tensor.expand_shape
// CHECK:         %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROWS]], #[[$LAST]], #[[$LAST]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME:        ins(%[[CENTERED]], %[[VSUM]], %[[SCALE]], %[[BIAS]] : tensor<2x3x4xf32>, tensor<2x3xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK:         ^bb0(%[[CS:.*]]: f32, %[[VS:.*]]: f32, %[[SS:.*]]: f32, %[[BS:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// CHECK-NEXT:      %[[N:.*]] = arith.constant 4.000000e+00 : f32
// CHECK-NEXT:      %[[VAR:.*]] = arith.divf %[[VS]], %[[N]] : f32
// CHECK-NEXT:      %[[VE:.*]] = arith.addf %[[VAR]], %[[EPS]] : f32
// CHECK-NEXT:      %[[INV:.*]] = math.rsqrt %[[VE]] : f32
// CHECK-NEXT:      %[[NORM:.*]] = arith.mulf %[[CS]], %[[INV]] : f32
// CHECK-NEXT:      %[[SCALED:.*]] = arith.mulf %[[NORM]], %[[SS]] : f32
// CHECK-NEXT:      %[[OUT:.*]] = arith.addf %[[SCALED]], %[[BS]] : f32
// CHECK-NEXT:      linalg.yield %[[OUT]] : f32
// CHECK:         return %[[Y]]
func.func @layer_norm_bias(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %0 = fmc.layer_norm %x, %s, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Without bias, over the two trailing dims (12 elements).
// CHECK-DAG: #[[$ROWS:.+]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[$TRAIL:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @layer_norm_no_bias
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>, %[[SCALE:.*]]: tensor<3x4xf32>)
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]
// CHECK:           arith.constant 1.200000e+01 : f32
// CHECK:         %[[Y:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[$ROWS]], #[[$TRAIL]], #{{[a-z0-9]+}}]
// CHECK-SAME:        ins(%{{.*}}, %{{.*}}, %[[SCALE]] : tensor<2x3x4xf32>, tensor<2xf32>, tensor<3x4xf32>)
// CHECK:           math.rsqrt
// CHECK:           %[[NORM:.*]] = arith.mulf
// CHECK-NEXT:      %[[SCALED:.*]] = arith.mulf %[[NORM]]
// CHECK-NEXT:      linalg.yield %[[SCALED]] : f32
// CHECK:         return %[[Y]]
func.func @layer_norm_no_bias(%x: tensor<2x3x4xf32>, %s: tensor<3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = fmc.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}
