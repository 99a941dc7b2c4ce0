// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-convert-warp-matmuls))' | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-convert-warp-matmuls))' | FileCheck %s --check-prefix=BF16
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-convert-warp-matmuls))' | FileCheck %s --check-prefix=LANE
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-convert-warp-matmuls{host-emulation=true}))' | FileCheck %s --check-prefix=HOST

// The warp-level product of a tensor-core kernel becomes ldmatrix (four
// 8 x 8 tiles of lhs, two transposed of rhs) and mma.sync m16n8k16 with
// f32 accumulators carried by the loop; the accumulators' write becomes
// per-lane vector stores. No vector.contract is left.
// With host-emulation (--gpu-mapping-on-host), only the f16 kernel is
// converted (the emulator runs its ldmatrix and mma.sync); the bf16 one
// keeps its warp-level products, and bf16 mma.sync ops are not rewritten
// to nvvm (which the emulator cannot run).
// HOST-LABEL: func.func @warp_tile
// HOST: nvgpu.ldmatrix
// HOST: nvgpu.mma.sync
// HOST-LABEL: func.func @bf16_tile
// HOST-NOT: nvgpu.mma.sync
// HOST: vector.contract
// HOST-LABEL: func.func @per_lane
// HOST-NOT: nvvm.mma.sync
// HOST: nvgpu.mma.sync({{.+}}) {mmaShape = [16, 8, 16]} : (vector<4x2xbf16>, vector<2x2xbf16>, vector<2x2xf32>)
// CHECK-LABEL: func.func @warp_tile
// CHECK: gpu.launch
// CHECK: scf.for {{.*}} -> (vector<2x2xf32>)
// CHECK: gpu.lane_id
// CHECK: nvgpu.ldmatrix %{{.+}} {numTiles = 4 : i32, transpose = false} : memref<64x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: nvgpu.ldmatrix %{{.+}} {numTiles = 2 : i32, transpose = true} : memref<32x72xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
// CHECK: nvgpu.mma.sync(%{{.+}}, %{{.+}}, %{{.+}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK: vector.store %{{.+}}, %{{.+}} : memref<64x68xf32, #gpu.address_space<workgroup>>, vector<2xf32>
// CHECK: vector.store %{{.+}}, %{{.+}} : memref<64x68xf32, #gpu.address_space<workgroup>>, vector<2xf32>
// CHECK-NOT: vector.contract
// f32 tiles (--precision=tf32): mma.sync m16n8k8 reading them as tf32.
// CHECK: gpu.launch
// CHECK: nvgpu.mma.sync(%{{.+}}, %{{.+}}, %{{.+}}) {mmaShape = [16, 8, 8], tf32Enabled} : (vector<4x1xf32>, vector<2x1xf32>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK-NOT: vector.contract
// A kernel without a product keeps its scalar arithmetic (MLIR's pass,
// run on the whole function, would take arith.addi for a fragment op).
// CHECK: gpu.launch
// CHECK: arith.addi
// CHECK: arith.mulf
func.func @warp_tile(%out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %pad = arith.constant 0.0 : f16
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1)
             workgroup(%a : memref<64x40xf16, #gpu.address_space<workgroup>>,
                       %b : memref<32x72xf16, #gpu.address_space<workgroup>>,
                       %c : memref<64x68xf32, #gpu.address_space<workgroup>>) {
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %r = scf.for %k = %c0 to %c32 step %c16 iter_args(%acc = %zero) -> vector<16x8xf32> {
      %A = vector.transfer_read %a[%c0, %k], %pad {in_bounds = [true, true]} : memref<64x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
      %B = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<32x72xf16, #gpu.address_space<workgroup>>, vector<8x16xf16>
      %D = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %A, %B, %acc : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
      scf.yield %D : vector<16x8xf32>
    }
    vector.transfer_write %r, %c[%c0, %c0] {in_bounds = [true, true]} : vector<16x8xf32>, memref<64x68xf32, #gpu.address_space<workgroup>>
    gpu.terminator
  }
  %padf = arith.constant 0.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1)
             workgroup(%a : memref<64x36xf32, #gpu.address_space<workgroup>>,
                       %b : memref<32x68xf32, #gpu.address_space<workgroup>>,
                       %c : memref<64x68xf32, #gpu.address_space<workgroup>>) {
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %A = vector.transfer_read %a[%c0, %c0], %padf {in_bounds = [true, true]} : memref<64x36xf32, #gpu.address_space<workgroup>>, vector<16x8xf32>
    %B = vector.transfer_read %b[%c0, %c0], %padf {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<32x68xf32, #gpu.address_space<workgroup>>, vector<8x8xf32>
    %D = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %A, %B, %zero : vector<16x8xf32>, vector<8x8xf32> into vector<16x8xf32>
    vector.transfer_write %D, %c[%c0, %c0] {in_bounds = [true, true]} : vector<16x8xf32>, memref<64x68xf32, #gpu.address_space<workgroup>>
    gpu.terminator
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c2, %sy = %c1, %sz = %c1) {
    %i = arith.addi %tx, %c1 : index
    %v = memref.load %out[%i] : memref<8xf32>
    %w = arith.mulf %v, %v : f32
    memref.store %w, %out[%tx] : memref<8xf32>
    gpu.terminator
  }
  return
}

