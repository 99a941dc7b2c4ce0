// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=f16}),canonicalize,cse)' --split-input-file | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=bf16}),canonicalize,cse)' --split-input-file | FileCheck %s --check-prefix=BF16
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention),canonicalize,cse)' --split-input-file | FileCheck %s --check-prefix=F32
// RUN: not fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=f8}))' --split-input-file 2>&1 | FileCheck %s --check-prefix=TYPE
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=f16 async-copies=true}),canonicalize,cse)' --split-input-file | FileCheck %s --check-prefix=ASYNC
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=f16 async-copies=true max-shared-bytes=65536}),canonicalize,cse)' --split-input-file | FileCheck %s --check-prefix=PREFETCH

// The tensor-core kernel (mma-type=f16): causal grouped-query attention,
// S = T = 100, D = Dv = 32. A block of 4 warps (128 threads) takes 64
// queries (grid ceil(100 / 64) x 4 heads x 1); one shared byte buffer
// holds the K block (first the Q block) and the V block, 64 x (32 + 8)
// halves each. Lane (g, q) of warp w: g = lane / 4, q = lane mod 4, rows
// 16 w + g and + 8. Staging loads four f32 (16-byte aligned), zeros past
// 100, and stores four f16. The Q fragments (two k-tiles of 16, one
// ldmatrix.x4 each: lane 8 j + r gives row r of tile j, tiles (rows 0-7 |
// 8-15) x (columns k0 | k0 + 8)) are read once, between two barriers.
// CHECK-LABEL: func.func @causal_gqa
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[NEGUNIT:.+]] = arith.constant -0.180336878 : f32
// CHECK-DAG: %[[UNIT:.+]] = arith.constant 0.180336878 : f32
// CHECK-NOT: fmc.attention_kernel
// CHECK: gpu.launch blocks(%[[BX:.+]], %[[H:.+]], %{{.+}}) in (%{{.+}} = %c2, %{{.+}} = %c4, %{{.+}} = %c1) threads(%[[T:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c128, %{{.+}} = %c1, %{{.+}} = %c1) module(@fmc_kernels) workgroup(%[[BYTES:.+]] : memref<10240xi8, #gpu.address_space<workgroup>>)
// CHECK: %[[K:.+]] = memref.view %[[BYTES]][%c0][] : {{.+}} to memref<64x40xf16, #gpu.address_space<workgroup>>
// CHECK: %[[V:.+]] = memref.view %[[BYTES]][%c5120][] : {{.+}} to memref<64x40xf16, #gpu.address_space<workgroup>>
// CHECK: %[[KVH:.+]] = arith.divui %[[H]], %c2
// CHECK: %[[I0:.+]] = arith.muli %[[BX]], %c64
// CHECK: %[[WARP:.+]] = arith.divui %[[T]], %c32
// CHECK: %[[LANE:.+]] = arith.remui %[[T]], %c32
// CHECK: %[[G:.+]] = arith.divui %[[LANE]], %c4
// CHECK: %[[Q:.+]] = arith.remui %[[LANE]], %c4
// CHECK: %[[TWOQ:.+]] = arith.muli %[[Q]], %c2
// CHECK: %[[TROW:.+]] = arith.remui %[[LANE]], %c8
// CHECK: %[[TILE:.+]] = arith.divui %[[LANE]], %c8
// CHECK: %[[TODD:.+]] = arith.remui %[[TILE]], %c2
// CHECK: %[[THIGH:.+]] = arith.divui %[[TILE]], %c2
// CHECK: %[[TODD8:.+]] = arith.muli %[[TODD]], %c8
// CHECK: %[[ROWODD:.+]] = arith.addi %[[TROW]], %[[TODD8]]
// CHECK: %[[COLHIGH:.+]] = arith.muli %[[THIGH]], %c8
// CHECK: %[[ROWHIGH:.+]] = arith.addi %[[TROW]], %[[COLHIGH]]
// CHECK: %[[W16:.+]] = arith.muli %[[WARP]], %c16
// CHECK: %[[ROW0:.+]] = arith.addi %[[W16]], %[[G]]
// CHECK: %[[ROW1:.+]] = arith.addi %[[ROW0]], %c8
// CHECK: %[[QROW0:.+]] = arith.addi %[[I0]], %[[ROW0]]
// CHECK: scf.for
// CHECK: vector.load %arg0[%c0, %[[H]], %{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<1x4x100x32xf32>, vector<4xf32>
// CHECK: arith.cmpi ult, %{{.+}}, %c100
// CHECK: arith.truncf %{{.+}} : vector<4xf32> to vector<4xf16>
// CHECK: vector.store %{{.+}}, %[[K]]
// CHECK: gpu.barrier
// CHECK: %[[QROWS:.+]] = arith.addi %[[W16]], %[[ROWODD]]
// CHECK: %[[Q0:.+]] = nvgpu.ldmatrix %[[K]][%[[QROWS]], %[[COLHIGH]]] {numTiles = 4 : i32, transpose = false} : memref<64x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: %[[Q16:.+]] = arith.addi %[[COLHIGH]], %c16
// CHECK: %[[Q1:.+]] = nvgpu.ldmatrix %[[K]][%[[QROWS]], %[[Q16]]]
// CHECK: gpu.barrier
// Two key loops: blocks below T and the frontier of the block's first
// query, [0, min(64, floor((i0 + 1) / 64) 64)), whose scores need no
// bounds, then the rest up to min(100, i0 + 64), checked; m, l (two rows
// each) and O (Dv / 8 = 4 accumulator tiles) carried from one to the
// other. K and V staged (head h / 2), one barrier, then S: per sixteen
// keys an ldmatrix.x4 per k-tile (tiles (keys n0 | n0 + 8) x (dims k0 |
// k0 + 8)), all loaded before the two 16 x 8 tiles' products.
// CHECK: %[[END:.+]] = arith.minui %{{.+}}, %c100
// CHECK: %[[SEEN:.+]] = arith.addi %[[I0]], %c1
// CHECK: %[[BLOCKS:.+]] = arith.floordivsi %[[SEEN]], %c64
// CHECK: %[[WHOLE:.+]] = arith.maxsi %[[BLOCKS]], %c0
// CHECK: %[[KEYS:.+]] = arith.muli %[[WHOLE]], %c64
// CHECK: %[[INNER:.+]] = arith.minui %[[KEYS]], %c64
// CHECK: %[[STATE:.+]]:8 = scf.for %{{.+}} = %c0 to %[[INNER]] step %c64 iter_args({{.+}}) -> (f32, f32, f32, f32, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>)
// CHECK-NOT: arith.cmpi ugt
// CHECK: gpu.shuffle
// CHECK-NOT: arith.cmpi ugt
// CHECK: scf.yield
// CHECK: scf.for %[[J0:.+]] = %[[INNER]] to %[[END]] step %c64 iter_args(%{{.+}} = %[[STATE]]#0, 
// CHECK: vector.load %arg1[%c0, %[[KVH]],
// CHECK: vector.store %{{.+}}, %[[K]]
// CHECK: vector.load %arg2[%c0, %[[KVH]],
// CHECK: vector.store %{{.+}}, %[[V]]
// CHECK: gpu.barrier
// CHECK: nvgpu.ldmatrix %[[K]][%[[ROWHIGH]], %[[TODD8]]] {numTiles = 4 : i32, transpose = false}
// CHECK: nvgpu.ldmatrix %[[K]][%[[ROWHIGH]], %{{.+}}] {numTiles = 4 : i32, transpose = false}
// CHECK: %[[S0:.+]] = nvgpu.mma.sync(%[[Q0]], %{{.+}}, %cst{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK: %[[S1:.+]] = nvgpu.mma.sync(%[[Q0]], %{{.+}}, %cst{{.*}})
// CHECK: nvgpu.mma.sync(%[[Q1]], %{{.+}}, %[[S0]])
// CHECK: nvgpu.mma.sync(%[[Q1]], %{{.+}}, %[[S1]])
// Scores: the raw dot products (no mask, a positive scale: u = 0.125
// log2(e) = 0.18034 is applied in the exponent), -inf past T, -inf past
// the frontier key > row + T - S.
// CHECK: vector.extract %{{.+}}[0, 0]
// CHECK: %[[KEY:.+]] = arith.addi %[[J0]], %[[TWOQ]]
// CHECK-NOT: arith.mulf
// CHECK: arith.cmpi ult, %[[KEY]], %c100
// CHECK: arith.cmpi ugt, %[[KEY]], %[[QROW0]]
// CHECK-COUNT-12: nvgpu.mma.sync
// Row maxima across the four lanes of a row (two butterfly shuffles, both
// rows together), a = 2^((m - m') u) and P = 2^(S u - m' u) (an fma and
// an exp2 per score), P rounded to f16 as A fragments, O scaled by a,
// O += P V: per pair of value tiles an ldmatrix.x4.trans per 16 keys
// (tiles (keys k0 | k0 + 8) x (columns n0 | n0 + 8)), then the products
// (Dv / 8 x 64 / 16 in all), a barrier.
// CHECK: gpu.shuffle xor %{{.+}}, %c1_i32, %c32_i32 : f32
// CHECK-NEXT: gpu.shuffle xor %{{.+}}, %c1_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.+}}, %c2_i32, %c32_i32 : f32
// CHECK-NEXT: gpu.shuffle xor %{{.+}}, %c2_i32, %c32_i32 : f32
// CHECK: %[[DIFF:.+]] = arith.subf
// CHECK-NEXT: %[[A:.+]] = arith.mulf %[[DIFF]], %[[UNIT]] : f32
// CHECK-NEXT: math.exp2 %[[A]]
// CHECK: %[[OFFSET:.+]] = arith.mulf %{{.+}}, %[[NEGUNIT]] : f32
// CHECK: %[[E:.+]] = math.fma %{{.+}}, %[[UNIT]], %[[OFFSET]] : f32
// CHECK-NEXT: math.exp2 %[[E]]
// CHECK-COUNT-4: arith.truncf %{{.+}} : vector<4x2xf32> to vector<4x2xf16>
// CHECK: arith.mulf %{{.+}}, %{{.+}} : vector<2x2xf32>
// CHECK: nvgpu.ldmatrix %[[V]][%[[ROWODD]], %[[COLHIGH]]] {numTiles = 4 : i32, transpose = true}
// CHECK-COUNT-3: nvgpu.ldmatrix %[[V]]
// CHECK-COUNT-8: nvgpu.mma.sync
// CHECK-COUNT-4: nvgpu.ldmatrix %[[V]]
// CHECK-COUNT-8: nvgpu.mma.sync
// CHECK: gpu.barrier
// CHECK: scf.yield
// The row sums across the lanes, O (1 / l) (0 where l = 0: one division
// per row), stored as f32 pairs below S.
// CHECK: gpu.shuffle xor %{{.+}}#2, %c1_i32
// CHECK: %[[INV:.+]] = arith.divf %[[ONE]], %{{.+}} : f32
// CHECK: %[[INVS:.+]] = vector.broadcast %[[INV]] : f32 to vector<2xf32>
// CHECK-NOT: arith.divf
// CHECK: arith.mulf %{{.+}}, %[[INVS]] : vector<2xf32>
// CHECK: vector.store %{{.+}}, %arg3[%c0, %[[H]], %[[QROW0]], %[[TWOQ]]] {alignment = 8 : i64} : memref<1x4x100x32xf32>, vector<2xf32>
// BF16-LABEL: func.func @causal_gqa
// BF16: workgroup(%{{.+}} : memref<10240xi8, #gpu.address_space<workgroup>>)
// BF16: arith.truncf %{{.+}} : vector<4xf32> to vector<4xbf16>
// BF16: nvgpu.mma.sync({{.+}}) {mmaShape = [16, 8, 16]} : (vector<4x2xbf16>, vector<2x2xbf16>, vector<2x2xf32>) -> vector<2x2xf32>
// BF16: arith.truncf %{{.+}} : vector<4x2xf32> to vector<4x2xbf16>
// Without mma-type: the f32 kernel of 256 threads.
// F32-LABEL: func.func @causal_gqa
// F32-NOT: nvgpu.mma.sync
// F32: threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c256,
// TYPE: error: fmc-gpu-launch-attention: mma-type is f16, bf16 or empty, not 'f8'
func.func @causal_gqa(%q: memref<1x4x100x32xf32>, %k: memref<1x2x100x32xf32>, %v: memref<1x2x100x32xf32>, %o: memref<1x4x100x32xf32>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = true, scale = 0.125 : f64} : (memref<1x4x100x32xf32>, memref<1x2x100x32xf32>, memref<1x2x100x32xf32>, memref<1x4x100x32xf32>) -> ()
  return
}

