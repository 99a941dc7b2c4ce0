// RUN: fmc-opt %s --fmc-convert-graph-to-linalg="attention-query-tile=4 attention-key-tile=4 attention-parallel=true" -cse | FileCheck %s
// RUN: fmc-opt %s --fmc-convert-graph-to-linalg="attention-query-tile=4 attention-key-tile=4" -cse | FileCheck %s --check-prefix=SERIAL

// With attention-parallel the (batch, head, query block) loops are one
// scf.forall over 1 x 2 x (8 / 4) blocks, each writing its own 4 x 16 slice
// with tensor.parallel_insert_slice; the key loop inside stays an scf.for
// carrying the running max, sum and accumulator.
// CHECK-LABEL: func.func @blocks
// CHECK: scf.forall (%[[B:.+]], %[[H:.+]], %[[I:.+]]) = (0, 0, 0) to (1, 2, 8) step (1, 1, 4) shared_outs(%[[OUT:.+]] = %{{.+}}) -> (tensor<1x2x8x16xf32>)
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) -> (tensor<4xf32>, tensor<4xf32>, tensor<4x16xf32>)
// CHECK: scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice %{{.+}} into %[[OUT]][%[[B]], %[[H]], %[[I]], 0] [1, 1, 4, 16] [1, 1, 1, 1] : tensor<4x16xf32> into tensor<1x2x8x16xf32>
// SERIAL-LABEL: func.func @blocks
// SERIAL-NOT: scf.forall
// SERIAL: scf.for
// SERIAL: tensor.insert_slice
func.func @blocks(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  %0 = fmc.attention %q, %k, %v {causal = true, scale = 0.25 : f64} : (tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32>
  return %0 : tensor<1x2x8x16xf32>
}