// bf16 operands (the product marked fmc.bf16_operands, the tiles carried
// as f16 from views of one shared buffer): ldmatrix loads the fragments
// from bf16 views of the same bytes, and each product is nvvm.mma.sync
// m16n8k16 with bf16 multiplicands (MLIR's nvgpu lowering has none): the
// fragments' pairs as 32-bit registers, four of lhs and two of rhs, the
// accumulators as four f32 registers.
// BF16-LABEL: func.func @bf16_tile
// BF16: workgroup(%[[RAW:[a-z0-9]+]] : memref<9728xi8, #gpu.address_space<workgroup>>)
// BF16-NOT: xf16
// BF16: %[[AV:.+]] = memref.view %[[RAW]][%{{.+}}][] : memref<9728xi8, #gpu.address_space<workgroup>> to memref<64x40xbf16, #gpu.address_space<workgroup>>
// BF16: %[[BV:.+]] = memref.view %[[RAW]][%c5120][] : memref<9728xi8, #gpu.address_space<workgroup>> to memref<32x72xbf16, #gpu.address_space<workgroup>>
// BF16: %[[A:.+]] = nvgpu.ldmatrix %[[AV]][{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<64x40xbf16, #gpu.address_space<workgroup>> -> vector<4x2xbf16>
// BF16: %[[A0:.+]] = vector.extract %[[A]][0] : vector<2xbf16> from vector<4x2xbf16>
// BF16: %[[W0:.+]] = vector.bitcast %[[A0]] : vector<2xbf16> to vector<1xi32>
// BF16: %[[R0:.+]] = vector.extract %[[W0]][0] : i32 from vector<1xi32>
// BF16: vector.extract %[[A]][1]
// BF16: %[[R1:.+]] = vector.extract %{{.+}}[0] : i32 from vector<1xi32>
// BF16: vector.extract %[[A]][2]
// BF16: %[[R2:.+]] = vector.extract %{{.+}}[0] : i32 from vector<1xi32>
// BF16: vector.extract %[[A]][3]
// BF16: %[[R3:.+]] = vector.extract %{{.+}}[0] : i32 from vector<1xi32>
// BF16: %[[B:.+]] = nvgpu.ldmatrix %[[BV]][{{.*}}] {numTiles = 2 : i32, transpose = true} : memref<32x72xbf16, #gpu.address_space<workgroup>> -> vector<2x2xbf16>
// BF16: vector.extract %[[B]][0]
// BF16: %[[S0:.+]] = vector.extract %{{.+}}[0] : i32 from vector<1xi32>
// BF16: vector.extract %[[B]][1]
// BF16: %[[S1:.+]] = vector.extract %{{.+}}[0] : i32 from vector<1xi32>
// BF16: %[[C0:.+]] = vector.extract %[[ACC:.+]][0, 0] : f32 from vector<2x2xf32>
// BF16: %[[C1:.+]] = vector.extract %[[ACC]][0, 1] : f32 from vector<2x2xf32>
// BF16: %[[C2:.+]] = vector.extract %[[ACC]][1, 0] : f32 from vector<2x2xf32>
// BF16: %[[C3:.+]] = vector.extract %[[ACC]][1, 1] : f32 from vector<2x2xf32>
// BF16: %[[P:.+]] = nvvm.mma.sync A[%[[R0]], %[[R1]], %[[R2]], %[[R3]]] B[%[[S0]], %[[S1]]] C[%[[C0]], %[[C1]], %[[C2]], %[[C3]]] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// BF16: %[[D0:.+]] = llvm.extractvalue %[[P]][0]
// BF16: %[[I0:.+]] = vector.insert %[[D0]], %{{.+}} [0, 0] : f32 into vector<2x2xf32>
// BF16: %[[D1:.+]] = llvm.extractvalue %[[P]][1]
// BF16: %[[I1:.+]] = vector.insert %[[D1]], %[[I0]] [0, 1]
// BF16: %[[D2:.+]] = llvm.extractvalue %[[P]][2]
// BF16: %[[I2:.+]] = vector.insert %[[D2]], %[[I1]] [1, 0]
// BF16: %[[D3:.+]] = llvm.extractvalue %[[P]][3]
// BF16: %[[I3:.+]] = vector.insert %[[D3]], %[[I2]] [1, 1]
// BF16: scf.yield %[[I3]]
// BF16-NOT: nvgpu.mma.sync
// BF16-NOT: vector.contract
func.func @bf16_tile() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c5120 = arith.constant 5120 : index
  %pad = arith.constant 0.0 : f16
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1)
             workgroup(%raw : memref<9728xi8, #gpu.address_space<workgroup>>) {
    %a = memref.view %raw[%c0][] : memref<9728xi8, #gpu.address_space<workgroup>> to memref<64x40xf16, #gpu.address_space<workgroup>>
    %b = memref.view %raw[%c5120][] : memref<9728xi8, #gpu.address_space<workgroup>> to memref<32x72xf16, #gpu.address_space<workgroup>>
    %zero = arith.constant dense<0.0> : vector<16x8xf32>
    %r = scf.for %k = %c0 to %c32 step %c16 iter_args(%acc = %zero) -> vector<16x8xf32> {
      %A = vector.transfer_read %a[%c0, %k], %pad {in_bounds = [true, true]} : memref<64x40xf16, #gpu.address_space<workgroup>>, vector<16x16xf16>
      %B = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<32x72xf16, #gpu.address_space<workgroup>>, vector<8x16xf16>
      %D = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>, fmc.bf16_operands} %A, %B, %acc : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
      scf.yield %D : vector<16x8xf32>
    }
    %c = memref.view %raw[%c0][] : memref<9728xi8, #gpu.address_space<workgroup>> to memref<16x8xf32, #gpu.address_space<workgroup>>
    vector.transfer_write %r, %c[%c0, %c0] {in_bounds = [true, true]} : vector<16x8xf32>, memref<16x8xf32, #gpu.address_space<workgroup>>
    gpu.terminator
  }
  return
}

