// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-outer-parallel-iterators))' | FileCheck %s

// A matmul-like generic with its reduction between two parallel loops (the
// packed-rhs order) is interchanged: parallel, parallel, reduction. The
// indexing maps follow, so the computation is the same.
// CHECK-DAG: #[[LHS:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[RHS:.+]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @middle_reduction
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
func.func @middle_reduction(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// A named reduction over the leading dimension is generalized and its
// reduction moved innermost.
// CHECK-LABEL: func.func @reduce_leading
// CHECK-NOT: linalg.reduce
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
func.func @reduce_leading(%in: memref<8x16xf32>, %out: memref<16xf32>) {
  linalg.reduce ins(%in : memref<8x16xf32>) outs(%out : memref<16xf32>) dimensions = [0]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  return
}

// Ops already in order are left alone (named ops stay named).
// CHECK-LABEL: func.func @in_order
// CHECK: linalg.matmul
// CHECK: linalg.fill
func.func @in_order(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<4x16xf32>)
  return
}
