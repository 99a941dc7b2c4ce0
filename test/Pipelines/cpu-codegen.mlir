// RUN: fmc-opt %s --fmc-graph-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: fmc-opt %s --fmc-graph-to-linalg --fmc-cpu-codegen | FileCheck %s

// A small model: y = erf(x @ w + b) and a reshaped copy of x.

// After fmc-graph-to-linalg: the 128-byte weight is an argument, the 16-byte
// bias a constant, add and erf fused into one generic after the matmul.
// LINALG-LABEL: func.func @main(
// LINALG-SAME:    %[[X:[^:]*]]: tensor<2x8xf32> {fmc.input = "x"},
// LINALG-SAME:    %[[W:[^:]*]]: tensor<8x4xf32> {bufferization.writable = false, fmc.weight = dense_resource<weight0> : tensor<8x4xf32>})
// LINALG-SAME:    -> (tensor<2x4xf32> {fmc.output = "y"}, tensor<16xf32> {fmc.output = "flat"})
// LINALG-NOT:     fmc.
// LINALG:         %[[B:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// LINALG:         %[[MM:.*]] = linalg.generic
// LINALG-SAME:        iterator_types = [{{"parallel", "parallel", "reduction"|"parallel", "reduction", "parallel"}}]
// LINALG-SAME:        ins(%[[X]], %[[W]] : tensor<2x8xf32>, tensor<8x4xf32>)
// LINALG:         %[[Y:.*]] = linalg.generic
// LINALG-SAME:        ins(%[[MM]], %[[B]] : tensor<2x4xf32>, tensor<4xf32>)
// LINALG:           %[[S:.*]] = arith.addf
// LINALG-NEXT:      %[[E:.*]] = math.erf %[[S]] : f32
// LINALG-NEXT:      linalg.yield %[[E]]
// LINALG:         %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1]] : tensor<2x8xf32> into tensor<16xf32>
// LINALG:         return %[[Y]], %[[FLAT]]
// LINALG-NOT:     fmc.

// After fmc-cpu-codegen: only the bias is a global; the model takes
// (x, weight, y, flat) as bare pointers and returns nothing; copies are
// loops, erf a polynomial.
// CHECK-NOT:     dense<5.000000e-01>
// CHECK:         llvm.mlir.global private constant @{{.*}}(dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>)
// CHECK-NOT:     dense<5.000000e-01>
// CHECK-NOT:     memrefCopy
// CHECK-NOT:     malloc
// CHECK-LABEL:   llvm.func internal @main(
// CHECK-SAME:      %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr) {
// CHECK-NOT:       llvm.call
// CHECK-NOT:       math.erf
// CHECK:           llvm.intr.fma
// CHECK-NOT:       llvm.return %
// CHECK-NOT:       llvm.call
// CHECK:           llvm.return{{$}}
// CHECK-NEXT:    }
// CHECK-LABEL:   llvm.func @fmc_entry(
// CHECK-SAME:      %[[BUFS:[^:]*]]: !llvm.ptr) {
// CHECK-COUNT-4:   llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:      llvm.call @main(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT:      llvm.return
// CHECK-NOT:     memrefCopy
// CHECK-NOT:     malloc
func.func @main(%x: tensor<2x8xf32> {fmc.input = "x"}) -> (tensor<2x4xf32> {fmc.output = "y"}, tensor<16xf32> {fmc.output = "flat"}) {
  %w = fmc.constant dense<0.5> : tensor<8x4xf32>
  %b = fmc.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = fmc.matmul %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %1 = fmc.add %0, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %2 = fmc.erf %1 : tensor<2x4xf32>
  %3 = fmc.reshape %x : tensor<2x8xf32> -> tensor<16xf32>
  return %2, %3 : tensor<2x4xf32>, tensor<16xf32>
}
