// RUN: fmc-opt %s --fmc-convert-graph-to-linalg --split-input-file | FileCheck %s

// Grouped 2-D conv with 2 output channels per group (under 8: a product
// per group would be too thin), a loop nest: the input channel is
// (m floordiv M/groups) * C/groups + c,
// spatial positions o * stride + r * dilation over the zero-padded input.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, (d1 floordiv 2) * 2 + d4, d2 * 2 + d5, d3 * 2 + d6 * 2)>
// CHECK-DAG: #[[F:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 0] high[0, 0, 1, 0]
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[F]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[PAD]], %{{.*}} : tensor<1x4x7x6xf32>, tensor<4x2x3x2xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @conv(%x: tensor<1x4x5x6xf32>, %w: tensor<4x2x3x2xf32>) -> tensor<1x4x3x2xf32> {
  %0 = fmc.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 2>, pad_low = array<i64: 1, 0>, pad_high = array<i64: 1, 0>, groups = 2 : i64} : (tensor<1x4x5x6xf32>, tensor<4x2x3x2xf32>) -> tensor<1x4x3x2xf32>
  return %0 : tensor<1x4x3x2xf32>
}

// -----

// Max pooling reads its padding as -inf (the position o * 2 + r clamped
// into the input, the value selected away past its end) instead of copying
// a padded input; the window extent comes from an empty tensor.
// CHECK-LABEL: func.func @max_pool
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x2x5xf32>
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NOT: tensor.pad
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<2xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}}ins(%[[WIN]] : tensor<2xf32>)
// CHECK: %[[POS:.+]] = arith.subi
// CHECK: %[[IN:.+]] = arith.cmpi ult, %[[POS]], %{{.+}} : index
// CHECK: %[[AT:.+]] = arith.minui %[[POS]], %{{.+}} : index
// CHECK: %[[V:.+]] = tensor.extract %[[X]][%{{.+}}, %{{.+}}, %[[AT]]] : tensor<1x2x5xf32>
// CHECK: %[[S:.+]] = arith.select %[[IN]], %[[V]], %[[NEG]] : f32
// CHECK: arith.maximumf %{{.+}}, %[[S]]
func.func @max_pool(%x: tensor<1x2x5xf32>) -> tensor<1x2x3xf32> {
  %0 = fmc.pool %x {kind = "max", kernel = array<i64: 2>, strides = array<i64: 2>, dilations = array<i64: 1>, pad_low = array<i64: 0>, pad_high = array<i64: 1>} : (tensor<1x2x5xf32>) -> tensor<1x2x3xf32>
  return %0 : tensor<1x2x3xf32>
}

// -----

// Windows that tile the input (stride = kernel, no padding): a patch
// embedding as a matrix product. Patches [2*3*2, 3*4*2] x filter [5, 3*4*2],
// then back to channels first.
// CHECK-LABEL: func.func @patches
// CHECK-SAME: %[[X:.+]]: tensor<2x3x12x4xf32>, %[[W:.+]]: tensor<5x3x4x2xf32>
// CHECK: %[[E:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3], [4, 5]] output_shape [2, 3, 3, 4, 2, 2]
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[E]] : tensor<2x3x3x4x2x2xf32>) outs(%{{.+}} : tensor<2x3x2x3x4x2xf32>) permutation = [0, 2, 4, 1, 3, 5]
// CHECK: %[[L:.+]] = tensor.collapse_shape %[[T]] {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<2x3x2x3x4x2xf32> into tensor<12x24xf32>
// CHECK: %[[R:.+]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : tensor<5x3x4x2xf32> into tensor<5x24xf32>
// CHECK: %[[P:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-SAME: ins(%[[L]], %[[R]] : tensor<12x24xf32>, tensor<5x24xf32>)
// CHECK: %[[U:.+]] = tensor.expand_shape %[[P]] {{\[}}[0, 1, 2], [3]] output_shape [2, 3, 2, 5]
// CHECK: linalg.transpose ins(%[[U]] : tensor<2x3x2x5xf32>) outs(%{{.+}} : tensor<2x5x3x2xf32>) permutation = [0, 3, 1, 2]
func.func @patches(%x: tensor<2x3x12x4xf32>, %w: tensor<5x3x4x2xf32>) -> tensor<2x5x3x2xf32> {
  %0 = fmc.conv %x, %w {strides = array<i64: 4, 2>, dilations = array<i64: 1, 1>, pad_low = array<i64: 0, 0>, pad_high = array<i64: 0, 0>, groups = 1 : i64} : (tensor<2x3x12x4xf32>, tensor<5x3x4x2xf32>) -> tensor<2x5x3x2xf32>
  return %0 : tensor<2x5x3x2xf32>
}

