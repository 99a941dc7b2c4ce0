// RUN: fmc-opt %s --fmc-hoist-loop-buffers | FileCheck %s
// RUN: fmc-opt %s --fmc-hoist-loop-buffers=max-bytes=100 | FileCheck %s --check-prefix=BUDGET

// A loop body's temporary (allocated and freed in each iteration) becomes
// one stack buffer at the function's entry, reused by every iteration.
// CHECK-LABEL: func.func @per_iteration(
// CHECK-NEXT: %[[TMP:.+]] = memref.alloca() {alignment = 64 : i64} : memref<16x16xf32>
// CHECK-NOT: memref.alloc()
// CHECK: scf.for
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[TMP]] : memref<16x16xf32>)
// CHECK: linalg.copy ins(%[[TMP]] : memref<16x16xf32>)
// CHECK-NOT: memref.dealloc
// CHECK: return
// Over the budget (100 bytes), the 1 KiB buffer stays on the heap.
// BUDGET-LABEL: func.func @per_iteration(
// BUDGET-NOT: memref.alloca
// BUDGET: memref.alloc()
// BUDGET: memref.dealloc
func.func @per_iteration(%out: memref<4x16x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %one = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    %tmp = memref.alloc() {alignment = 64 : i64} : memref<16x16xf32>
    linalg.fill ins(%one : f32) outs(%tmp : memref<16x16xf32>)
    %slice = memref.subview %out[%i, 0, 0] [1, 16, 16] [1, 1, 1] : memref<4x16x16xf32> to memref<16x16xf32, strided<[16, 1], offset: ?>>
    linalg.copy ins(%tmp : memref<16x16xf32>) outs(%slice : memref<16x16xf32, strided<[16, 1], offset: ?>>)
    memref.dealloc %tmp : memref<16x16xf32>
  }
  return
}

// Left on the heap: a buffer outside any loop, one of dynamic shape, and
// one freed after the loop that allocates it (it outlives an iteration).
// CHECK-LABEL: func.func @kept(
// CHECK-NOT: memref.alloca
// CHECK-COUNT-3: memref.alloc
func.func @kept(%n: index, %sink: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %outside = memref.alloc() : memref<8xf32>
  memref.dealloc %outside : memref<8xf32>
  %last = scf.for %i = %c0 to %c4 step %c1 iter_args(%prev = %sink) -> (memref<?xf32>) {
    %dyn = memref.alloc(%n) : memref<?xf32>
    memref.copy %prev, %dyn : memref<?xf32> to memref<?xf32>
    memref.dealloc %dyn : memref<?xf32>
    %carried = memref.alloc() : memref<8xf32>
    %cast = memref.cast %carried : memref<8xf32> to memref<?xf32>
    scf.yield %cast : memref<?xf32>
  }
  memref.dealloc %last : memref<?xf32>
  return
}
