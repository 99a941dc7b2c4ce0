// RUN: fmc-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fmc-convert-graph-to-linalg))' | FileCheck %s

// Broadcasting binary ops: a missing leading dim is dropped from the map, a
// size-1 dim reads index 0.

// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @add_sub_broadcast
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>, %[[C:.*]]: tensor<2x1xf32>)
// CHECK:         %[[E0:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK:         %[[ADD:.*]] = linalg.generic
// CHECK-SAME:        indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]]
// CHECK-SAME:        iterator_types = ["parallel", "parallel"]
// CHECK-SAME:        ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[E0]] : tensor<2x3xf32>)
// CHECK:         ^bb0(%[[L:.*]]: f32, %[[R:.*]]: f32, %{{.*}}: f32):
// CHECK:           %[[S:.*]] = arith.addf %[[L]], %[[R]] : f32
// CHECK:           linalg.yield %[[S]] : f32
// CHECK:         %[[SUB:.*]] = linalg.generic
// CHECK-SAME:        indexing_maps = [#[[$ID]], #[[$COL]], #[[$ID]]]
// CHECK-SAME:        ins(%[[ADD]], %[[C]] : tensor<2x3xf32>, tensor<2x1xf32>)
// CHECK:           arith.subf
// CHECK:         return %[[SUB]]
func.func @add_sub_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>) -> tensor<2x3xf32> {
  %0 = fmc.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = fmc.sub %0, %c : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$ZERO:.+]] = affine_map<(d0) -> (0)>
