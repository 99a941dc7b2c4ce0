// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-fold-transposes))' --split-input-file | FileCheck %s

// LLaMA's rotary embedding of the query: the projection [B, S, H, D] is
// transposed to [B, H, S, D], and one generic reads the copy both as its
// input and, rotated half a row, through tensor.extract. Both read the
// projection instead: the input's map permuted to (b, s, h, d), the
// extract's indices swapped; the transpose goes.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[PERM:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1, d3)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @rotary_query
// CHECK-SAME: (%[[P:.+]]: tensor<1x16x4x8xf32>
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[PERM]], #[[ID]]], {{.*}} ins(%[[P]] : tensor<1x16x4x8xf32>)
// CHECK: %[[H:.+]] = linalg.index 1 : index
// CHECK: %[[S:.+]] = linalg.index 2 : index
// CHECK: tensor.extract %[[P]][%c0, %[[S]], %[[H]], %{{.+}}] : tensor<1x16x4x8xf32>
// CHECK-NOT: linalg.transpose
func.func @rotary_query(%p: tensor<1x16x4x8xf32>, %cos: tensor<16x8xf32>) -> tensor<1x4x16x8xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %init = tensor.empty() : tensor<1x4x16x8xf32>
  %t = linalg.transpose ins(%p : tensor<1x16x4x8xf32>) outs(%init : tensor<1x4x16x8xf32>) permutation = [0, 2, 1, 3]
  %out = tensor.empty() : tensor<1x4x16x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%t : tensor<1x4x16x8xf32>) outs(%out : tensor<1x4x16x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %h = linalg.index 1 : index
    %s = linalg.index 2 : index
    %d = linalg.index 3 : index
    %half = arith.remui %d, %c4 : index
    %other = arith.addi %half, %c4 : index
    %y = tensor.extract %t[%c0, %h, %s, %other] : tensor<1x4x16x8xf32>
    %c = tensor.extract %cos[%s, %d] : tensor<16x8xf32>
    %xc = arith.mulf %x, %c : f32
    %sum = arith.addf %xc, %y : f32
    linalg.yield %sum : f32
  } -> tensor<1x4x16x8xf32>
  return %r : tensor<1x4x16x8xf32>
}

// -----

// Kept: a transpose that something else also uses (here the return), and
// transposes that move the last dim (their readers would stride).
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-3: linalg.transpose
func.func @kept(%p: tensor<1x16x4x8xf32>, %q: tensor<2x8xf32>) -> (tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x16x8x4xf32>, tensor<8x2xf32>) {
  %init = tensor.empty() : tensor<1x4x16x8xf32>
  %t = linalg.transpose ins(%p : tensor<1x16x4x8xf32>) outs(%init : tensor<1x4x16x8xf32>) permutation = [0, 2, 1, 3]
  %out = tensor.empty() : tensor<1x4x16x8xf32>
  %e = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%t : tensor<1x4x16x8xf32>) outs(%out : tensor<1x4x16x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<1x4x16x8xf32>
  %init2 = tensor.empty() : tensor<1x16x8x4xf32>
  %u = linalg.transpose ins(%p : tensor<1x16x4x8xf32>) outs(%init2 : tensor<1x16x8x4xf32>) permutation = [0, 1, 3, 2]
  %init3 = tensor.empty() : tensor<8x2xf32>
  %v = linalg.transpose ins(%q : tensor<2x8xf32>) outs(%init3 : tensor<8x2xf32>) permutation = [1, 0]
  return %e, %t, %u, %v : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x16x8x4xf32>, tensor<8x2xf32>
}
