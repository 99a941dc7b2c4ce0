// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-report-kernels))' --verify-diagnostics | FileCheck %s

// A remark per launch: its fmc.kernel description ("(not described)"
// without one), grid and block ('?' where a size is only known at run
// time) and the bytes of its workgroup buffers; then the counts per kind
// (the description up to its first " (" or ","). The IR is unchanged.
// CHECK-LABEL: func.func @kernels
// CHECK-COUNT-2: gpu.launch
// expected-remark @below {{kernels: 2 GPU kernels: 1 matmul: tensor cores; 1 (not described)}}
func.func @kernels(%n: index) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  // expected-remark @below {{kernel 1 of 2: matmul: tensor cores (mma.sync m16n8k16 f16), 32x64x32 tiles; grid 4 x 1 x 1, block 64 x 1 x 1, 2304 bytes of shared memory}}
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c4, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c64, %sby = %c1, %sbz = %c1)
             workgroup(%a : memref<512xf32, #gpu.address_space<workgroup>>, %b : memref<128xf16, #gpu.address_space<workgroup>>) {
    gpu.terminator
  } {fmc.kernel = "matmul: tensor cores (mma.sync m16n8k16 f16), 32x64x32 tiles"}
  // expected-remark @below {{kernel 2 of 2: (not described); grid ? x 1 x 1, block 64 x 1 x 1, 0 bytes of shared memory}}
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %n, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c64, %sby = %c1, %sbz = %c1) {
    gpu.terminator
  }
  return
}