// -----

// What the tensor-core kernel does not take keeps the f32 kernel: a head
// size not a multiple of 16 (D = 40), and fewer than 16 queries (decoding).
// CHECK-LABEL: func.func @odd_head
// CHECK-NOT: nvgpu.mma.sync
// CHECK: threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c256,
func.func @odd_head(%q: memref<1x2x64x40xf32>, %k: memref<1x2x64x40xf32>, %v: memref<1x2x64x40xf32>, %o: memref<1x2x64x40xf32>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = false, scale = 0.158 : f64} : (memref<1x2x64x40xf32>, memref<1x2x64x40xf32>, memref<1x2x64x40xf32>, memref<1x2x64x40xf32>) -> ()
  return
}

// -----

// CHECK-LABEL: func.func @decode
// CHECK-NOT: nvgpu.mma.sync
// CHECK: threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c256,
func.func @decode(%q: memref<1x4x1x64xf32>, %k: memref<1x4x128x64xf32>, %v: memref<1x4x128x64xf32>, %o: memref<1x4x1x64xf32>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = true, scale = 0.125 : f64} : (memref<1x4x1x64xf32>, memref<1x4x128x64xf32>, memref<1x4x128x64xf32>, memref<1x4x1x64xf32>) -> ()
  return
}

// -----

