// RUN: fmc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(fmc-raise-attention))" | FileCheck %s

// The BERT pattern of torch.onnx: Q @ transpose(K) * c + mask, softmax over
// keys, @ V. The key transpose [0, 2, 3, 1] of [B, T, H, D] folds into one
// [0, 2, 1, 3] transpose to [B, H, T, D].
// CHECK-LABEL: func.func @bert
// CHECK-SAME:    (%[[Q:.*]]: tensor<1x4x16x32xf32>, %[[K:.*]]: tensor<1x16x4x32xf32>, %[[V:.*]]: tensor<1x4x16x32xf32>, %[[M:.*]]: tensor<1x1x1x16xf32>)
// CHECK:         %[[KEY:.*]] = fmc.transpose %[[K]] {perm = array<i64: 0, 2, 1, 3>} : tensor<1x16x4x32xf32> -> tensor<1x4x16x32xf32>
// CHECK:         %[[A:.*]] = fmc.attention %[[Q]], %[[KEY]], %[[V]] mask %[[M]] {causal = false, scale = 1.250000e-01 : f64}
// CHECK-NOT:     fmc.softmax
// CHECK:         return %[[A]]
func.func @bert(%q: tensor<1x4x16x32xf32>, %k: tensor<1x16x4x32xf32>, %v: tensor<1x4x16x32xf32>, %m: tensor<1x1x1x16xf32>) -> tensor<1x4x16x32xf32> {
  %kt = fmc.transpose %k {perm = array<i64: 0, 2, 3, 1>} : tensor<1x16x4x32xf32> -> tensor<1x4x32x16xf32>
  %s = fmc.matmul %q, %kt : (tensor<1x4x16x32xf32>, tensor<1x4x32x16xf32>) -> tensor<1x4x16x16xf32>
  %c = fmc.constant dense<0.125> : tensor<f32>
  %ss = fmc.mul %s, %c : (tensor<1x4x16x16xf32>, tensor<f32>) -> tensor<1x4x16x16xf32>
  %sm = fmc.add %ss, %m : (tensor<1x4x16x16xf32>, tensor<1x1x1x16xf32>) -> tensor<1x4x16x16xf32>
  %p = fmc.softmax %sm {axis = 3 : i64} : tensor<1x4x16x16xf32>
  %o = fmc.matmul %p, %v : (tensor<1x4x16x16xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return %o : tensor<1x4x16x32xf32>
}

// -----

// Division by sqrt(d), no mask, K^T not from a transpose (a new one is made).
// CHECK-LABEL: func.func @div_no_mask
// CHECK:         %[[KEY:.*]] = fmc.transpose %{{.*}} {perm = array<i64: 0, 1, 3, 2>} : tensor<2x2x8x6xf32> -> tensor<2x2x6x8xf32>
// CHECK:         fmc.attention %{{.*}}, %[[KEY]], %{{.*}} {causal = false, scale = 2.500000e-01 : f64} : (tensor<2x2x5x8xf32>, tensor<2x2x6x8xf32>, tensor<2x2x6x3xf32>) -> tensor<2x2x5x3xf32>
func.func @div_no_mask(%q: tensor<2x2x5x8xf32>, %kt: tensor<2x2x8x6xf32>, %v: tensor<2x2x6x3xf32>) -> tensor<2x2x5x3xf32> {
  %s = fmc.matmul %q, %kt : (tensor<2x2x5x8xf32>, tensor<2x2x8x6xf32>) -> tensor<2x2x5x6xf32>
  %c = fmc.constant dense<4.0> : tensor<f32>
  %ss = fmc.div %s, %c : (tensor<2x2x5x6xf32>, tensor<f32>) -> tensor<2x2x5x6xf32>
  %p = fmc.softmax %ss {axis = 3 : i64} : tensor<2x2x5x6xf32>
  %o = fmc.matmul %p, %v : (tensor<2x2x5x6xf32>, tensor<2x2x6x3xf32>) -> tensor<2x2x5x3xf32>
  return %o : tensor<2x2x5x3xf32>
}

// -----

// Near misses that must not fuse: the probabilities are also returned; the
// softmax is over queries (axis 2); the scale is not a constant.
// CHECK-LABEL: func.func @near_misses
// CHECK-NOT:     fmc.attention
// CHECK-COUNT-3: fmc.softmax
// CHECK-NOT:     fmc.attention
func.func @near_misses(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>, %c: tensor<f32>)
    -> (tensor<1x2x4x8xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) {
  %s = fmc.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %p = fmc.softmax %s {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = fmc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %s2 = fmc.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %p2 = fmc.softmax %s2 {axis = 2 : i64} : tensor<1x2x4x4xf32>
  %o2 = fmc.matmul %p2, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %s3 = fmc.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %ss3 = fmc.mul %s3, %c : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %p3 = fmc.softmax %ss3 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o3 = fmc.matmul %p3, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o, %p, %o2, %o3 : tensor<1x2x4x8xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>
}

// -----

// A constant causal mask (0 on and below the diagonal, -FLT_MAX above, as
// GPT-2 and LLaMA exports fold it) becomes causal = true without a mask;
// a mask that differs in one place stays a mask.
// CHECK-LABEL: func.func @causal_mask
// CHECK:         fmc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.000000e+00 : f64} : (tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
// CHECK:         fmc.attention %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} {causal = false
func.func @causal_mask(%q: tensor<1x2x3x4xf32>, %kt: tensor<1x2x4x3xf32>, %v: tensor<1x2x3x4xf32>, %kt2: tensor<1x2x4x3xf32>) -> (tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>) {
  %m = fmc.constant dense<[[[[0.0, -3.40282347E+38, -3.40282347E+38], [0.0, 0.0, -3.40282347E+38], [0.0, 0.0, 0.0]]]]> : tensor<1x1x3x3xf32>
  %s = fmc.matmul %q, %kt : (tensor<1x2x3x4xf32>, tensor<1x2x4x3xf32>) -> tensor<1x2x3x3xf32>
  %sm = fmc.add %s, %m : (tensor<1x2x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  %p = fmc.softmax %sm {axis = 3 : i64} : tensor<1x2x3x3xf32>
  %o = fmc.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
  %m2 = fmc.constant dense<[[[[0.0, -3.40282347E+38, 0.0], [0.0, 0.0, -3.40282347E+38], [0.0, 0.0, 0.0]]]]> : tensor<1x1x3x3xf32>
  %s2 = fmc.matmul %q, %kt2 : (tensor<1x2x3x4xf32>, tensor<1x2x4x3xf32>) -> tensor<1x2x3x3xf32>
  %sm2 = fmc.add %s2, %m2 : (tensor<1x2x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  %p2 = fmc.softmax %sm2 {axis = 3 : i64} : tensor<1x2x3x3xf32>
  %o2 = fmc.matmul %p2, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
  return %o, %o2 : tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>
}

// -----

// The scale folded into Q and K (SDPA-style exports multiply both by
// sqrt(scale) = 0.5 before the product): scale 0.25, the key transpose
// (which cancels) and its scale folded too.
// CHECK-LABEL: func.func @scale_on_q_and_k
// CHECK-SAME:    (%[[Q:.*]]: tensor<1x2x4x8xf32>, %[[K:.*]]: tensor<1x2x6x8xf32>, %[[V:.*]]: tensor<1x2x6x8xf32>)
// CHECK:         fmc.attention %[[Q]], %[[K]], %[[V]] {causal = false, scale = 2.500000e-01 : f64}
// CHECK-NOT:     fmc.mul
func.func @scale_on_q_and_k(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x8xf32>, %v: tensor<1x2x6x8xf32>) -> tensor<1x2x4x8xf32> {
  %c = fmc.constant dense<0.5> : tensor<f32>
  %qs = fmc.mul %q, %c : (tensor<1x2x4x8xf32>, tensor<f32>) -> tensor<1x2x4x8xf32>
  %ks = fmc.mul %c, %k : (tensor<f32>, tensor<1x2x6x8xf32>) -> tensor<1x2x6x8xf32>
  %kt = fmc.transpose %ks {perm = array<i64: 0, 1, 3, 2>} : tensor<1x2x6x8xf32> -> tensor<1x2x8x6xf32>
  %s = fmc.matmul %qs, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x6xf32>) -> tensor<1x2x4x6xf32>
  %p = fmc.softmax %s {axis = 3 : i64} : tensor<1x2x4x6xf32>
  %o = fmc.matmul %p, %v : (tensor<1x2x4x6xf32>, tensor<1x2x6x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// An fp16 model that computes the softmax in f32: the casts around it go
// (fmc.attention computes in f32 and rounds its result once). The scale on
// K^T is a division.
// CHECK-LABEL: func.func @fp16_casts
// CHECK:         %[[A:.*]] = fmc.attention %arg0, %{{.*}}, %arg2 mask %arg3 {causal = false, scale = 1.250000e-01 : f64} : (tensor<1x2x4x8xf16>, tensor<1x2x6x8xf16>, tensor<1x2x6x8xf16>, tensor<1x1x4x6xf16>) -> tensor<1x2x4x8xf16>
// CHECK-NOT:     fmc.cast
// CHECK:         return %[[A]]
func.func @fp16_casts(%q: tensor<1x2x4x8xf16>, %kt: tensor<1x2x8x6xf16>, %v: tensor<1x2x6x8xf16>, %m: tensor<1x1x4x6xf16>) -> tensor<1x2x4x8xf16> {
  %c = fmc.constant dense<8.0> : tensor<f16>
  %kts = fmc.div %kt, %c : (tensor<1x2x8x6xf16>, tensor<f16>) -> tensor<1x2x8x6xf16>
  %s = fmc.matmul %q, %kts : (tensor<1x2x4x8xf16>, tensor<1x2x8x6xf16>) -> tensor<1x2x4x6xf16>
  %sm = fmc.add %s, %m : (tensor<1x2x4x6xf16>, tensor<1x1x4x6xf16>) -> tensor<1x2x4x6xf16>
  %w = fmc.cast %sm : tensor<1x2x4x6xf16> to tensor<1x2x4x6xf32>
  %p = fmc.softmax %w {axis = 3 : i64} : tensor<1x2x4x6xf32>
  %n = fmc.cast %p : tensor<1x2x4x6xf32> to tensor<1x2x4x6xf16>
  %o = fmc.matmul %n, %v : (tensor<1x2x4x6xf16>, tensor<1x2x6x8xf16>) -> tensor<1x2x4x8xf16>
  return %o : tensor<1x2x4x8xf16>
}

// -----

// Near misses: f32 scores whose probabilities are rounded to f16 for an f16
// matmul (no one precision for fmc.attention): not fused. A per-head factor
// on Q is not a scale: the attention fuses with the product as its query.
// CHECK-LABEL: func.func @scale_near_misses
// CHECK:         fmc.softmax
// CHECK:         %[[QH:.*]] = fmc.mul %arg0, %arg3
// CHECK:         fmc.attention %[[QH]], %{{.*}}, %arg4 {causal = false, scale = 1.000000e+00 : f64}
func.func @scale_near_misses(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x6xf32>, %v: tensor<1x2x6x8xf16>, %h: tensor<1x2x1x1xf32>, %v32: tensor<1x2x6x8xf32>) -> (tensor<1x2x4x8xf16>, tensor<1x2x4x8xf32>) {
  %s = fmc.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x6xf32>) -> tensor<1x2x4x6xf32>
  %p = fmc.softmax %s {axis = 3 : i64} : tensor<1x2x4x6xf32>
  %n = fmc.cast %p : tensor<1x2x4x6xf32> to tensor<1x2x4x6xf16>
  %o = fmc.matmul %n, %v : (tensor<1x2x4x6xf16>, tensor<1x2x6x8xf16>) -> tensor<1x2x4x8xf16>
  %qh = fmc.mul %q, %h : (tensor<1x2x4x8xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x8xf32>
  %s2 = fmc.matmul %qh, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x6xf32>) -> tensor<1x2x4x6xf32>
  %p2 = fmc.softmax %s2 {axis = 3 : i64} : tensor<1x2x4x6xf32>
  %o2 = fmc.matmul %p2, %v32 : (tensor<1x2x4x6xf32>, tensor<1x2x6x8xf32>) -> tensor<1x2x4x8xf32>
  return %o, %o2 : tensor<1x2x4x8xf16>, tensor<1x2x4x8xf32>
}

// -----

// LLaMA decode step: the cache concatenated with the new keys/values, then
// repeat_kv (reshape, broadcast, reshape) to the 4 query heads. The op reads
// the 2 key/value heads directly and takes the cache as its past; its
// presents replace the concatenations returned as present outputs.
// CHECK-LABEL: func.func @gqa_kv_cache
// CHECK-SAME:    (%[[Q:.*]]: tensor<1x4x1x8xf32>, %[[K:.*]]: tensor<1x2x1x8xf32>, %[[V:.*]]: tensor<1x2x1x8xf32>, %[[PK:.*]]: tensor<1x2x5x8xf32>, %[[PV:.*]]: tensor<1x2x5x8xf32>)
// CHECK:         %[[A:.*]], %[[P:.*]]:2 = fmc.attention %[[Q]], %[[K]], %[[V]] past %[[PK]], %[[PV]] {causal = false, scale = 5.000000e-01 : f64} : (tensor<1x4x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>) -> (tensor<1x4x1x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>)
// CHECK-NOT:     fmc.broadcast
// CHECK:         return %[[A]], %[[P]]#0, %[[P]]#1
func.func @gqa_kv_cache(%q: tensor<1x4x1x8xf32>, %k: tensor<1x2x1x8xf32>, %v: tensor<1x2x1x8xf32>, %pk: tensor<1x2x5x8xf32>, %pv: tensor<1x2x5x8xf32>) -> (tensor<1x4x1x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>) {
  %kc = fmc.concat %pk, %k {axis = 2 : i64} : (tensor<1x2x5x8xf32>, tensor<1x2x1x8xf32>) -> tensor<1x2x6x8xf32>
  %vc = fmc.concat %pv, %v {axis = 2 : i64} : (tensor<1x2x5x8xf32>, tensor<1x2x1x8xf32>) -> tensor<1x2x6x8xf32>
  %k5 = fmc.reshape %kc : tensor<1x2x6x8xf32> -> tensor<1x2x1x6x8xf32>
  %kb = fmc.broadcast %k5 : tensor<1x2x1x6x8xf32> -> tensor<1x2x2x6x8xf32>
  %kr = fmc.reshape %kb : tensor<1x2x2x6x8xf32> -> tensor<1x4x6x8xf32>
  %v5 = fmc.reshape %vc : tensor<1x2x6x8xf32> -> tensor<1x2x1x6x8xf32>
  %vb = fmc.broadcast %v5 : tensor<1x2x1x6x8xf32> -> tensor<1x2x2x6x8xf32>
  %vr = fmc.reshape %vb : tensor<1x2x2x6x8xf32> -> tensor<1x4x6x8xf32>
  %kt = fmc.transpose %kr {perm = array<i64: 0, 1, 3, 2>} : tensor<1x4x6x8xf32> -> tensor<1x4x8x6xf32>
  %s = fmc.matmul %q, %kt : (tensor<1x4x1x8xf32>, tensor<1x4x8x6xf32>) -> tensor<1x4x1x6xf32>
  %c = fmc.constant dense<0.5> : tensor<f32>
  %ss = fmc.mul %s, %c : (tensor<1x4x1x6xf32>, tensor<f32>) -> tensor<1x4x1x6xf32>
  %p = fmc.softmax %ss {axis = 3 : i64} : tensor<1x4x1x6xf32>
  %o = fmc.matmul %p, %vr : (tensor<1x4x1x6xf32>, tensor<1x4x6x8xf32>) -> tensor<1x4x1x8xf32>
  return %o, %kc, %vc : tensor<1x4x1x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>
}

// -----

// Near miss for the cache: the concatenated keys are also read before the
// attention, so they stay a concat feeding the op (which still fuses).
// CHECK-LABEL: func.func @cache_used_earlier
// CHECK:         %[[KC:.*]] = fmc.concat
// CHECK:         fmc.attention %arg0, %[[KC]], %{{.*}} {causal = false
func.func @cache_used_earlier(%q: tensor<1x2x1x8xf32>, %k: tensor<1x2x1x8xf32>, %v: tensor<1x2x1x8xf32>, %pk: tensor<1x2x5x8xf32>, %pv: tensor<1x2x5x8xf32>) -> (tensor<1x2x1x8xf32>, tensor<1x2x6x8xf32>) {
  %kc = fmc.concat %pk, %k {axis = 2 : i64} : (tensor<1x2x5x8xf32>, tensor<1x2x1x8xf32>) -> tensor<1x2x6x8xf32>
  %vc = fmc.concat %pv, %v {axis = 2 : i64} : (tensor<1x2x5x8xf32>, tensor<1x2x1x8xf32>) -> tensor<1x2x6x8xf32>
  %early = fmc.neg %kc : tensor<1x2x6x8xf32>
  %kt = fmc.transpose %kc {perm = array<i64: 0, 1, 3, 2>} : tensor<1x2x6x8xf32> -> tensor<1x2x8x6xf32>
  %s = fmc.matmul %q, %kt : (tensor<1x2x1x8xf32>, tensor<1x2x8x6xf32>) -> tensor<1x2x1x6xf32>
  %p = fmc.softmax %s {axis = 3 : i64} : tensor<1x2x1x6xf32>
  %o = fmc.matmul %p, %vc : (tensor<1x2x1x6xf32>, tensor<1x2x6x8xf32>) -> tensor<1x2x1x8xf32>
  return %o, %early : tensor<1x2x1x8xf32>, tensor<1x2x6x8xf32>
}
