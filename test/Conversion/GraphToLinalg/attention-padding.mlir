// RUN: fmc-opt %s --fmc-convert-graph-to-linalg="attention-query-tile=4 attention-key-tile=4" -cse | FileCheck %s

// S = T = 7 has no divisor near the 4-blocks: queries, keys, values and the
// mask's S and T dims are padded to 8, padded keys are hidden (j >= 7 ->
// -inf) and the result is the first 7 rows.
// CHECK-LABEL: func.func @prime
// CHECK-DAG: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 0]
// CHECK-DAG: tensor.pad %{{.+}} low[0, 0] high[1, 0]
// CHECK-DAG: tensor.pad %{{.+}} low[0, 0] high[0, 1]
// CHECK: scf.for
// CHECK: arith.cmpi uge, %{{.+}}, %c7
// CHECK: tensor.extract_slice %{{.+}}[0, 0, 0, 0] [1, 2, 7, 16] [1, 1, 1, 1] : tensor<1x2x8x16xf32> to tensor<1x2x7x16xf32>
func.func @prime(%q: tensor<1x2x7x16xf32>, %k: tensor<1x2x7x16xf32>, %v: tensor<1x2x7x16xf32>, %m: tensor<7x7xf32>) -> tensor<1x2x7x16xf32> {
  %0 = fmc.attention %q, %k, %v mask %m {causal = false, scale = 0.25 : f64} : (tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>, tensor<7x7xf32>) -> tensor<1x2x7x16xf32>
  return %0 : tensor<1x2x7x16xf32>
}

// A scalar mask has no sequence dims to pad.
// CHECK-LABEL: func.func @scalar_mask
// CHECK-NOT: tensor.pad %{{.+}} : tensor<f32>
// CHECK: tensor.extract_slice
func.func @scalar_mask(%q: tensor<1x1x7x16xf32>, %k: tensor<1x1x7x16xf32>, %v: tensor<1x1x7x16xf32>, %m: tensor<f32>) -> tensor<1x1x7x16xf32> {
  %0 = fmc.attention %q, %k, %v mask %m {causal = false, scale = 0.25 : f64} : (tensor<1x1x7x16xf32>, tensor<1x1x7x16xf32>, tensor<1x1x7x16xf32>, tensor<f32>) -> tensor<1x1x7x16xf32>
  return %0 : tensor<1x1x7x16xf32>
}
