// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-dynamic-shared-memory{max-bytes=167936}))' | FileCheck %s
// RUN: not fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-dynamic-shared-memory{max-bytes=65536}))' 2>&1 | FileCheck %s --check-prefix=LIMIT

// 40960 + 8 + 36864 bytes of buffers, above the 48 KB a kernel may declare:
// views of the dynamic buffer, each 16-byte aligned (the 8-byte one pads
// the next to 40976), the launch sized to their total.
// CHECK-LABEL: func.func @large
// CHECK: %[[SIZE:.+]] = arith.constant 77840 : i32
// CHECK: gpu.launch blocks
// CHECK-SAME: dynamic_shared_memory_size %[[SIZE]]
// CHECK-NOT: workgroup(
// CHECK: %[[RAW:.+]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: %[[A:.+]] = memref.view %[[RAW]][%c0{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<80x128xf32, #gpu.address_space<workgroup>>
// CHECK: %[[B:.+]] = memref.view %[[RAW]][%c40960{{.*}}][] : {{.*}} to memref<2xf32, #gpu.address_space<workgroup>>
// CHECK: %[[C:.+]] = memref.view %[[RAW]][%c40976{{.*}}][] : {{.*}} to memref<2x64x144xf16, #gpu.address_space<workgroup>>
// CHECK: memref.store %{{.+}}, %[[A]]
// CHECK: memref.store %{{.+}}, %[[B]]
// CHECK: memref.store %{{.+}}, %[[C]]
// LIMIT: error: the kernel needs 77840 bytes of shared memory per block; the target allows 65536
func.func @large(%x: f32, %h: f16) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1)
             workgroup(%a : memref<80x128xf32, #gpu.address_space<workgroup>>,
                       %b : memref<2xf32, #gpu.address_space<workgroup>>,
                       %c : memref<2x64x144xf16, #gpu.address_space<workgroup>>) {
    memref.store %x, %a[%c0, %c0] : memref<80x128xf32, #gpu.address_space<workgroup>>
    memref.store %x, %b[%c0] : memref<2xf32, #gpu.address_space<workgroup>>
    memref.store %h, %c[%c0, %c0, %c0] : memref<2x64x144xf16, #gpu.address_space<workgroup>>
    gpu.terminator
  }
  return
}

// Within the static limit: unchanged.
// CHECK-LABEL: func.func @small
// CHECK-NOT: dynamic_shared_memory
// CHECK: workgroup(%{{.+}} : memref<64x64xf32, #gpu.address_space<workgroup>>)
func.func @small(%x: f32) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1)
             workgroup(%a : memref<64x64xf32, #gpu.address_space<workgroup>>) {
    memref.store %x, %a[%c0, %c0] : memref<64x64xf32, #gpu.address_space<workgroup>>
    gpu.terminator
  }
  return
}