// S = 256 (and no grid minimum: split-blocks is 0): 8 warps, 128 queries
// per block, 256 threads; the Q block (128 x 40 halves) takes all of the
// 10240 bytes K and V use afterwards. Non-causal with T a multiple of 64:
// every key block is inner, and the checked loop (from T to T) folds
// away.
// CHECK-LABEL: func.func @wide
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c2, %{{.+}} = %c8, %{{.+}} = %c1) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c256, %{{.+}} = %c1, %{{.+}} = %c1) module(@fmc_kernels) workgroup(%[[BYTES:.+]] : memref<10240xi8, #gpu.address_space<workgroup>>)
// CHECK: %[[QS:.+]] = memref.view %[[BYTES]][%c0][] : {{.+}} to memref<128x40xf16, #gpu.address_space<workgroup>>
// CHECK: %[[K:.+]] = memref.view %[[BYTES]][%c0][] : {{.+}} to memref<64x40xf16, #gpu.address_space<workgroup>>
// CHECK: %[[I0:.+]] = arith.muli %{{.+}}, %c128
// CHECK: scf.for %{{.+}} = %{{.+}} to %c4096 step %c1024
// CHECK: vector.store %{{.+}}, %[[QS]]
// CHECK: gpu.barrier
// CHECK: nvgpu.ldmatrix %[[QS]]
// CHECK: gpu.barrier
// CHECK: %[[STATE:.+]]:8 = scf.for %{{.+}} = %c0 to %c256 step %c64
// CHECK: scf.yield
// CHECK-NOT: scf.for
// CHECK: gpu.shuffle xor %[[STATE]]#2, %c1_i32
func.func @wide(%q: memref<1x8x256x32xf32>, %k: memref<1x8x256x32xf32>, %v: memref<1x8x256x32xf32>, %o: memref<1x8x256x32xf32>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = false, scale = 0.125 : f64} : (memref<1x8x256x32xf32>, memref<1x8x256x32xf32>, memref<1x8x256x32xf32>, memref<1x8x256x32xf32>) -> ()
  return
}

