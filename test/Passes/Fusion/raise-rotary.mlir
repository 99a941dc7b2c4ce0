// RUN: fmc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(fmc-raise-rotary))" | FileCheck %s

// LLaMA's apply_rotary_pos_emb as torch.onnx writes it:
// q * cos + cat(-q[..., 8:], q[..., :8]) * sin, cos/sin [1, 1, S, 16].
// CHECK-LABEL: func.func @rotate_half
// CHECK-SAME:    (%[[Q:.*]]: tensor<1x4x6x16xf32>, %[[C:.*]]: tensor<1x1x6x16xf32>, %[[S:.*]]: tensor<1x1x6x16xf32>)
// CHECK:         %[[Y:.*]] = fmc.rotary %[[Q]], %[[C]], %[[S]] {interleaved = false}
// CHECK-NOT:     fmc.concat
// CHECK:         return %[[Y]]
func.func @rotate_half(%q: tensor<1x4x6x16xf32>, %cos: tensor<1x1x6x16xf32>, %sin: tensor<1x1x6x16xf32>) -> tensor<1x4x6x16xf32> {
  %qc = fmc.mul %q, %cos : (tensor<1x4x6x16xf32>, tensor<1x1x6x16xf32>) -> tensor<1x4x6x16xf32>
  %x1 = fmc.slice %q {offsets = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x4x6x16xf32> -> tensor<1x4x6x8xf32>
  %x2 = fmc.slice %q {offsets = array<i64: 0, 0, 0, 8>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x4x6x16xf32> -> tensor<1x4x6x8xf32>
  %n = fmc.neg %x2 : tensor<1x4x6x8xf32>
  %r = fmc.concat %n, %x1 {axis = 3 : i64} : (tensor<1x4x6x8xf32>, tensor<1x4x6x8xf32>) -> tensor<1x4x6x16xf32>
  %rs = fmc.mul %r, %sin : (tensor<1x4x6x16xf32>, tensor<1x1x6x16xf32>) -> tensor<1x4x6x16xf32>
  %y = fmc.add %qc, %rs : (tensor<1x4x6x16xf32>, tensor<1x4x6x16xf32>) -> tensor<1x4x6x16xf32>
  return %y : tensor<1x4x6x16xf32>
}

// -----

// GPT-J's rotate_every_two: stack(-x[..., 1::2], x[..., ::2]) flattened, in
// the other operand orders.
// CHECK-LABEL: func.func @rotate_every_two
// CHECK:         fmc.rotary %arg0, %arg1, %arg2 {interleaved = true} : (tensor<2x6x8xf32>, tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<2x6x8xf32>
func.func @rotate_every_two(%x: tensor<2x6x8xf32>, %cos: tensor<6x8xf32>, %sin: tensor<6x8xf32>) -> tensor<2x6x8xf32> {
  %xc = fmc.mul %cos, %x : (tensor<6x8xf32>, tensor<2x6x8xf32>) -> tensor<2x6x8xf32>
  %ev = fmc.slice %x {offsets = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 2>} : tensor<2x6x8xf32> -> tensor<2x6x4xf32>
  %od = fmc.slice %x {offsets = array<i64: 0, 0, 1>, steps = array<i64: 1, 1, 2>} : tensor<2x6x8xf32> -> tensor<2x6x4xf32>
  %n = fmc.neg %od : tensor<2x6x4xf32>
  %n1 = fmc.reshape %n : tensor<2x6x4xf32> -> tensor<2x6x4x1xf32>
  %e1 = fmc.reshape %ev : tensor<2x6x4xf32> -> tensor<2x6x4x1xf32>
  %st = fmc.concat %n1, %e1 {axis = 3 : i64} : (tensor<2x6x4x1xf32>, tensor<2x6x4x1xf32>) -> tensor<2x6x4x2xf32>
  %r = fmc.reshape %st : tensor<2x6x4x2xf32> -> tensor<2x6x8xf32>
  %rs = fmc.mul %sin, %r : (tensor<6x8xf32>, tensor<2x6x8xf32>) -> tensor<2x6x8xf32>
  %y = fmc.add %rs, %xc : (tensor<2x6x8xf32>, tensor<2x6x8xf32>) -> tensor<2x6x8xf32>
  return %y : tensor<2x6x8xf32>
}

// -----

// Near misses, left alone: halves swapped without the negation; the halves
// of another tensor; a positive rotation (cat(x2, -x1)); cos as narrow as a
// half; the quarter turn also returned.
// CHECK-LABEL: func.func @near_misses
// CHECK-NOT:     fmc.rotary
// CHECK:         return
func.func @near_misses(%q: tensor<2x8xf32>, %k: tensor<2x8xf32>, %cos: tensor<2x8xf32>, %sin: tensor<2x8xf32>, %c4: tensor<2x4xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  // No negation.
  %a1 = fmc.slice %q {offsets = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  %a2 = fmc.slice %q {offsets = array<i64: 0, 4>, steps = array<i64: 1, 1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  %ar = fmc.concat %a2, %a1 {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  %ac = fmc.mul %q, %cos : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %as = fmc.mul %ar, %sin : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %y1 = fmc.add %ac, %as : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  // Halves of k, direct term of q.
  %b1 = fmc.slice %k {offsets = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  %b2 = fmc.slice %k {offsets = array<i64: 0, 4>, steps = array<i64: 1, 1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  %bn = fmc.neg %b2 : tensor<2x4xf32>
  %br = fmc.concat %bn, %b1 {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  %bc = fmc.mul %q, %cos : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %bs = fmc.mul %br, %sin : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %y2 = fmc.add %bc, %bs : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  // cat(x2, -x1).
  %c1 = fmc.slice %q {offsets = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  %c2 = fmc.slice %q {offsets = array<i64: 0, 4>, steps = array<i64: 1, 1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  %cn = fmc.neg %c1 : tensor<2x4xf32>
  %cr = fmc.concat %c2, %cn {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  %cc = fmc.mul %q, %cos : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %cs = fmc.mul %cr, %sin : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %y3 = fmc.add %cc, %cs : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  // Quarter turn also returned.
  %d1 = fmc.slice %q {offsets = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  %d2 = fmc.slice %q {offsets = array<i64: 0, 4>, steps = array<i64: 1, 1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  %dn = fmc.neg %d2 : tensor<2x4xf32>
  %dr = fmc.concat %dn, %d1 {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  %dc = fmc.mul %q, %cos : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %ds = fmc.mul %dr, %sin : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %y4 = fmc.add %dc, %ds : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  // A half-width cos would broadcast only if the row were 4 wide; here the
  // (valid, broadcasting) [2, 1] cos column is not a full-width table.
  %e1 = fmc.slice %q {offsets = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  %e2 = fmc.slice %q {offsets = array<i64: 0, 4>, steps = array<i64: 1, 1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  %en = fmc.neg %e2 : tensor<2x4xf32>
  %er = fmc.concat %en, %e1 {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  %col = fmc.slice %c4 {offsets = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x4xf32> -> tensor<2x1xf32>
  %ec = fmc.mul %q, %col : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %es = fmc.mul %er, %sin : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %y5 = fmc.add %ec, %es : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y1, %y2, %y3, %y4, %dr, %y5 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// Rank-0 products (a Gemm's alpha * A * B + beta * C on scalars) are not
// rows; regression: the matcher read the last dim of a 0-d tensor.
// CHECK-LABEL: func.func @scalars
// CHECK-NOT:     fmc.rotary
// CHECK:         fmc.add
func.func @scalars(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %x = fmc.mul %a, %b : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %y = fmc.mul %b, %a : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %z = fmc.add %x, %y : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %z : tensor<f32>
}
