// RUN: fmc-opt %s --split-input-file --fmc-gpu-vectorize-copies | FileCheck %s

// A past KV cache [1, 4, 8, 16] f16 copied into the first 8 rows of the
// present one [1, 4, 9, 16]: both contiguous along the last loop, its 16
// elements two 16-byte vectors of 8 f16, the subview's offset and outer
// strides (576, 144, 16) multiples of 8. The last loop steps by 8 and each
// iteration moves one vector<8xf16>.
// CHECK-LABEL: func.func @cache_copy
// CHECK: scf.parallel (%[[I:.+]], %[[J:.+]], %[[K:.+]]) = (%c0, %c0, %c0) to (%c4, %c8, %c16) step (%c1, %c1, %[[EIGHT:.+]]) {
// CHECK: %[[V:.+]] = vector.load %arg0[%c0, %[[I]], %[[J]], %[[K]]] {alignment = 16 : i64} : memref<1x4x8x16xf16>, vector<8xf16>
// CHECK: vector.store %[[V]], %{{.+}}[%c0, %[[I]], %[[J]], %[[K]]] {alignment = 16 : i64} : memref<1x4x8x16xf16, strided<[576, 144, 16, 1]>>, vector<8xf16>
// CHECK-NOT: memref.load
func.func @cache_copy(%src: memref<1x4x8x16xf16>, %dst: memref<1x4x9x16xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %v = memref.subview %dst[0, 0, 0, 0] [1, 4, 8, 16] [1, 1, 1, 1] : memref<1x4x9x16xf16> to memref<1x4x8x16xf16, strided<[576, 144, 16, 1]>>
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c4, %c8, %c16) step (%c1, %c1, %c1) {
    %x = memref.load %src[%c0, %i, %j, %k] : memref<1x4x8x16xf16>
    memref.store %x, %v[%c0, %i, %j, %k] : memref<1x4x8x16xf16, strided<[576, 144, 16, 1]>>
    scf.reduce
  }
  return
}

// -----

// f32: vectors of 4.
// CHECK-LABEL: func.func @f32_copy
// CHECK: step (%c1, %{{.+}})
// CHECK: vector.load {{.+}} : memref<3x12xf32>, vector<4xf32>
func.func @f32_copy(%src: memref<3x12xf32>, %dst: memref<3x12xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c12 = arith.constant 12 : index
  scf.parallel (%i, %k) = (%c0, %c0) to (%c3, %c12) step (%c1, %c1) {
    %x = memref.load %src[%i, %k] : memref<3x12xf32>
    memref.store %x, %dst[%i, %k] : memref<3x12xf32>
    scf.reduce
  }
  return
}

// -----

// Not copies of whole aligned vectors, left as they are: a transpose (the
// last loop is not the stored rows' last index), rows of 12 f16 (not a
// multiple of 8), a destination whose rows start 4 elements apart (a
// vector would straddle 16 bytes), a loop that converts as it copies, and
// one that is already in a launch.
// CHECK-LABEL: func.func @not_copies
// CHECK-NOT: vector.
// CHECK-COUNT-5: memref.load
func.func @not_copies(%a: memref<16x16xf16>, %b: memref<16x16xf16>, %c: memref<3x12xf16>, %d: memref<3x12xf16>, %e: memref<3x20xf16>, %f: memref<3x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c12 = arith.constant 12 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i, %k) = (%c0, %c0) to (%c16, %c16) step (%c1, %c1) {
    %x = memref.load %a[%i, %k] : memref<16x16xf16>
    memref.store %x, %b[%k, %i] : memref<16x16xf16>
    scf.reduce
  }
  scf.parallel (%i, %k) = (%c0, %c0) to (%c3, %c12) step (%c1, %c1) {
    %x = memref.load %c[%i, %k] : memref<3x12xf16>
    memref.store %x, %d[%i, %k] : memref<3x12xf16>
    scf.reduce
  }
  %s = memref.subview %e[0, 4] [3, 16] [1, 1] : memref<3x20xf16> to memref<3x16xf16, strided<[20, 1], offset: 4>>
  scf.parallel (%i, %k) = (%c0, %c0) to (%c3, %c16) step (%c1, %c1) {
    %x = memref.load %b[%i, %k] : memref<16x16xf16>
    memref.store %x, %s[%i, %k] : memref<3x16xf16, strided<[20, 1], offset: 4>>
    scf.reduce
  }
  scf.parallel (%i, %k) = (%c0, %c0) to (%c3, %c16) step (%c1, %c1) {
    %x = memref.load %b[%i, %k] : memref<16x16xf16>
    %y = arith.extf %x : f16 to f32
    memref.store %y, %f[%i, %k] : memref<3x16xf32>
    scf.reduce
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    scf.parallel (%i, %k) = (%c0, %c0) to (%c16, %c16) step (%c1, %c1) {
      %x = memref.load %a[%i, %k] : memref<16x16xf16>
      memref.store %x, %b[%i, %k] : memref<16x16xf16>
      scf.reduce
    }
    gpu.terminator
  }
  return
}