// -----

// f16 activations (fmc-narrow-activations): the tensor-core kernel stages
// f16 keys and values (and queries) as they are, four halves per load, with
// nothing rounded on the way into shared memory, and rounds the output to
// f16 where it stores it.
// CHECK-LABEL: func.func @f16_operands
// CHECK: vector.load %arg0{{.*}} : memref<1x2x64x32xf16>, vector<4xf16>
// CHECK-NOT: arith.truncf {{.*}} : vector<4xf32> to vector<4xf16>
// CHECK: nvgpu.mma.sync
// CHECK: %[[H:.+]] = arith.truncf %{{.+}} : vector<2xf32> to vector<2xf16>
// CHECK: vector.store %[[H]], %arg3[{{.*}}] {alignment = 4 : i64} : memref<1x2x64x32xf16>, vector<2xf16>
func.func @f16_operands(%q: memref<1x2x64x32xf16>, %k: memref<1x2x64x32xf16>, %v: memref<1x2x64x32xf16>, %o: memref<1x2x64x32xf16>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = false, scale = 0.125 : f64} : (memref<1x2x64x32xf16>, memref<1x2x64x32xf16>, memref<1x2x64x32xf16>, memref<1x2x64x32xf16>) -> ()
  return
}

// -----

// Decoding with f16 operands keeps the f32 kernel: it extends each element
// it reads (queries, keys, values) and rounds each output element.
// CHECK-LABEL: func.func @f16_decode
// CHECK-NOT: nvgpu.mma.sync
// CHECK: %[[X:.+]] = memref.load %arg0{{.*}} : memref<1x4x1x64xf16>
// CHECK: arith.extf %[[X]] : f16 to f32
// CHECK: %[[H:.+]] = arith.truncf %{{.+}} : f32 to f16
// CHECK: memref.store %[[H]], %arg3{{.*}} : memref<1x4x1x64xf16>
func.func @f16_decode(%q: memref<1x4x1x64xf16>, %k: memref<1x4x128x64xf16>, %v: memref<1x4x128x64xf16>, %o: memref<1x4x1x64xf16>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = true, scale = 0.125 : f64} : (memref<1x4x1x64xf16>, memref<1x4x128x64xf16>, memref<1x4x128x64xf16>, memref<1x4x1x64xf16>) -> ()
  return
}

