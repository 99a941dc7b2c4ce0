// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention),canonicalize,cse)' --split-input-file | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{split-blocks=64}),canonicalize,cse)' --split-input-file | FileCheck %s --check-prefix=SPLIT
// RUN: not fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{shared-bytes=4096}))' --split-input-file 2>&1 | FileCheck %s --check-prefix=SMALL

// Causal grouped-query attention, S = T = 100, D = 32: one launch of
// ceil(100 / 64) query blocks x 4 heads x 1 batch, 256 threads, shared
// buffers for the query block, one key/value block, the probabilities and
// the per-thread row maxima and sums (rows padded by one). The query block
// is staged once (rows past 100 are zeros; each thread copies every 256th
// element, in a loop, which keeps few loads in flight per thread and so few
// registers); the key loop stops at the
// block's causal frontier min(100, i0 + 64). Per key block: the keys of
// head h / 2, a barrier, the dot products (4 rows x 4 keys per thread,
// fused multiply-adds over D), -inf past T and past the frontier (no
// mask and a positive scale: the raw dot products, the scale applied in the
// exponent), row maxima to shared memory, a barrier, exp as powers of two
// (a = 2^((m - m') u), P = 2^(S u - m' u), u = 0.125 log2(e) = 0.18034),
// the values, a barrier, the products with V, a barrier. Rows are divided
// by their sums and stored below S only.
// SMALL: error: attention with head sizes 32 and 32 needs more than the target's 4096 bytes of shared memory per block
// CHECK-LABEL: func.func @causal_gqa
// CHECK-DAG: %[[NEGUNIT:.+]] = arith.constant -0.180336878 : f32
// CHECK-DAG: %[[UNIT:.+]] = arith.constant 0.180336878 : f32
// CHECK-NOT: fmc.attention_kernel
// CHECK: gpu.launch blocks(%[[BX:.+]], %[[H:.+]], %[[B:.+]]) in (%{{.+}} = %c2, %{{.+}} = %c4, %{{.+}} = %c1) threads(%[[T:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c256, %{{.+}} = %c1, %{{.+}} = %c1) module(@fmc_kernels)
// CHECK-SAME: workgroup(%[[QS:.+]] : memref<64x33xf32, #gpu.address_space<workgroup>>, %[[KV:.+]] : memref<64x33xf32, #gpu.address_space<workgroup>>, %[[P:.+]] : memref<64x65xf32, #gpu.address_space<workgroup>>, %[[MAX:.+]] : memref<64x16xf32, #gpu.address_space<workgroup>>, %[[SUM:.+]] : memref<64x16xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[KVH:.+]] = arith.divui %[[H]], %c2
// CHECK: %[[I0:.+]] = arith.muli %[[BX]], %c64
// CHECK: %[[TX:.+]] = arith.remui %[[T]], %c16
// CHECK: %[[TY:.+]] = arith.divui %[[T]], %c16
// CHECK: %[[ROW0:.+]] = arith.addi %[[I0]], %[[TY]]
// CHECK: scf.for %{{.+}} = %[[T]] to %c2048 step %c256 {
// CHECK: memref.load %arg0[%c0, %[[H]], %{{.+}}, %{{.+}}]
// CHECK: arith.cmpi ult, %{{.+}}, %c100
// CHECK: memref.store %{{.+}}, %[[QS]]
// CHECK: %[[FRONTIER:.+]] = arith.addi %[[I0]], %c64
// CHECK: %[[END:.+]] = arith.minui %[[FRONTIER]], %c100
// CHECK: scf.for %[[J0:.+]] = %c0 to %[[END]] step %c64 iter_args({{.+}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK: scf.for %{{.+}} = %[[T]] to %c2048 step %c256 {
// CHECK: memref.load %arg1[%c0, %[[KVH]], %{{.+}}, %{{.+}}]
// CHECK: memref.store %{{.+}}, %[[KV]]
// CHECK: gpu.barrier
// CHECK: scf.for %{{.+}} = %c0 to %c32 step %c1 iter_args({{.+}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK-COUNT-16: math.fma
// CHECK: scf.yield
// CHECK: %[[KEY:.+]] = arith.addi %[[J0]], %[[TX]]
// CHECK-NOT: arith.mulf
// CHECK: arith.cmpi ult, %[[KEY]], %c100
// CHECK: arith.cmpi ugt, %[[KEY]], %[[ROW0]]
// CHECK: arith.maximumf
// CHECK: memref.store %{{.+}}, %[[MAX]][%[[TY]], %[[TX]]]
// CHECK: gpu.barrier
// CHECK-COUNT-16: memref.load %[[MAX]][%[[TY]], %c{{[0-9]+}}]
// CHECK: %[[DIFF:.+]] = arith.subf
// CHECK: %[[A:.+]] = arith.mulf %[[DIFF]], %[[UNIT]] : f32
// CHECK: math.exp2 %[[A]]
// CHECK: %[[OFFSET:.+]] = arith.mulf %{{.+}}, %[[NEGUNIT]] : f32
// CHECK: %[[E:.+]] = math.fma %{{.+}}, %[[UNIT]], %[[OFFSET]] : f32
// CHECK-NEXT: math.exp2 %[[E]]
// CHECK: memref.store %{{.+}}, %[[P]][%[[TY]], %[[TX]]]
// CHECK: memref.store %{{.+}}, %[[SUM]][%[[TY]], %[[TX]]]
// CHECK: memref.load %arg2[%c0, %[[KVH]], %{{.+}}, %{{.+}}]
// CHECK: memref.store %{{.+}}, %[[KV]]
// CHECK: gpu.barrier
// CHECK: memref.load %[[SUM]]
// CHECK: scf.for %{{.+}} = %c0 to %c64 step %c1
// CHECK: memref.load %[[P]]
// CHECK: memref.load %[[KV]]
// CHECK: math.fma
// CHECK: gpu.barrier
// CHECK: scf.yield
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpi ult, %[[ROW0]], %c100
// CHECK: arith.divf
// CHECK: scf.if
// CHECK: memref.store %{{.+}}, %arg3[%c0, %[[H]], %[[ROW0]], %[[TX]]]
func.func @causal_gqa(%q: memref<1x4x100x32xf32>, %k: memref<1x2x100x32xf32>, %v: memref<1x2x100x32xf32>, %o: memref<1x4x100x32xf32>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = true, scale = 0.125 : f64} : (memref<1x4x100x32xf32>, memref<1x2x100x32xf32>, memref<1x2x100x32xf32>, memref<1x4x100x32xf32>) -> ()
  return
}

