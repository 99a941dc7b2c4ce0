// RUN: fmc-opt %s -split-input-file -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @shape_static
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3x4xf32>, %[[D:.*]]: tensor<?x4xf32>)
func.func @shape_static(%a: tensor<2x3x4xf32>, %d: tensor<?x4xf32>) -> (tensor<3xi64>, tensor<2xi64>) {
  // CHECK-DAG: %[[S:.*]] = fmc.constant dense<[2, 3, 4]> : tensor<3xi64>
  // The shape of a dynamically shaped tensor is not a constant.
  // CHECK-DAG: %[[DS:.*]] = fmc.shape %[[D]] : tensor<?x4xf32> -> tensor<2xi64>
  // CHECK-NOT: fmc.shape %[[A]]
  // CHECK: return %[[S]], %[[DS]]
  %0 = fmc.shape %a : tensor<2x3x4xf32> -> tensor<3xi64>
  %1 = fmc.shape %d : tensor<?x4xf32> -> tensor<2xi64>
  return %0, %1 : tensor<3xi64>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @reshape_constant
func.func @reshape_constant() -> tensor<3x2xf32> {
  // CHECK: %[[C:.*]] = fmc.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
  // CHECK-NOT: fmc.reshape
  // CHECK: return %[[C]]
  %c = fmc.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = fmc.reshape %c : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_constant
func.func @transpose_constant() -> (tensor<3x2xi64>, tensor<3x2x1xi32>) {
  // CHECK-DAG: %[[T2:.*]] = fmc.constant dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi64>
  // CHECK-DAG: %[[T3:.*]] = fmc.constant dense<{{\[}}{{\[}}[1], [4]], {{\[}}[2], [5]], {{\[}}[3], [6]]]> : tensor<3x2x1xi32>
  // CHECK-NOT: fmc.transpose
  // CHECK: return %[[T2]], %[[T3]]
  %c = fmc.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %0 = fmc.transpose %c {perm = array<i64: 1, 0>} : tensor<2x3xi64> -> tensor<3x2xi64>
  %d = fmc.constant dense<[[[1, 2, 3]], [[4, 5, 6]]]> : tensor<2x1x3xi32>
  %1 = fmc.transpose %d {perm = array<i64: 2, 0, 1>} : tensor<2x1x3xi32> -> tensor<3x2x1xi32>
  return %0, %1 : tensor<3x2xi64>, tensor<3x2x1xi32>
}

// -----

// CHECK-LABEL: func.func @slice_constant
func.func @slice_constant() -> (tensor<3xi64>, tensor<1x2xi64>) {
  // Offset 8, step -3: elements 8, 5, 2.
  // CHECK-DAG: %[[R:.*]] = fmc.constant dense<[8, 5, 2]> : tensor<3xi64>
  // CHECK-DAG: %[[S:.*]] = fmc.constant dense<{{\[}}[4, 6]]> : tensor<1x2xi64>
  // CHECK-NOT: fmc.slice
  // CHECK: return %[[R]], %[[S]]
  %c = fmc.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]> : tensor<10xi64>
  %0 = fmc.slice %c {offsets = array<i64: 8>, steps = array<i64: -3>} : tensor<10xi64> -> tensor<3xi64>
  %d = fmc.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %1 = fmc.slice %d {offsets = array<i64: 1, 0>, steps = array<i64: 1, 2>} : tensor<2x3xi64> -> tensor<1x2xi64>
  return %0, %1 : tensor<3xi64>, tensor<1x2xi64>
}

// -----

// CHECK-LABEL: func.func @gather_constant
func.func @gather_constant() -> (tensor<2x1x2xi64>, tensor<3xi64>, tensor<i64>) {
  // Indices [[2, 0]] along axis 1.
  // CHECK-DAG: %[[G:.*]] = fmc.constant dense<{{\[}}{{\[}}[3, 1]], {{\[}}[6, 4]]]> : tensor<2x1x2xi64>
  // A negative scalar index counts from the end: row 1.
  // CHECK-DAG: %[[ROW:.*]] = fmc.constant dense<[4, 5, 6]> : tensor<3xi64>
  // Gather of the gathered row: element 1.
  // CHECK-DAG: %[[E:.*]] = fmc.constant dense<5> : tensor<i64>
  // CHECK-NOT: fmc.gather
  // CHECK: return %[[G]], %[[ROW]], %[[E]]
  %d = fmc.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %i = fmc.constant dense<[[2, 0]]> : tensor<1x2xi32>
  %0 = fmc.gather %d, %i {axis = 1 : i64} : (tensor<2x3xi64>, tensor<1x2xi32>) -> tensor<2x1x2xi64>
  %j = fmc.constant dense<-1> : tensor<i64>
  %1 = fmc.gather %d, %j {axis = 0 : i64} : (tensor<2x3xi64>, tensor<i64>) -> tensor<3xi64>
  %k = fmc.constant dense<1> : tensor<i64>
  %2 = fmc.gather %1, %k {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  return %0, %1, %2 : tensor<2x1x2xi64>, tensor<3xi64>, tensor<i64>
}

// -----

// An index outside [-n, n) is clamped at run time; folding must not guess.
// CHECK-LABEL: func.func @gather_out_of_range_not_folded
func.func @gather_out_of_range_not_folded() -> (tensor<2xi64>, tensor<i64>) {
  // CHECK-DAG: %[[D:.*]] = fmc.constant dense<[1, 2, 3]> : tensor<3xi64>
  // CHECK-DAG: %[[I:.*]] = fmc.constant dense<[0, 3]> : tensor<2xi64>
  // CHECK-DAG: %[[J:.*]] = fmc.constant dense<-4> : tensor<i64>
  // CHECK: %[[G:.*]] = fmc.gather %[[D]], %[[I]] {axis = 0 : i64}
  // CHECK: %[[H:.*]] = fmc.gather %[[D]], %[[J]] {axis = 0 : i64}
  // CHECK: return %[[G]], %[[H]]
  %d = fmc.constant dense<[1, 2, 3]> : tensor<3xi64>
  %i = fmc.constant dense<[0, 3]> : tensor<2xi64>
  %0 = fmc.gather %d, %i {axis = 0 : i64} : (tensor<3xi64>, tensor<2xi64>) -> tensor<2xi64>
  %j = fmc.constant dense<-4> : tensor<i64>
  %1 = fmc.gather %d, %j {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  return %0, %1 : tensor<2xi64>, tensor<i64>
}

// -----

// The Shape -> Gather -> Concat -> Reshape chain exporters emit.
// CHECK-LABEL: func.func @concat_constant
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @concat_constant(%x: tensor<2x3x4xf32>) -> (tensor<2xi64>, tensor<2x4xi32>) {
  // CHECK-DAG: %[[SHAPE:.*]] = fmc.constant dense<[2, -1]> : tensor<2xi64>
  // CHECK-DAG: %[[C:.*]] = fmc.constant dense<{{\[}}[1, 3, 4, 7], [2, 5, 6, 8]]> : tensor<2x4xi32>
  // CHECK-NOT: fmc.concat
  // CHECK-NOT: fmc.gather
  // CHECK-NOT: fmc.shape
  // CHECK: return %[[SHAPE]], %[[C]]
  %s = fmc.shape %x : tensor<2x3x4xf32> -> tensor<3xi64>
  %zero = fmc.constant dense<[0]> : tensor<1xi64>
  %d0 = fmc.gather %s, %zero {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %m1 = fmc.constant dense<[-1]> : tensor<1xi64>
  %0 = fmc.concat %d0, %m1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %a = fmc.constant dense<[[1], [2]]> : tensor<2x1xi32>
  %b = fmc.constant dense<[[3, 4], [5, 6]]> : tensor<2x2xi32>
  %c = fmc.constant dense<[[7], [8]]> : tensor<2x1xi32>
  %1 = fmc.concat %a, %b, %c {axis = 1 : i64} : (tensor<2x1xi32>, tensor<2x2xi32>, tensor<2x1xi32>) -> tensor<2x4xi32>
  return %0, %1 : tensor<2xi64>, tensor<2x4xi32>
}

// -----

// CHECK-LABEL: func.func @cast_constant
func.func @cast_constant() -> (tensor<3xi32>, tensor<3xi1>, tensor<2xi64>, tensor<2xi32>) {
  // CHECK-DAG: %[[TRUNC:.*]] = fmc.constant dense<[1, -2, 0]> : tensor<3xi32>
  // CHECK-DAG: %[[BOOL:.*]] = fmc.constant dense<[true, true, false]> : tensor<3xi1>
  // i1 is zero-extended, signed integers sign-extended, unsigned zero-extended.
  // CHECK-DAG: %[[FROMBOOL:.*]] = fmc.constant dense<[1, 0]> : tensor<2xi64>
  // CHECK-DAG: %[[FROMU8:.*]] = fmc.constant dense<[255, 1]> : tensor<2xi32>
  // CHECK-NOT: fmc.cast
  // CHECK: return %[[TRUNC]], %[[BOOL]], %[[FROMBOOL]], %[[FROMU8]]
  %c = fmc.constant dense<[1, -2, 0]> : tensor<3xi64>
  %0 = fmc.cast %c : tensor<3xi64> to tensor<3xi32>
  %1 = fmc.cast %c : tensor<3xi64> to tensor<3xi1>
  %b = fmc.constant dense<[true, false]> : tensor<2xi1>
  %2 = fmc.cast %b : tensor<2xi1> to tensor<2xi64>
  %u = fmc.constant dense<[255, 1]> : tensor<2xui8>
  %3 = fmc.cast %u : tensor<2xui8> to tensor<2xi32>
  return %0, %1, %2, %3 : tensor<3xi32>, tensor<3xi1>, tensor<2xi64>, tensor<2xi32>
}

// -----

// CHECK-LABEL: func.func @cast_sign_extends
func.func @cast_sign_extends() -> tensor<2xi64> {
  // CHECK: %[[C:.*]] = fmc.constant dense<[-1, 127]> : tensor<2xi64>
  // CHECK-NOT: fmc.cast
  // CHECK: return %[[C]]
  %c = fmc.constant dense<[-1, 127]> : tensor<2xi8>
  %0 = fmc.cast %c : tensor<2xi8> to tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Only integer <-> integer casts fold.
// CHECK-LABEL: func.func @cast_float_not_folded
func.func @cast_float_not_folded() -> (tensor<2xi32>, tensor<2xf32>) {
  // CHECK-DAG: %[[F:.*]] = fmc.constant dense<[1.500000e+00, -2.500000e+00]> : tensor<2xf32>
  // CHECK-DAG: %[[I:.*]] = fmc.constant dense<[1, 2]> : tensor<2xi32>
  // CHECK: %[[A:.*]] = fmc.cast %[[F]] : tensor<2xf32> to tensor<2xi32>
  // CHECK: %[[B:.*]] = fmc.cast %[[I]] : tensor<2xi32> to tensor<2xf32>
  // CHECK: return %[[A]], %[[B]]
  %f = fmc.constant dense<[1.5, -2.5]> : tensor<2xf32>
  %0 = fmc.cast %f : tensor<2xf32> to tensor<2xi32>
  %i = fmc.constant dense<[1, 2]> : tensor<2xi32>
  %1 = fmc.cast %i : tensor<2xi32> to tensor<2xf32>
  return %0, %1 : tensor<2xi32>, tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @where_constant
func.func @where_constant() -> tensor<2x3xf32> {
  // CHECK: %[[C:.*]] = fmc.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x3xf32>
  // CHECK-NOT: fmc.where
  // CHECK: return %[[C]]
  %c = fmc.constant dense<[[true], [false]]> : tensor<2x1xi1>
  %t = fmc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %f = fmc.constant dense<0.0> : tensor<1xf32>
  %0 = fmc.where %c, %t, %f : (tensor<2x1xi1>, tensor<3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_constant
func.func @broadcast_constant() -> (tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x2xi64>) {
  // CHECK-DAG: %[[ROWS:.*]] = fmc.constant dense<{{\[}}[1, 2, 3], [1, 2, 3]]> : tensor<2x3xi64>
  // CHECK-DAG: %[[COLS:.*]] = fmc.constant dense<{{\[}}[1, 1, 1], [2, 2, 2]]> : tensor<2x3xi64>
  // CHECK-DAG: %[[SPLAT:.*]] = fmc.constant dense<7> : tensor<2x2xi64>
  // CHECK-NOT: fmc.broadcast
  // CHECK: return %[[ROWS]], %[[COLS]], %[[SPLAT]]
  %r = fmc.constant dense<[1, 2, 3]> : tensor<3xi64>
  %0 = fmc.broadcast %r : tensor<3xi64> -> tensor<2x3xi64>
  %c = fmc.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %1 = fmc.broadcast %c : tensor<2x1xi64> -> tensor<2x3xi64>
  %s = fmc.constant dense<7> : tensor<1xi64>
  %2 = fmc.broadcast %s : tensor<1xi64> -> tensor<2x2xi64>
  return %0, %1, %2 : tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x2xi64>
}

// -----

// CHECK-LABEL: func.func @integer_arith
func.func @integer_arith() -> (tensor<2x3xi64>, tensor<2xi64>, tensor<2xi32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) {
  // CHECK-DAG: %[[ADD:.*]] = fmc.constant dense<{{\[}}[11, 21, 31], [12, 22, 32]]> : tensor<2x3xi64>
  // CHECK-DAG: %[[SUB:.*]] = fmc.constant dense<[4, 5]> : tensor<2xi64>
  // CHECK-DAG: %[[MUL:.*]] = fmc.constant dense<[8, 15]> : tensor<2xi32>
  // Division truncates toward zero.
  // CHECK-DAG: %[[DIV:.*]] = fmc.constant dense<[3, -3]> : tensor<2xi64>
  // CHECK-DAG: %[[MAX:.*]] = fmc.constant dense<[3, 5]> : tensor<2xi64>
  // CHECK-DAG: %[[MIN:.*]] = fmc.constant dense<[1, 2]> : tensor<2xi64>
  // CHECK-NOT: fmc.add
  // CHECK-NOT: fmc.sub
  // CHECK-NOT: fmc.mul
  // CHECK-NOT: fmc.div
  // CHECK-NOT: fmc.max
  // CHECK-NOT: fmc.min
  // CHECK: return %[[ADD]], %[[SUB]], %[[MUL]], %[[DIV]], %[[MAX]], %[[MIN]]
  %col = fmc.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %row = fmc.constant dense<[10, 20, 30]> : tensor<3xi64>
  %0 = fmc.add %col, %row : (tensor<2x1xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %a = fmc.constant dense<[5, 6]> : tensor<2xi64>
  %one = fmc.constant dense<1> : tensor<i64>
  %1 = fmc.sub %a, %one : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %x = fmc.constant dense<[2, 3]> : tensor<2xi32>
  %y = fmc.constant dense<[4, 5]> : tensor<2xi32>
  %2 = fmc.mul %x, %y : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  %n = fmc.constant dense<[7, -7]> : tensor<2xi64>
  %two = fmc.constant dense<[2]> : tensor<1xi64>
  %3 = fmc.div %n, %two : (tensor<2xi64>, tensor<1xi64>) -> tensor<2xi64>
  %p = fmc.constant dense<[1, 5]> : tensor<2xi64>
  %q = fmc.constant dense<[3, 2]> : tensor<2xi64>
  %4 = fmc.max %p, %q : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %5 = fmc.min %p, %q : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3xi64>, tensor<2xi64>, tensor<2xi32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @integer_div_by_zero_not_folded
func.func @integer_div_by_zero_not_folded() -> tensor<2xi64> {
  // CHECK-DAG: %[[N:.*]] = fmc.constant dense<[7, 8]> : tensor<2xi64>
  // CHECK-DAG: %[[D:.*]] = fmc.constant dense<[2, 0]> : tensor<2xi64>
  // CHECK: %[[R:.*]] = fmc.div %[[N]], %[[D]]
  // CHECK: return %[[R]]
  %n = fmc.constant dense<[7, 8]> : tensor<2xi64>
  %d = fmc.constant dense<[2, 0]> : tensor<2xi64>
  %0 = fmc.div %n, %d : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Float arithmetic is left to the compiled code.
// CHECK-LABEL: func.func @float_arith_not_folded
func.func @float_arith_not_folded() -> (tensor<2xf32>, tensor<2xf32>) {
  // CHECK-DAG: %[[A:.*]] = fmc.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  // CHECK-DAG: %[[B:.*]] = fmc.constant dense<3.000000e+00> : tensor<2xf32>
  // CHECK: %[[ADD:.*]] = fmc.add %[[A]], %[[B]]
  // CHECK: %[[MUL:.*]] = fmc.mul %[[A]], %[[B]]
  // CHECK: return %[[ADD]], %[[MUL]]
  %a = fmc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = fmc.constant dense<3.0> : tensor<2xf32>
  %0 = fmc.add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = fmc.mul %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

// Weights (dense_resource) are never folded.
// CHECK-LABEL: func.func @resource_not_folded
func.func @resource_not_folded() -> (tensor<2xi64>, tensor<2xi64>) {
  // CHECK-DAG: %[[W:.*]] = fmc.constant dense_resource<shape_blob> : tensor<1x2xi64>
  // CHECK-DAG: %[[ONE:.*]] = fmc.constant dense<1> : tensor<2xi64>
  // CHECK: %[[R:.*]] = fmc.reshape %[[W]] : tensor<1x2xi64> -> tensor<2xi64>
  // CHECK: %[[S:.*]] = fmc.add %[[R]], %[[ONE]]
  // CHECK: return %[[R]], %[[S]]
  %w = fmc.constant dense_resource<shape_blob> : tensor<1x2xi64>
  %0 = fmc.reshape %w : tensor<1x2xi64> -> tensor<2xi64>
  %one = fmc.constant dense<1> : tensor<2xi64>
  %1 = fmc.add %0, %one : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0, %1 : tensor<2xi64>, tensor<2xi64>
}

{-#
  dialect_resources: {
    builtin: {
      shape_blob: "0x0800000002000000000000000300000000000000"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @identities
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
func.func @identities(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK-NOT: fmc.
  // CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
  %0 = fmc.reshape %x : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = fmc.transpose %0 {perm = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %2 = fmc.broadcast %1 : tensor<2x3xf32> -> tensor<2x3xf32>
  %3 = fmc.cast %2 : tensor<2x3xf32> to tensor<2x3xf32>
  %4 = fmc.concat %3 {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// A real transpose or broadcast of a non-constant stays.
// CHECK-LABEL: func.func @non_identities_stay
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
func.func @non_identities_stay(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<4x2x3xf32>) {
  // CHECK: %[[T:.*]] = fmc.transpose %[[X]] {perm = array<i64: 1, 0>}
  // CHECK: %[[B:.*]] = fmc.broadcast %[[X]] : tensor<2x3xf32> -> tensor<4x2x3xf32>
  // CHECK: return %[[T]], %[[B]]
  %0 = fmc.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = fmc.broadcast %x : tensor<2x3xf32> -> tensor<4x2x3xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<4x2x3xf32>
}

// -----

// Shape arithmetic of expanded functions: comparisons, logic and Python-style
// remainders fold on small integer constants.
// CHECK-LABEL: func.func @fold_shape_logic
// CHECK-DAG: %[[MOD:.*]] = fmc.constant dense<[1, 0, -2]> : tensor<3xi64>
// CHECK-DAG: %[[NOT:.*]] = fmc.constant dense<[false, true, false]> : tensor<3xi1>
// CHECK: return %[[MOD]], %[[NOT]]
func.func @fold_shape_logic() -> (tensor<3xi64>, tensor<3xi1>) {
  %a = fmc.constant dense<[7, -6, 7]> : tensor<3xi64>
  %b = fmc.constant dense<[3, 3, -3]> : tensor<3xi64>
  %0 = fmc.mod %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %1 = fmc.equal %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi1>
  %2 = fmc.greater %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi1>
  %3 = fmc.or %1, %2 : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  %4 = fmc.not %3 : tensor<3xi1>
  return %0, %4 : tensor<3xi64>, tensor<3xi1>
}

// -----

// Negation and absolute value of small integer constants fold (shape
// arithmetic, e.g. -axis in expanded LayerNormalization); floats do not.
// CHECK-LABEL: func.func @neg_abs_int
func.func @neg_abs_int(%f: tensor<2xf32>) -> (tensor<2xi64>, tensor<2xi64>, tensor<2xf32>) {
  // CHECK-DAG: %[[N:.*]] = fmc.constant dense<[-3, 4]> : tensor<2xi64>
  // CHECK-DAG: %[[A:.*]] = fmc.constant dense<[3, 4]> : tensor<2xi64>
  // CHECK-DAG: %[[F:.*]] = fmc.neg %{{.*}} : tensor<2xf32>
  // CHECK: return %[[N]], %[[A]], %[[F]]
  %c = fmc.constant dense<[3, -4]> : tensor<2xi64>
  %0 = fmc.neg %c : tensor<2xi64>
  %1 = fmc.abs %c : tensor<2xi64>
  %2 = fmc.neg %f : tensor<2xf32>
  return %0, %1, %2 : tensor<2xi64>, tensor<2xi64>, tensor<2xf32>
}

// -----

// Comparisons of small float constants fold (a Trilu(ones) == 0 mask), with
// IEEE ordering: NaN compares false, -0 == 0.
// CHECK-LABEL: func.func @float_compare_folded
// CHECK-DAG: fmc.constant dense<[false, true, false, true]> : tensor<4xi1>
// CHECK-DAG: fmc.constant dense<[true, false, false, false]> : tensor<4xi1>
// CHECK-DAG: fmc.constant dense<[true, true, false, true]> : tensor<4xi1>
// CHECK-NOT: fmc.equal
// CHECK-NOT: fmc.less
func.func @float_compare_folded() -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %a = fmc.constant dense<[1.0, 0.0, 0x7FC00000, -0.0]> : tensor<4xf32>
  %z = fmc.constant dense<0.0> : tensor<f32>
  %one = fmc.constant dense<1.0> : tensor<f32>
  %0 = fmc.equal %a, %z : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  %1 = fmc.greater %a, %z : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  %2 = fmc.less_equal %a, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  return %0, %1, %2 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}