// CHECK-LABEL: func.func @addi_size_one
// CHECK-SAME:    (%[[A:.*]]: tensor<4xi64>, %[[B:.*]]: tensor<1xi64>)
// CHECK:         linalg.generic {indexing_maps = [#[[$ID]], #[[$ZERO]], #[[$ID]]], iterator_types = ["parallel"]}
// CHECK-SAME:        ins(%[[A]], %[[B]] : tensor<4xi64>, tensor<1xi64>)
// CHECK:         ^bb0(%[[L:.*]]: i64, %[[R:.*]]: i64, %{{.*}}: i64):
// CHECK:           %[[S:.*]] = arith.addi %[[L]], %[[R]] : i64
// CHECK:           linalg.yield %[[S]] : i64
func.func @addi_size_one(%a: tensor<4xi64>, %b: tensor<1xi64>) -> tensor<4xi64> {
  %0 = fmc.add %a, %b : (tensor<4xi64>, tensor<1xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// A rank-0 operand has an empty map.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$SCALAR:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @mul_scalar
// CHECK:         linalg.generic {indexing_maps = [#[[$ID]], #[[$SCALAR]], #[[$ID]]]
// CHECK:           arith.mulf
func.func @mul_scalar(%a: tensor<2x3xf32>, %s: tensor<f32>) -> tensor<2x3xf32> {
  %0 = fmc.mul %a, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @integer_binary
// CHECK:         arith.subi
// CHECK:         arith.muli
// CHECK:         arith.divsi
// CHECK:         arith.maxsi
// CHECK:         arith.minsi
// CHECK:         arith.cmpi slt
// CHECK:         arith.cmpi sgt
// CHECK:         arith.cmpi eq
func.func @integer_binary(%a: tensor<4xi32>, %b: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %0 = fmc.sub %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = fmc.mul %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %2 = fmc.div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %3 = fmc.max %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %4 = fmc.min %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %5 = fmc.less %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %6 = fmc.greater %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %7 = fmc.equal %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @float_compare
// CHECK-SAME:    (%[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK:         %[[EQ:.*]] = linalg.generic
// CHECK-SAME:        outs(%{{.*}} : tensor<4xi1>)
// CHECK:         ^bb0(%[[L:.*]]: f32, %[[R:.*]]: f32, %{{.*}}: i1):
// CHECK:           %[[C:.*]] = arith.cmpf oeq, %[[L]], %[[R]] : f32
// CHECK:           linalg.yield %[[C]] : i1
// CHECK:         %[[LT:.*]] = linalg.generic
// CHECK:           arith.cmpf olt
// CHECK:         %[[GT:.*]] = linalg.generic
// CHECK:           arith.cmpf ogt
// CHECK:         %[[MAX:.*]] = linalg.generic
// CHECK:           arith.maximumf
// CHECK:         %[[MIN:.*]] = linalg.generic
// CHECK:           arith.minimumf
// CHECK:         %[[DIV:.*]] = linalg.generic
// CHECK:           arith.divf
// CHECK:         return %[[EQ]], %[[LT]], %[[GT]], %[[MAX]], %[[MIN]], %[[DIV]]
func.func @float_compare(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = fmc.equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %1 = fmc.less %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %2 = fmc.greater %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %3 = fmc.max %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = fmc.min %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %5 = fmc.div %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @logical
// CHECK-SAME:    (%[[P:.*]]: tensor<4xi1>, %[[Q:.*]]: tensor<4xi1>)
// CHECK:         ^bb0(%[[L:.*]]: i1, %[[R:.*]]: i1, %{{.*}}: i1):
// CHECK-NEXT:      %[[AND:.*]] = arith.andi %[[L]], %[[R]] : i1
// CHECK-NEXT:      linalg.yield %[[AND]]
// CHECK:           arith.ori
// CHECK:         ^bb0(%[[X:.*]]: i1, %{{.*}}: i1):
// CHECK-NEXT:      %[[TRUE:.*]] = arith.constant true
// CHECK-NEXT:      %[[NOT:.*]] = arith.xori %[[X]], %[[TRUE]] : i1
// CHECK-NEXT:      linalg.yield %[[NOT]]
func.func @logical(%p: tensor<4xi1>, %q: tensor<4xi1>) -> tensor<4xi1> {
  %0 = fmc.and %p, %q : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %1 = fmc.or %0, %q : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %2 = fmc.not %1 : tensor<4xi1>
  return %2 : tensor<4xi1>
}

// -----

// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @unary_math
// CHECK-SAME:    (%[[A:.*]]: tensor<4xf32>)
// CHECK:         %[[ERF:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel"]}
// CHECK-SAME:        ins(%[[A]] : tensor<4xf32>)
// CHECK:         ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[Y:.*]] = math.erf %[[X]] : f32
// CHECK-NEXT:      linalg.yield %[[Y]] : f32
// CHECK:         %[[TANH:.*]] = linalg.generic
// CHECK-SAME:        ins(%[[ERF]] : tensor<4xf32>)
// CHECK:           math.tanh
// CHECK:         linalg.generic
// CHECK:           math.exp
// CHECK:         linalg.generic
// CHECK:           math.log
// CHECK:         linalg.generic
// CHECK:           math.sqrt
// CHECK:         linalg.generic
// CHECK:           math.absf
// CHECK:         linalg.generic
// CHECK:           arith.negf
// CHECK:         linalg.generic
// CHECK:           %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:           arith.divf %[[ONE]], %{{.*}} : f32
func.func @unary_math(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = fmc.erf %a : tensor<4xf32>
  %1 = fmc.tanh %0 : tensor<4xf32>
  %2 = fmc.exp %1 : tensor<4xf32>
  %3 = fmc.log %2 : tensor<4xf32>
  %4 = fmc.sqrt %3 : tensor<4xf32>
  %5 = fmc.abs %4 : tensor<4xf32>
  %6 = fmc.neg %5 : tensor<4xf32>
  %7 = fmc.reciprocal %6 : tensor<4xf32>
  return %7 : tensor<4xf32>
}

// -----

// sigmoid(x) = 1 / (1 + exp(-x)); relu(x) = max(x, 0).
// CHECK-LABEL: func.func @sigmoid_relu
// CHECK:         ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:      %[[NEG:.*]] = arith.negf %[[X]] : f32
// CHECK-NEXT:      %[[EXP:.*]] = math.exp %[[NEG]] : f32
// CHECK-NEXT:      %[[DEN:.*]] = arith.addf %[[ONE]], %[[EXP]] : f32
// CHECK-NEXT:      %[[SIG:.*]] = arith.divf %[[ONE]], %[[DEN]] : f32
// CHECK-NEXT:      linalg.yield %[[SIG]] : f32
// CHECK:         ^bb0(%[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:      %[[RELU:.*]] = arith.maximumf %[[Y]], %[[ZERO]] : f32
// CHECK-NEXT:      linalg.yield %[[RELU]] : f32
// CHECK:         ^bb0(%[[I:.*]]: i32, %{{.*}}: i32):
// CHECK-NEXT:      %[[IZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[IRELU:.*]] = arith.maxsi %[[I]], %[[IZERO]] : i32
// CHECK-NEXT:      linalg.yield %[[IRELU]] : i32
// CHECK:         ^bb0(%[[J:.*]]: i32, %{{.*}}: i32):
// CHECK-NEXT:      %[[JZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[INEG:.*]] = arith.subi %[[JZERO]], %[[J]] : i32
// CHECK-NEXT:      linalg.yield %[[INEG]] : i32
func.func @sigmoid_relu(%a: tensor<2x3xf32>, %i: tensor<4xi32>) -> (tensor<2x3xf32>, tensor<4xi32>) {
  %0 = fmc.sigmoid %a : tensor<2x3xf32>
  %1 = fmc.relu %0 : tensor<2x3xf32>
  %2 = fmc.relu %i : tensor<4xi32>
  %3 = fmc.neg %2 : tensor<4xi32>
  return %1, %3 : tensor<2x3xf32>, tensor<4xi32>
}

// -----

// x ** 2.0 and x ** 0.5 need no powf; other exponents do.
// CHECK-LABEL: func.func @pow
// CHECK-SAME:    (%[[A:.*]]: tensor<3xf32>, %[[B:.*]]: tensor<3xf32>, %[[I:.*]]: tensor<3xi64>)
// CHECK:         %[[SQ:.*]] = linalg.generic
// CHECK-SAME:        ins(%[[A]] : tensor<3xf32>)
// CHECK:         ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK-NEXT:      linalg.yield %[[M]] : f32
// CHECK:         %[[RT:.*]] = linalg.generic
// CHECK-SAME:        ins(%[[SQ]] : tensor<3xf32>)
// CHECK:           math.sqrt
// CHECK-NOT:       math.powf
// CHECK:         %[[GEN:.*]] = linalg.generic
// CHECK-SAME:        ins(%[[RT]], %[[B]] : tensor<3xf32>, tensor<3xf32>)
// CHECK:           math.powf
// CHECK:         %[[IEXP:.*]] = linalg.generic
// CHECK-SAME:        ins(%[[GEN]], %[[I]] : tensor<3xf32>, tensor<3xi64>)
// CHECK:         ^bb0(%[[BASE:.*]]: f32, %[[E:.*]]: i64, %{{.*}}: f32):
// CHECK-NEXT:      %[[EF:.*]] = arith.sitofp %[[E]] : i64 to f32
// CHECK-NEXT:      %[[P:.*]] = math.powf %[[BASE]], %[[EF]] : f32
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[I]], %[[I]] : tensor<3xi64>, tensor<3xi64>)
// CHECK:           math.ipowi
func.func @pow(%a: tensor<3xf32>, %b: tensor<3xf32>, %i: tensor<3xi64>) -> (tensor<3xf32>, tensor<3xi64>) {
  %two = fmc.constant dense<2.0> : tensor<f32>
  %0 = fmc.pow %a, %two : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %half = fmc.constant dense<0.5> : tensor<1xf32>
  %1 = fmc.pow %0, %half : (tensor<3xf32>, tensor<1xf32>) -> tensor<3xf32>
  %2 = fmc.pow %1, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %3 = fmc.pow %2, %i : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
  %4 = fmc.pow %i, %i : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %3, %4 : tensor<3xf32>, tensor<3xi64>
}

// -----

// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @where
// CHECK-SAME:    (%[[C:.*]]: tensor<2x1xi1>, %[[T:.*]]: tensor<3xf32>, %[[F:.*]]: tensor<2x3xf32>)
// CHECK:         linalg.generic {indexing_maps = [#[[$COL]], #[[$ROW]], #[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:        ins(%[[C]], %[[T]], %[[F]] : tensor<2x1xi1>, tensor<3xf32>, tensor<2x3xf32>)
// CHECK:         ^bb0(%[[CS:.*]]: i1, %[[TS:.*]]: f32, %[[FS:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[SEL:.*]] = arith.select %[[CS]], %[[TS]], %[[FS]] : f32
// CHECK-NEXT:      linalg.yield %[[SEL]] : f32
func.func @where(%c: tensor<2x1xi1>, %t: tensor<3xf32>, %f: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = fmc.where %c, %t, %f : (tensor<2x1xi1>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @casts
// CHECK-SAME:    (%[[I:.*]]: tensor<4xi32>, %[[F:.*]]: tensor<4xf32>, %[[H:.*]]: tensor<4xf16>, %[[B:.*]]: tensor<4xi1>)
// CHECK:         ins(%[[I]] : tensor<4xi32>) outs(%{{.*}} : tensor<4xf32>)
// CHECK:           arith.sitofp %{{.*}} : i32 to f32
// CHECK:         ins(%[[F]] : tensor<4xf32>) outs(%{{.*}} : tensor<4xi64>)
// CHECK:           arith.fptosi %{{.*}} : f32 to i64
// CHECK:         ins(%[[H]] : tensor<4xf16>) outs(%{{.*}} : tensor<4xf32>)
// CHECK:           arith.extf %{{.*}} : f16 to f32
// CHECK:         ins(%[[F]] : tensor<4xf32>) outs(%{{.*}} : tensor<4xf16>)
// CHECK:           arith.truncf %{{.*}} : f32 to f16
// CHECK:         ins(%[[B]] : tensor<4xi1>) outs(%{{.*}} : tensor<4xi32>)
// CHECK:           arith.extui %{{.*}} : i1 to i32
// CHECK:         ins(%[[I]] : tensor<4xi32>) outs(%{{.*}} : tensor<4xi1>)
// CHECK:         ^bb0(%[[X:.*]]: i32, %{{.*}}: i1):
// CHECK-NEXT:      %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[NE:.*]] = arith.cmpi ne, %[[X]], %[[ZERO]] : i32
// CHECK-NEXT:      linalg.yield %[[NE]] : i1
// CHECK:         ins(%[[F]] : tensor<4xf32>) outs(%{{.*}} : tensor<4xi1>)
// CHECK:           arith.cmpf une
// CHECK:         ins(%[[I]] : tensor<4xi32>) outs(%{{.*}} : tensor<4xi8>)
// CHECK:           arith.trunci %{{.*}} : i32 to i8
// CHECK:         ins(%[[I]] : tensor<4xi32>) outs(%{{.*}} : tensor<4xi64>)
// CHECK:           arith.extsi %{{.*}} : i32 to i64
// CHECK:         ins(%[[B]] : tensor<4xi1>) outs(%{{.*}} : tensor<4xf32>)
// CHECK:           arith.uitofp %{{.*}} : i1 to f32
func.func @casts(%i: tensor<4xi32>, %f: tensor<4xf32>, %h: tensor<4xf16>, %b: tensor<4xi1>) -> (tensor<4xf32>, tensor<4xi64>, tensor<4xf32>, tensor<4xf16>, tensor<4xi32>, tensor<4xi1>, tensor<4xi1>, tensor<4xi8>, tensor<4xi64>, tensor<4xf32>) {
  %0 = fmc.cast %i : tensor<4xi32> to tensor<4xf32>
  %1 = fmc.cast %f : tensor<4xf32> to tensor<4xi64>
  %2 = fmc.cast %h : tensor<4xf16> to tensor<4xf32>
  %3 = fmc.cast %f : tensor<4xf32> to tensor<4xf16>
  %4 = fmc.cast %b : tensor<4xi1> to tensor<4xi32>
  %5 = fmc.cast %i : tensor<4xi32> to tensor<4xi1>
  %6 = fmc.cast %f : tensor<4xf32> to tensor<4xi1>
  %7 = fmc.cast %i : tensor<4xi32> to tensor<4xi8>
  %8 = fmc.cast %i : tensor<4xi32> to tensor<4xi64>
  %9 = fmc.cast %b : tensor<4xi1> to tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<4xf32>, tensor<4xi64>, tensor<4xf32>, tensor<4xf16>, tensor<4xi32>, tensor<4xi1>, tensor<4xi1>, tensor<4xi8>, tensor<4xi64>, tensor<4xf32>
}

// -----

// f16 <-> bf16 goes through f32.
// CHECK-LABEL: func.func @cast_f16_bf16
// CHECK:         ^bb0(%[[X:.*]]: f16, %{{.*}}: bf16):
// CHECK-NEXT:      %[[W:.*]] = arith.extf %[[X]] : f16 to f32
// CHECK-NEXT:      %[[N:.*]] = arith.truncf %[[W]] : f32 to bf16
// CHECK-NEXT:      linalg.yield %[[N]] : bf16
func.func @cast_f16_bf16(%h: tensor<4xf16>) -> tensor<4xbf16> {
  %0 = fmc.cast %h : tensor<4xf16> to tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$IN:.+]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-LABEL: func.func @broadcast
// CHECK-SAME:    (%[[A:.*]]: tensor<1x3xf32>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#[[$IN]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME:        ins(%[[A]] : tensor<1x3xf32>) outs(%[[E]] : tensor<4x2x3xf32>)
// CHECK:         ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      linalg.yield %[[X]] : f32
// CHECK:         return %[[R]]
func.func @broadcast(%a: tensor<1x3xf32>) -> tensor<4x2x3xf32> {
  %0 = fmc.broadcast %a : tensor<1x3xf32> -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @constant
// CHECK-NEXT:    %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK-NEXT:    return %[[C]]
func.func @constant() -> tensor<3xf32> {
  %0 = fmc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  return %0 : tensor<3xf32>
}
