// RUN: fmc-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fmc-fuse-elementwise))' | FileCheck %s

// An elementwise chain fuses into one generic.

#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @chain
// CHECK-COUNT-1: linalg.generic
// CHECK-NOT: linalg.generic
// CHECK: arith.addf
// CHECK: math.exp
func.func @chain(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = math.exp %x : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

// A row reduction reads every element once: its producer fuses.

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @into_reduction
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: math.exp
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
func.func @into_reduction(%a: tensor<4x8xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = math.exp %x : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %1 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%0 : tensor<4x8xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// The lhs of a matmul is read once per output column: fusing its producer
// would recompute it n times, so it stays a separate generic (upstream's
// linalg-fuse-elementwise-ops fuses it).

#lhs = affine_map<(m, k, n) -> (m, k)>
#rhs = affine_map<(m, k, n) -> (k, n)>
#out = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @not_into_matmul
// CHECK: %[[P:.*]] = linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[P]], %{{.*}} : tensor<4x8xf32>, tensor<8x5xf32>)
// CHECK-NOT: math.exp
func.func @not_into_matmul(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>, %c: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = math.exp %x : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %1 = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%0, %b : tensor<4x8xf32>, tensor<8x5xf32>) outs(%c : tensor<4x5xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x5xf32>
  return %1 : tensor<4x5xf32>
}

// -----

// A producer with two users is not fused into either: it would be computed
// twice (and along a residual stream, once more per layer).

#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @shared_producer
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SUM]] :
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SUM]] :
// CHECK: math.tanh
func.func @shared_producer(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = math.exp %x : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = math.tanh %x : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %1, %2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// A 0-d producer that only yields a constant (a zero point whose cast was
// folded) fuses into its consumer although the consumer's loops do not
// index it: recomputing it costs nothing.
#id = affine_map<(d0, d1) -> (d0, d1)>
#scalar = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @constant_scalar
// CHECK-COUNT-1: linalg.generic
// CHECK-NOT: linalg.generic
// CHECK: arith.addf %{{.+}}, %[[ZP:.+]] : f32
func.func @constant_scalar(%a: tensor<4x8xf32>) -> tensor<4x8xi8> {
  %zp = arith.constant -7.0 : f32
  %s = tensor.empty() : tensor<f32>
  %0 = linalg.generic {indexing_maps = [affine_map<() -> ()>], iterator_types = []} outs(%s : tensor<f32>) {
  ^bb0(%o: f32):
    linalg.yield %zp : f32
  } -> tensor<f32>
  %e = tensor.empty() : tensor<4x8xi8>
  %1 = linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %0 : tensor<4x8xf32>, tensor<f32>) outs(%e : tensor<4x8xi8>) {
  ^bb0(%x: f32, %z: f32, %o: i8):
    %r = math.roundeven %x : f32
    %y = arith.addf %r, %z : f32
    %q = arith.fptosi %y : f32 to i8
    linalg.yield %q : i8
  } -> tensor<4x8xi8>
  return %1 : tensor<4x8xi8>
}

// -----