// -----

// A decode step (1 query per head, 4 heads over 1 key/value head, 24
// keys) with a boolean mask broadcast over batch and heads, D = 128,
// Dv = 40: the decoding kernel, a block per key/value head and batch
// (grid 1 x 1 x 2), 256 threads, each a key of the step (24 keys: one
// step, which canonicalization unrolls). Shared, one value of each of the
// 4 queries side by side (read and written as a vector): Q [128][4], the
// 8 warps' row maxima [8][4], the step's probabilities [1000][4] (at the
// end the 25 key groups' outputs of the 40 columns). Thread t's dot
// products read its key's row 4 at a time, eight such loads before their
// products, and the queries' d-th elements as one vector; masked scores
// are -inf by select, and so are those of threads past the keys; the rows'
// maxima meet by butterfly shuffles and then through shared memory. P V:
// thread t takes value columns 4 (t mod 10) .. + 3 and keys t / 10 + 25 i
// (threads from 250 on none), eight value loads before their products;
// past key 255 (16 keys per thread, 25 groups) the probabilities are 0.
// The per-thread sums meet at the end, the key groups' outputs through
// the probabilities' buffer. With a mask the scores are logits (dot
// products times 0.088) and P = 2^((S - m') log2(e)).
// CHECK-LABEL: func.func @decode_mask
// CHECK-DAG: %[[LOG2E:.+]] = arith.constant 1.44269502 : f32
// CHECK-DAG: %[[SCALE:.+]] = arith.constant 0.0879999995 : f32
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %[[B:.+]]) in (%{{.+}} = %c1, %{{.+}} = %c1, %{{.+}} = %c2) threads(%[[T:[^,]+]], %{{.+}}) in (%{{.+}} = %c256,
// CHECK-SAME: workgroup(%[[Q:.+]] : memref<128x4xf32, #gpu.address_space<workgroup>>, %[[MAX:.+]] : memref<8x4xf32, #gpu.address_space<workgroup>>, %[[P:.+]] : memref<1000x4xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[CT:.+]] = arith.remui %[[T]], %c10
// CHECK: %[[COL:.+]] = arith.muli %[[CT]], %c4
// CHECK: %[[GROUP:.+]] = arith.divui %[[T]], %c10
// CHECK: %[[HAS:.+]] = arith.cmpi ult, %[[T]], %c250
// CHECK: memref.store %{{.+}}, %[[Q]]
// CHECK: gpu.barrier
// CHECK: %[[IN:.+]] = arith.cmpi ult, %[[T]], %c24
// CHECK: %[[KEY:.+]] = arith.minui %[[T]], %c23
// CHECK: scf.for %[[D:.+]] = %c0 to %c128 step %c32 iter_args({{.+}}) -> (f32, f32, f32, f32)
// CHECK: vector.load %arg1[%[[B]], %c0, %[[KEY]], %[[D]]] {alignment = 16 : i64} : memref<2x1x24x128xf32>, vector<4xf32>
// CHECK-COUNT-7: vector.load %arg1[%[[B]], %c0, %[[KEY]], %{{.+}}] {alignment = 16 : i64} : memref<2x1x24x128xf32>, vector<4xf32>
// CHECK: vector.load %[[Q]][%[[D]], %c0] {alignment = 16 : i64} : memref<128x4xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK-COUNT-16: math.fma
// CHECK: scf.yield
// CHECK: arith.mulf %{{.+}}, %[[SCALE]] : f32
// CHECK: %[[M:.+]] = memref.load %arg3[%c0, %[[KEY]]] : memref<1x24xi1>
// CHECK: %[[S:.+]] = arith.select %[[M]], %{{.+}}, %cst
// CHECK: arith.select %[[IN]], %[[S]], %cst
// CHECK: gpu.shuffle xor %{{.+}}, %c16_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.+}}, %c1_i32, %c32_i32
// CHECK: scf.if
// CHECK: vector.store %{{.+}}, %[[MAX]]
// CHECK: gpu.barrier
// CHECK: vector.load %[[MAX]][%c7, %c0]
// CHECK: %[[DIFF:.+]] = arith.subf %{{.+}}, %{{.+}} : f32
// CHECK-NEXT: %[[E:.+]] = arith.mulf %[[DIFF]], %[[LOG2E]] : f32
// CHECK-NEXT: math.exp2 %[[E]]
// CHECK: vector.store %{{.+}}, %[[P]][%[[T]], %c0]
// CHECK: gpu.barrier
// CHECK: %[[END:.+]] = arith.select %[[HAS]], %c16, %c0
// CHECK: scf.for %[[I:.+]] = %c0 to %[[END]] step %c8
// CHECK: %[[STRIDE:.+]] = arith.muli %[[I]], %c25
// CHECK: %[[K:.+]] = arith.addi %[[GROUP]], %[[STRIDE]]
// CHECK: %[[KC:.+]] = arith.minui %[[K]], %c255
// CHECK: %[[ROW:.+]] = arith.minui %[[KC]], %c23
// CHECK: vector.load %arg2[%[[B]], %c0, %[[ROW]], %[[COL]]] {alignment = 16 : i64} : memref<2x1x24x40xf32>, vector<4xf32>
// CHECK-COUNT-7: vector.load %arg2
// CHECK: %[[PK:.+]] = vector.load %[[P]][%[[KC]], %c0]
// CHECK: %[[VALID:.+]] = arith.cmpi ult, %[[K]], %c256
// CHECK: arith.select %[[VALID]], %[[PK]], %cst
// CHECK-COUNT-16: math.fma
// CHECK: gpu.shuffle xor %{{.+}}, %c16_i32, %c32_i32
// CHECK: gpu.barrier
// CHECK: scf.if %[[HAS]]
// CHECK: vector.store %{{.+}}, %[[P]]
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK: vector.load %[[P]][%[[T]], %c0]
// CHECK-COUNT-24: vector.load %[[P]]
// CHECK: arith.divf
// CHECK: memref.store %{{.+}}, %arg4[%[[B]], %c0, %c0, %[[T]]]
// CHECK: memref.store %{{.+}}, %arg4[%[[B]], %c3, %c0, %[[T]]]
// CHECK: fmc.kernel = "attention: decoding, 4 queries of a key/value head x 256 keys per step (a key per thread), f32, values 4 column(s) per thread"
func.func @decode_mask(%q: memref<2x4x1x128xf32>, %k: memref<2x1x24x128xf32>, %v: memref<2x1x24x40xf32>, %m: memref<1x24xi1>, %o: memref<2x4x1x40xf32>) {
  fmc.attention_kernel %q, %k, %v mask %m into %o {causal = false, scale = 0.088 : f64} : (memref<2x4x1x128xf32>, memref<2x1x24x128xf32>, memref<2x1x24x40xf32>, memref<1x24xi1>, memref<2x4x1x40xf32>) -> ()
  return
}

// -----

// Decoding, split keys: with split-blocks=64, a grid of 4 blocks (a key/value
// head each) also runs over 2 splits of 256 keys on grid x; each block
// writes its rows' running max and sum (its first thread) and unnormalized
// output to scratch buffers, and a parallel loop over the outputs (a kernel
// of a thread per element once fmc-gpu-launch-parallel-loops has run)
// combines the splits: M = max of the maxima, weights exp(m - M) (0 for a
// split that saw no key; m and M are raw dot products here, so 2^((m - M)
// 0.125 log2(e))), sum of weighted outputs over the sum of weighted sums.
// The scratch is freed after it.
// SPLIT-LABEL: func.func @split_decode
// SPLIT: %[[UNIT:.+]] = arith.constant 0.180336878 : f32
// SPLIT: %[[OUT:.+]] = memref.alloc() : memref<1x4x2x1x64xf32>
// SPLIT: %[[MAX:.+]] = memref.alloc() : memref<1x4x2x1xf32>
// SPLIT: %[[SUM:.+]] = memref.alloc() : memref<1x4x2x1xf32>
// SPLIT: gpu.launch blocks(%[[SPLIT:.+]], %[[H:.+]], %{{.+}}) in (%{{.+}} = %c2, %{{.+}} = %c4, %{{.+}} = %c1)
// SPLIT: %[[BEGIN:.+]] = arith.muli %[[SPLIT]], %c256
// SPLIT: %[[END0:.+]] = arith.addi %[[BEGIN]], %c256
// SPLIT: %[[END:.+]] = arith.minui %[[END0]], %c512
// SPLIT: scf.for %{{.+}} = %[[BEGIN]] to %[[END]] step %c256
// SPLIT: memref.store %{{.+}}, %[[OUT]][%c0, %[[H]], %[[SPLIT]], %c0, %{{.+}}]
// SPLIT: scf.if
// SPLIT: memref.store %{{.+}}, %[[MAX]][%c0, %[[H]], %[[SPLIT]], %c0]
// SPLIT: memref.store %{{.+}}, %[[SUM]][%c0, %[[H]], %[[SPLIT]], %c0]
// SPLIT: keys split 2 ways
// SPLIT-NOT: gpu.launch
// SPLIT: scf.parallel (%[[HI:.+]], %[[COL:.+]]) = (%c0, %c0) to (%c4, %c64) step (%c1, %c1)
// SPLIT: %[[M:.+]] = scf.for {{.+}} -> (f32)
// SPLIT: arith.maximumf
// SPLIT: scf.for {{.+}} -> (f32, f32)
// SPLIT: %[[DIFF:.+]] = arith.subf %{{.+}}, %[[M]]
// SPLIT-NEXT: %[[E:.+]] = arith.mulf %[[DIFF]], %[[UNIT]] : f32
// SPLIT-NEXT: math.exp2 %[[E]]
// SPLIT: arith.divf
// SPLIT: memref.store %{{.+}}, %arg3[%c0, %[[HI]], %c0, %[[COL]]]
// SPLIT: memref.dealloc %[[OUT]]
// SPLIT: memref.dealloc %[[MAX]]
// SPLIT: memref.dealloc %[[SUM]]
// Without split-blocks (and in the cases above, whose grids are large
// enough), no split.
// CHECK-LABEL: func.func @split_decode
// CHECK-NOT: memref.alloc
// CHECK: gpu.launch blocks({{.+}}) in (%{{.+}} = %c1, %{{.+}} = %c4, %{{.+}} = %c1)
// CHECK-NOT: gpu.launch
func.func @split_decode(%q: memref<1x4x1x64xf32>, %k: memref<1x4x512x64xf32>, %v: memref<1x4x512x64xf32>, %o: memref<1x4x1x64xf32>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = true, scale = 0.125 : f64} : (memref<1x4x1x64xf32>, memref<1x4x512x64xf32>, memref<1x4x512x64xf32>, memref<1x4x1x64xf32>) -> ()
  return
}

