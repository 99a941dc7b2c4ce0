// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-lower-async-copies))' | FileCheck %s

// On the host, a cp.async copy is a plain copy: a vector of its elements
// loaded (masked to the elements it reads, zeros in the rest, as cp.async
// zero-fills them; all of them without a source count) and stored into
// shared memory. Groups and waits are gone.
// CHECK-LABEL: func.func @copies
// CHECK-SAME: (%[[SRC:.+]]: memref<40x36xf32>, %[[DST:.+]]: memref<2x16x68xf32, #gpu.address_space<workgroup>>, %[[I:.+]]: index, %[[J:.+]]: index, %[[N:.+]]: index)
// CHECK: %[[MASK:.+]] = vector.create_mask %[[N]] : vector<4xi1>
// CHECK: %[[ZEROS:.+]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK: %[[V:.+]] = vector.maskedload %[[SRC]][%[[I]], %[[J]]], %[[MASK]], %[[ZEROS]] : memref<40x36xf32>, vector<4xi1>, vector<4xf32> into vector<4xf32>
// CHECK: vector.store %[[V]], %[[DST]][%{{.+}}, %[[I]], %[[J]]] : memref<2x16x68xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: %[[W:.+]] = vector.load %[[SRC]][%[[J]], %[[I]]] : memref<40x36xf32>, vector<1xf32>
// CHECK: vector.store %[[W]], %[[DST]][%{{.+}}, %[[J]], %[[I]]] : memref<2x16x68xf32, #gpu.address_space<workgroup>>, vector<1xf32>
// CHECK-NOT: nvgpu.
// CHECK: return
func.func @copies(%src: memref<40x36xf32>, %dst: memref<2x16x68xf32, #gpu.address_space<workgroup>>, %i: index, %j: index, %n: index) {
  %c1 = arith.constant 1 : index
  %0 = nvgpu.device_async_copy %src[%i, %j], %dst[%c1, %i, %j], 4, %n {bypassL1} : memref<40x36xf32> to memref<2x16x68xf32, #gpu.address_space<workgroup>>
  %1 = nvgpu.device_async_copy %src[%j, %i], %dst[%c1, %j, %i], 1 : memref<40x36xf32> to memref<2x16x68xf32, #gpu.address_space<workgroup>>
  %g = nvgpu.device_async_create_group %0, %1
  nvgpu.device_async_wait %g {numGroups = 0 : i32}
  return
}
