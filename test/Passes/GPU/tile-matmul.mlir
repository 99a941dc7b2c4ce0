// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul),cse)' --split-input-file | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{block-m=32 thread-m=2}),cse)' --split-input-file | FileCheck %s --check-prefix=SMALL
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{tf32=true}),cse)' --split-input-file | FileCheck %s --check-prefix=TF32
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true}),cse)' --split-input-file | FileCheck %s --check-prefix=ASYNC
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true shared-bytes=167936 sms=6}),cse)' --split-input-file | FileCheck %s --check-prefix=LARGE
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true sms=6}),cse)' --split-input-file | FileCheck %s --check-prefix=STATIC
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true shared-bytes=167936 sms=7}),cse)' --split-input-file | FileCheck %s --check-prefix=FEW
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true sms=3}),cse)' --split-input-file | FileCheck %s --check-prefix=MEDIUM
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true sms=100}),cse)' --split-input-file | FileCheck %s --check-prefix=SMALLEST
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{sms=3}),cse)' --split-input-file | FileCheck %s --check-prefix=FILL3
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{sms=4}),cse)' --split-input-file | FileCheck %s --check-prefix=FILL4
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true shared-bytes=167936 sms=6 wgmma=true}),cse)' --split-input-file | FileCheck %s --check-prefix=WGMMA
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true shared-bytes=167936 sms=12 wgmma=true}),cse)' --split-input-file | FileCheck %s --check-prefix=WGMMA64
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true shared-bytes=232448 sms=4 wgmma=true}),cse)' --split-input-file | FileCheck %s --check-prefix=WGMMA2
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true sms=6 wgmma=true}),cse)' --split-input-file | FileCheck %s --check-prefix=NOWGMMA
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{tf32=true async-copies=true shared-bytes=167936 sms=6 wgmma=true}),cse)' --split-input-file | FileCheck %s --check-prefix=TF32WG
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{tf32=true async-copies=true shared-bytes=167936 sms=6}),cse)' --split-input-file | FileCheck %s --check-prefix=TF32LARGE
// RUN: not fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{block-m=48}))' --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
#row = affine_map<(m, n) -> (m, n)>
#bias = affine_map<(m, n) -> (n)>

