// RUN: fmc-opt %s | fmc-opt | FileCheck %s
// RUN: fmc-opt %s -mlir-print-op-generic | fmc-opt | FileCheck %s

// Round trip of every fmc op through the custom assembly format (and through
// the generic form back into the custom one).

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<3xf32>, tensor<2xi64>, tensor<2x2xf32>, tensor<4xi1>) {
  // CHECK: %[[A:.*]] = fmc.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
  %a = fmc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  // CHECK: %[[B:.*]] = fmc.constant dense<[2, -1]> : tensor<2xi64>
  %b = fmc.constant dense<[2, -1]> : tensor<2xi64>
  // CHECK: %[[C:.*]] = fmc.constant dense_resource<weight_blob> : tensor<2x2xf32>
  %c = fmc.constant dense_resource<weight_blob> : tensor<2x2xf32>
  // CHECK: %[[D:.*]] = fmc.constant dense<[true, false, false, true]> : tensor<4xi1>
  %d = fmc.constant dense<[true, false, false, true]> : tensor<4xi1>
  // CHECK: return %[[A]], %[[B]], %[[C]], %[[D]]
  return %a, %b, %c, %d : tensor<3xf32>, tensor<2xi64>, tensor<2x2xf32>, tensor<4xi1>
}

// CHECK-LABEL: func.func @binary
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<3xf32>, %[[I:.*]]: tensor<2x1xi32>, %[[P:.*]]: tensor<1xi1>)
func.func @binary(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %i: tensor<2x1xi32>, %p: tensor<1xi1>) {
  // CHECK: fmc.add %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = fmc.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: fmc.sub %[[Y]], %[[X]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = fmc.sub %y, %x : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: fmc.mul %[[I]], %[[I]] : (tensor<2x1xi32>, tensor<2x1xi32>) -> tensor<2x1xi32>
  %2 = fmc.mul %i, %i : (tensor<2x1xi32>, tensor<2x1xi32>) -> tensor<2x1xi32>
  // CHECK: fmc.div %[[X]], %[[X]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = fmc.div %x, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // The exponent of pow may have another element type.
  // CHECK: fmc.pow %[[X]], %[[I]] : (tensor<2x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  %4 = fmc.pow %x, %i : (tensor<2x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  // CHECK: fmc.max %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %5 = fmc.max %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: fmc.min %[[I]], %[[I]] : (tensor<2x1xi32>, tensor<2x1xi32>) -> tensor<2x1xi32>
  %6 = fmc.min %i, %i : (tensor<2x1xi32>, tensor<2x1xi32>) -> tensor<2x1xi32>
  // CHECK: fmc.equal %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %7 = fmc.equal %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: fmc.less %[[I]], %[[I]] : (tensor<2x1xi32>, tensor<2x1xi32>) -> tensor<2x1xi1>
  %8 = fmc.less %i, %i : (tensor<2x1xi32>, tensor<2x1xi32>) -> tensor<2x1xi1>
  // CHECK: fmc.greater %[[Y]], %[[X]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  %9 = fmc.greater %y, %x : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK: fmc.and %[[P]], %[[P]] : (tensor<1xi1>, tensor<1xi1>) -> tensor<1xi1>
  %10 = fmc.and %p, %p : (tensor<1xi1>, tensor<1xi1>) -> tensor<1xi1>
  // CHECK: fmc.or %[[P]], %[[P]] : (tensor<1xi1>, tensor<1xi1>) -> tensor<1xi1>
  %11 = fmc.or %p, %p : (tensor<1xi1>, tensor<1xi1>) -> tensor<1xi1>
  return
}