// -----

// Any other conv of one group: the columns col[n, c, r, s, oh, ow] =
// x[n, c, oh * 2 + r * 2 - 1, ow + s - 1] (im2col, stride 2 and dilation 2
// on the rows, zero outside x: the padding is read, never copied) read as
// [N, C*R*S, OH*OW], multiplied by the filter read as [F, C*R*S]:
// out[n, f, o] += w[f, k] * col[n, k, o], channels first.
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @columns
// CHECK-SAME: %[[X:.+]]: tensor<2x3x9x8xf32>, %[[F:.+]]: tensor<5x3x3x3xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[G:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} outs(%{{.+}} : tensor<2x3x3x3x4x8xf32>)
// CHECK-DAG: %[[OH:.+]] = linalg.index 4
// CHECK-DAG: %[[R:.+]] = linalg.index 2
// CHECK: arith.muli %[[OH]], %{{.+}}
// CHECK: arith.muli %[[R]], %{{.+}}
// CHECK: %[[H:.+]] = arith.subi
// CHECK: %[[HIN:.+]] = arith.cmpi ult, %[[H]], %{{.+}} : index
// CHECK: %[[HC:.+]] = arith.minui %[[H]], %{{.+}} : index
// CHECK: %[[WIN:.+]] = arith.cmpi ult
// CHECK: %[[IN:.+]] = arith.andi %[[HIN]], %[[WIN]] : i1
// CHECK: %[[WC:.+]] = arith.minui
// CHECK: %[[V:.+]] = tensor.extract %[[X]][%{{.+}}, %{{.+}}, %[[HC]], %[[WC]]] : tensor<2x3x9x8xf32>
// CHECK: arith.select %[[IN]], %[[V]], %{{.+}} : f32
// CHECK: %[[CM:.+]] = tensor.collapse_shape %[[G]] {{\[}}[0], [1, 2, 3], [4, 5]] : tensor<2x3x3x3x4x8xf32> into tensor<2x27x32xf32>
// CHECK: %[[WM:.+]] = tensor.collapse_shape %[[F]] {{\[}}[0], [1, 2, 3]] : tensor<5x3x3x3xf32> into tensor<5x27xf32>
// CHECK: %[[P:.+]] = linalg.generic {indexing_maps = [#[[W]], #[[C]], #[[O]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%[[WM]], %[[CM]] : tensor<5x27xf32>, tensor<2x27x32xf32>) outs(%{{.+}} : tensor<2x5x32xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.expand_shape %[[P]] {{\[}}[0], [1], [2, 3]] output_shape [2, 5, 4, 8] : tensor<2x5x32xf32> into tensor<2x5x4x8xf32>
func.func @columns(%x: tensor<2x3x9x8xf32>, %w: tensor<5x3x3x3xf32>) -> tensor<2x5x4x8xf32> {
  %0 = fmc.conv %x, %w {strides = array<i64: 2, 1>, dilations = array<i64: 2, 1>, pad_low = array<i64: 1, 1>, pad_high = array<i64: 1, 1>, groups = 1 : i64} : (tensor<2x3x9x8xf32>, tensor<5x3x3x3xf32>) -> tensor<2x5x4x8xf32>
  return %0 : tensor<2x5x4x8xf32>
}

// -----

// A 1 x 1 conv with unit strides and no padding reads its input as the
// columns: no copy.
// CHECK-LABEL: func.func @pointwise
// CHECK-SAME: %[[X:.+]]: tensor<1x4x3x5xf32>, %[[F:.+]]: tensor<6x4x1x1xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[CM:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]] : tensor<1x4x3x5xf32> into tensor<1x4x15xf32>
// CHECK: %[[WM:.+]] = tensor.collapse_shape %[[F]] {{\[}}[0], [1, 2, 3]] : tensor<6x4x1x1xf32> into tensor<6x4xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%[[WM]], %[[CM]] : tensor<6x4xf32>, tensor<1x4x15xf32>) outs(%{{.+}} : tensor<1x6x15xf32>)
func.func @pointwise(%x: tensor<1x4x3x5xf32>, %w: tensor<6x4x1x1xf32>) -> tensor<1x6x3x5xf32> {
  %0 = fmc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_low = array<i64: 0, 0>, pad_high = array<i64: 0, 0>, groups = 1 : i64} : (tensor<1x4x3x5xf32>, tensor<6x4x1x1xf32>) -> tensor<1x6x3x5xf32>
  return %0 : tensor<1x6x3x5xf32>
}

