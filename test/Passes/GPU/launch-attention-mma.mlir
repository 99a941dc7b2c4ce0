// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=f16}),canonicalize,cse)' --split-input-file | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=bf16}),canonicalize,cse)' --split-input-file | FileCheck %s --check-prefix=BF16
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention),canonicalize,cse)' --split-input-file | FileCheck %s --check-prefix=F32
// RUN: not fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-attention{mma-type=f8}))' --split-input-file 2>&1 | FileCheck %s --check-prefix=TYPE

// The tensor-core kernel (mma-type=f16): causal grouped-query attention,
// S = T = 100, D = Dv = 32. A block of 4 warps (128 threads) takes 64
// queries (grid ceil(100 / 64) x 4 heads x 1); one shared byte buffer
// holds the K block (first the Q block) and the V block, 64 x (32 + 8)
// halves each. Lane (g, q) of warp w: g = lane / 4, q = lane mod 4, rows
// 16 w + g and + 8. Staging loads four f32 (16-byte aligned), zeros past
// 100, and stores four f16. The Q fragments (two k-tiles of 16, four
// 32-bit loads each) are read once, between two barriers.
// CHECK-LABEL: func.func @causal_gqa
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
// CHECK: vector.load %[[K]][%[[ROW0]], %[[TWOQ]]] {alignment = 4 : i64} {{.+}} vector<2xf16>
// CHECK: vector.load %[[K]][%[[ROW1]], %[[TWOQ]]]
// CHECK: %[[Q0:.+]] = vector.from_elements {{.+}} : vector<4x2xf16>
// CHECK: %[[Q1:.+]] = vector.from_elements {{.+}} : vector<4x2xf16>
// CHECK: gpu.barrier
// The key loop, to the causal frontier min(100, i0 + 64); m, l (two rows
// each) and O (Dv / 8 = 4 accumulator tiles) carried. K and V staged (head
// h / 2), one barrier, then S: per eight keys a 16 x 8 tile over two
// k-tiles (B fragment: key row g, columns 2q and 8 + 2q).
// CHECK: %[[END:.+]] = arith.minui %{{.+}}, %c100
// CHECK: scf.for %[[J0:.+]] = %c0 to %[[END]] step %c64 iter_args({{.+}}) -> (f32, f32, f32, f32, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>)
// CHECK: vector.load %arg1[%c0, %[[KVH]],
// CHECK: vector.store %{{.+}}, %[[K]]
// CHECK: vector.load %arg2[%c0, %[[KVH]],
// CHECK: vector.store %{{.+}}, %[[V]]
// CHECK: gpu.barrier
// CHECK: vector.load %[[K]][%[[G]], %[[TWOQ]]]
// CHECK: %[[S0:.+]] = nvgpu.mma.sync(%[[Q0]], %{{.+}}, %cst{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK: nvgpu.mma.sync(%[[Q1]], %{{.+}}, %[[S0]])
// Scores: scale, -inf past T, -inf past the frontier key > row + T - S.
// CHECK: vector.extract %{{.+}}[0, 0]
// CHECK: %[[KEY:.+]] = arith.addi %[[J0]], %[[TWOQ]]
// CHECK: arith.mulf
// CHECK: arith.cmpi ult, %[[KEY]], %c100
// CHECK: arith.cmpi ugt, %[[KEY]], %[[QROW0]]
// CHECK-COUNT-14: nvgpu.mma.sync
// Row maxima across the four lanes of a row (two butterfly shuffles, both
// rows together), exp, P rounded to f16 as A fragments, O scaled by a,
// O += P V (Dv / 8 x 64 / 16 products), a barrier.
// CHECK: gpu.shuffle xor %{{.+}}, %c1_i32, %c32_i32 : f32
// CHECK-NEXT: gpu.shuffle xor %{{.+}}, %c1_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.+}}, %c2_i32, %c32_i32 : f32
// CHECK-NEXT: gpu.shuffle xor %{{.+}}, %c2_i32, %c32_i32 : f32
// CHECK: math.exp
// CHECK-COUNT-4: arith.truncf %{{.+}} : vector<4x2xf32> to vector<4x2xf16>
// CHECK: arith.mulf %{{.+}}, %{{.+}} : vector<2x2xf32>
// CHECK: memref.load %[[V]]
// CHECK-COUNT-16: nvgpu.mma.sync
// CHECK: gpu.barrier
// CHECK: scf.yield
// The row sums across the lanes, O / l (0 where l = 0), stored as f32
// pairs below S.
// CHECK: gpu.shuffle xor %{{.+}}#2, %c1_i32
// CHECK: arith.divf %{{.+}} : vector<2xf32>
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