// CHECK-LABEL: func.func @unary
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>, %[[I:.*]]: tensor<4xi64>, %[[P:.*]]: tensor<4xi1>)
func.func @unary(%x: tensor<2x3xf32>, %i: tensor<4xi64>, %p: tensor<4xi1>) {
  // CHECK: fmc.neg %[[I]] : tensor<4xi64>
  %0 = fmc.neg %i : tensor<4xi64>
  // CHECK: fmc.abs %[[X]] : tensor<2x3xf32>
  %1 = fmc.abs %x : tensor<2x3xf32>
  // CHECK: fmc.sqrt %[[X]] : tensor<2x3xf32>
  %2 = fmc.sqrt %x : tensor<2x3xf32>
  // CHECK: fmc.exp %[[X]] : tensor<2x3xf32>
  %3 = fmc.exp %x : tensor<2x3xf32>
  // CHECK: fmc.log %[[X]] : tensor<2x3xf32>
  %4 = fmc.log %x : tensor<2x3xf32>
  // CHECK: fmc.erf %[[X]] : tensor<2x3xf32>
  %5 = fmc.erf %x : tensor<2x3xf32>
  // CHECK: fmc.tanh %[[X]] : tensor<2x3xf32>
  %6 = fmc.tanh %x : tensor<2x3xf32>
  // CHECK: fmc.sigmoid %[[X]] : tensor<2x3xf32>
  %7 = fmc.sigmoid %x : tensor<2x3xf32>
  // CHECK: fmc.relu %[[I]] : tensor<4xi64>
  %8 = fmc.relu %i : tensor<4xi64>
  // CHECK: fmc.reciprocal %[[X]] : tensor<2x3xf32>
  %9 = fmc.reciprocal %x : tensor<2x3xf32>
  // CHECK: fmc.not %[[P]] : tensor<4xi1>
  %10 = fmc.not %p : tensor<4xi1>
  // CHECK: fmc.cast %[[X]] : tensor<2x3xf32> to tensor<2x3xf16>
  %11 = fmc.cast %x : tensor<2x3xf32> to tensor<2x3xf16>
  // CHECK: fmc.cast %[[I]] : tensor<4xi64> to tensor<4xi1>
  %12 = fmc.cast %i : tensor<4xi64> to tensor<4xi1>
  // CHECK: fmc.cast %[[I]] : tensor<4xi64> to tensor<4xui8>
  %13 = fmc.cast %i : tensor<4xi64> to tensor<4xui8>
  return
}

