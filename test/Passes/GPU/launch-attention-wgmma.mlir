// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=f16 async-copies=true wgmma=true max-shared-bytes=232448}),canonicalize,cse)' --split-input-file | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=f16 async-copies=true max-shared-bytes=232448}),canonicalize,cse)' --split-input-file | FileCheck %s --check-prefix=OFF
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=f16 async-copies=true wgmma=true max-shared-bytes=60000}),canonicalize,cse)' --split-input-file | FileCheck %s --check-prefix=TWO

// The warpgroup kernel (wgmma=true, sm_90a): causal grouped-query
// attention of f16 Q, K, V (2 heads over 1), S = T = 200, D = Dv = 64.
// Two warpgroups (256 threads) take 128 queries (grid 2 x 2 x 1); one
// shared byte buffer: Q [16][8][8][8] (128 rows as core matrices, K-major:
// [row / 8][d / 8][row % 8][d % 8]) at 0, three K buffers
// [3][8][8][8][8] at 16384 (8192 bytes each), three V buffers at 40960
// (N-major: [buffer][column / 8][key / 8][key % 8][column % 8]): 65536
// bytes (P stays in registers).
// CHECK-LABEL: func.func @causal_gqa
// CHECK: %[[NONE:.+]] = llvm.mlir.poison : !llvm.struct<(f32, f32,
// CHECK: gpu.launch blocks(%[[BX:.+]], %[[H:.+]], %{{.+}}) in (%{{.+}} = %c2, %{{.+}} = %c2, %{{.+}} = %c1) threads(%[[T:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c256, %{{.+}} = %c1, %{{.+}} = %c1) module(@fmc_kernels) workgroup(%[[BYTES:.+]] : memref<65536xi8, #gpu.address_space<workgroup>>)
// CHECK: %[[PTR:.+]] = memref.extract_aligned_pointer_as_index %[[BYTES]]
// CHECK: %[[BASE:.+]] = arith.index_cast %[[PTR]] : index to i64
// CHECK-DAG: %[[Q:.+]] = memref.view %[[BYTES]][%c0][] : {{.+}} to memref<16x8x8x8xf16, #gpu.address_space<workgroup>>
// CHECK-DAG: %[[K:.+]] = memref.view %[[BYTES]][%c16384][] : {{.+}} to memref<3x8x8x8x8xf16, #gpu.address_space<workgroup>>
// CHECK-DAG: %[[V:.+]] = memref.view %[[BYTES]][%c40960][] : {{.+}} to memref<3x8x8x8x8xf16, #gpu.address_space<workgroup>>
// Eight consecutive threads fill one core matrix: thread t copies row
// (t / 64) * 8 + t mod 8 (and the rows 32 further on), chunk (t / 8) mod
// 8 (16 bytes), into core matrix (row / 8, chunk), row t mod 8 for Q and
// K; (chunk, row / 8), row t mod 8 for V: a warp's writes fill 4 whole
// core matrices (no bank conflicts). Four Q chunks and two of K as one
// group, two of V as another.
// CHECK: %[[RR:.+]] = arith.remui %[[T]], %c8 : index
// CHECK-NEXT: %[[T8:.+]] = arith.divui %[[T]], %c8 : index
// CHECK-NEXT: %[[CHUNK:.+]] = arith.remui %[[T8]], %c8 : index
// CHECK-NEXT: %[[RC:.+]] = arith.divui %[[T8]], %c8 : index
// CHECK-NEXT: %[[R8:.+]] = arith.muli %[[RC]], %c8 : index
// CHECK-NEXT: %[[ROW:.+]] = arith.addi %[[R8]], %[[RR]] : index
// CHECK-NEXT: %[[AT:.+]] = arith.addi %{{.+}}, %[[ROW]] : index
// CHECK: %[[COL:.+]] = arith.muli %[[CHUNK]], %c8
// CHECK: %[[QC:.+]] = nvgpu.device_async_copy %arg0[%c0, %[[H]], %{{.+}}, %[[COL]]], %[[Q]][%[[RC]], %[[CHUNK]], %[[RR]], %c0], 8, %{{.+}} {bypassL1}
// CHECK-COUNT-3: nvgpu.device_async_copy %arg0
// CHECK: nvgpu.device_async_copy %arg1[%c0, %{{.+}}, %{{.+}}, %[[COL]]], %[[K]][%c0, %[[RC]], %[[CHUNK]], %[[RR]], %c0]
// CHECK: nvgpu.device_async_copy %arg1
// CHECK: %[[FIRST:.+]] = nvgpu.device_async_create_group %[[QC]],
// Then K's second block (buffer 1) and V's first (buffer 0), a group each.
// CHECK: nvgpu.device_async_copy %arg1[{{.+}}], %[[K]][%c1,
// CHECK: nvgpu.device_async_create_group
// CHECK: nvgpu.device_async_copy %arg2[%c0, %{{.+}}, %{{.+}}, %[[COL]]], %[[V]][%c0, %[[CHUNK]], %[[RC]], %[[RR]], %c0]
// CHECK: nvgpu.device_async_create_group
// Block 0, before the loops: Q and K's first block have arrived (the two
// later groups may still run), visible to the async proxy, a barrier; then
// the copies of K's third block (buffer 2) and V's second (buffer 1).
// CHECK-NEXT: nvgpu.device_async_wait %[[FIRST]] {numGroups = 2 : i32}
// CHECK-NEXT: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT: gpu.barrier
// CHECK: nvgpu.device_async_copy %arg1[{{.+}}], %[[K]][%c2,
// CHECK: nvgpu.device_async_create_group
// CHECK: nvgpu.device_async_copy %arg2[{{.+}}], %[[V]][%c1,
// CHECK: nvgpu.device_async_create_group
// S = Q K^T: per 16 of D one m64n64k16, A the warpgroup's 64 rows of Q
// (8192 bytes per warpgroup), B the K block (K-major: col); descriptors
// (address >> 4, leading byte offset 128 >> 4 at bit 16, stride 1024 >> 4
// at bit 32: 274878431232), k steps 256 bytes apart.
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: %[[QOFF:.+]] = arith.muli %{{.+}}, %c8192 : index
// CHECK: %[[QA:.+]] = arith.index_cast %[[QOFF]] : index to i64
// CHECK: %[[QADDR:.+]] = arith.addi %[[BASE]], %[[QA]] : i64
// CHECK: %[[QW:.+]] = arith.andi %[[QADDR]], %c262143_i64
// CHECK: %[[QU:.+]] = arith.shrui %[[QW]], %c4_i64
// CHECK: %[[QD:.+]] = arith.ori %[[QU]], %c274878431232_i64
// CHECK: %[[KD:.+]] = arith.ori %{{.+}}, %c274878431232_i64
// The first product replaces the accumulators (D scale zero: no zeros
// written to them between the fence and it), the others add; S is waited
// for through fmc_nv.wgmma_wait, which passes the accumulators on.
// CHECK: nvvm.wgmma.mma_async %[[QD]], %[[KD]], %[[NONE]], <m = 64, n = 64, k = 16>, D[<f32>, <zero>], A[<f16>, <one>, <row>], B[<f16>, <one>, <col>]
// CHECK: arith.addi %[[QOFF]], %c256 : index
// CHECK-COUNT-3: nvvm.wgmma.mma_async {{.+}} <m = 64, n = 64, k = 16>, D[<f32>, <one>]
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: %[[S:.+]] = fmc_nv.wgmma_wait %{{.+}} {pending = 0 : i64}
// The scores: accumulator values 0, 1, ... (value 4 j + v: n8 tile j).
// CHECK-NEXT: %[[S0:.+]] = llvm.extractvalue %[[S]][0]
// CHECK-NEXT: %[[S1:.+]] = llvm.extractvalue %[[S]][1]
// CHECK-NEXT: %[[S2:.+]] = llvm.extractvalue %[[S]][2]
// CHECK-NEXT: %[[S3:.+]] = llvm.extractvalue %[[S]][3]
// CHECK-NEXT: %[[S4:.+]] = llvm.extractvalue %[[S]][4]
// CHECK-NEXT: %[[S5:.+]] = llvm.extractvalue %[[S]][5]
// CHECK-NEXT: %[[S6:.+]] = llvm.extractvalue %[[S]][6]
// CHECK-NEXT: %[[S7:.+]] = llvm.extractvalue %[[S]][7]
// Row maxima across the row's four lanes, P = 2^(fma(S, u, -m u)) (block
// 0's scores bounds-checked); values 0 .. 7 (keys 0 .. 15: rows
// g, g + 8 by keys 2 q, + 1 and 8 + 2 q, + 1), in this order and rounded,
// are the A fragment of the first 16 keys.
// Each score past T (200) or past the row's causal frontier is -inf.
// CHECK: %[[C0:.+]] = arith.select %{{.+}}, %[[S0]], %{{.+}} : f32
// CHECK: %[[D0:.+]] = arith.select %{{.+}}, %{{.+}}, %[[C0]] : f32
// CHECK: %[[C1:.+]] = arith.select %{{.+}}, %[[S1]], %{{.+}} : f32
// CHECK: %[[D1:.+]] = arith.select %{{.+}}, %{{.+}}, %[[C1]] : f32
// CHECK: %[[C2:.+]] = arith.select %{{.+}}, %[[S2]], %{{.+}} : f32
// CHECK: %[[D2:.+]] = arith.select %{{.+}}, %{{.+}}, %[[C2]] : f32
// CHECK: %[[C3:.+]] = arith.select %{{.+}}, %[[S3]], %{{.+}} : f32
// CHECK: %[[D3:.+]] = arith.select %{{.+}}, %{{.+}}, %[[C3]] : f32
// CHECK: %[[C4:.+]] = arith.select %{{.+}}, %[[S4]], %{{.+}} : f32
// CHECK: %[[D4:.+]] = arith.select %{{.+}}, %{{.+}}, %[[C4]] : f32
// CHECK: %[[C5:.+]] = arith.select %{{.+}}, %[[S5]], %{{.+}} : f32
// CHECK: %[[D5:.+]] = arith.select %{{.+}}, %{{.+}}, %[[C5]] : f32
// CHECK: %[[C6:.+]] = arith.select %{{.+}}, %[[S6]], %{{.+}} : f32
// CHECK: %[[D6:.+]] = arith.select %{{.+}}, %{{.+}}, %[[C6]] : f32
// CHECK: %[[C7:.+]] = arith.select %{{.+}}, %[[S7]], %{{.+}} : f32
// CHECK: %[[D7:.+]] = arith.select %{{.+}}, %{{.+}}, %[[C7]] : f32
// CHECK: gpu.shuffle xor %{{.+}}, %c1_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.+}}, %c2_i32, %c32_i32 : f32
// CHECK: math.fma %[[D0]], %[[U:.+]], %{{.+}} : f32
// CHECK-NEXT: %[[P0:.+]] = math.exp2
// CHECK: math.fma %[[D1]], %[[U]], %{{.+}} : f32
// CHECK-NEXT: %[[P1:.+]] = math.exp2
// CHECK: math.fma %[[D2]], %[[U]], %{{.+}} : f32
// CHECK-NEXT: %[[P2:.+]] = math.exp2
// CHECK: math.fma %[[D3]], %[[U]], %{{.+}} : f32
// CHECK-NEXT: %[[P3:.+]] = math.exp2
// CHECK: math.fma %[[D4]], %[[U]], %{{.+}} : f32
// CHECK-NEXT: %[[P4:.+]] = math.exp2
// CHECK: math.fma %[[D5]], %[[U]], %{{.+}} : f32
// CHECK-NEXT: %[[P5:.+]] = math.exp2
// CHECK: math.fma %[[D6]], %[[U]], %{{.+}} : f32
// CHECK-NEXT: %[[P6:.+]] = math.exp2
// CHECK: math.fma %[[D7]], %[[U]], %{{.+}} : f32
// CHECK-NEXT: %[[P7:.+]] = math.exp2
// CHECK: %[[PV:.+]] = vector.from_elements %[[P0]], %[[P1]], %[[P2]], %[[P3]], %[[P4]], %[[P5]], %[[P6]], %[[P7]] : vector<8xf32>
// CHECK-NEXT: %[[A0:.+]] = arith.truncf %[[PV]] : vector<8xf32> to vector<8xf16>
// CHECK: %[[A1:.+]] = arith.truncf %{{.+}} : vector<8xf32> to vector<8xf16>
// CHECK: %[[A2:.+]] = arith.truncf %{{.+}} : vector<8xf32> to vector<8xf16>
// CHECK: %[[A3:.+]] = arith.truncf %{{.+}} : vector<8xf32> to vector<8xf16>
// P never goes through shared memory.
// CHECK-NOT: memref.store
// CHECK-NOT: vector.store
// Key blocks from 64 below the first query's causal frontier without
// bounds, then the rest; the state: (m, l) of two rows, O (Dv / 2 = 32
// values per thread), this block's buffer index (block 1: 1) and the
// block before's P (fragments of 16 keys).
// CHECK: %[[STATE:.+]]:10 = scf.for %[[J0:.+]] = %c64 to %{{.+}} step %c64 iter_args(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} = %{{.+}}, %[[BUF:.+]] = %c1, %[[F0:.+]] = %[[A0]], %[[F1:.+]] = %[[A1]], %[[F2:.+]] = %[[A2]], %[[F3:.+]] = %[[A3]]) -> (f32, f32, f32, f32, vector<32xf32>, index, vector<8xf16>, vector<8xf16>, vector<8xf16>, vector<8xf16>)
// Block b's buffers are b mod 3 (carried: + 1, wrapping); K has arrived
// with the block before's V (the copies of the step before may still run:
// two groups), a barrier, then the copies of K two blocks ahead (the block
// before's buffer) and V one block ahead (the buffer of the block before
// last).
// CHECK-NEXT: %[[KB:.+]] = arith.muli %[[BUF]], %c8192 : index
// CHECK-NEXT: %[[KOFF:.+]] = arith.addi %[[KB]], %c16384 : index
// CHECK-NEXT: nvgpu.device_async_wait %[[FIRST]] {numGroups = 2 : i32}
// CHECK-NEXT: nvvm.fence.proxy
// CHECK-NEXT: gpu.barrier
// CHECK: %[[AHEAD2:.+]] = arith.addi %[[BUF]], %c2 : index
// CHECK-NEXT: %[[WRAP2:.+]] = arith.cmpi uge, %[[AHEAD2]], %c3 : index
// CHECK-NEXT: %[[LESS2:.+]] = arith.addi %[[BUF]], %c-1 : index
// CHECK-NEXT: %[[KNEXT:.+]] = arith.select %[[WRAP2]], %[[LESS2]], %[[AHEAD2]] : index
// CHECK: nvgpu.device_async_copy %arg1[{{.+}}], %[[K]][%[[KNEXT]],
// CHECK: %[[AHEAD1:.+]] = arith.addi %[[BUF]], %c1 : index
// CHECK-NEXT: %[[WRAP1:.+]] = arith.cmpi uge, %[[AHEAD1]], %c3 : index
// CHECK-NEXT: %[[LESS1:.+]] = arith.addi %[[BUF]], %c-2 : index
// CHECK-NEXT: %[[VNEXT:.+]] = arith.select %[[WRAP1]], %[[LESS1]], %[[AHEAD1]] : index
// CHECK: nvgpu.device_async_copy %arg2[{{.+}}], %[[V]][%[[VNEXT]],
// S of this block is issued and committed, not waited for...
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: arith.index_cast %[[KOFF]] : index to i64
// CHECK: nvvm.wgmma.mma_async {{.+}} D[<f32>, <zero>]
// CHECK: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.mma_async
// CHECK: %[[SACC:.+]] = nvvm.wgmma.mma_async
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// ... then P V of the block before: O by its P from registers (A) and its
// V block (the buffer before this block's: the one K's copy two blocks
// ahead took, at 40960 + 8192 per buffer; N-major: bKMajor false), k
// steps 256 bytes apart, committed.
// CHECK-NOT: fmc_nv.wgmma_wait
// CHECK: %[[VPB:.+]] = arith.muli %[[KNEXT]], %c8192 : index
// CHECK-NEXT: %[[VPREV:.+]] = arith.addi %[[VPB]], %c40960 : index
// CHECK: %[[VA:.+]] = arith.index_cast %[[VPREV]] : index to i64
// CHECK: %[[VADDR:.+]] = arith.addi %[[BASE]], %[[VA]] : i64
// CHECK: %[[VD:.+]] = arith.ori %{{.+}}, %c274878431232_i64 : i64
// CHECK-NEXT: %[[O1:.+]] = fmc_nv.wgmma_register_a %{{.+}}, %[[F0]], %[[VD]] {accumulate = true, bKMajor = false, n = 64 : i64}
// CHECK-NEXT: arith.addi %[[VPB]], %c41216 : index
// CHECK: %[[O2:.+]] = fmc_nv.wgmma_register_a %[[O1]], %[[F1]], %{{.+}} {accumulate = true, bKMajor = false, n = 64 : i64}
// CHECK: %[[O3:.+]] = fmc_nv.wgmma_register_a %[[O2]], %[[F2]],
// CHECK: %[[O4:.+]] = fmc_nv.wgmma_register_a %[[O3]], %[[F3]],
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// S is waited for with one group (P V) still running, and this block's
// softmax runs while P V does; then P V is waited for and O rescaled by
// the new maxima.
// CHECK-NEXT: fmc_nv.wgmma_wait %[[SACC]] {pending = 1 : i64}
// CHECK: gpu.shuffle xor
// CHECK: math.exp2
// CHECK: %[[N0:.+]] = arith.truncf %{{.+}} : vector<8xf32> to vector<8xf16>
// CHECK: %[[N1:.+]] = arith.truncf
// CHECK: %[[N2:.+]] = arith.truncf
// CHECK: %[[N3:.+]] = arith.truncf
// CHECK: fmc_nv.wgmma_wait %[[O4]] {pending = 0 : i64}
// CHECK: %[[SCALED:.+]] = arith.mulf %{{.+}}, %{{.+}} : vector<32xf32>
// CHECK: scf.yield %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[SCALED]], %[[VNEXT]], %[[N0]], %[[N1]], %[[N2]], %[[N3]] :
// The second loop (bounds checked).
// CHECK: %[[EDGE:.+]]:10 = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c64 iter_args(%{{.+}} = %[[STATE]]#0,
// CHECK: arith.cmpi ugt
// CHECK: scf.yield
// The last block's P V once every copy (its V's too) has completed; then
// O (1 / l) stored as f16 pairs.
// CHECK: nvgpu.device_async_wait %[[FIRST]] {numGroups = 0 : i32}
// CHECK-NEXT: nvvm.fence.proxy
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: nvvm.wgmma.fence.aligned
// CHECK: %[[LAST2:.+]] = arith.addi %[[EDGE]]#5, %c2 : index
// CHECK: %[[LAST:.+]] = arith.select %{{.+}}, %{{.+}}, %[[LAST2]] : index
// CHECK-NEXT: %[[LASTB:.+]] = arith.muli %[[LAST]], %c8192 : index
// CHECK-NEXT: %[[LASTV:.+]] = arith.addi %[[LASTB]], %c40960 : index
// CHECK: arith.index_cast %[[LASTV]] : index to i64
// CHECK: fmc_nv.wgmma_register_a %{{.+}}, %[[EDGE]]#6,
// CHECK: fmc_nv.wgmma_register_a %{{.+}}, %[[EDGE]]#7,
// CHECK: fmc_nv.wgmma_register_a %{{.+}}, %[[EDGE]]#8,
// CHECK: fmc_nv.wgmma_register_a %{{.+}}, %[[EDGE]]#9,
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: fmc_nv.wgmma_wait %{{.+}} {pending = 0 : i64}
// CHECK: arith.divf
// CHECK: vector.store %{{.+}}, %arg3[%c0, %[[H]], %{{.+}}, %{{.+}}] {alignment = 4 : i64} : memref<1x2x200x64xf16>, vector<2xf16>
// CHECK: fmc.kernel = "attention: FlashAttention on warpgroups (wgmma.mma_async m64n64k16 and m64n64k16 f16), 128 queries x 64 keys per step, 2 warpgroup(s), Q, K, V by cp.async (K, V in 3 buffers each), P from registers, a block's S issued with the block before's P V"
// Where three K and V buffers do not fit (65536 bytes, here at most
// 60000), two: the copies one block ahead, every group waited for.
// TWO-LABEL: func.func @causal_gqa
// TWO: workgroup(%{{.+}} : memref<49152xi8, #gpu.address_space<workgroup>>)
// TWO: memref.view %{{.+}}[%c16384][] : {{.+}} to memref<2x8x8x8x8xf16, #gpu.address_space<workgroup>>
// TWO: memref.view %{{.+}}[%c32768][] : {{.+}} to memref<2x8x8x8x8xf16, #gpu.address_space<workgroup>>
// TWO: nvgpu.device_async_wait %{{.+}} {numGroups = 0 : i32}
// TWO-NOT: numGroups = 2
// TWO: fmc.kernel = "{{.+}} (K, V in 2 buffers each){{.+}}"
// Without wgmma: the mma.sync kernel.
// OFF-LABEL: func.func @causal_gqa
// OFF-NOT: nvvm.wgmma
// OFF: nvgpu.mma.sync
func.func @causal_gqa(%q: memref<1x2x200x64xf16>, %k: memref<1x1x200x64xf16>, %v: memref<1x1x200x64xf16>, %o: memref<1x2x200x64xf16>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = true, scale = 0.125 : f64} : (memref<1x2x200x64xf16>, memref<1x1x200x64xf16>, memref<1x1x200x64xf16>, memref<1x2x200x64xf16>) -> ()
  return
}