// A 70 x 33 x 40 matmul after a zero fill, with a bias + Relu consumer:
// blocks of 64 x 64 (1 x 2 of them), 256 threads, both slices double
// buffered in workgroup memory (2 x 16 x 68: rows padded by four), barriers
// around the products, the fill and the consumer gone (c is a buffer of its
// own, so its value need not be stored). Columns past 33 are masked. (cse:
// one constant of each.)
// CHECK-DAG: #[[MOD16:.+]] = affine_map<()[s0] -> (s0 mod 16)>
// CHECK-DAG: #[[CURRENT:.+]] = affine_map<(d0) -> ((d0 floordiv 16) mod 2)>
// CHECK-DAG: #[[NEXT:.+]] = affine_map<(d0) -> (-(d0 floordiv 16) + ((d0 floordiv 16) floordiv 2) * 2 + 1)>
// CHECK-DAG: #[[KPLUS:.+]] = affine_map<(d0)[s0] -> (d0 + s0 mod 16 + 16)>
// Its 64 x 64 tiles give 2 blocks. Where the GPU has more SMs, block-m
// and then block-n are halved (4 x 4 per thread kept): with sms = 3,
// 32 x 64 tiles (128 threads, 3 blocks); with sms = 4, 32 x 32 (64
// threads, 6 blocks).
// FILL3-LABEL: func.func @bias_relu
// FILL3: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c1, %{{.+}} = %c3, %{{.+}} = %c1) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c128, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) workgroup(%{{.+}} : memref<2x16x36xf32, #gpu.address_space<workgroup>>, %{{.+}} : memref<2x16x68xf32, #gpu.address_space<workgroup>>)
// FILL4-LABEL: func.func @bias_relu
// FILL4: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c2, %{{.+}} = %c3, %{{.+}} = %c1) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c64, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) workgroup(%{{.+}} : memref<2x16x36xf32, #gpu.address_space<workgroup>>, %{{.+}} : memref<2x16x36xf32, #gpu.address_space<workgroup>>)
// CHECK-LABEL: func.func @bias_relu
// CHECK-SAME: (%[[A:.+]]: memref<70x40xf32>, %[[B:.+]]: memref<40x33xf32>, %[[BIAS:.+]]: memref<33xf32>, %[[Y:.+]]: memref<70x33xf32>)
// CHECK: %[[C:.+]] = memref.alloc()
// CHECK-NOT: linalg.
// CHECK: gpu.launch blocks(%[[BX:.+]], %[[BY:.+]], %{{.+}}) in (%{{.+}} = %c1{{.*}}, %{{.+}} = %c2{{.*}}, %{{.+}} = %c1{{.*}}) threads(%[[TX:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c256{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) module(@fmc_kernels)
// CHECK-SAME: workgroup(%[[AS:.+]] : memref<2x16x68xf32, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<2x16x68xf32, #gpu.address_space<workgroup>>)
// Before the loop, slice 0 goes into buffer 0. lhs is k-contiguous, so
// consecutive threads take consecutive k (thread mod 16); out-of-range
// elements are replaced by zeros, loads clamped in bounds. Each thread
// copies its 4 elements of each slice (unrolled). Index arithmetic is
// affine.apply.
// CHECK: %[[KK0:.+]] = affine.apply #[[MOD16]]()[%[[TX]]]
// CHECK: arith.cmpi ult, %[[KK0]], %c40{{.*}} : index
// CHECK: %[[KC0:.+]] = arith.minui %[[KK0]], %c39 : index
// CHECK: %[[AV0:.+]] = memref.load %[[A]][%{{.+}}, %[[KC0]]]
// CHECK: %[[AZ0:.+]] = arith.select %{{.+}}, %[[AV0]], %cst{{.*}} : f32
// CHECK-COUNT-3: memref.load %[[A]]
// CHECK-COUNT-4: memref.load %[[B]]
// CHECK: memref.store %[[AZ0]], %[[AS]][%c0, %[[KK0]], %{{.+}}]
// CHECK-COUNT-3: memref.store %{{.+}}, %[[AS]][%c0,
// CHECK-COUNT-4: memref.store %{{.+}}, %[[BS]][%c0,
// CHECK-NOT: gpu.barrier
// The loop runs over the first two of the three slices. Iteration k0
// passes the barrier (slice k0 is in buffer CUR), loads slice k0 + 16 into
// registers, multiplies slice k0, then stores the registers into the other
// buffer: one barrier per slice, the loads overlapping the products.
// CHECK: %[[ACC:.+]]:4 = scf.for %[[K0:.+]] = %c0 to %c32 step %c16 iter_args
// CHECK: %[[CUR:.+]] = affine.apply #[[CURRENT]](%[[K0]])
// CHECK: %[[NXT:.+]] = affine.apply #[[NEXT]](%[[K0]])
// CHECK-NEXT: gpu.barrier
// CHECK: %[[KG:.+]] = affine.apply #[[KPLUS]](%[[K0]])[%[[TX]]]
// CHECK: arith.cmpi ult, %[[KG]], %c40 : index
// CHECK: %[[KC:.+]] = arith.minui %[[KG]], %c39 : index
// CHECK: %[[AV:.+]] = memref.load %[[A]][%{{.+}}, %[[KC]]]
// CHECK: %[[AZ:.+]] = arith.select %{{.+}}, %[[AV]], %cst{{.*}} : f32
// CHECK-COUNT-4: memref.load %[[B]]
// CHECK-NOT: memref.store
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c16{{.*}} step %c4
// CHECK: vector.load %[[AS]][%[[CUR]], %{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<2x16x68xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: vector.load %[[BS]][%[[CUR]], %{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<2x16x68xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: vector.fma
// CHECK: scf.yield
// CHECK: memref.store %[[AZ]], %[[AS]][%[[NXT]], %[[KK0]], %{{.+}}]
// CHECK-COUNT-3: memref.store %{{.+}}, %[[AS]][%[[NXT]],
// CHECK-COUNT-4: memref.store %{{.+}}, %[[BS]][%[[NXT]],
// CHECK-NOT: gpu.barrier
// CHECK: scf.yield
// The last slice (buffer 0) after the loop, past its barrier.
// CHECK: gpu.barrier
// CHECK: %[[LAST:.+]]:4 = scf.for %{{.+}} iter_args(%{{.+}} = %[[ACC]]#0, %{{.+}} = %[[ACC]]#1, %{{.+}} = %[[ACC]]#2, %{{.+}} = %[[ACC]]#3)
// CHECK: vector.load %[[AS]][%c0, %{{.+}}, %{{.+}}]
// CHECK-NOT: nvgpu.
// The first row of the thread's tile: skipped past row 70, masked past
// column 33; stored, not added (the fill is gone), through the bias and
// the Relu into Y.
// CHECK: arith.cmpi ult, %{{.+}}, %c70{{.*}} : index
// CHECK: scf.if
// CHECK: %[[MASK:.+]] = arith.cmpi slt, %cst{{.*}}, %{{.+}} : vector<4xindex>
// CHECK-NOT: memref.load %[[C]]
// CHECK: %[[BV:.+]] = vector.maskedload %[[BIAS]][%{{.+}}], %[[MASK]]
// CHECK: %[[SUM:.+]] = arith.addf %[[LAST]]#0, %[[BV]] : vector<4xf32>
// CHECK: %[[RELU:.+]] = arith.maximumf %[[SUM]], %{{.+}} : vector<4xf32>
// CHECK: vector.maskedstore %[[Y]][%{{.+}}, %{{.+}}], %[[MASK]], %[[RELU]]
// CHECK: memref.dealloc %[[C]]
// CHECK-NOT: linalg.
// SMALL-LABEL: func.func @bias_relu
// SMALL: gpu.launch blocks({{.*}}) in (%{{.+}} = %c1{{.*}}, %{{.+}} = %c3{{.*}}, %{{.+}} = %c1{{.*}}) threads({{.*}}) in (%{{.+}} = %c256
// SMALL: workgroup(%{{.+}} : memref<2x16x36xf32, #gpu.address_space<workgroup>>, %{{.+}} : memref<2x16x68xf32, #gpu.address_space<workgroup>>)
// BAD: fmc-gpu-tile-matmul: the block tile must split into thread tiles
// With tf32, f32 contractions take the tensor-core kernel: f32 slices
// (rows padded by four floats), 16 x 8 lhs tiles and transposed 8 x 8 rhs
// tiles, four products per 32-deep slice for each of the warp's 2 x 4
// accumulator tiles (two slices: one in the loop, one after it).
// TF32-LABEL: func.func @bias_relu
// TF32: gpu.launch {{.*}} threads({{.*}}) in (%{{.+}} = %c128
// TF32-SAME: workgroup(%[[RAW:.+]] : memref<35840xi8, #gpu.address_space<workgroup>>)
// TF32: %[[AS:.+]] = memref.view %[[RAW]][%c0][] : {{.*}} to memref<2x64x36xf32, #gpu.address_space<workgroup>>
// TF32: %[[BS:.+]] = memref.view %[[RAW]][%c18432][] : {{.*}} to memref<2x32x68xf32, #gpu.address_space<workgroup>>
// TF32-NOT: arith.truncf
// TF32: vector.transfer_read %[[AS]]{{.*}} : memref<2x64x36xf32, #gpu.address_space<workgroup>>, vector<16x8xf32>
// TF32: vector.transfer_read %[[BS]]{{.*}}permutation_map{{.*}} : memref<2x32x68xf32, #gpu.address_space<workgroup>>, vector<8x8xf32>
// TF32-COUNT-64: vector.contract {{.*}} : vector<16x8xf32>, vector<8x8xf32> into vector<16x8xf32>
// TF32-NOT: vector.contract
// TF32: vector.maskedstore
// With async-copies every slice is copied by cp.async: neither operand's
// rows (40 and 33 floats) suit the buffer's layout for 16-byte vectors
// (lhs is k-contiguous, its buffer k-major; rhs rows of 33 floats are not
// 16-byte aligned), so each thread copies 4-byte elements, unrolled; an
// element past the edges reads nothing and is zero-filled (source count
// 0), its indices clamped in bounds.
// ASYNC-LABEL: func.func @bias_relu
// ASYNC: gpu.launch
// ASYNC-SAME: workgroup(%[[AS:.+]] : memref<2x16x68xf32, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<2x16x68xf32, #gpu.address_space<workgroup>>)
// ASYNC: %[[IN:.+]] = arith.andi
// ASYNC: %[[N:.+]] = arith.select %[[IN]], %c1, %c0 : index
// ASYNC: %[[R:.+]] = arith.minui %{{.+}}, %c69 : index
// ASYNC: %[[K:.+]] = arith.minui %{{.+}}, %c39 : index
// ASYNC: nvgpu.device_async_copy %arg0[%[[R]], %[[K]]], %[[AS]][%c0, %{{.+}}, %{{.+}}], 1, %[[N]] : memref<70x40xf32> to memref<2x16x68xf32, #gpu.address_space<workgroup>>
// ASYNC-COUNT-3: nvgpu.device_async_copy %arg0
// ASYNC-COUNT-4: nvgpu.device_async_copy %arg1{{.*}}, 1, %{{.+}} : memref<40x33xf32>
// ASYNC-NOT: memref.store
// ASYNC: %[[G0:.+]] = nvgpu.device_async_create_group
// Each iteration waits for every copy (slice k0's) before its barrier,
// then copies slice k0 + 16 as one group while it multiplies slice k0.
// ASYNC: scf.for
// ASYNC: nvgpu.device_async_wait %[[G0]] {numGroups = 0 : i32}
// ASYNC-NEXT: gpu.barrier
// ASYNC-COUNT-8: nvgpu.device_async_copy
// ASYNC: nvgpu.device_async_create_group
// ASYNC: vector.fma
// ASYNC: scf.yield
// ASYNC-NOT: memref.store
// ASYNC: scf.yield
// ASYNC: nvgpu.device_async_wait %[[G0]] {numGroups = 0 : i32}
// ASYNC-NEXT: gpu.barrier
// ASYNC: vector.fma
func.func @bias_relu(%a: memref<70x40xf32>, %b: memref<40x33xf32>, %bias: memref<33xf32>, %y: memref<70x33xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<70x33xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<70x33xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<70x40xf32>, memref<40x33xf32>) outs(%c : memref<70x33xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#row, #bias, #row], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<70x33xf32>, memref<33xf32>) outs(%y : memref<70x33xf32>) {
  ^bb0(%v: f32, %bv: f32, %o: f32):
    %s = arith.addf %v, %bv : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<70x33xf32>
  return
}