// -----

// With async-copies, f16 keys and values of the products' type go into
// shared memory by cp.async in 16-byte chunks (64 rows x 4 chunks over 128
// threads: two each), and the next K block is prefetched into a second
// buffer (15360 bytes in all): K's first block starts before the key
// loop; each step starts V's block, waits until one group is left in
// flight (its K block is complete), computes the scores, starts the next
// K block into the other buffer, waits until one group is left (V's block
// is complete) and multiplies P V. Chunks past T read nothing and are
// zeroed; the last prefetch is drained after the loop. (T = 100: two
// steps, the loops folded, buffers 0, 1, 0.) Without async-copies (the
// f16 run above) or with f32 operands, the blocks are staged through
// registers.
// ASYNC-LABEL: func.func @f16_async
// ASYNC: workgroup(%[[RAW:.+]] : memref<15360xi8, #gpu.address_space<workgroup>>)
// ASYNC-DAG: %[[K0:.+]] = memref.view %[[RAW]][%c0][] : {{.*}} to memref<64x40xf16, #gpu.address_space<workgroup>>
// ASYNC-DAG: %[[V:.+]] = memref.view %[[RAW]][%c5120][] : {{.*}} to memref<64x40xf16, #gpu.address_space<workgroup>>
// ASYNC-DAG: %[[K1:.+]] = memref.view %[[RAW]][%c10240][] : {{.*}} to memref<64x40xf16, #gpu.address_space<workgroup>>
// ASYNC-COUNT-2: nvgpu.device_async_copy %arg1[%c0, %{{.+}}, %{{.+}}, %{{.+}}], %[[K0]][%{{.+}}, %{{.+}}], 8, %{{.+}} {bypassL1} : memref<1x2x100x32xf16> to memref<64x40xf16, #gpu.address_space<workgroup>>
// ASYNC: %[[G:.+]] = nvgpu.device_async_create_group
// ASYNC-COUNT-2: nvgpu.device_async_copy %arg2{{.*}}, %[[V]]
// ASYNC: %[[V0:.+]] = nvgpu.device_async_create_group
// ASYNC: nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// ASYNC-NEXT: gpu.barrier
// ASYNC: nvgpu.mma.sync
// ASYNC-COUNT-2: nvgpu.device_async_copy %arg1{{.*}}, %[[K1]]
// ASYNC: nvgpu.device_async_create_group
// ASYNC: nvgpu.device_async_wait %[[V0]] {numGroups = 1 : i32}
// ASYNC-NEXT: gpu.barrier
// ASYNC: nvgpu.ldmatrix %[[V]]{{.*}} {numTiles = 4 : i32, transpose = true}
// ASYNC: gpu.barrier
// ASYNC-COUNT-2: nvgpu.device_async_copy %arg2{{.*}}, %[[V]]
// ASYNC: %[[V1:.+]] = nvgpu.device_async_create_group
// ASYNC: nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// ASYNC-NEXT: gpu.barrier
// ASYNC: nvgpu.ldmatrix %[[K1]]
// ASYNC-COUNT-2: nvgpu.device_async_copy %arg1{{.*}}, %[[K0]]
// ASYNC: nvgpu.device_async_wait %[[V1]] {numGroups = 1 : i32}
// ASYNC: gpu.barrier
// ASYNC: nvgpu.device_async_wait %[[G]] {numGroups = 0 : i32}
// CHECK-LABEL: func.func @f16_async
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: return
func.func @f16_async(%q: memref<1x2x100x32xf16>, %k: memref<1x2x100x32xf16>, %v: memref<1x2x100x32xf16>, %o: memref<1x2x100x32xf16>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = false, scale = 0.125 : f64} : (memref<1x2x100x32xf16>, memref<1x2x100x32xf16>, memref<1x2x100x32xf16>, memref<1x2x100x32xf16>) -> ()
  return
}

