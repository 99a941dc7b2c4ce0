// RUN: fmc-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fmc-lower-memref-copy))' | FileCheck %s

// CHECK-LABEL: func.func @copy
// CHECK-SAME:    (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<4x8xf32>)
// CHECK-NOT:     memref.copy
// CHECK:         linalg.copy ins(%[[A]] : memref<4x8xf32>) outs(%[[B]] : memref<4x8xf32>)
// CHECK-NEXT:    return
func.func @copy(%a: memref<4x8xf32>, %b: memref<4x8xf32>) {
  memref.copy %a, %b : memref<4x8xf32> to memref<4x8xf32>
  return
}

// -----

// Strided views (what bufferized slices become) are the point of the pass.
// CHECK-LABEL: func.func @copy_strided
// CHECK-SAME:    (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<16x16xf32>)
// CHECK:         %[[SV:.*]] = memref.subview %[[B]][2, 4] [4, 8] [1, 1]
// CHECK-NOT:     memref.copy
// CHECK:         linalg.copy ins(%[[A]] : memref<4x8xf32>) outs(%[[SV]] : memref<4x8xf32, strided<[16, 1], offset: 36>>)
func.func @copy_strided(%a: memref<4x8xf32>, %b: memref<16x16xf32>) {
  %sv = memref.subview %b[2, 4] [4, 8] [1, 1] : memref<16x16xf32> to memref<4x8xf32, strided<[16, 1], offset: 36>>
  memref.copy %a, %sv : memref<4x8xf32> to memref<4x8xf32, strided<[16, 1], offset: 36>>
  return
}

// -----

// CHECK-LABEL: func.func @copy_scalar_and_dynamic
// CHECK-SAME:    (%[[A:.*]]: memref<i64>, %[[B:.*]]: memref<i64>, %[[C:.*]]: memref<?x4xf16>, %[[D:.*]]: memref<?x4xf16>)
// CHECK-NOT:     memref.copy
// CHECK:         linalg.copy ins(%[[A]] : memref<i64>) outs(%[[B]] : memref<i64>)
// CHECK:         linalg.copy ins(%[[C]] : memref<?x4xf16>) outs(%[[D]] : memref<?x4xf16>)
func.func @copy_scalar_and_dynamic(%a: memref<i64>, %b: memref<i64>, %c: memref<?x4xf16>, %d: memref<?x4xf16>) {
  memref.copy %a, %b : memref<i64> to memref<i64>
  memref.copy %c, %d : memref<?x4xf16> to memref<?x4xf16>
  return
}