// -----

// Sixteen queries per head take the 16 x 16 kernel; its keys split too
// with split-blocks=64: a grid of 4 blocks (16 queries of each head) also
// runs over 4 splits of 128 keys (2 key blocks each) on grid z, the same
// scratch buffers and combining loop.
// SPLIT-LABEL: func.func @split_keys
// SPLIT: %[[OUT:.+]] = memref.alloc() : memref<1x4x4x16x64xf32>
// SPLIT: %[[MAX:.+]] = memref.alloc() : memref<1x4x4x16xf32>
// SPLIT: %[[SUM:.+]] = memref.alloc() : memref<1x4x4x16xf32>
// SPLIT: gpu.launch blocks(%{{.+}}, %[[H:.+]], %[[Z:.+]]) in (%{{.+}} = %c1, %{{.+}} = %c4, %{{.+}} = %c4)
// SPLIT: %[[SPLIT:.+]] = arith.remui %[[Z]], %c4
// SPLIT: %[[B:.+]] = arith.divui %[[Z]], %c4
// SPLIT: %[[BEGIN:.+]] = arith.muli %[[SPLIT]], %c128
// SPLIT: %[[END0:.+]] = arith.addi %[[BEGIN]], %c128
// SPLIT: %[[END1:.+]] = arith.minui %[[END0]], %c512
// SPLIT: %[[END:.+]] = arith.minui %[[END1]], %c512
// SPLIT: %[[STATE:.+]]:6 = scf.for %{{.+}} = %[[BEGIN]] to %[[END]] step %c64
// SPLIT: scf.if
// SPLIT: memref.store %[[STATE]]#0, %[[MAX]][%[[B]], %[[H]], %[[SPLIT]], %{{.+}}]
// SPLIT: memref.store %[[STATE]]#1, %[[SUM]][%[[B]], %[[H]], %[[SPLIT]], %{{.+}}]
// SPLIT: memref.store %[[STATE]]#2, %[[OUT]][%[[B]], %[[H]], %[[SPLIT]], %{{.+}}, %{{.+}}]
// SPLIT-NOT: gpu.launch
// SPLIT: scf.parallel
// SPLIT: memref.dealloc %[[OUT]]
// CHECK-LABEL: func.func @split_keys
// CHECK-NOT: memref.alloc
// CHECK: gpu.launch blocks({{.+}}) in (%{{.+}} = %c1, %{{.+}} = %c4, %{{.+}} = %c1)
// CHECK-NOT: gpu.launch
func.func @split_keys(%q: memref<1x4x16x64xf32>, %k: memref<1x4x512x64xf32>, %v: memref<1x4x512x64xf32>, %o: memref<1x4x16x64xf32>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = true, scale = 0.125 : f64} : (memref<1x4x16x64xf32>, memref<1x4x512x64xf32>, memref<1x4x512x64xf32>, memref<1x4x16x64xf32>) -> ()
  return
}

// -----

// A decode step whose value rows are wider than the decoding kernel's
// 256 threads (Dv = 288: it has a thread per output column at the end)
// takes the 16 x 16 kernel.
// CHECK-LABEL: func.func @decode_wide_values
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%{{.+}} : memref<16x65xf32, #gpu.address_space<workgroup>>, %{{.+}} : memref<32x289xf32, #gpu.address_space<workgroup>>
// CHECK-NOT: attention: decoding
// CHECK: attention: FlashAttention-2, f32 SIMT, 16 queries x 32 keys per step
func.func @decode_wide_values(%q: memref<1x1x1x64xf32>, %k: memref<1x1x32x64xf32>, %v: memref<1x1x32x288xf32>, %o: memref<1x1x1x288xf32>) {
  fmc.attention_kernel %q, %k, %v into %o {causal = false, scale = 0.125 : f64} : (memref<1x1x1x64xf32>, memref<1x1x32x64xf32>, memref<1x1x32x288xf32>, memref<1x1x1x288xf32>) -> ()
  return
}