// -----

// D = 128: a second K buffer would take the block to 52224 bytes, above
// the 48 KB of shared-bytes, so by default K and V are copied once per
// step (34816 bytes); with max-shared-bytes (the target's opt-in limit,
// dynamic shared memory) the next K block is prefetched into a second
// buffer after V's.
// ASYNC-LABEL: func.func @f16_async_d128
// ASYNC: workgroup(%{{.+}} : memref<34816xi8, #gpu.address_space<workgroup>>)
// PREFETCH-LABEL: func.func @f16_async_d128
// PREFETCH: workgroup(%[[RAW:.+]] : memref<52224xi8, #gpu.address_space<workgroup>>)
// PREFETCH-DAG: %[[K0:.+]] = memref.view %[[RAW]][%c0][] : {{.*}} to memref<64x136xf16, #gpu.address_space<workgroup>>
// PREFETCH-DAG: %[[K1:.+]] = memref.view %[[RAW]][%c34816][] : {{.*}} to memref<64x136xf16, #gpu.address_space<workgroup>>
// PREFETCH: nvgpu.device_async_copy %arg1{{.*}}, %[[K0]]
// PREFETCH: nvgpu.device_async_copy %arg1{{.*}}, %[[K1]]
func.func @f16_async_d128(%q: memref<1x2x100x128xf16>, %k: memref<1x2x100x128xf16>, %v: memref<1x2x100x128xf16>, %o: memref<1x2x100x128xf16>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = false, scale = 0.088 : f64} : (memref<1x2x100x128xf16>, memref<1x2x100x128xf16>, memref<1x2x100x128xf16>, memref<1x2x100x128xf16>) -> ()
  return
}
