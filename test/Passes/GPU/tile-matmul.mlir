// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul),cse)' --split-input-file | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{block-m=32 thread-m=2}),cse)' --split-input-file | FileCheck %s --check-prefix=SMALL
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{tf32=true}),cse)' --split-input-file | FileCheck %s --check-prefix=TF32
// RUN: not fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{block-m=48}))' --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
#row = affine_map<(m, n) -> (m, n)>
#bias = affine_map<(m, n) -> (n)>

// A 70 x 33 x 40 matmul after a zero fill, with a bias + Relu consumer:
// blocks of 64 x 64 (1 x 2 of them), 256 threads, both slices in workgroup
// memory (16 x 68: rows padded by four), barriers around the products, the
// fill and the consumer gone (c is a buffer of its own, so its value need
// not be stored). Columns past 33 are masked. (cse: one constant of each.)
// CHECK-DAG: #[[MOD16:.+]] = affine_map<()[s0] -> (s0 mod 16)>
// CHECK-DAG: #[[KPLUS:.+]] = affine_map<(d0)[s0] -> (d0 + s0 mod 16)>
// CHECK-LABEL: func.func @bias_relu
// CHECK-SAME: (%[[A:.+]]: memref<70x40xf32>, %[[B:.+]]: memref<40x33xf32>, %[[BIAS:.+]]: memref<33xf32>, %[[Y:.+]]: memref<70x33xf32>)
// CHECK: %[[C:.+]] = memref.alloc()
// CHECK-NOT: linalg.
// CHECK: gpu.launch blocks(%[[BX:.+]], %[[BY:.+]], %{{.+}}) in (%{{.+}} = %c1{{.*}}, %{{.+}} = %c2{{.*}}, %{{.+}} = %c1{{.*}}) threads(%[[TX:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c256{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) module(@fmc_kernels)
// CHECK-SAME: workgroup(%[[AS:.+]] : memref<16x68xf32, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<16x68xf32, #gpu.address_space<workgroup>>)
// Staging: lhs is k-contiguous, so consecutive threads take consecutive k
// (thread mod 16); out-of-range elements are replaced by zeros, loads
// clamped in bounds. Index arithmetic is affine.apply.
// CHECK: %[[ACC:.+]]:4 = scf.for %[[K0:.+]] = %c0 to %c40 step %c16 iter_args
// Each thread copies its 4 elements of a slice in a loop (not unrolled).
// CHECK: scf.for %{{.+}} = %c0 to %c4 step %c1 {
// CHECK: %[[KK:.+]] = affine.apply #[[MOD16]]()[%[[TX]]]
// CHECK: %[[KG:.+]] = affine.apply #[[KPLUS]](%[[K0]])[%[[TX]]]
// CHECK: arith.cmpi ult, %[[KG]], %c40 : index
// CHECK: %[[KC:.+]] = arith.minui %[[KG]], %c39 : index
// CHECK: %[[AV:.+]] = memref.load %[[A]][%{{.+}}, %[[KC]]]
// CHECK: %[[AZ:.+]] = arith.select %{{.+}}, %[[AV]], %cst{{.*}} : f32
// CHECK: memref.store %[[AZ]], %[[AS]][%[[KK]], %{{.+}}]
// CHECK: memref.load %[[B]]
// CHECK: memref.store %{{.+}}, %[[BS]]
// CHECK: gpu.barrier
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c16{{.*}} step %c4
// CHECK: vector.load %[[AS]][%{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<16x68xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: vector.load %[[BS]][%{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<16x68xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: vector.fma
// CHECK: gpu.barrier
// The first row of the thread's tile: skipped past row 70, masked past
// column 33; stored, not added (the fill is gone), through the bias and
// the Relu into Y.
// CHECK: arith.cmpi ult, %{{.+}}, %c70{{.*}} : index
// CHECK: scf.if
// CHECK: %[[MASK:.+]] = arith.cmpi slt, %cst{{.*}}, %{{.+}} : vector<4xindex>
// CHECK-NOT: memref.load %[[C]]
// CHECK: %[[BV:.+]] = vector.maskedload %[[BIAS]][%{{.+}}], %[[MASK]]
// CHECK: %[[SUM:.+]] = arith.addf %[[ACC]]#0, %[[BV]] : vector<4xf32>
// CHECK: %[[RELU:.+]] = arith.maximumf %[[SUM]], %{{.+}} : vector<4xf32>
// CHECK: vector.maskedstore %[[Y]][%{{.+}}, %{{.+}}], %[[MASK]], %[[RELU]]
// CHECK: memref.dealloc %[[C]]
// CHECK-NOT: linalg.
// SMALL-LABEL: func.func @bias_relu
// SMALL: gpu.launch blocks({{.*}}) in (%{{.+}} = %c1{{.*}}, %{{.+}} = %c3{{.*}}, %{{.+}} = %c1{{.*}}) threads({{.*}}) in (%{{.+}} = %c256
// SMALL: workgroup(%{{.+}} : memref<16x36xf32, #gpu.address_space<workgroup>>, %{{.+}} : memref<16x68xf32, #gpu.address_space<workgroup>>)
// BAD: fmc-gpu-tile-matmul: the block tile must split into thread tiles
// With tf32, f32 contractions take the tensor-core kernel: f32 slices
// (rows padded by four floats), 16 x 8 lhs tiles and transposed 8 x 8 rhs
// tiles, four products per 32-deep slice for each of the warp's 2 x 4
// accumulator tiles.
// TF32-LABEL: func.func @bias_relu
// TF32: gpu.launch {{.*}} threads({{.*}}) in (%{{.+}} = %c128
// TF32-SAME: workgroup(%[[AS:.+]] : memref<64x36xf32, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<32x68xf32, #gpu.address_space<workgroup>>, %{{.+}} : memref<64x68xf32, #gpu.address_space<workgroup>>)
// TF32-NOT: arith.truncf
// TF32: vector.transfer_read %[[AS]]{{.*}} : memref<64x36xf32, #gpu.address_space<workgroup>>, vector<16x8xf32>
// TF32: vector.transfer_read %[[BS]]{{.*}}permutation_map{{.*}} : memref<32x68xf32, #gpu.address_space<workgroup>>, vector<8x8xf32>
// TF32-COUNT-32: vector.contract {{.*}} : vector<16x8xf32>, vector<8x8xf32> into vector<16x8xf32>
// TF32-NOT: vector.contract
// TF32: vector.maskedstore
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
// CHECK: memref.store %{{.+}}, %{{.+}}[%[[KK]], %{{.+}}] : memref<16x68xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: %[[PRIOR:.+]] = vector.load %arg2[%[[B2:.+]], %{{.+}}, %{{.+}}] : memref<3x32x64xf32>, vector<4xf32>
// CHECK: %[[SUM:.+]] = arith.addf %[[PRIOR]], %{{.+}} : vector<4xf32>
// CHECK: vector.store %[[SUM]], %arg2[%[[B2]], %{{.+}}, %{{.+}}]
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

