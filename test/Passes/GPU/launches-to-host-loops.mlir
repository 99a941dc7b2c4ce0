// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launches-to-host-loops))' --split-input-file --verify-diagnostics | FileCheck %s

// A launch becomes six nested loops (blocks z, y, x, threads z, y, x) whose
// variables replace the ids; the sizes become the launch's operands; device
// buffers become host buffers.
// CHECK-LABEL: func.func @launch
// CHECK-SAME: (%[[OUT:.+]]: memref<256xf32>, %[[GX:.+]]: index)
// CHECK: %[[BUF:.+]] = memref.alloc() : memref<4xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c1
// CHECK: scf.for %{{.+}} = %c0 to %c1
// CHECK: scf.for %[[BX:.+]] = %c0 to %[[GX]]
// CHECK: scf.for %{{.+}} = %c0 to %c1
// CHECK: scf.for %{{.+}} = %c0 to %c1
// CHECK: scf.for %[[TX:.+]] = %c0 to %c64
// CHECK: %[[BASE:.+]] = arith.muli %[[BX]], %c64
// CHECK: %[[ID:.+]] = arith.addi %[[BASE]], %[[TX]]
// CHECK: memref.store %{{.+}}, %[[OUT]][%[[ID]]]
// CHECK: memref.dealloc %[[BUF]]
// CHECK-NOT: gpu.
func.func @launch(%out: memref<256xf32>, %gx: index) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %buf = gpu.alloc () : memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %gx, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c64, %sby = %c1, %sbz = %c1) {
    %base = arith.muli %bx, %sbx : index
    %id = arith.addi %base, %tx : index
    %v = arith.constant 1.0 : f32
    memref.store %v, %out[%id] : memref<256xf32>
    gpu.terminator
  }
  gpu.dealloc %buf : memref<4xf32>
  return
}

// -----

// A kernel with shared memory and a barrier (each block reverses four
// elements through shared memory): the shared buffer becomes a heap buffer
// for the blocks; the code before and after the barrier become two loops
// over the block's threads, so every thread stores before any loads. The
// element index crosses the barrier in a slot (one per thread); the block's
// base offset depends on no thread and is computed once per block.
// CHECK-LABEL: func.func @reverse
// CHECK: %[[SHARED:.+]] = memref.alloc() : memref<4xf32>
// CHECK: %[[SLOT:.+]] = memref.alloc() : memref<4xindex>
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c1
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c1
// CHECK: scf.for %[[BX:.+]] = %c0{{.*}} to %c2
// CHECK-NEXT: %[[BASE:.+]] = arith.muli %[[BX]], %c4
// CHECK: scf.for %[[T:.+]] = %c0{{.*}} to %c4
// CHECK: %[[TX:.+]] = arith.remui %[[T]], %c4
// CHECK: %[[I:.+]] = arith.addi %[[BASE]], %[[TX]]
// CHECK: memref.store %[[I]], %[[SLOT]][%[[T]]]
// CHECK: %[[V:.+]] = memref.load %arg0[%[[I]]]
// CHECK: memref.store %[[V]], %[[SHARED]][%[[TX]]]
// CHECK: }
// CHECK-NEXT: scf.for %[[T2:.+]] = %c0{{.*}} to %c4
// CHECK: %[[TX2:.+]] = arith.remui %[[T2]], %c4
// CHECK: %[[J:.+]] = arith.subi %c3, %[[TX2]]
// CHECK: %[[W:.+]] = memref.load %[[SHARED]][%[[J]]]
// CHECK: %[[I2:.+]] = memref.load %[[SLOT]][%[[T2]]]
// CHECK: memref.store %[[W]], %arg1[%[[I2]]]
// CHECK: memref.dealloc %[[SHARED]]
// CHECK: memref.dealloc %[[SLOT]]
// CHECK-NOT: gpu.
func.func @reverse(%in: memref<8xf32>, %out: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c2, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c4, %sby = %c1, %sbz = %c1)
             workgroup(%shared : memref<4xf32, #gpu.address_space<workgroup>>) {
    %base = arith.muli %bx, %c4 : index
    %i = arith.addi %base, %tx : index
    %v = memref.load %in[%i] : memref<8xf32>
    memref.store %v, %shared[%tx] : memref<4xf32, #gpu.address_space<workgroup>>
    gpu.barrier
    %j = arith.subi %c3, %tx : index
    %w = memref.load %shared[%j] : memref<4xf32, #gpu.address_space<workgroup>>
    memref.store %w, %out[%i] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

// A loop with barriers (same bounds in every thread) runs once per block on
// the host; its body is split at the barriers the same way, and the value
// it carries lives in a slot: copied in before the loop, out of the body's
// last segment, and read by the code after the loop.
// CHECK-LABEL: func.func @carried
// CHECK: %[[SHARED:.+]] = memref.alloc() : memref<32xf32>
// CHECK: %[[ACC:.+]] = memref.alloc() : memref<32xf32>
// CHECK: scf.for %[[T0:.+]] = %c0{{.*}} to %c32
// CHECK: memref.store %cst, %[[ACC]][%[[T0]]]
// CHECK: scf.for %[[K:.+]] = %c0{{.*}} to %c3
// CHECK: scf.for
// CHECK: memref.store %{{.+}}, %[[SHARED]]
// CHECK: }
// CHECK: scf.for %[[T2:.+]] =
// CHECK: %[[X:.+]] = memref.load %[[SHARED]]
// CHECK: %[[OLD:.+]] = memref.load %[[ACC]][%[[T2]]]
// CHECK: %[[NEW:.+]] = arith.addf %[[OLD]], %[[X]]
// CHECK: memref.store %[[NEW]], %{{.+}}[%[[T2]]]
// CHECK: }
// CHECK: scf.for %[[T3:.+]] =
// CHECK: memref.store %{{.+}}, %[[ACC]][%[[T3]]]
// CHECK: }
// CHECK: }
// CHECK: scf.for %[[T4:.+]] =
// CHECK: %[[R:.+]] = memref.load %[[ACC]][%[[T4]]]
// CHECK: memref.store %[[R]], %arg1
// CHECK-NOT: gpu.
func.func @carried(%in: memref<3x32xf32>, %out: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c31 = arith.constant 31 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c32, %sby = %c1, %sbz = %c1)
             workgroup(%shared : memref<32xf32, #gpu.address_space<workgroup>>) {
    %r = scf.for %k = %c0 to %c3 step %c1 iter_args(%acc = %zero) -> f32 {
      %v = memref.load %in[%k, %tx] : memref<3x32xf32>
      memref.store %v, %shared[%tx] : memref<32xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %j = arith.subi %c31, %tx : index
      %x = memref.load %shared[%j] : memref<32xf32, #gpu.address_space<workgroup>>
      %s = arith.addf %acc, %x : f32
      gpu.barrier
      scf.yield %s : f32
    }
    memref.store %r, %out[%tx] : memref<32xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @divergent_barrier(%out: memref<256xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c1, %sby = %c1, %sbz = %c1) {
    %first = arith.cmpi eq, %tx, %c0 : index
    // expected-error @+1 {{a barrier inside this op cannot run as host loops}}
    scf.if %first {
      gpu.barrier
    }
    gpu.terminator
  }
  return
}

// -----

func.func @divergent_loop(%out: memref<256xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c1, %sby = %c1, %sbz = %c1) {
    // expected-error @+1 {{a loop with barriers must have the same bounds in every thread}}
    scf.for %i = %c0 to %tx step %c1 {
      gpu.barrier
    }
    gpu.terminator
  }
  return
}