// -----

// What the warpgroup kernel does not take keeps the mma.sync kernel: f32
// Q, K, V (staged rounded, not copied), a head of 40 (not a multiple of
// 16), fewer than 64 queries.
// CHECK-LABEL: func.func @f32_operands
// CHECK-NOT: nvvm.wgmma
// CHECK: nvgpu.mma.sync
func.func @f32_operands(%q: memref<1x2x128x64xf32>, %k: memref<1x2x128x64xf32>, %v: memref<1x2x128x64xf32>, %o: memref<1x2x128x64xf32>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = false, scale = 0.125 : f64} : (memref<1x2x128x64xf32>, memref<1x2x128x64xf32>, memref<1x2x128x64xf32>, memref<1x2x128x64xf32>) -> ()
  return
}

// -----

// CHECK-LABEL: func.func @head_40
// CHECK-NOT: nvvm.wgmma
// CHECK: fmc.kernel = "attention: FlashAttention-2
func.func @head_40(%q: memref<1x2x128x40xf16>, %k: memref<1x2x128x40xf16>, %v: memref<1x2x128x40xf16>, %o: memref<1x2x128x40xf16>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = false, scale = 0.125 : f64} : (memref<1x2x128x40xf16>, memref<1x2x128x40xf16>, memref<1x2x128x40xf16>, memref<1x2x128x40xf16>) -> ()
  return
}

// -----

// CHECK-LABEL: func.func @few_queries
// CHECK-NOT: nvvm.wgmma
// CHECK: nvgpu.mma.sync
func.func @few_queries(%q: memref<1x2x48x64xf16>, %k: memref<1x2x128x64xf16>, %v: memref<1x2x128x64xf16>, %o: memref<1x2x48x64xf16>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = false, scale = 0.125 : f64} : (memref<1x2x48x64xf16>, memref<1x2x128x64xf16>, memref<1x2x128x64xf16>, memref<1x2x48x64xf16>) -> ()
  return
}
