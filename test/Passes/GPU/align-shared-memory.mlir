// RUN: fmc-opt %s --pass-pipeline='builtin.module(gpu.module(fmc-gpu-align-shared-memory))' | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(gpu.module(fmc-gpu-align-shared-memory{alignment=64}))' | FileCheck %s --check-prefix=WIDE
// RUN: not fmc-opt %s --pass-pipeline='builtin.module(gpu.module(fmc-gpu-align-shared-memory{alignment=12}))' 2>&1 | FileCheck %s --check-prefix=BAD

// Every workgroup buffer gets the alignment of a 16-byte vector load; one
// already aligned further keeps its alignment.
// CHECK: workgroup(%{{.+}} : memref<16x68xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %{{.+}} : memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 32 : i64})
// WIDE: workgroup(%{{.+}} : memref<16x68xf32, #gpu.address_space<workgroup>> {llvm.align = 64 : i64}, %{{.+}} : memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 64 : i64})
// BAD: the alignment must be a power of two
gpu.module @fmc_kernels {
  gpu.func @kernel(%out: memref<4xf32>)
      workgroup(%a : memref<16x68xf32, #gpu.address_space<workgroup>>,
                %b : memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 32 : i64}) kernel {
    gpu.return
  }
}
