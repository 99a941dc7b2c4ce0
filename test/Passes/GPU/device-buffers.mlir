// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-device-buffers))' | FileCheck %s

// Host allocations become device allocations; a stack buffer is freed at
// the end of its block. Kernels' own allocations are left alone.
// CHECK-LABEL: func.func @buffers
// CHECK: %[[A:.+]] = gpu.alloc () : memref<16xf32>
// CHECK: %[[S:.+]] = gpu.alloc () : memref<4xf32>
// CHECK: %[[D:.+]] = gpu.alloc (%{{.+}}) : memref<?xf32>
// CHECK: gpu.launch
// CHECK: memref.alloca() : memref<2xf32>
// CHECK: gpu.dealloc %[[A]] : memref<16xf32>
// CHECK: gpu.dealloc %[[D]] : memref<?xf32>
// CHECK: gpu.dealloc %[[S]] : memref<4xf32>
// CHECK-NEXT: return
// CHECK-NOT: memref.alloc(
// CHECK-NOT: memref.dealloc
func.func @buffers(%n: index) {
  %c1 = arith.constant 1 : index
  %a = memref.alloc() : memref<16xf32>
  %s = memref.alloca() : memref<4xf32>
  %d = memref.alloc(%n) : memref<?xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %scratch = memref.alloca() : memref<2xf32>
    gpu.terminator
  }
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %d : memref<?xf32>
  return
}