// A linear layer on 3-D activations as exporters write it: the bias add
// on [1, 192] (Gemm), a reshape to [1, 1, 192], GELU. The GELU generic is
// collapsed to read the bias add's result directly, and the two fuse into
// one generic on [1, 192], reshaped once after it.

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @through_reshape
// CHECK:         %[[F:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]{{.*}} ins(%arg0, %arg1 : tensor<1x192xf32>, tensor<192xf32>)
// CHECK:           arith.addf
// CHECK:           math.tanh
// CHECK:         } -> tensor<1x192xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[F]] {{\[\[}}0], [1, 2]] output_shape [1, 1, 192]
// CHECK:         return %[[E]]
func.func @through_reshape(%product: tensor<1x192xf32>, %bias: tensor<192xf32>) -> tensor<1x1x192xf32> {
  %e2 = tensor.empty() : tensor<1x192xf32>
  %biased = linalg.generic {indexing_maps = [#id2, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%product, %bias : tensor<1x192xf32>, tensor<192xf32>) outs(%e2 : tensor<1x192xf32>) {
  ^bb0(%p: f32, %b: f32, %o: f32):
    %s = arith.addf %p, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x192xf32>
  %x = tensor.expand_shape %biased [[0], [1, 2]] output_shape [1, 1, 192] : tensor<1x192xf32> into tensor<1x1x192xf32>
  %e3 = tensor.empty() : tensor<1x1x192xf32>
  %y = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x1x192xf32>) outs(%e3 : tensor<1x1x192xf32>) {
  ^bb0(%v: f32, %o: f32):
    %t = math.tanh %v : f32
    linalg.yield %t : f32
  } -> tensor<1x1x192xf32>
  return %y : tensor<1x1x192xf32>
}

// -----

// The reshaped value has another user (a norm's chain would read it in
// 3-D): nothing is collapsed, the generics stay apart.

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @reshape_used_twice
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK:         tensor.expand_shape
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]
func.func @reshape_used_twice(%product: tensor<1x192xf32>, %bias: tensor<192xf32>) -> (tensor<1x1x192xf32>, tensor<1x1x192xf32>) {
  %e2 = tensor.empty() : tensor<1x192xf32>
  %biased = linalg.generic {indexing_maps = [#id2, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%product, %bias : tensor<1x192xf32>, tensor<192xf32>) outs(%e2 : tensor<1x192xf32>) {
  ^bb0(%p: f32, %b: f32, %o: f32):
    %s = arith.addf %p, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x192xf32>
  %x = tensor.expand_shape %biased [[0], [1, 2]] output_shape [1, 1, 192] : tensor<1x192xf32> into tensor<1x1x192xf32>
  %e3 = tensor.empty() : tensor<1x1x192xf32>
  %y = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x1x192xf32>) outs(%e3 : tensor<1x1x192xf32>) {
  ^bb0(%v: f32, %o: f32):
    %t = math.tanh %v : f32
    linalg.yield %t : f32
  } -> tensor<1x1x192xf32>
  return %x, %y : tensor<1x1x192xf32>, tensor<1x1x192xf32>
}

// -----

// A per-channel scale [C, 1, 1] read as (c, 0, 0) over [N, C, H, W] is read
// through a collapse to [C] as (c): every input map is then a projected
// permutation, so the batch norm reads the conv product's [N, C, H*W] value
// (not its expand_shape): the matmul kernels' epilogue.
// CHECK-LABEL: func.func @broadcast_unit_dims
// CHECK-SAME: %[[S:[^:]+]]: tensor<2x1x1xf32>
// CHECK: %[[P:.+]] = linalg.generic {{.*}}"reduction"
// CHECK: %[[C:.+]] = tensor.collapse_shape %[[S]] {{\[}}[0, 1, 2]] : tensor<2x1x1xf32> into tensor<2xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[P]], %[[C]] : tensor<1x2x6xf32>, tensor<2xf32>)
#wm = affine_map<(n, f, k, o) -> (f, k)>
#cm = affine_map<(n, f, k, o) -> (n, k, o)>
#pm = affine_map<(n, f, k, o) -> (n, f, o)>
#id4 = affine_map<(n, c, h, w) -> (n, c, h, w)>
#bc = affine_map<(n, c, h, w) -> (c, 0, 0)>
func.func @broadcast_unit_dims(%w: tensor<2x3xf32>, %col: tensor<1x3x6xf32>, %s: tensor<2x1x1xf32>) -> tensor<1x2x2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %pe = tensor.empty() : tensor<1x2x6xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%pe : tensor<1x2x6xf32>) -> tensor<1x2x6xf32>
  %p = linalg.generic {indexing_maps = [#wm, #cm, #pm], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%w, %col : tensor<2x3xf32>, tensor<1x3x6xf32>) outs(%acc : tensor<1x2x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %o, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x2x6xf32>
  %x = tensor.expand_shape %p [[0], [1], [2, 3]] output_shape [1, 2, 2, 3] : tensor<1x2x6xf32> into tensor<1x2x2x3xf32>
  %e = tensor.empty() : tensor<1x2x2x3xf32>
  %y = linalg.generic {indexing_maps = [#id4, #bc, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %s : tensor<1x2x2x3xf32>, tensor<2x1x1xf32>) outs(%e : tensor<1x2x2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x3xf32>
  return %y : tensor<1x2x2x3xf32>
}
