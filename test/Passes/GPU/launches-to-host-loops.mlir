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

func.func @barrier(%out: memref<256xf32>) {
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{a kernel with barriers cannot run as host loops}}
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c1, %sby = %c1, %sbz = %c1) {
    gpu.barrier
    gpu.terminator
  }
  return
}
