// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launches-to-host-loops))' --split-input-file --verify-diagnostics | FileCheck %s

// A TMA copy (nvgpu.tma.async.load) runs in the thread that starts it (its
// predicate) as loops over its box, reading the view its tensor map was
// encoded from on the host (through fmc-gpu-tile-matmul's casts to an i64
// and back) at the copy's coordinates (innermost dim first: row 4 + i,
// column 0 + j), zeros past the view's 10 rows. The copy is complete when
// the thread's segment ends, so the mbarrier ops go; so do the map and its
// casts, on the host and in the kernel.
!map = !nvgpu.tensormap.descriptor<tensor = memref<8x8xf16, #gpu.address_space<workgroup>>, swizzle = none, l2promo = l2promo_256b, oob = zero, interleave = none>
!bars = !nvgpu.mbarrier.group<memorySpace = #gpu.address_space<workgroup>, num_barriers = 1>
// CHECK-LABEL: func.func @tma_copy
// CHECK-NOT: nvgpu.
// CHECK-NOT: unrealized_conversion_cast
// CHECK-NOT: llvm.
// CHECK: %[[SHARED:.+]] = memref.alloc() : memref<8x8xf16>
// CHECK: scf.for %[[T:.+]] = %c0{{.*}} to %c32
// CHECK: %[[TX:.+]] = arith.remui %[[T]], %c32
// CHECK: %[[LEAD:.+]] = arith.cmpi eq, %[[TX]], %c0
// CHECK: scf.if %[[LEAD]] {
// CHECK: scf.for %[[I:.+]] = %c0{{.*}} to %c8
// CHECK: %[[ROW:.+]] = arith.addi %c4{{.*}}, %[[I]]
// CHECK: %[[IN0:.+]] = arith.cmpi ult, %[[ROW]], %c10
// CHECK: scf.for %[[J:.+]] = %c0{{.*}} to %c8
// CHECK: %[[COL:.+]] = arith.addi %c0{{.*}}, %[[J]]
// CHECK: %[[IN1:.+]] = arith.cmpi ult, %[[COL]], %c8
// CHECK: %[[IN:.+]] = arith.andi %[[IN0]], %[[IN1]]
// CHECK: %[[V:.+]] = scf.if %[[IN]] -> (f16) {
// CHECK: %[[X:.+]] = memref.load %arg0[%[[ROW]], %[[COL]]] : memref<10x8xf16>
// CHECK: scf.yield %[[X]]
// CHECK: } else {
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f16
// CHECK: scf.yield %[[ZERO]]
// CHECK: memref.store %[[V]], %[[SHARED]][%[[I]], %[[J]]]
// CHECK-NOT: nvgpu.
// CHECK: memref.load %[[SHARED]]
// CHECK-NOT: nvgpu.
// CHECK: return
func.func @tma_copy(%src: memref<10x8xf16>, %out: memref<32xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  %ticks = arith.constant 1000 : index
  %false = arith.constant false
  %u = memref.cast %src : memref<10x8xf16> to memref<*xf16>
  %map = nvgpu.tma.create.descriptor %u box[%c8, %c8] : memref<*xf16> -> !map
  %p = builtin.unrealized_conversion_cast %map : !map to !llvm.ptr
  %address = llvm.ptrtoint %p : !llvm.ptr to i64
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1)
             workgroup(%shared : memref<8x8xf16, #gpu.address_space<workgroup>>) {
    %q = llvm.inttoptr %address : i64 to !llvm.ptr
    %kmap = builtin.unrealized_conversion_cast %q : !llvm.ptr to !map
    %bars = nvgpu.mbarrier.create -> !bars
    %lead = arith.cmpi eq, %tx, %c0 : index
    nvgpu.mbarrier.init %bars[%c0], %c1, predicate = %lead : !bars
    nvvm.fence.mbarrier.init
    gpu.barrier
    nvgpu.mbarrier.arrive.expect_tx %bars[%c0], %c128, predicate = %lead : !bars
    nvgpu.tma.async.load %kmap[%c0, %c4], %bars[%c0] to %shared, predicate = %lead : !map, !bars -> memref<8x8xf16, #gpu.address_space<workgroup>>
    nvgpu.mbarrier.try_wait.parity %bars[%c0], %false, %ticks : !bars
    gpu.barrier
    %r = arith.divui %tx, %c8 : index
    %col = arith.remui %tx, %c8 : index
    %x = memref.load %shared[%r, %col] : memref<8x8xf16, #gpu.address_space<workgroup>>
    memref.store %x, %out[%tx] : memref<32xf16>
    gpu.terminator
  }
  return
}

// -----

// A swizzled map's boxes are laid out otherwise: rejected.
!map = !nvgpu.tensormap.descriptor<tensor = memref<8x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
!bars = !nvgpu.mbarrier.group<memorySpace = #gpu.address_space<workgroup>, num_barriers = 1>
func.func @swizzled(%src: memref<8x64xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %u = memref.cast %src : memref<8x64xf16> to memref<*xf16>
  %map = nvgpu.tma.create.descriptor %u box[%c8, %c64] : memref<*xf16> -> !map
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1)
             workgroup(%shared : memref<8x64xf16, #gpu.address_space<workgroup>>) {
    %bars = nvgpu.mbarrier.create -> !bars
    // expected-error @+1 {{a TMA copy runs as host loops only from an unswizzled tensor map with zero fill, encoded (nvgpu.tma.create.descriptor) from a ranked memref before the launch}}
    nvgpu.tma.async.load %map[%c0, %c0], %bars[%c0] to %shared : !map, !bars -> memref<8x64xf16, #gpu.address_space<workgroup>>
    gpu.barrier
    gpu.terminator
  }
  return
}
