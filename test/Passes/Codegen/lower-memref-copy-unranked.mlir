// RUN: fmc-opt %s --fmc-lower-memref-copy | FileCheck %s

// Unranked copies stay memref.copy (linalg.copy needs ranked operands).
// CHECK-LABEL: func.func @unranked
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<*xf32> to memref<*xf32>
func.func @unranked(%a: memref<*xf32>, %b: memref<*xf32>) {
  memref.copy %a, %b : memref<*xf32> to memref<*xf32>
  return
}
