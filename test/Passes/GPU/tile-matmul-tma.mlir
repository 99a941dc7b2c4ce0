// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{tf32=true async-copies=true shared-bytes=232448 sms=4 wgmma=true tma=true}),cse)' --split-input-file | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{tf32=true async-copies=true shared-bytes=232448 sms=4 wgmma=true}),cse)' --split-input-file | FileCheck %s --check-prefix=NOTMA

// fmc-gpu-tile-matmul with `tma`: the warpgroup kernel's slices are copied
// by the tensor memory accelerator. Before the launch, on the host, each
// operand gets a strided view whose boxes are its slices' core matrices,
// and a tensor map over it (nvgpu.tma.create.descriptor), passed to the
// kernel as an i64 address (cast back to a map inside). lhs [200][160]
// stores k contiguously: view [m / 8][k / 8][8][8] with strides [8 x 160,
// 8, 160, 1], boxes of 16 x 8 x 8 x 8 (128 rows x 64 of k). rhs [160][296]
// stores n contiguously: view [n / 8][k / 8][8 k][8 n] with strides [8, 8
// x 296, 296, 1], boxes of 32 x 8 x 8 x 8 (256 columns). In the kernel:
// one mbarrier per buffer (four), initialized by thread 0, fenced and
// passed by a barrier; thread 0 expects each slice's 49152 bytes on its
// buffer's mbarrier and starts both boxes at (0, 0, k / 8, corner / 8)
// (innermost dim first); no thread copies by cp.async. Every thread waits
// for a slice on its buffer's mbarrier (the parity of its round through
// the buffers), then the barrier: no proxy fence (TMA writes in the async
// proxy, which wgmma reads).
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @large_tile
// CHECK: %[[AV:.+]] = memref.reinterpret_cast %arg0 to offset: [0], sizes: [25, 20, 8, 8], strides: [1280, 8, 160, 1]
// CHECK: %[[AU:.+]] = memref.cast %[[AV]] : {{.*}} to memref<*xf16>
// CHECK: %[[AMAP:.+]] = nvgpu.tma.create.descriptor %[[AU]] box[%c16, %c8, %c8, %c8] : memref<*xf16> -> <tensor = memref<16x8x8x8xf16, #gpu.address_space<workgroup>>, swizzle = none, l2promo = l2promo_256b, oob = zero, interleave = none>
// CHECK: %[[AP:.+]] = builtin.unrealized_conversion_cast %[[AMAP]] : {{.*}} to !llvm.ptr
// CHECK: %[[AI:.+]] = llvm.ptrtoint %[[AP]] : !llvm.ptr to i64
// CHECK: memref.reinterpret_cast %arg1 to offset: [0], sizes: [37, 20, 8, 8], strides: [8, 2368, 296, 1]
// CHECK: nvgpu.tma.create.descriptor %{{.+}} box[%c32, %c8, %c8, %c8]
// CHECK: %[[BI:.+]] = llvm.ptrtoint
// CHECK: gpu.launch
// CHECK: %[[AK:.+]] = llvm.inttoptr %[[AI]] : i64 to !llvm.ptr
// CHECK: %[[A:.+]] = builtin.unrealized_conversion_cast %[[AK]] : !llvm.ptr to !nvgpu.tensormap.descriptor
// CHECK: %[[BK:.+]] = llvm.inttoptr %[[BI]] : i64 to !llvm.ptr
// CHECK: %[[B:.+]] = builtin.unrealized_conversion_cast %[[BK]]
// CHECK: %[[BARS:.+]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 4>
// CHECK: %[[LEAD:.+]] = arith.cmpi eq, %{{.+}}, %c0
// CHECK: nvgpu.mbarrier.init %[[BARS]][%c0], %c1, predicate = %[[LEAD]]
// CHECK: nvgpu.mbarrier.init %[[BARS]][%c3], %c1, predicate = %[[LEAD]]
// CHECK-NEXT: nvvm.fence.mbarrier.init
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[BARS]][%c0], %c49152, predicate = %[[LEAD]]
// CHECK: nvgpu.tma.async.load %[[A]][%c0, %c0, %c0, %[[M8:.+]]], %[[BARS]][%c0] to %{{.+}}, predicate = %[[LEAD]] : {{.*}} -> memref<16x8x8x8xf16, strided<[512, 64, 8, 1], offset: ?>, #gpu.address_space<workgroup>>
// CHECK: nvgpu.tma.async.load %[[B]][%c0, %c0, %c0, %[[N8:.+]]], %[[BARS]][%c0] to %{{.+}}, predicate = %[[LEAD]] : {{.*}} -> memref<32x8x8x8xf16, strided<[512, 64, 8, 1], offset: ?>, #gpu.address_space<workgroup>>
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[BARS]][%c1], %c49152
// CHECK: nvgpu.tma.async.load %[[A]][%c0, %c0, %c8, %[[M8]]], %[[BARS]][%c1]
// CHECK: nvgpu.tma.async.load %[[B]][%c0, %c0, %c8, %[[N8]]], %[[BARS]][%c1]
// CHECK: scf.for %[[K:.+]] = %c0 to %c64 step %c64
// CHECK: nvgpu.mbarrier.try_wait.parity %[[BARS]][%{{.+}}], %{{.+}}, %{{.+}} :
// CHECK-NEXT: gpu.barrier
// CHECK: nvgpu.mbarrier.arrive.expect_tx
// CHECK: nvgpu.tma.async.load %[[A]]
// CHECK: nvgpu.tma.async.load %[[B]]
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: scf.yield
// The last two slices, in buffers 1 and 2, in their first round (parity 0).
// CHECK: %[[FALSE:.+]] = arith.index_cast %c0 : index to i1
// CHECK: nvgpu.mbarrier.try_wait.parity %[[BARS]][%c1], %[[FALSE]], %c10000000
// CHECK-NEXT: gpu.barrier
// CHECK: nvgpu.mbarrier.try_wait.parity %[[BARS]][%c2], %[[FALSE]], %c10000000
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: nvgpu.tma.async.load
// CHECK-NOT: nvvm.fence.proxy
// CHECK: gpu.terminator
// Without `tma`, the threads copy by cp.async.
// NOTMA-LABEL: func.func @large_tile
// NOTMA-NOT: nvgpu.tma
// NOTMA: nvgpu.device_async_copy
// NOTMA-NOT: nvgpu.tma
// NOTMA-LABEL: func.func @batched
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