// -----

// Without padding the columns read the input through an affine map.
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3 * 2 + d2)>
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @columns_unpadded
// CHECK: %[[G:.+]] = linalg.generic {indexing_maps = [#[[COL]], #[[ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%{{.+}} : tensor<1x80x31xf32>) outs(%{{.+}} : tensor<1x80x3x15xf32>)
// CHECK: tensor.collapse_shape %[[G]] {{\[}}[0], [1, 2], [3]] : tensor<1x80x3x15xf32> into tensor<1x240x15xf32>
func.func @columns_unpadded(%x: tensor<1x80x31xf32>, %w: tensor<16x80x3xf32>) -> tensor<1x16x15xf32> {
  %0 = fmc.conv %x, %w {strides = array<i64: 2>, dilations = array<i64: 1>, pad_low = array<i64: 0>, pad_high = array<i64: 0>, groups = 1 : i64} : (tensor<1x80x31xf32>, tensor<16x80x3xf32>) -> tensor<1x16x15xf32>
  return %0 : tensor<1x16x15xf32>
}

// -----

// Groups of 8 or more output channels: the input read as [N, G, C/G, H, W],
// the columns [N, G, C/G*R*S, OH*OW], the filter as [G, F/G, C/G*R*S]; the
// product has the group as a batch dim, its [N, G, F/G, O] read as [N, F, O].
// CHECK-DAG: #[[GW:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d3)>
// CHECK-DAG: #[[GC:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[GO:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-LABEL: func.func @grouped_columns
// CHECK-SAME: %[[X:.+]]: tensor<1x16x6x6xf32>, %[[F:.+]]: tensor<32x4x3x3xf32>
// CHECK: %[[XG:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 4, 4, 6, 6]
// CHECK: %[[G:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<1x4x4x3x3x6x6xf32>)
// CHECK: tensor.extract %[[XG]]
// CHECK: %[[CM:.+]] = tensor.collapse_shape %[[G]] {{\[}}[0], [1], [2, 3, 4], [5, 6]] : tensor<1x4x4x3x3x6x6xf32> into tensor<1x4x36x36xf32>
// CHECK: %[[FG:.+]] = tensor.expand_shape %[[F]] {{\[}}[0, 1], [2], [3], [4]] output_shape [4, 8, 4, 3, 3]
// CHECK: %[[WM:.+]] = tensor.collapse_shape %[[FG]] {{\[}}[0], [1], [2, 3, 4]] : tensor<4x8x4x3x3xf32> into tensor<4x8x36xf32>
// CHECK: %[[P:.+]] = linalg.generic {indexing_maps = [#[[GW]], #[[GC]], #[[GO]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]} ins(%[[WM]], %[[CM]] : tensor<4x8x36xf32>, tensor<1x4x36x36xf32>) outs(%{{.+}} : tensor<1x4x8x36xf32>)
// CHECK: %[[PF:.+]] = tensor.collapse_shape %[[P]] {{\[}}[0], [1, 2], [3]] : tensor<1x4x8x36xf32> into tensor<1x32x36xf32>
// CHECK: tensor.expand_shape %[[PF]] {{\[}}[0], [1], [2, 3]] output_shape [1, 32, 6, 6]
func.func @grouped_columns(%x: tensor<1x16x6x6xf32>, %w: tensor<32x4x3x3xf32>) -> tensor<1x32x6x6xf32> {
  %0 = fmc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_low = array<i64: 1, 1>, pad_high = array<i64: 1, 1>, groups = 4 : i64} : (tensor<1x16x6x6xf32>, tensor<32x4x3x3xf32>) -> tensor<1x32x6x6xf32>
  return %0 : tensor<1x32x6x6xf32>
}
