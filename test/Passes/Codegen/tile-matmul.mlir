// RUN: fmc-opt %s --pass-pipeline="builtin.module(fmc-tile-matmul{mr=2 nr=8 lanes=4 kc=4 mc=4})" | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline="builtin.module(fmc-tile-matmul{mr=2 nr=8 lanes=4 kc=4 mc=4 parallel-min-work=100})" | FileCheck %s --check-prefix=TASK
// RUN: fmc-opt %s --pass-pipeline="builtin.module(fmc-tile-matmul{mr=2 nr=8 lanes=4 kc=4 mc=4 fma=false})" | FileCheck %s --check-prefix=NOFMA
// RUN: fmc-opt %s --pass-pipeline="builtin.module(fmc-tile-matmul{mr=2 nr=8 lanes=4 kc=4 mc=4 out-block-bytes=64},canonicalize)" | FileCheck %s --check-prefix=BLOCK

// Targets without FMA multiply and add (llvm.fma would become fmaf calls).
// NOFMA-LABEL: func.func @tails(
// NOFMA-NOT: vector.fma
// NOFMA: arith.mulf %{{.+}}, %{{.+}} : vector<4xf32>
// NOFMA-NEXT: arith.addf %{{.+}}, %{{.+}} : vector<4xf32>

// With parallel-min-work met and more than one panel, the kernel moves into a
// task function over a panel range, with its own buffers, placed before its
// caller and called for all panels. @batched has one panel and stays in
// place.
// TASK-LABEL: func.func private @tails_matmul0(
// TASK-SAME: %[[FIRST:[^:]+]]: index, %[[LAST:[^:]+]]: index, %{{.+}}: memref<5x6xf32>, %{{.+}}: memref<6x10xf32>, %{{.+}}: memref<5x10xf32>) attributes {fmc.parallel_task}
// TASK: memref.alloca() {alignment = 64 : i64} : memref<4x8xf32>
// TASK: scf.for %[[NB:.+]] = %[[FIRST]] to %[[LAST]] step
// TASK: %[[END:.+]] = arith.minsi %[[LAST]], %{{.+}}
// TASK: %[[FULL:.+]] = arith.minsi %[[END]], %{{.+}}
// TASK: scf.for %{{.+}} = %[[NB]] to %[[FULL]]
// TASK: vector.fma
// TASK: arith.cmpi sgt, %[[END]]
// TASK: vector.maskedstore
// TASK-LABEL: func.func @tails(
// TASK-SAME: %[[A:[^:]+]]: memref<5x6xf32>, %[[B:[^:]+]]: memref<6x10xf32>, %[[C:[^:]+]]: memref<5x10xf32>
// TASK-NOT: memref.alloca
// TASK: %[[BEGIN:.+]] = arith.constant 0 : index
// TASK: %[[END:.+]] = arith.constant 2 : index
// TASK: call @tails_matmul0(%[[BEGIN]], %[[END]], %[[A]], %[[B]], %[[C]])
// TASK-LABEL: func.func private @packed_matmul1(
// TASK-NOT: memref<4x8xf32>
// TASK: vector.fma
// TASK-LABEL: func.func @packed(
// TASK: call @packed_matmul1(
// TASK-LABEL: func.func @batched(
// TASK-NOT: call
// TASK: vector.fma
// TASK-LABEL: func.func @not_matched(
// TASK-NOT: call
// TASK-LABEL: func.func private @wide_matmul2(

#lhs = affine_map<(m, k, n) -> (m, k)>
#rhs = affine_map<(m, k, n) -> (k, n)>
#out = affine_map<(m, k, n) -> (m, n)>
#packed = affine_map<(m, k, n) -> (n floordiv 8, k, n mod 8)>