// A batch dim is the maps' fifth (outermost) dim: boxes of one batch, at
// the block's batch index (block z) as the last coordinate.
// CHECK-LABEL: func.func @batched
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [2, 17, 8, 8, 8], strides: [8704, 512, 8, 64, 1]
// CHECK: nvgpu.tma.create.descriptor %{{.+}} box[%c1, %c16, %c8, %c8, %c8]
// CHECK: memref.reinterpret_cast %arg1 to offset: [0], sizes: [2, 32, 8, 8, 8], strides: [16384, 8, 2048, 256, 1]
// CHECK: nvgpu.tma.create.descriptor %{{.+}} box[%c1, %c32, %c8, %c8, %c8]
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %[[BZ:.+]]) in
// CHECK: nvgpu.tma.async.load %{{.+}}[%c0, %c0, %c0, %{{.+}}, %[[BATCH:.+]]], {{.*}} -> memref<1x16x8x8x8xf16
// CHECK: nvgpu.tma.async.load %{{.+}}[%c0, %c0, %c0, %{{.+}}, %[[BATCH]]], {{.*}} -> memref<1x32x8x8x8xf16
func.func @batched(%a: memref<2x136x64xf16>, %w: memref<2x64x256xf16>, %c: memref<2x136x256xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<2x136x64xf16>, memref<2x64x256xf16>) outs(%c : memref<2x136x256xf32>) {
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

// tf32: both operands store k contiguously, core rows of four f32: views
// [rows / 8][k / 4][8][4], boxes of 32-deep slices (8 chunks of 4).
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs_t = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @tf32
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [25, 40, 8, 4], strides: [1280, 4, 160, 1]
// CHECK: nvgpu.tma.create.descriptor %{{.+}} box[%c16, %c8, %c8, %c4] : memref<*xf32>
// CHECK: memref.reinterpret_cast %arg1 to offset: [0], sizes: [37, 40, 8, 4], strides: [1280, 4, 160, 1]
// CHECK: nvgpu.tma.create.descriptor %{{.+}} box[%c32, %c8, %c8, %c4] : memref<*xf32>
// CHECK: nvgpu.tma.async.load
// CHECK: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 256, k = 8>, D[<f32>, <one>], A[<tf32>, <one>, <row>], B[<tf32>, <one>, <col>]
func.func @tf32(%a: memref<200x160xf32>, %w: memref<296x160xf32>, %c: memref<200x296xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs_t, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<200x160xf32>, memref<296x160xf32>) outs(%c : memref<200x296xf32>) {
  ^bb0(%x: f32, %h: f32, %acc: f32):
    %p = arith.mulf %x, %h : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Where a box could read past an operand (130 rows: not whole core
// matrices; a k of 100 stored [k][m] and [k][n]: not whole rows of eight),
// or TMA has too few dims for the operands (two batch dims and four of the
// core matrices), the kernel keeps cp.async for both slices.
#lhs = affine_map<(m, n, k) -> (m, k)>
#lhs_t = affine_map<(m, n, k) -> (k, m)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @rows_not_cores
// CHECK-NOT: nvgpu.tma
// CHECK: nvgpu.device_async_copy
// CHECK-NOT: nvgpu.tma
// CHECK: nvvm.wgmma.mma_async
// CHECK-LABEL: func.func @k_not_cores
// CHECK-NOT: nvgpu.tma
// CHECK: nvgpu.device_async_copy
// CHECK-NOT: nvgpu.tma
// CHECK: nvvm.wgmma.mma_async
// CHECK-LABEL: func.func @two_batch_dims
// CHECK-NOT: nvgpu.tma
// CHECK: nvgpu.device_async_copy
// CHECK-NOT: nvgpu.tma
// CHECK: nvvm.wgmma.mma_async
// CHECK-NOT: nvgpu.tma
func.func @rows_not_cores(%a: memref<130x160xf16>, %w: memref<160x296xf16>, %c: memref<130x296xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<130x160xf16>, memref<160x296xf16>) outs(%c : memref<130x296xf32>) {
  ^bb0(%x: f16, %h: f16, %acc: f32):
    %xw = arith.extf %x : f16 to f32
    %wide = arith.extf %h : f16 to f32
    %p = arith.mulf %xw, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @k_not_cores(%a: memref<100x200xf16>, %w: memref<100x296xf16>, %c: memref<200x296xf32>) {
  linalg.generic {indexing_maps = [#lhs_t, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<100x200xf16>, memref<100x296xf16>) outs(%c : memref<200x296xf32>) {
  ^bb0(%x: f16, %h: f16, %acc: f32):
    %xw = arith.extf %x : f16 to f32
    %wide = arith.extf %h : f16 to f32
    %p = arith.mulf %xw, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @two_batch_dims(%a: memref<2x2x136x64xf16>, %w: memref<2x2x64x256xf16>, %c: memref<2x2x136x256xf32>) {
  linalg.generic {indexing_maps = [affine_map<(a, b, m, n, k) -> (a, b, m, k)>, affine_map<(a, b, m, n, k) -> (a, b, k, n)>, affine_map<(a, b, m, n, k) -> (a, b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<2x2x136x64xf16>, memref<2x2x64x256xf16>) outs(%c : memref<2x2x136x256xf32>) {
  ^bb0(%x: f16, %h: f16, %acc: f32):
    %xw = arith.extf %x : f16 to f32
    %wide = arith.extf %h : f16 to f32
    %p = arith.mulf %xw, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
