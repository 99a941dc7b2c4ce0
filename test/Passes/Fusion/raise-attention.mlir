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