// -----

// A batched product with rhs stored transposed ([b, n, k]): blocks z take
// the batch; rhs is k-contiguous, so its slice is copied along k too. No
// fill: out's prior value is added. 64 columns: no mask.
// CHECK-DAG: #[[MOD16:.+]] = affine_map<()[s0] -> (s0 mod 16)>
// CHECK-DAG: #[[MOD3:.+]] = affine_map<()[s0] -> (s0 mod 3)>
// CHECK-LABEL: func.func @batched_transposed
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %[[BZ:.+]]) in (%{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c3{{.*}})
// CHECK: %[[KK:.+]] = affine.apply #[[MOD16]]()
// CHECK: %[[B:.+]] = affine.apply #[[MOD3]]()[%[[BZ]]]
// CHECK: memref.load %arg0[%[[B]],
// CHECK: memref.load %arg1[%[[B]], %{{.+}}, %{{.+}}]
// CHECK: memref.store %{{.+}}, %{{.+}}[%c0, %[[KK]], %{{.+}}] : memref<2x16x68xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// The thread's four columns start at a multiple of 4 of rows of 64: read
// and written as aligned 16-byte vectors.
// CHECK: %[[PRIOR:.+]] = vector.load %arg2[%[[B2:.+]], %{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<3x32x64xf32>, vector<4xf32>
// CHECK: %[[SUM:.+]] = arith.addf %[[PRIOR]], %{{.+}} : vector<4xf32>
// CHECK: vector.store %[[SUM]], %arg2[%[[B2]], %{{.+}}, %{{.+}}] {alignment = 16 : i64}
// CHECK-NOT: vector.maskedstore
func.func @batched_transposed(%a: memref<3x32x48xf32>, %b: memref<3x64x48xf32>, %c: memref<3x32x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x32x48xf32>, memref<3x64x48xf32>) outs(%c : memref<3x32x64xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// A matrix-vector product (m = 1) takes the matrix-vector kernel rather
// than a mostly empty tile: 256 threads per block of 64 columns (f32 W
// read four columns at a time, 16 lanes side by side along n; 16 groups
// split k, each loop step four loads of W per thread), the groups' partial
// sums halved in shared memory between barriers, then stored by the first
// 16 threads (matvec-emulation.mlir runs it). A contraction inside a loop,
// and one on tensors, keep their generics.
// CHECK-LABEL: func.func @not_tiled
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads({{.*}}) in ({{.*}} = %c256{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) {{.*}}workgroup(%[[P:.*]] : memref<1024xf32, #gpu.address_space<workgroup>>)
// CHECK: scf.for {{.*}} = %c0{{.*}} to %c64{{.*}} step %c64{{.*}} iter_args
// CHECK-COUNT-4: vector.load %arg1[{{.*}}] {alignment = 16 : i64} : memref<64x64xf32>, vector<4xf32>
// CHECK: vector.store {{.*}}, %[[P]]
// CHECK: gpu.barrier
// CHECK-COUNT-4: gpu.barrier
// CHECK: scf.if
// CHECK: vector.load %[[P]]
// CHECK: vector.store {{.*}}, %arg2
// CHECK: fmc.kernel = "matrix-vector: 1 row(s), 64 columns per block, k split 16 ways, rhs read 4 at a time along n"
// CHECK-NOT: gpu.launch
// CHECK-COUNT-2: linalg.generic
// CHECK-NOT: gpu.launch
func.func @not_tiled(%a: memref<1x64xf32>, %b: memref<64x64xf32>, %c: memref<1x64xf32>, %big: memref<64x64xf32>, %t: tensor<64x64xf32>) -> tensor<64x64xf32> {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x64xf32>, memref<64x64xf32>) outs(%c : memref<1x64xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  scf.for %i = %c0 to %c2 step %c1 {
    linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%b, %b : memref<64x64xf32>, memref<64x64xf32>) outs(%big : memref<64x64xf32>) {
    ^bb0(%x: f32, %w: f32, %acc: f32):
      %p = arith.mulf %x, %w : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
  }
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%t, %t : tensor<64x64xf32>, tensor<64x64xf32>) outs(%t : tensor<64x64xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}

// -----

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// An f16 weight (fmc-narrow-matmul-weights) takes the tensor-core kernel:
// 256 threads (eight warps, 2 x 4) per 64 x 128 tile; lhs rounded to f16 as it is
// staged [m][k], the weight staged as it is [k][n] (rows padded by eight
// halves), both double-buffered; the accumulators' tile [m][n] f32. The
// three are views of one workgroup buffer (the tile reuses the slices'
// bytes after the loop). Each warp reads 16 x 16 lhs tiles and transposed
// 8 x 16 weight tiles and multiplies them into 2 x 4 f32 tiles of 16 x 8,
// twice per 32-deep slice; all index arithmetic is affine.
// CHECK-LABEL: func.func @tensor_cores
// CHECK: gpu.launch blocks({{.*}}) in (%{{.+}} = %c1, %{{.+}} = %c2, %{{.+}} = %c1) threads({{.*}}) in (%{{.+}} = %c256
// CHECK-SAME: workgroup(%[[RAW:.+]] : memref<33792xi8, #gpu.address_space<workgroup>>)
// CHECK-NOT: arith.muli
// CHECK-NOT: arith.addi
// CHECK: %[[AS:.+]] = memref.view %[[RAW]][%c0][] : memref<33792xi8, #gpu.address_space<workgroup>> to memref<2x64x40xf16, #gpu.address_space<workgroup>>
// CHECK: %[[BS:.+]] = memref.view %[[RAW]][%c10240][] : memref<33792xi8, #gpu.address_space<workgroup>> to memref<2x32x136xf16, #gpu.address_space<workgroup>>
// CHECK: %[[ACC:.+]]:8 = scf.for %{{.+}} = %c0 to %c64 step %c32 iter_args({{.*}}) -> (vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>)
// CHECK: %[[CUR:.+]] = affine.apply
// CHECK: %[[NXT:.+]] = affine.apply
// CHECK-NEXT: gpu.barrier
// CHECK: %[[X:.+]] = memref.load %arg0
// CHECK: %[[H:.+]] = arith.truncf %[[X]] : f32 to f16
// CHECK: %[[HZ:.+]] = arith.select %{{.+}}, %[[H]], %{{.+}} : f16
// CHECK: %[[W:.+]] = memref.load %arg1{{.*}} : memref<96x80xf16>
// CHECK-NOT: arith.extf
// CHECK: %[[A:.+]] = vector.transfer_read %[[AS]][%[[CUR]], %{{.+}}, %c0], %{{.+}} {in_bounds = [true, true]} : memref<2x64x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
// CHECK: %[[B:.+]] = vector.transfer_read %[[BS]][%[[CUR]], %c0, %{{.+}}], %{{.+}} {in_bounds = [true, true], permutation_map = #{{.+}}} : memref<2x32x136xf16, #gpu.address_space<workgroup>>, vector<8x16xf16>
// CHECK: vector.contract {{.*}} %[[A]], %[[B]], %{{.+}} : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
// CHECK-COUNT-15: vector.contract
// CHECK: memref.store %[[HZ]], %[[AS]][%[[NXT]],
// CHECK: memref.store %{{.+}}, %[[BS]][%[[NXT]],
// CHECK: scf.yield
// The last slice after the loop, then a barrier before its bytes hold the
// accumulators.
// CHECK: gpu.barrier
// CHECK-COUNT-16: vector.contract
// CHECK: gpu.barrier
// CHECK: %[[CS:.+]] = memref.view %[[RAW]][%c0][] : memref<33792xi8, #gpu.address_space<workgroup>> to memref<64x132xf32, #gpu.address_space<workgroup>>
// CHECK-COUNT-8: vector.transfer_write %{{.+}}, %[[CS]]
// CHECK: gpu.barrier
// CHECK: %[[SUM:.+]] = vector.load %[[CS]][%{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<64x132xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: vector.maskedstore %arg2[%{{.+}}, %{{.+}}], %{{.+}}, %{{.+}} : memref<70x80xf32>
// With async-copies, the weight (f16 as stored, n-contiguous like its
// buffer, rows of 80 halves: 16-byte aligned) is copied by cp.async in
// vectors of eight halves, two per thread per slice (256 threads),
// bypassing L1; the lhs, converted, still goes through registers. One
// group per slice; each iteration waits for every copy before its
// barrier, and so does the last slice after the loop.
// ASYNC-LABEL: func.func @tensor_cores
// ASYNC: %[[BS:.+]] = memref.view {{.*}} to memref<2x32x136xf16, #gpu.address_space<workgroup>>
// ASYNC: arith.truncf
// ASYNC-COUNT-2: nvgpu.device_async_copy %arg1[%{{.+}}, %{{.+}}], %[[BS]][%c0, %{{.+}}, %{{.+}}], 8, %{{.+}} {bypassL1} : memref<96x80xf16> to memref<2x32x136xf16, #gpu.address_space<workgroup>>
// ASYNC: %[[G0:.+]] = nvgpu.device_async_create_group
// ASYNC: scf.for
// ASYNC: nvgpu.device_async_wait %[[G0]] {numGroups = 0 : i32}
// ASYNC-NEXT: gpu.barrier
// ASYNC: arith.truncf
// ASYNC-COUNT-2: nvgpu.device_async_copy %arg1
// ASYNC: nvgpu.device_async_create_group
// ASYNC: vector.contract
// ASYNC: scf.yield
// ASYNC: nvgpu.device_async_wait %[[G0]] {numGroups = 0 : i32}
// ASYNC-NEXT: gpu.barrier
// ASYNC: vector.contract
// ASYNC: gpu.barrier
// ASYNC: memref.view {{.*}} to memref<64x132xf32, #gpu.address_space<workgroup>>
func.func @tensor_cores(%a: memref<70x96xf32>, %w: memref<96x80xf16>, %c: memref<70x80xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<70x96xf32>, memref<96x80xf16>) outs(%c : memref<70x80xf32>) {
  ^bb0(%x: f32, %h: f16, %acc: f32):
    %wide = arith.extf %h : f16 to f32
    %p = arith.mulf %x, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// A bf16 weight takes the tensor-core kernel too: lhs is rounded to bf16
// and both slices are staged through bf16 views of the shared buffer (the
// weight by cp.async with async-copies); the warps read the same bytes as
// f16 tiles, since MLIR's vector-to-nvgpu conversion takes f16 only, and
// every product is marked fmc.bf16_operands, so that
// fmc-gpu-convert-warp-matmuls multiplies them as bf16.
// CHECK-LABEL: func.func @bf16_weight
// CHECK: gpu.launch {{.*}} threads({{.*}}) in (%{{.+}} = %c256
// CHECK-SAME: workgroup(%[[RAW:.+]] : memref<33792xi8, #gpu.address_space<workgroup>>)
// CHECK-DAG: %[[AH:.+]] = memref.view %[[RAW]][%c0][] : {{.*}} to memref<2x64x40xf16, #gpu.address_space<workgroup>>
// CHECK-DAG: %[[BH:.+]] = memref.view %[[RAW]][%c10240][] : {{.*}} to memref<2x32x136xf16, #gpu.address_space<workgroup>>
// CHECK-DAG: %[[AB:.+]] = memref.view %[[RAW]][%c0][] : {{.*}} to memref<2x64x40xbf16, #gpu.address_space<workgroup>>
// CHECK-DAG: %[[BB:.+]] = memref.view %[[RAW]][%c10240][] : {{.*}} to memref<2x32x136xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[X:.+]] = arith.truncf %{{.+}} : f32 to bf16
// CHECK: memref.store %{{.+}}, %[[AB]]
// CHECK: memref.load %arg1{{.*}} : memref<96x80xbf16>
// CHECK-NOT: arith.extf
// CHECK: memref.store %{{.+}}, %[[BB]]
// CHECK: vector.transfer_read %[[AH]]{{.*}} : memref<2x64x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
// CHECK: vector.transfer_read %[[BH]]{{.*}} : memref<2x32x136xf16, #gpu.address_space<workgroup>>, vector<8x16xf16>
// CHECK-COUNT-16: vector.contract {{.*}} {fmc.bf16_operands} : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
// CHECK-NOT: vector.fma
// CHECK: return
// ASYNC-LABEL: func.func @bf16_weight
// ASYNC: nvgpu.device_async_copy %arg1[%{{.+}}, %{{.+}}], %{{.+}}[%c0, %{{.+}}, %{{.+}}], 8, %{{.+}} {bypassL1} : memref<96x80xbf16> to memref<2x32x136xbf16, #gpu.address_space<workgroup>>
func.func @bf16_weight(%a: memref<70x96xf32>, %w: memref<96x80xbf16>, %c: memref<70x80xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<70x96xf32>, memref<96x80xbf16>) outs(%c : memref<70x80xf32>) {
  ^bb0(%x: f32, %h: bf16, %acc: f32):
    %wide = arith.extf %h : bf16 to f32
    %p = arith.mulf %x, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
#row = affine_map<(m, n) -> (m, n)>

// f16 activations (fmc-narrow-activations): an lhs stored in f16 is staged
// as it is, by cp.async in vectors of eight halves like the weight (rows of
// 96 halves: 16-byte aligned), with nothing converted; the epilogue reads
// the f16 residual as vectors of four halves, extends them, and stores its
// result rounded to f16 into the f16 output. Without the narrow lhs match
// this would be the SIMT kernel, and without f16 epilogues the residual
// add a kernel of its own.
// CHECK-LABEL: func.func @f16_activations
// CHECK: gpu.launch {{.*}} threads({{.*}}) in (%{{.+}} = %c256
// CHECK: memref.load %arg0{{.*}} : memref<70x96xf16>
// CHECK-NOT: arith.truncf
// CHECK: vector.contract
// CHECK: %[[R:.+]] = vector.maskedload %arg2[%{{.+}}, %{{.+}}], %{{.+}}, %{{[^ ]+}} {alignment = 8 : i64} : memref<70x80xf16>, vector<4xi1>, vector<4xf16> into vector<4xf16>
// CHECK: %[[RW:.+]] = arith.extf %[[R]] : vector<4xf16> to vector<4xf32>
// CHECK: %[[SUM:.+]] = arith.addf %{{.+}}, %[[RW]] : vector<4xf32>
// CHECK: %[[H:.+]] = arith.truncf %[[SUM]] : vector<4xf32> to vector<4xf16>
// CHECK: vector.maskedstore %arg3[%{{.+}}, %{{.+}}], %{{.+}}, %[[H]] {alignment = 8 : i64} : memref<70x80xf16>, vector<4xi1>, vector<4xf16>
// CHECK-NOT: linalg.generic
// Both slices copied by cp.async, they get three buffers (41472 bytes):
// slices 0 and 1 start as two groups, each iteration waits until one
// group is left in flight, starts slice i + 2 and multiplies slice i; the
// last two slices (here all of k = 96 is three) are multiplied after the
// loop, waiting for one group and then none.
// ASYNC-LABEL: func.func @f16_activations
// ASYNC: workgroup(%[[RAW:.+]] : memref<41472xi8, #gpu.address_space<workgroup>>)
// ASYNC-NOT: arith.truncf
// ASYNC: %[[AS:.+]] = memref.view %[[RAW]]{{.*}} to memref<3x64x40xf16, #gpu.address_space<workgroup>>
// ASYNC: %[[BS:.+]] = memref.view %[[RAW]]{{.*}} to memref<3x32x136xf16, #gpu.address_space<workgroup>>
// ASYNC: nvgpu.device_async_copy %arg0[%{{.+}}, %{{.+}}], %[[AS]][%c0, %{{.+}}, %{{.+}}], 8, %{{.+}} {bypassL1} : memref<70x96xf16> to memref<3x64x40xf16, #gpu.address_space<workgroup>>
// ASYNC: nvgpu.device_async_copy %arg1[%{{.+}}, %{{.+}}], %[[BS]][%c0, %{{.+}}, %{{.+}}], 8, %{{.+}} {bypassL1} : memref<96x80xf16> to memref<3x32x136xf16, #gpu.address_space<workgroup>>
// ASYNC: %[[G:.+]] = nvgpu.device_async_create_group
// ASYNC: nvgpu.device_async_copy %arg0[%{{.+}}, %{{.+}}], %[[AS]][%c1,
// ASYNC: nvgpu.device_async_create_group
// ASYNC: scf.for %{{.+}} = %c0 to %c32 step %c32
// ASYNC-NEXT: nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// ASYNC-NEXT: gpu.barrier
// ASYNC: nvgpu.device_async_create_group
// ASYNC: vector.contract
// ASYNC: scf.yield
// ASYNC: nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// ASYNC-NEXT: gpu.barrier
// ASYNC: vector.contract
// ASYNC: nvgpu.device_async_wait %[[G]] {numGroups = 0 : i32}
// ASYNC-NEXT: gpu.barrier
// ASYNC: vector.contract
// The 64 x 128 tiles give this 70 x 80 product 2 blocks. With sms = 3,
// 64 x 64 tiles (four warps, 4 blocks) fill the GPU, with four buffers
// per slice (38912 bytes); with sms = 100 none does, and the smallest
// tiles give the most blocks: 32 x 64 (two warps, 28672 bytes, 6 blocks).
// MEDIUM-LABEL: func.func @f16_activations
// MEDIUM: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c2, %{{.+}} = %c2, %{{.+}} = %c1{{.*}}) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c128, {{.*}} workgroup(%{{.+}} : memref<38912xi8, #gpu.address_space<workgroup>>)
// MEDIUM: nvgpu.device_async_wait %{{.+}} {numGroups = 2 : i32}
// SMALLEST-LABEL: func.func @f16_activations
// SMALLEST: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c2, %{{.+}} = %c3, %{{.+}} = %c1{{.*}}) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c64, {{.*}} workgroup(%{{.+}} : memref<28672xi8, #gpu.address_space<workgroup>>)
func.func @f16_activations(%a: memref<70x96xf16>, %w: memref<96x80xf16>, %res: memref<70x80xf16>, %y: memref<70x80xf16>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<70x80xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<70x80xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<70x96xf16>, memref<96x80xf16>) outs(%c : memref<70x80xf32>) {
  ^bb0(%x: f16, %h: f16, %acc: f32):
    %wide = arith.extf %h : f16 to f32
    %xw = arith.extf %x : f16 to f32
    %p = arith.mulf %xw, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#row, #row, #row], iterator_types = ["parallel", "parallel"]}
      ins(%c, %res : memref<70x80xf32>, memref<70x80xf16>) outs(%y : memref<70x80xf16>) {
  ^bb0(%v: f32, %r: f16, %o: f16):
    %rw = arith.extf %r : f16 to f32
    %sum = arith.addf %v, %rw : f32
    %n = arith.truncf %sum : f32 to f16
    linalg.yield %n : f16
  }
  memref.dealloc %c : memref<70x80xf32>
  return
}

// -----

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// rhs is a view with rows 36 floats apart (16-byte aligned), 33 wide: its
// n-contiguous rows suit the k-major buffer, so each thread copies one
// 4-float vector per slice, bypassing L1; the vector at column 32 reads
// min(33 - n, 4) floats and zero-fills the rest, and a vector past column 33
// or past k reads none (its column clamped to 32, the last whole vector's
// start). lhs ([m][k], k-major buffer) copies elements.
// ASYNC-DAG: #[[LEFT:.+]] = affine_map<(d0) -> (-d0 + 33, 4)>
// ASYNC-LABEL: func.func @partial_vectors
// ASYNC: nvgpu.device_async_copy %arg0{{.*}}, 1, %{{.+}} : memref<70x40xf32>
// ASYNC: %[[LEFT4:.+]] = affine.min #[[LEFT]](%[[COL:.+]])
// ASYNC: %[[N:.+]] = arith.select %{{.+}}, %[[LEFT4]], %c0 : index
// ASYNC: %[[C:.+]] = arith.minui %[[COL]], %c32 : index
// ASYNC: %[[K:.+]] = arith.minui %{{.+}}, %c39 : index
// ASYNC: nvgpu.device_async_copy %arg1[%[[K]], %[[C]]], %{{.+}}[%c0, %{{.+}}, %{{.+}}], 4, %[[N]] {bypassL1} : memref<40x33xf32, strided<[36, 1]>> to memref<2x16x68xf32, #gpu.address_space<workgroup>>
// ASYNC-NOT: nvgpu.device_async_copy %arg1
// ASYNC: nvgpu.device_async_create_group
func.func @partial_vectors(%a: memref<70x40xf32>, %b: memref<40x33xf32, strided<[36, 1]>>, %c: memref<70x33xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<70x40xf32>, memref<40x33xf32, strided<[36, 1]>>) outs(%c : memref<70x33xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// With room for more shared memory than 48 KB and at least `sms` blocks of
// 128 x 128, a product of 16-bit operands both copied by cp.async takes the
// large tile: 128 threads (four warps of 64 x 64, 4 x 8 products each per
// 16-deep step), four buffers per slice (75776 bytes). Slices 0, 1 and 2
// start first; each iteration waits until two groups are left in flight,
// starts slice i + 3 into buffer (i + 3) mod 4 and multiplies slice i; the
// last three slices (k = 160 is five) are multiplied after the loop,
// waiting for two, one and no groups. With 48 KB, or fewer blocks than
// `sms`, the default tile stays (256 threads, three static buffers).
// LARGE-LABEL: func.func @large_tile
// LARGE: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c3, %{{.+}} = %c2, %{{.+}} = %c1{{.*}}) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c128, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) workgroup(%[[RAW:.+]] : memref<75776xi8, #gpu.address_space<workgroup>>)
// LARGE: %[[AS:.+]] = memref.view %[[RAW]]{{.*}} to memref<4x128x40xf16, #gpu.address_space<workgroup>>
// LARGE: %[[BS:.+]] = memref.view %[[RAW]]{{.*}} to memref<4x32x136xf16, #gpu.address_space<workgroup>>
// LARGE: nvgpu.device_async_copy %arg0[%{{.+}}, %{{.+}}], %[[AS]][%c0,
// LARGE: %[[G:.+]] = nvgpu.device_async_create_group
// LARGE: nvgpu.device_async_copy %arg0[%{{.+}}, %{{.+}}], %[[AS]][%c1,
// LARGE: nvgpu.device_async_create_group
// LARGE: nvgpu.device_async_copy %arg0[%{{.+}}, %{{.+}}], %[[AS]][%c2,
// LARGE: nvgpu.device_async_create_group
// LARGE: scf.for %[[K:.+]] = %c0 to %c64 step %c32
// LARGE-NEXT: nvgpu.device_async_wait %[[G]] {numGroups = 2 : i32}
// LARGE-NEXT: gpu.barrier
// LARGE: nvgpu.device_async_create_group
// LARGE-COUNT-32: vector.contract
// LARGE: scf.yield
// LARGE: nvgpu.device_async_wait %[[G]] {numGroups = 2 : i32}
// LARGE-NEXT: gpu.barrier
// LARGE: nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// LARGE-NEXT: gpu.barrier
// LARGE: nvgpu.device_async_wait %[[G]] {numGroups = 0 : i32}
// LARGE-NEXT: gpu.barrier
// LARGE-NOT: nvgpu.device_async_wait
// LARGE: gpu.terminator
// STATIC-LABEL: func.func @large_tile
// STATIC: threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c256{{.*}}) workgroup(%{{.+}} : memref<41472xi8, #gpu.address_space<workgroup>>)
// FEW-LABEL: func.func @large_tile
// FEW: threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c256{{.*}}) workgroup(%{{.+}} : memref<41472xi8, #gpu.address_space<workgroup>>)
//
// With `wgmma` (sm_90a), the same product takes the warpgroup kernel: 128
// threads per 128 x 128 tile, three buffers of 64-deep slices as core
// matrices ([buffer][row / 8][k / 8][8][8]: lhs rows along k, rhs (stored
// [k][n]) rows along n), 98304 bytes. Each thread copies 16 bytes of eight
// core matrices per slice and operand, at row tid mod 8 of its core matrix.
// Before each barrier the copies are fenced for the async proxy. Per slice
// 4 steps x 2 halves of m64n128k16 (B N-major: layout row), one group,
// waited for (fmc_nv.wgmma_wait, once per half: the wait passes the
// half's accumulators on). Descriptors: leading byte offset 128 (8 << 16), stride byte
// offset 1024 (64 << 32). The accumulators are stored to the tile as pairs
// (2 halves x 32 per thread). With sms=12, 64 x 128 tiles (one m64 product
// per step, 73728 bytes); with 48 KB, the mma.sync kernel.
// WGMMA-LABEL: func.func @large_tile
// WGMMA: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c3, %{{.+}} = %c2, %{{.+}} = %c1{{.*}}) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c128, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) module(@fmc_kernels) workgroup(%[[RAW:.+]] : memref<98304xi8, #gpu.address_space<workgroup>>)
// WGMMA: %[[AS:.+]] = memref.view %[[RAW]][%c0][] : {{.*}} to memref<3x16x8x8x8xf16, #gpu.address_space<workgroup>>
// WGMMA: %[[BS:.+]] = memref.view %[[RAW]][%c49152][] : {{.*}} to memref<3x16x8x8x8xf16, #gpu.address_space<workgroup>>
// WGMMA: memref.extract_aligned_pointer_as_index %[[RAW]]
// WGMMA: nvgpu.device_async_copy %arg0[%{{.+}}, %{{.+}}], %[[AS]][%c0, %{{.+}}, %{{.+}}, %[[ROW:[0-9]+]], %c0], 8
// WGMMA-COUNT-7: nvgpu.device_async_copy %arg0[%{{.+}}, %{{.+}}], %[[AS]][%c0, %{{.+}}, %{{.+}}, %[[ROW]], %c0], 8
// WGMMA-COUNT-8: nvgpu.device_async_copy %arg1[%{{.+}}, %{{.+}}], %[[BS]][%c0, %{{.+}}, %{{.+}}, %[[ROW]], %c0], 8
// WGMMA-NEXT: %[[G:.+]] = nvgpu.device_async_create_group
// WGMMA: scf.for %{{.+}} = %c0 to %c64 step %c64 iter_args(%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) -> (vector<64xf32>, vector<64xf32>)
// WGMMA-NEXT: nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// WGMMA-NEXT: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// WGMMA-NEXT: gpu.barrier
// WGMMA: nvgpu.device_async_create_group
// WGMMA-NEXT: nvvm.wgmma.fence.aligned
// WGMMA: arith.constant 274878431232 : i64
// WGMMA-COUNT-8: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <row>]
// WGMMA-NEXT: nvvm.wgmma.commit.group.sync.aligned
// WGMMA-NEXT: fmc_nv.wgmma_wait %{{.+}} {pending = 0 : i64}
// WGMMA: fmc_nv.wgmma_wait %{{.+}} {pending = 0 : i64}
// WGMMA: scf.yield
// WGMMA: nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// WGMMA-NEXT: nvvm.fence.proxy
// WGMMA-NEXT: gpu.barrier
// WGMMA-COUNT-8: nvvm.wgmma.mma_async
// WGMMA: nvgpu.device_async_wait %[[G]] {numGroups = 0 : i32}
// WGMMA-NEXT: nvvm.fence.proxy
// WGMMA-NEXT: gpu.barrier
// WGMMA-COUNT-8: nvvm.wgmma.mma_async
// WGMMA: fmc_nv.wgmma_wait %{{.+}} {pending = 0 : i64}
// WGMMA-NOT: nvvm.wgmma
// WGMMA: gpu.barrier
// WGMMA: %[[OUT:.+]] = memref.view %[[RAW]][%c0][] : {{.*}} to memref<128x132xf32, #gpu.address_space<workgroup>>
// WGMMA-COUNT-64: vector.store %{{.+}}, %[[OUT]][%{{.+}}, %{{.+}}] {alignment = 8 : i64} : memref<128x132xf32, #gpu.address_space<workgroup>>, vector<2xf32>
// WGMMA-NEXT: gpu.barrier
// WGMMA: vector.load %[[OUT]]
// WGMMA: gpu.terminator
// WGMMA64-LABEL: func.func @large_tile
// WGMMA64: in (%{{.+}} = %c3, %{{.+}} = %c4, %{{.+}} = %c1{{.*}}) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c128{{.*}} workgroup(%{{.+}} : memref<73728xi8, #gpu.address_space<workgroup>>)
// WGMMA64: memref<3x8x8x8x8xf16, #gpu.address_space<workgroup>>
// WGMMA64: memref<3x16x8x8x8xf16, #gpu.address_space<workgroup>>
// WGMMA64: nvvm.wgmma.fence.aligned
// WGMMA64-COUNT-4: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 128, k = 16>
// WGMMA64-NEXT: nvvm.wgmma.commit.group.sync.aligned
//
// With sm_90's 227 KB of shared memory, 128 x 256 tiles: two warpgroups
// (256 threads), each 64 rows of one m64n256k16 per step (its first row's
// core matrices 8 x 1024 bytes into the lhs slice: wgmma-emulation.mlir
// checks the products), four buffers (196608
// bytes), the copies two slices ahead, and a slice's products left in
// flight (wait 1) while the next slice's copies are waited for and
// started: the copies of slice i + 2 refill the buffer of slice i - 2,
// whose products the wait 1 after slice i - 1 finished. The last slice's
// are waited for (fmc_nv.wgmma_wait 0) before its accumulators are read and the
// accumulators' tile reuses the buffers.
// WGMMA2-LABEL: func.func @large_tile
// WGMMA2: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c2, %{{.+}} = %c2{{.*}}, %{{.+}} = %c1{{.*}}) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c256{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) module(@fmc_kernels) workgroup(%[[RAW:.+]] : memref<196608xi8, #gpu.address_space<workgroup>>)
// WGMMA2: %[[AS:.+]] = memref.view %[[RAW]][%c0][] : {{.*}} to memref<4x16x8x8x8xf16, #gpu.address_space<workgroup>>
// WGMMA2: %[[BS:.+]] = memref.view %[[RAW]][%c65536][] : {{.*}} to memref<4x32x8x8x8xf16, #gpu.address_space<workgroup>>
// WGMMA2-COUNT-4: nvgpu.device_async_copy %arg0[%{{.+}}, %{{.+}}], %[[AS]][%c0,
// WGMMA2-COUNT-8: nvgpu.device_async_copy %arg1[%{{.+}}, %{{.+}}], %[[BS]][%c0,
// WGMMA2-NEXT: %[[G:.+]] = nvgpu.device_async_create_group
// WGMMA2-COUNT-12: nvgpu.device_async_copy {{.*}}[%c1,
// WGMMA2-NEXT: nvgpu.device_async_create_group
// WGMMA2: scf.for %{{.+}} = %c0 to %c64 step %c64 iter_args(%{{.+}} = %{{.+}}) -> (vector<128xf32>)
// WGMMA2-NEXT: nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// WGMMA2-NEXT: nvvm.fence.proxy
// WGMMA2-NEXT: gpu.barrier
// WGMMA2: nvgpu.device_async_create_group
// WGMMA2-NEXT: nvvm.wgmma.fence.aligned
// WGMMA2-COUNT-4: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 256, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <row>]
// WGMMA2-NEXT: nvvm.wgmma.commit.group.sync.aligned
// WGMMA2-NEXT: nvvm.wgmma.wait.group.sync.aligned 1
// WGMMA2: scf.yield
// WGMMA2: nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// WGMMA2-COUNT-4: nvvm.wgmma.mma_async
// WGMMA2: nvvm.wgmma.wait.group.sync.aligned 1
// WGMMA2: nvgpu.device_async_wait %[[G]] {numGroups = 0 : i32}
// WGMMA2-COUNT-4: nvvm.wgmma.mma_async
// WGMMA2-NEXT: nvvm.wgmma.commit.group.sync.aligned
// WGMMA2-NEXT: fmc_nv.wgmma_wait %{{.+}} {pending = 0 : i64}
// WGMMA2-NOT: nvvm.wgmma
// WGMMA2: gpu.barrier
// WGMMA2: %[[OUT:.+]] = memref.view %[[RAW]][%c0][] : {{.*}} to memref<128x260xf32, #gpu.address_space<workgroup>>
// WGMMA2-COUNT-64: vector.store %{{.+}}, %[[OUT]][%{{.+}}, %{{.+}}] {alignment = 8 : i64} : memref<128x260xf32, #gpu.address_space<workgroup>>, vector<2xf32>
// WGMMA2-NEXT: gpu.barrier
// NOWGMMA-LABEL: func.func @large_tile
// NOWGMMA-NOT: nvvm.wgmma
// NOWGMMA: vector.contract
// NOWGMMA-NOT: nvvm.wgmma
// NOWGMMA-LABEL: func.func @wgmma_transposed_rhs
func.func @large_tile(%a: memref<200x160xf16>, %w: memref<160x296xf16>, %c: memref<200x296xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<200x160xf16>, memref<160x296xf16>) outs(%c : memref<200x296xf32>) {
  ^bb0(%x: f16, %h: f16, %acc: f32):
    %xw = arith.extf %x : f16 to f32
    %wide = arith.extf %h : f16 to f32
    %p = arith.mulf %xw, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An rhs stored [n][k] (Gemm with transB) is K-major for wgmma (layout col:
// no transposition); its core matrices' rows run along k, like lhs's.
// An f32 lhs (staged through registers, rounded) keeps the mma.sync kernel.
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs_t = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
// WGMMA-LABEL: func.func @wgmma_transposed_rhs
// WGMMA: %[[BS:.+]] = memref.view %{{.+}}[%c49152][] : {{.*}} to memref<3x16x8x8x8xbf16, #gpu.address_space<workgroup>>
// WGMMA: nvgpu.device_async_copy %arg1[%{{.+}}, %{{.+}}], %[[BS]][%c0, %{{.+}}, %{{.+}}, %{{.+}}, %c0], 8
// WGMMA: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// WGMMA-LABEL: func.func @wgmma_f32_lhs
// WGMMA-NOT: nvvm.wgmma
// WGMMA: vector.contract
// WGMMA-NOT: nvvm.wgmma
func.func @wgmma_transposed_rhs(%a: memref<200x160xbf16>, %w: memref<296x160xbf16>, %c: memref<200x296xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs_t, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<200x160xbf16>, memref<296x160xbf16>) outs(%c : memref<200x296xf32>) {
  ^bb0(%x: bf16, %h: bf16, %acc: f32):
    %xw = arith.extf %x : bf16 to f32
    %wide = arith.extf %h : bf16 to f32
    %p = arith.mulf %xw, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @wgmma_f32_lhs(%a: memref<200x160xf32>, %w: memref<296x160xf16>, %c: memref<200x296xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs_t, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<200x160xf32>, memref<296x160xf16>) outs(%c : memref<200x296xf32>) {
  ^bb0(%x: f32, %h: f16, %acc: f32):
    %wide = arith.extf %h : f16 to f32
    %p = arith.mulf %x, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Rows of 70 columns: a thread's four columns start at a multiple of 4 of
// the tile but not at a multiple of 16 bytes of the buffer, so the stores
// keep the elements' alignment (no alignment attribute).
// CHECK-LABEL: func.func @unaligned_rows
// CHECK: vector.maskedstore %arg2[%{{[^]]+}}], %{{[^ ]+}}, %{{[^ ]+}} : memref<32x70xf32>
func.func @unaligned_rows(%a: memref<32x48xf32>, %b: memref<48x70xf32>, %c: memref<32x70xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x48xf32>, memref<48x70xf32>) outs(%c : memref<32x70xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// With tf32 (--precision=tf32 on sm_90a), an f32 product whose operands
// both store k contiguously (an rhs stored [n][k]: fmc-gpu-transpose-weights
// stores weights so) takes the warpgroup kernel too: slices of the same
// bytes, half as deep (32: 128 x 32 f32), as core matrices of 8 rows of
// four f32 ([buffer][row / 8][k / 4][8][4]), each thread copying 16 bytes
// (one core row) at a time; per slice 4 steps of m64n128k8 tf32 per half
// (both operands K-major: B layout col), the same descriptor fields (128
// bytes between core matrices along k, 8 x 128 along m and n). An rhs
// stored [k][n] keeps the mma.sync kernel (PTX's tf32 operands are K-major
// only).
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#rhs_t = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
// TF32WG-LABEL: func.func @wgmma_tf32
// TF32WG: gpu.launch {{.*}} threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c128, {{.*}} workgroup(%[[RAW:.+]] : memref<98304xi8, #gpu.address_space<workgroup>>)
// TF32WG: %[[AS:.+]] = memref.view %[[RAW]][%c0][] : {{.*}} to memref<3x16x8x8x4xf32, #gpu.address_space<workgroup>>
// TF32WG: %[[BS:.+]] = memref.view %[[RAW]][%c49152][] : {{.*}} to memref<3x16x8x8x4xf32, #gpu.address_space<workgroup>>
// TF32WG-COUNT-8: nvgpu.device_async_copy %arg0[%{{.+}}, %{{.+}}], %[[AS]][%c0, %{{.+}}, %{{.+}}, %{{.+}}, %c0], 4
// TF32WG-COUNT-8: nvgpu.device_async_copy %arg1[%{{.+}}, %{{.+}}], %[[BS]][%c0, %{{.+}}, %{{.+}}, %{{.+}}, %c0], 4
// TF32WG: scf.for %{{.+}} = %c0 to %c96 step %c32
// TF32WG: nvvm.wgmma.fence.aligned
// TF32WG: arith.constant 274878431232 : i64
// TF32WG-COUNT-8: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 128, k = 8>, D[<f32>, <one>], A[<tf32>, <one>, <row>], B[<tf32>, <one>, <col>]
// TF32WG-NEXT: nvvm.wgmma.commit.group.sync.aligned
// TF32WG-LABEL: func.func @tf32_n_major
// TF32WG-NOT: nvvm.wgmma
// TF32WG: vector.contract
// TF32WG-NOT: nvvm.wgmma
// Without wgmma (sm_80, sm_86, sm_89, sm_90), tf32 products that give
// enough blocks take the large mma.sync tiles too: 128 x 128 x 32 of f32
// rows padded by 16 bytes, four buffers (141312 bytes: an A100's 163 KB
// hold them, an RTX 30's 99 KB three of them do not, so the default 64 x 64
// tiles serve there), 64 x 64 per warp of m16n8k8.
// TF32LARGE-LABEL: func.func @tf32_n_major
// TF32LARGE: gpu.launch {{.*}} threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c128, {{.*}} workgroup(%[[RAW:.+]] : memref<141312xi8, #gpu.address_space<workgroup>>)
// TF32LARGE: memref.view %[[RAW]]{{.*}} to memref<4x128x36xf32, #gpu.address_space<workgroup>>
// TF32LARGE: memref.view %[[RAW]]{{.*}} to memref<4x32x132xf32, #gpu.address_space<workgroup>>
// TF32LARGE: scf.for
// TF32LARGE-COUNT-128: vector.contract {{.*}} : vector<16x8xf32>, vector<8x8xf32> into vector<16x8xf32>
func.func @wgmma_tf32(%a: memref<200x160xf32>, %w: memref<296x160xf32>, %c: memref<200x296xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs_t, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<200x160xf32>, memref<296x160xf32>) outs(%c : memref<200x296xf32>) {
  ^bb0(%x: f32, %h: f32, %acc: f32):
    %p = arith.mulf %x, %h : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @tf32_n_major(%a: memref<200x160xf32>, %w: memref<160x296xf32>, %c: memref<200x296xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<200x160xf32>, memref<160x296xf32>) outs(%c : memref<200x296xf32>) {
  ^bb0(%x: f32, %h: f32, %acc: f32):
    %p = arith.mulf %x, %h : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