// CHECK-LABEL: func.func @where
// CHECK-SAME:    (%[[C:.*]]: tensor<2x1xi1>, %[[T:.*]]: tensor<3xf32>, %[[F:.*]]: tensor<1xf32>)
func.func @where(%c: tensor<2x1xi1>, %t: tensor<3xf32>, %f: tensor<1xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[R:.*]] = fmc.where %[[C]], %[[T]], %[[F]] : (tensor<2x1xi1>, tensor<3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  %0 = fmc.where %c, %t, %f : (tensor<2x1xi1>, tensor<3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  // CHECK: return %[[R]]
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @matmul
// CHECK-SAME:    (%[[A:.*]]: tensor<2x4x8xf32>, %[[B:.*]]: tensor<8x5xf32>, %[[V:.*]]: tensor<8xf32>)
func.func @matmul(%a: tensor<2x4x8xf32>, %b: tensor<8x5xf32>, %v: tensor<8xf32>) {
  // CHECK: fmc.matmul %[[A]], %[[B]] : (tensor<2x4x8xf32>, tensor<8x5xf32>) -> tensor<2x4x5xf32>
  %0 = fmc.matmul %a, %b : (tensor<2x4x8xf32>, tensor<8x5xf32>) -> tensor<2x4x5xf32>
  // CHECK: fmc.matmul %[[A]], %[[V]] : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  %1 = fmc.matmul %a, %v : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  // CHECK: fmc.matmul %[[V]], %[[V]] : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
  %2 = fmc.matmul %v, %v : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
  return
}

// CHECK-LABEL: func.func @normalization
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>, %[[S:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<3x4xf32>)
func.func @normalization(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %b: tensor<3x4xf32>) {
  // CHECK: fmc.softmax %[[X]] {axis = 2 : i64} : tensor<2x3x4xf32>
  %0 = fmc.softmax %x {axis = 2 : i64} : tensor<2x3x4xf32>
  // Without the optional bias.
  // CHECK: fmc.layer_norm %[[X]], %[[S]] {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %1 = fmc.layer_norm %x, %s {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  // With the bias, normalizing over the two trailing dims.
  // CHECK: fmc.layer_norm %[[X]], %[[S]], %[[B]] {axis = 1 : i64, epsilon = 1.000000e-03 : f32} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  %2 = fmc.layer_norm %x, %s, %b {axis = 1 : i64, epsilon = 1.0e-3 : f32} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  return
}

// CHECK-LABEL: func.func @reductions
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>, %[[I:.*]]: tensor<5x6xi32>)
func.func @reductions(%x: tensor<2x3x4xf32>, %i: tensor<5x6xi32>) {
  // CHECK: fmc.reduce_sum %[[X]] {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  %0 = fmc.reduce_sum %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  // CHECK: fmc.reduce_mean %[[X]] {axes = array<i64: 2>, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %1 = fmc.reduce_mean %x {axes = array<i64: 2>, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  // CHECK: fmc.reduce_max %[[I]] {axes = array<i64: 1>, keepdims = false} : (tensor<5x6xi32>) -> tensor<5xi32>
  %2 = fmc.reduce_max %i {axes = array<i64: 1>, keepdims = false} : (tensor<5x6xi32>) -> tensor<5xi32>
  // CHECK: fmc.reduce_min %[[I]] {axes = array<i64: 0, 1>, keepdims = true} : (tensor<5x6xi32>) -> tensor<1x1xi32>
  %3 = fmc.reduce_min %i {axes = array<i64: 0, 1>, keepdims = true} : (tensor<5x6xi32>) -> tensor<1x1xi32>
  return
}

// CHECK-LABEL: func.func @shapes
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>, %[[D:.*]]: tensor<?x4xf32>, %[[Y:.*]]: tensor<2x1x4xf32>, %[[IDX:.*]]: tensor<5xi64>)
func.func @shapes(%x: tensor<2x3x4xf32>, %d: tensor<?x4xf32>, %y: tensor<2x1x4xf32>, %idx: tensor<5xi64>) {
  // CHECK: fmc.shape %[[X]] : tensor<2x3x4xf32> -> tensor<3xi64>
  %0 = fmc.shape %x : tensor<2x3x4xf32> -> tensor<3xi64>
  // CHECK: fmc.shape %[[D]] : tensor<?x4xf32> -> tensor<2xi64>
  %1 = fmc.shape %d : tensor<?x4xf32> -> tensor<2xi64>
  // CHECK: fmc.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %2 = fmc.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  // CHECK: fmc.reshape %[[D]] : tensor<?x4xf32> -> tensor<?xf32>
  %3 = fmc.reshape %d : tensor<?x4xf32> -> tensor<?xf32>
  // CHECK: fmc.transpose %[[X]] {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %4 = fmc.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  // Variadic concat: one, two and three operands.
  // CHECK: fmc.concat %[[X]] {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %5 = fmc.concat %x {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  // CHECK: fmc.concat %[[X]], %[[Y]] {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x4x4xf32>
  %6 = fmc.concat %x, %y {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x4x4xf32>
  // CHECK: fmc.concat %[[Y]], %[[X]], %[[Y]] {axis = 1 : i64} : (tensor<2x1x4xf32>, tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x5x4xf32>
  %7 = fmc.concat %y, %x, %y {axis = 1 : i64} : (tensor<2x1x4xf32>, tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x5x4xf32>
  // CHECK: fmc.slice %[[X]] {offsets = array<i64: 1, 0, 3>, steps = array<i64: 1, 2, -1>} : tensor<2x3x4xf32> -> tensor<1x2x4xf32>
  %8 = fmc.slice %x {offsets = array<i64: 1, 0, 3>, steps = array<i64: 1, 2, -1>} : tensor<2x3x4xf32> -> tensor<1x2x4xf32>
  // CHECK: fmc.gather %[[X]], %[[IDX]] {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<2x5x4xf32>
  %9 = fmc.gather %x, %idx {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<2x5x4xf32>
  // CHECK: fmc.broadcast %[[Y]] : tensor<2x1x4xf32> -> tensor<3x2x5x4xf32>
  %10 = fmc.broadcast %y : tensor<2x1x4xf32> -> tensor<3x2x5x4xf32>
  return
}

// The blob's first 4 bytes are its alignment (4); then 2x2 f32 values.
// CHECK: dialect_resources
// CHECK-NEXT: builtin
// CHECK-NEXT: weight_blob: "0x040000000000803F000000400000404000008040"
{-#
  dialect_resources: {
    builtin: {
      weight_blob: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