// A matrix-vector product (m = 1) keeps its generic: one thread per output
// (fmc-gpu-launch-parallel-loops) serves it better than a mostly empty tile.
// So does a contraction inside a loop, and one on tensors.
// CHECK-LABEL: func.func @not_tiled
// CHECK-NOT: gpu.launch
// CHECK-COUNT-3: linalg.generic
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
// 128 threads (four warps) per 64 x 64 tile; lhs rounded to f16 as it is
// staged [m][k], the weight staged as it is [k][n] (rows padded by eight
// halves), the accumulators' tile [m][n] f32. Each warp reads 16 x 16 lhs
// tiles and transposed 8 x 16 weight tiles and multiplies them into 2 x 4
// f32 tiles of 16 x 8, twice per 32-deep slice; all index arithmetic is
// affine.
// CHECK-LABEL: func.func @tensor_cores
// CHECK: gpu.launch blocks({{.*}}) in (%{{.+}} = %c2, %{{.+}} = %c2, %{{.+}} = %c1) threads({{.*}}) in (%{{.+}} = %c128
// CHECK-SAME: workgroup(%[[AS:.+]] : memref<64x40xf16, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<32x72xf16, #gpu.address_space<workgroup>>, %[[CS:.+]] : memref<64x68xf32, #gpu.address_space<workgroup>>)
// CHECK-NOT: arith.muli
// CHECK-NOT: arith.addi
// CHECK: %[[ACC:.+]]:8 = scf.for %{{.+}} = %c0 to %c96 step %c32 iter_args({{.*}}) -> (vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>, vector<16x8xf32>)
// CHECK: %[[X:.+]] = memref.load %arg0
// CHECK: %[[H:.+]] = arith.truncf %[[X]] : f32 to f16
// CHECK: %[[HZ:.+]] = arith.select %{{.+}}, %[[H]], %{{.+}} : f16
// CHECK: memref.store %[[HZ]], %[[AS]]
// CHECK: %[[W:.+]] = memref.load %arg1{{.*}} : memref<96x80xf16>
// CHECK-NOT: arith.extf
// CHECK: memref.store %{{.+}}, %[[BS]]
// CHECK: gpu.barrier
// CHECK: %[[A:.+]] = vector.transfer_read %[[AS]][%{{.+}}, %c0], %{{.+}} {in_bounds = [true, true]} : memref<64x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
// CHECK: %[[B:.+]] = vector.transfer_read %[[BS]][%c0, %{{.+}}], %{{.+}} {in_bounds = [true, true], permutation_map = #{{.+}}} : memref<32x72xf16, #gpu.address_space<workgroup>>, vector<8x16xf16>
// CHECK: vector.contract {{.*}} %[[A]], %[[B]], %{{.+}} : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
// CHECK-COUNT-15: vector.contract
// CHECK: gpu.barrier
// CHECK: scf.yield
// CHECK-COUNT-8: vector.transfer_write %[[ACC]]#{{[0-7]}}, %[[CS]]
// CHECK: gpu.barrier
// CHECK: %[[SUM:.+]] = vector.load %[[CS]][%{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<64x68xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: vector.maskedstore %arg2[%{{.+}}, %{{.+}}], %{{.+}}, %{{.+}} : memref<70x80xf32>
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

// A bf16 weight has no tensor-core form here: the SIMT kernel extends it
// to f32 as it is staged.
// CHECK-LABEL: func.func @bf16_weight
// CHECK: gpu.launch {{.*}} threads({{.*}}) in (%{{.+}} = %c256
// CHECK: %[[W:.+]] = memref.load %arg1{{.*}} : memref<96x80xbf16>
// CHECK: %[[F:.+]] = arith.extf %[[W]] : bf16 to f32
// CHECK: arith.select %{{.+}}, %[[F]], %{{.+}} : f32
// CHECK-NOT: vector.contract
// CHECK: vector.fma
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
