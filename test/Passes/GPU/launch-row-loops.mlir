// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-row-loops))' --split-input-file | FileCheck %s
// RUN: not fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-row-loops{block-size=96}))' --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

#row = affine_map<(d0, d1) -> (d0, d1)>
#sum = affine_map<(d0, d1) -> (d0)>

// A row loop (a sum over the row, then each element less the mean) becomes
// one launch of a block per row: the row's sum is a workgroup buffer, as is
// the tree's scratch (one f32 per thread). The fill is shared by the
// threads; each thread sums a stride of the row from 0 (the identity of
// addf); the partials meet in a tree of 8 levels; thread 0 adds the total
// into the sum; every op ends at a barrier; the elementwise op is shared by
// the threads.
// BAD: block-size must be a power of two
// CHECK-LABEL: func.func @center
// CHECK-NOT: scf.forall
// CHECK: gpu.launch blocks(%[[BX:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c4{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) threads(%[[TX:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c256{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) module(@fmc_kernels)
// CHECK-SAME: workgroup(%[[SUM:.+]] : memref<1xf32, #gpu.address_space<workgroup>>, %[[SCRATCH:.+]] : memref<256xf32, #gpu.address_space<workgroup>>)
// CHECK: memref.subview %arg0[%{{.+}}, 0] [1, 64] [1, 1]
// CHECK: scf.for %{{.+}} = %[[TX]] to %c1{{.*}} step %c256
// CHECK: memref.store %{{.+}}, %[[SUM]]
// CHECK: gpu.barrier
// CHECK: %[[PARTIAL:.+]] = scf.for %{{.+}} = %[[TX]] to %c64{{.*}} step %c256{{.*}} iter_args(%[[ACC:.+]] = %cst{{.*}}) -> (f32)
// CHECK: %[[X:.+]] = memref.load
// CHECK: arith.addf %[[ACC]], %[[X]] : f32
// CHECK: memref.store %[[PARTIAL]], %[[SCRATCH]][%[[TX]]]
// CHECK: gpu.barrier
// CHECK: arith.cmpi ult, %[[TX]], %c128
// CHECK-COUNT-8: gpu.barrier
// CHECK: arith.cmpi eq, %[[TX]], %c0
// CHECK: %[[PRIOR:.+]] = memref.load %[[SUM]]
// CHECK: %[[TOTAL:.+]] = memref.load %[[SCRATCH]]
// CHECK: %[[NEW:.+]] = arith.addf %[[PRIOR]], %[[TOTAL]] : f32
// CHECK: memref.store %[[NEW]], %[[SUM]]
// CHECK: gpu.barrier
// CHECK: gpu.barrier
// CHECK: scf.for %{{.+}} = %[[TX]] to %c64{{.*}} step %c256
// CHECK: arith.subf
// CHECK: gpu.barrier
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @center(%x: memref<4x64xf32>, %y: memref<4x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 64.0 : f32
  scf.forall (%r) in (4) {
    %row = memref.subview %x[%r, 0] [1, 64] [1, 1] : memref<4x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
    %out = memref.subview %y[%r, 0] [1, 64] [1, 1] : memref<4x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
    %sum = memref.alloc() : memref<1xf32>
    linalg.fill ins(%zero : f32) outs(%sum : memref<1xf32>)
    linalg.generic {indexing_maps = [#row, #sum], iterator_types = ["parallel", "reduction"]}
        ins(%row : memref<1x64xf32, strided<[64, 1], offset: ?>>) outs(%sum : memref<1xf32>) {
    ^bb0(%v: f32, %acc: f32):
      %s = arith.addf %acc, %v : f32
      linalg.yield %s : f32
    }
    linalg.generic {indexing_maps = [#row, #sum, #row], iterator_types = ["parallel", "parallel"]}
        ins(%row, %sum : memref<1x64xf32, strided<[64, 1], offset: ?>>, memref<1xf32>) outs(%out : memref<1x64xf32, strided<[64, 1], offset: ?>>) {
    ^bb0(%v: f32, %s: f32, %o: f32):
      %mean = arith.divf %s, %n : f32
      %d = arith.subf %v, %mean : f32
      linalg.yield %d : f32
    }
    memref.dealloc %sum : memref<1xf32>
  }
  return
}

// -----

#row = affine_map<(d0, d1) -> (d0, d1)>
#sum = affine_map<(d0, d1) -> (d0)>

// An f64 reduction keeps f64 through the tree: its scratch is f64, not
// f32 (no value is converted on the way).
// CHECK-LABEL: func.func @sum_f64
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%[[SCRATCH:.+]] : memref<256xf64, #gpu.address_space<workgroup>>)
// CHECK-NOT: arith.extf
// CHECK-NOT: arith.truncf
// CHECK: %[[TOTAL:.+]] = memref.load %[[SCRATCH]][%c0{{.*}}] : memref<256xf64, #gpu.address_space<workgroup>>
// CHECK: arith.addf %{{.+}}, %[[TOTAL]] : f64
// CHECK: gpu.terminator
func.func @sum_f64(%x: memref<4x64xf64>, %s: memref<4xf64>) {
  scf.forall (%r) in (4) {
    %row = memref.subview %x[%r, 0] [1, 64] [1, 1] : memref<4x64xf64> to memref<1x64xf64, strided<[64, 1], offset: ?>>
    %out = memref.subview %s[%r] [1] [1] : memref<4xf64> to memref<1xf64, strided<[1], offset: ?>>
    linalg.generic {indexing_maps = [#row, #sum], iterator_types = ["parallel", "reduction"]}
        ins(%row : memref<1x64xf64, strided<[64, 1], offset: ?>>) outs(%out : memref<1xf64, strided<[1], offset: ?>>) {
    ^bb0(%v: f64, %acc: f64):
      %a = arith.addf %acc, %v : f64
      linalg.yield %a : f64
    }
  }
  return
}

// -----

#row = affine_map<(d0, d1) -> (d0, d1)>
#sum = affine_map<(d0, d1) -> (d0)>

// Left alone: a loop without a reduction, and one whose reduction is not
// `combine(out, f(x))` (out used twice).
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: gpu.launch
// CHECK: scf.forall
// CHECK: scf.forall
func.func @left_alone(%x: memref<4x64xf32>, %y: memref<4x64xf32>, %s: memref<4xf32>) {
  scf.forall (%r) in (4) {
    %row = memref.subview %x[%r, 0] [1, 64] [1, 1] : memref<4x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
    %out = memref.subview %y[%r, 0] [1, 64] [1, 1] : memref<4x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
    linalg.copy ins(%row : memref<1x64xf32, strided<[64, 1], offset: ?>>) outs(%out : memref<1x64xf32, strided<[64, 1], offset: ?>>)
  }
  scf.forall (%r) in (4) {
    %row = memref.subview %x[%r, 0] [1, 64] [1, 1] : memref<4x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
    %sum = memref.subview %s[%r] [1] [1] : memref<4xf32> to memref<1xf32, strided<[1], offset: ?>>
    linalg.generic {indexing_maps = [#row, #sum], iterator_types = ["parallel", "reduction"]}
        ins(%row : memref<1x64xf32, strided<[64, 1], offset: ?>>) outs(%sum : memref<1xf32, strided<[1], offset: ?>>) {
    ^bb0(%v: f32, %acc: f32):
      %p = arith.mulf %acc, %acc : f32
      %q = arith.addf %p, %v : f32
      linalg.yield %q : f32
    }
  }
  return
}