// M = 5 (two row tiles and a 1-row tail), N = 10 (a full panel and a
// 2-column tail), K = 6 (two kc blocks), two mc blocks of 4 rows.
// CHECK-LABEL: func.func @tails(
// CHECK-SAME: %[[A:[^:]+]]: memref<5x6xf32>, %[[B:[^:]+]]: memref<6x10xf32>, %[[C:[^:]+]]: memref<5x10xf32>
// CHECK-DAG: %[[PANEL:.+]] = memref.alloca() {alignment = 64 : i64} : memref<4x8xf32>
// CHECK-DAG: %[[TILES:.+]] = memref.alloca() {alignment = 64 : i64} : memref<2x4x2xf32>
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[MB:.+]] = %{{.+}} to %[[C5:.+]] step %{{.+}} {
// CHECK: scf.for %[[NB:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: scf.for %[[KB:.+]] = %{{.+}} to %[[C6:.+]] step %{{.+}} {
//   The lhs block is packed into row tiles.
// CHECK: memref.load %[[A]]
// CHECK: memref.store %{{.+}}, %[[TILES]]
//   Full panels: the rhs panel is packed, then 2 x 8 tiles in 4 registers.
// CHECK: scf.for %[[N0:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: memref.load %[[B]]
// CHECK: memref.store %{{.+}}, %[[PANEL]]
// CHECK: scf.for {{.+}} iter_args({{.+}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>) {
// CHECK-COUNT-2: vector.load %[[PANEL]]
// CHECK: memref.load %[[TILES]]
// CHECK: vector.broadcast
// CHECK-COUNT-2: vector.fma
// CHECK: memref.load %[[TILES]]
// CHECK: vector.broadcast
// CHECK-COUNT-2: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-4: vector.store {{.+}}, %[[C]]
//   The 1-row tail in the last row block.
// CHECK: scf.if
// CHECK: -> (vector<4xf32>, vector<4xf32>)
// CHECK-COUNT-2: vector.store {{.+}}, %[[C]]
//   The 2-column tail panel: one vector per row, added to out with masks.
// CHECK: -> (vector<4xf32>, vector<4xf32>)
// CHECK: vector.constant_mask [2] : vector<4xi1>
// CHECK: vector.maskedload %[[C]]
// CHECK: vector.maskedstore %[[C]]
// CHECK: scf.if
// CHECK: -> (vector<4xf32>)
// CHECK: vector.maskedstore %[[C]]
func.func @tails(%a: memref<5x6xf32>, %b: memref<6x10xf32>, %c: memref<5x10xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<5x6xf32>, memref<6x10xf32>) outs(%c : memref<5x10xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// A packed rhs is read in place: no panel buffer, vector loads from %B.
// CHECK-LABEL: func.func @packed(
// CHECK-SAME: %[[B:[^:]+]]: memref<2x6x8xf32>
// CHECK-NOT: memref<4x8xf32>
// CHECK-NOT: linalg.generic
// CHECK: vector.load %[[B]]
// CHECK: vector.fma
func.func @packed(%a: memref<4x6xf32>, %b: memref<2x6x8xf32>, %c: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [#lhs, #packed, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x6xf32>, memref<2x6x8xf32>) outs(%c : memref<4x16xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// Batch dims are plain loops around the kernel.
// CHECK-LABEL: func.func @batched(
// CHECK: scf.for %[[BATCH:.+]] = %{{.+}} to %{{.+}} step
// CHECK: vector.fma
#blhs = affine_map<(b, m, k, n) -> (b, m, k)>
#brhs = affine_map<(b, m, k, n) -> (b, k, n)>
#bout = affine_map<(b, m, k, n) -> (b, m, n)>
func.func @batched(%a: memref<3x4x6xf32>, %b: memref<3x6x8xf32>, %c: memref<3x4x8xf32>) {
  linalg.generic {indexing_maps = [#blhs, #brhs, #bout], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<3x4x6xf32>, memref<3x6x8xf32>) outs(%c : memref<3x4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// Left for convert-linalg-to-loops: an output strided along n, an integer
// product, a body that is not a multiply-accumulate.
// CHECK-LABEL: func.func @not_matched(
// CHECK-NOT: vector.fma
// CHECK-COUNT-3: linalg.generic
func.func @not_matched(%a: memref<4x6xf32>, %b: memref<6x8xf32>,
                       %c: memref<4x8xf32, strided<[1, 4]>>,
                       %ai: memref<4x6xi32>, %bi: memref<6x8xi32>, %ci: memref<4x8xi32>,
                       %d: memref<4x8xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x6xf32>, memref<6x8xf32>) outs(%c : memref<4x8xf32, strided<[1, 4]>>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%ai, %bi : memref<4x6xi32>, memref<6x8xi32>) outs(%ci : memref<4x8xi32>) {
  ^bb0(%l: i32, %r: i32, %o: i32):
    %p = arith.muli %l, %r : i32
    %s = arith.addi %o, %p : i32
    linalg.yield %s : i32
  }
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x6xf32>, memref<6x8xf32>) outs(%d : memref<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.maximumf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// A matrix-vector product (one row: a decode step) has 1 x 2 accumulators:
// consecutive k go to 4 independent chains (8 accumulators), the k left
// over to the first, and the chains are added in order at the end.
// CHECK-LABEL: func.func @gemv(
// CHECK: %[[MAIN:.+]]:8 = scf.for %{{.+}} = %{{.+}} to %[[KMAIN:.+]] step %{{.+}} iter_args(
// CHECK-COUNT-8: vector.fma
// CHECK: scf.yield
// CHECK: %[[REST:.+]]:2 = scf.for %{{.+}} = %[[KMAIN]] to
// CHECK-COUNT-2: vector.fma
// CHECK: arith.addf %[[REST]]#0, %[[MAIN]]#2
// CHECK: arith.addf %[[REST]]#1, %[[MAIN]]#3
// CHECK: arith.addf %{{.+}}, %[[MAIN]]#4
// CHECK: arith.addf %{{.+}}, %[[MAIN]]#6
func.func @gemv(%a: memref<1x8xf32>, %b: memref<8x8xf32>, %c: memref<1x8xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<1x8xf32>, memref<8x8xf32>) outs(%c : memref<1x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// Columns in blocks: with out-block-bytes=64 a block would be one panel, so
// it is the minimum of 256 columns (32 panels of 8); the 75 panels of N = 600
// run as blocks starting at 0, 32 and 64, each through all kc blocks (K = 8:
// two) before the next, and the lhs is packed again per block.
// BLOCK-LABEL: func.func @wide(
// BLOCK-DAG: %[[C32:.+]] = arith.constant 32 : index
// BLOCK-DAG: %[[C75:.+]] = arith.constant 75 : index
// BLOCK: scf.for %[[NB:.+]] = %{{.+}} to %[[C75]] step %[[C32]] {
// BLOCK: %[[NEXT:.+]] = arith.addi %[[NB]], %[[C32]]
// BLOCK: %[[END:.+]] = arith.minsi %[[NEXT]], %[[C75]]
// BLOCK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} {
// BLOCK: memref.store %{{.+}}, %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}] : memref<1x4x2xf32>
// BLOCK: %[[FULL:.+]] = arith.minsi %[[END]], %[[C75]]
// BLOCK: scf.for %{{.+}} = %[[NB]] to %[[FULL]]
// BLOCK: vector.fma
func.func @wide(%a: memref<2x8xf32>, %b: memref<8x600xf32>, %c: memref<2x600xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<2x8xf32>, memref<8x600xf32>) outs(%c : memref<2x600xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