// A kernel without warp-level products (the tensor-core attention kernel
// builds its fragments per lane): its bf16 nvgpu.mma.sync becomes
// nvvm.mma.sync with each register pair bitcast to one 32-bit register
// (four of A, two of B) and the f32 accumulators extracted and reinserted;
// the f16 product stays for the upstream lowering.
// BF16-LABEL: func.func @per_lane
// LANE-LABEL: func.func @per_lane
// LANE: %[[A:.+]] = memref.load %arg0
// LANE: %[[B:.+]] = memref.load %arg1
// LANE-COUNT-4: vector.bitcast %{{.+}} : vector<2xbf16> to vector<1xi32>
// LANE-COUNT-2: vector.bitcast %{{.+}} : vector<2xbf16> to vector<1xi32>
// LANE: nvvm.mma.sync A[{{.+}}] B[{{.+}}] C[{{.+}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>}
// LANE-NOT: nvgpu.mma.sync{{.*}}bf16
// LANE: nvgpu.mma.sync({{.+}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>)
func.func @per_lane(%a: memref<128xvector<4x2xbf16>>, %b: memref<128xvector<2x2xbf16>>, %h: memref<128xvector<4x2xf16>>, %g: memref<128xvector<2x2xf16>>, %out: memref<128xvector<2x2xf32>>) {
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant dense<0.0> : vector<2x2xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c128, %sby = %c1, %sbz = %c1) {
    %fa = memref.load %a[%tx] : memref<128xvector<4x2xbf16>>
    %fb = memref.load %b[%tx] : memref<128xvector<2x2xbf16>>
    %d = nvgpu.mma.sync(%fa, %fb, %zero) {mmaShape = [16, 8, 16]} : (vector<4x2xbf16>, vector<2x2xbf16>, vector<2x2xf32>) -> vector<2x2xf32>
    %fh = memref.load %h[%tx] : memref<128xvector<4x2xf16>>
    %fg = memref.load %g[%tx] : memref<128xvector<2x2xf16>>
    %e = nvgpu.mma.sync(%fh, %fg, %d) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
    memref.store %e, %out[%tx] : memref<128xvector<2x2xf32>>
    gpu.terminator
  }
  return
}
