// RUN: fmc-opt %s -split-input-file --fmc-outline-weights | FileCheck %s
// RUN: fmc-opt %s -split-input-file --fmc-outline-weights=min-bytes=1000 | FileCheck %s --check-prefix=MIN1000
// RUN: not fmc-opt %s -split-input-file --fmc-outline-weights=function=nope 2>&1 | FileCheck %s --check-prefix=NOPE

// Constants of at least 64 bytes become trailing arguments; smaller ones and
// i1 constants (bit-packed in MLIR; 4x16xi1 counts as 64 bytes) stay in the
// code.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<16xf32> {fmc.input = "x"},
// CHECK-SAME:    %[[W0:[^:]*]]: tensor<16xf32> {bufferization.writable = false, fmc.weight = dense_resource<weight0> : tensor<16xf32>},
// CHECK-SAME:    %[[W1:[^:]*]]: tensor<16x16xf32> {bufferization.writable = false, fmc.weight = dense_resource<weight1> : tensor<16x16xf32>})
// CHECK-SAME:    -> (tensor<16xf32> {fmc.output = "y"})
// CHECK-DAG:     %[[SMALL:.*]] = fmc.constant dense<2.000000e+00> : tensor<15xf32>
// CHECK-DAG:     %[[BOOL:.*]] = fmc.constant dense<true> : tensor<4x16xi1>
// CHECK-NOT:     dense<1.000000e+00>
// CHECK-NOT:     tensor<16x16xf32> = fmc.constant
// CHECK:         %[[A:.*]] = fmc.add %[[X]], %[[W0]]
// CHECK:         %[[R:.*]] = fmc.reduce_sum %[[W1]]
// CHECK:         %[[B:.*]] = fmc.add %[[A]], %[[R]]
// CHECK:         %[[S:.*]] = fmc.slice %[[SMALL]]
// CHECK:         %[[W:.*]] = fmc.where %[[BOOL]]
// The splat is expanded into a full blob (16 x 1.0f, 256 x 2.0f) behind the
// blob's 4-byte alignment header.
// CHECK:       dialect_resources
// CHECK:         weight0: "0x{{[0-9A-F]{8}(0000803F){16}"}}
// CHECK:         weight1: "0x{{[0-9A-F]{8}((00000040){128}){2}"}}

// MIN1000-LABEL: func.func @main(
// MIN1000-SAME:    %[[X:[^:]*]]: tensor<16xf32> {fmc.input = "x"},
// MIN1000-SAME:    %[[W0:[^:]*]]: tensor<16x16xf32> {bufferization.writable = false, fmc.weight = dense_resource<weight0> : tensor<16x16xf32>})
// MIN1000-SAME:    -> (tensor<16xf32> {fmc.output = "y"})
// MIN1000:         fmc.constant dense<1.000000e+00> : tensor<16xf32>
// MIN1000:         fmc.constant dense<2.000000e+00> : tensor<15xf32>
// MIN1000:         fmc.reduce_sum %[[W0]]

// NOPE: error: no model function named 'nope'
func.func @main(%x: tensor<16xf32> {fmc.input = "x"}) -> (tensor<16xf32> {fmc.output = "y"}) {
  %w = fmc.constant dense<1.0> : tensor<16xf32>
  %small = fmc.constant dense<2.0> : tensor<15xf32>
  %big = fmc.constant dense<2.0> : tensor<16x16xf32>
  %bool = fmc.constant dense<true> : tensor<4x16xi1>
  %0 = fmc.add %x, %w : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  %r = fmc.reduce_sum %big {axes = array<i64: 0>, keepdims = false} : (tensor<16x16xf32>) -> tensor<16xf32>
  %1 = fmc.add %0, %r : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  %s = fmc.slice %small {offsets = array<i64: 0>, steps = array<i64: 1>} : tensor<15xf32> -> tensor<15xf32>
  %2 = fmc.where %bool, %1, %w : (tensor<4x16xi1>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %1 : tensor<16xf32>
}

// -----

// The same constant used twice (even from two constant ops) becomes one
// argument; a weight that is already a resource keeps its blob.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x8xf32>,
// CHECK-SAME:    %[[W:[^:]*]]: tensor<4x8xf32> {bufferization.writable = false, fmc.weight = dense_resource<weight0> : tensor<4x8xf32>},
// CHECK-SAME:    %[[R:[^:]*]]: tensor<4x8xf32> {bufferization.writable = false, fmc.weight = dense_resource<imported> : tensor<4x8xf32>})
// CHECK-SAME:    -> tensor<4x8xf32>
// CHECK-NOT:     fmc.constant
// CHECK:         %[[A:.*]] = fmc.add %[[X]], %[[W]]
// CHECK:         %[[M:.*]] = fmc.mul %[[A]], %[[W]]
// CHECK:         %[[S:.*]] = fmc.sub %[[M]], %[[R]]
// CHECK:         %[[D:.*]] = fmc.div %[[S]], %[[R]]
// CHECK:         return %[[D]]
// CHECK:       dialect_resources
// CHECK-DAG:     weight0: "0x
// CHECK-DAG:     imported: "0x04000000{{0+}}"

// Nothing is large enough for min-bytes=1000.
// MIN1000-LABEL: func.func @main(
// MIN1000-SAME:    %{{[^:]*}}: tensor<4x8xf32>)
// MIN1000-COUNT-2: fmc.constant dense<1.000000e+00> : tensor<4x8xf32>
// MIN1000-COUNT-2: fmc.constant dense_resource<imported>
func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = fmc.constant dense<1.0> : tensor<4x8xf32>
  %0 = fmc.add %x, %w : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %w2 = fmc.constant dense<1.0> : tensor<4x8xf32>
  %1 = fmc.mul %0, %w2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = fmc.constant dense_resource<imported> : tensor<4x8xf32>
  %2 = fmc.sub %1, %r : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %r2 = fmc.constant dense_resource<imported> : tensor<4x8xf32>
  %3 = fmc.div %2, %r2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %3 : tensor<4x8xf32>
}

{-#
  dialect_resources: {
    builtin: {
      imported: "0x040000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    }
  }
#-}

// -----

// Only the model function is rewritten.

// CHECK-LABEL: func.func @helper(
// CHECK-SAME:    %{{[^:]*}}: tensor<32xf32>) -> tensor<32xf32>
// CHECK:         fmc.constant dense<3.000000e+00> : tensor<32xf32>
// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %{{[^:]*}}: tensor<32xf32>,
// CHECK-SAME:    %{{[^:]*}}: tensor<32xf32> {bufferization.writable = false, fmc.weight = dense_resource<weight0> : tensor<32xf32>})
func.func @helper(%x: tensor<32xf32>) -> tensor<32xf32> {
  %c = fmc.constant dense<3.0> : tensor<32xf32>
  %0 = fmc.add %x, %c : (tensor<32xf32>, tensor<32xf32>) -> tensor<32xf32>
  return %0 : tensor<32xf32>
}
func.func @main(%x: tensor<32xf32>) -> tensor<32xf32> {
  %c = fmc.constant dense<3.0> : tensor<32xf32>
  %0 = fmc.add %x, %c : (tensor<32xf32>, tensor<32xf32>) -> tensor<32xf32>
  return %0 : tensor<32xf32>
}
