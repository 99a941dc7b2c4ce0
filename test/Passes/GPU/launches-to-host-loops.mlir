// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launches-to-host-loops))' --split-input-file --verify-diagnostics | FileCheck %s

// A launch becomes six nested loops (blocks z, y, x, threads z, y, x) whose
// variables replace the ids; the sizes become the launch's operands; device
// buffers become host buffers.
// CHECK-LABEL: func.func @launch
// CHECK-SAME: (%[[OUT:.+]]: memref<256xf32>, %[[GX:.+]]: index)
// CHECK: %[[BUF:.+]] = memref.alloc() : memref<4xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c1
// CHECK: scf.for %{{.+}} = %c0 to %c1
// CHECK: scf.for %[[BX:.+]] = %c0 to %[[GX]]
// CHECK: scf.for %{{.+}} = %c0 to %c1
// CHECK: scf.for %{{.+}} = %c0 to %c1
// CHECK: scf.for %[[TX:.+]] = %c0 to %c64
// CHECK: %[[BASE:.+]] = arith.muli %[[BX]], %c64
// CHECK: %[[ID:.+]] = arith.addi %[[BASE]], %[[TX]]
// CHECK: memref.store %{{.+}}, %[[OUT]][%[[ID]]]
// CHECK: memref.dealloc %[[BUF]]
// CHECK-NOT: gpu.
func.func @launch(%out: memref<256xf32>, %gx: index) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %buf = gpu.alloc () : memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %gx, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c64, %sby = %c1, %sbz = %c1) {
    %base = arith.muli %bx, %sbx : index
    %id = arith.addi %base, %tx : index
    %v = arith.constant 1.0 : f32
    memref.store %v, %out[%id] : memref<256xf32>
    gpu.terminator
  }
  gpu.dealloc %buf : memref<4xf32>
  return
}

// -----

// A kernel with shared memory and a barrier (each block reverses four
// elements through shared memory): the shared buffer becomes a heap buffer
// for the blocks; the code before and after the barrier become two loops
// over the block's threads, so every thread stores before any loads. The
// element index crosses the barrier in a slot (one per thread); the block's
// base offset depends on no thread and is computed once per block.
// CHECK-LABEL: func.func @reverse
// CHECK: %[[SHARED:.+]] = memref.alloc() : memref<4xf32>
// CHECK: %[[SLOT:.+]] = memref.alloc() : memref<4xindex>
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c1
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c1
// CHECK: scf.for %[[BX:.+]] = %c0{{.*}} to %c2
// CHECK-NEXT: %[[BASE:.+]] = arith.muli %[[BX]], %c4
// CHECK: scf.for %[[T:.+]] = %c0{{.*}} to %c4
// CHECK: %[[TX:.+]] = arith.remui %[[T]], %c4
// CHECK: %[[I:.+]] = arith.addi %[[BASE]], %[[TX]]
// CHECK: memref.store %[[I]], %[[SLOT]][%[[T]]]
// CHECK: %[[V:.+]] = memref.load %arg0[%[[I]]]
// CHECK: memref.store %[[V]], %[[SHARED]][%[[TX]]]
// CHECK: }
// CHECK-NEXT: scf.for %[[T2:.+]] = %c0{{.*}} to %c4
// CHECK: %[[TX2:.+]] = arith.remui %[[T2]], %c4
// CHECK: %[[J:.+]] = arith.subi %c3, %[[TX2]]
// CHECK: %[[W:.+]] = memref.load %[[SHARED]][%[[J]]]
// CHECK: %[[I2:.+]] = memref.load %[[SLOT]][%[[T2]]]
// CHECK: memref.store %[[W]], %arg1[%[[I2]]]
// CHECK: memref.dealloc %[[SHARED]]
// CHECK: memref.dealloc %[[SLOT]]
// CHECK-NOT: gpu.
func.func @reverse(%in: memref<8xf32>, %out: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c2, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c4, %sby = %c1, %sbz = %c1)
             workgroup(%shared : memref<4xf32, #gpu.address_space<workgroup>>) {
    %base = arith.muli %bx, %c4 : index
    %i = arith.addi %base, %tx : index
    %v = memref.load %in[%i] : memref<8xf32>
    memref.store %v, %shared[%tx] : memref<4xf32, #gpu.address_space<workgroup>>
    gpu.barrier
    %j = arith.subi %c3, %tx : index
    %w = memref.load %shared[%j] : memref<4xf32, #gpu.address_space<workgroup>>
    memref.store %w, %out[%i] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

// A loop with barriers (same bounds in every thread) runs once per block on
// the host; its body is split at the barriers the same way, and the value
// it carries lives in a slot: copied in before the loop, out of the body's
// last segment, and read by the code after the loop.
// CHECK-LABEL: func.func @carried
// CHECK: %[[SHARED:.+]] = memref.alloc() : memref<32xf32>
// CHECK: %[[ACC:.+]] = memref.alloc() : memref<32xf32>
// CHECK: scf.for %[[T0:.+]] = %c0{{.*}} to %c32
// CHECK: memref.store %cst, %[[ACC]][%[[T0]]]
// CHECK: scf.for %[[K:.+]] = %c0{{.*}} to %c3
// CHECK: scf.for
// CHECK: memref.store %{{.+}}, %[[SHARED]]
// CHECK: }
// CHECK: scf.for %[[T2:.+]] =
// CHECK: %[[X:.+]] = memref.load %[[SHARED]]
// CHECK: %[[OLD:.+]] = memref.load %[[ACC]][%[[T2]]]
// CHECK: %[[NEW:.+]] = arith.addf %[[OLD]], %[[X]]
// CHECK: memref.store %[[NEW]], %{{.+}}[%[[T2]]]
// CHECK: }
// CHECK: scf.for %[[T3:.+]] =
// CHECK: memref.store %{{.+}}, %[[ACC]][%[[T3]]]
// CHECK: }
// CHECK: }
// CHECK: scf.for %[[T4:.+]] =
// CHECK: %[[R:.+]] = memref.load %[[ACC]][%[[T4]]]
// CHECK: memref.store %[[R]], %arg1
// CHECK-NOT: gpu.
func.func @carried(%in: memref<3x32xf32>, %out: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c31 = arith.constant 31 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c32, %sby = %c1, %sbz = %c1)
             workgroup(%shared : memref<32xf32, #gpu.address_space<workgroup>>) {
    %r = scf.for %k = %c0 to %c3 step %c1 iter_args(%acc = %zero) -> f32 {
      %v = memref.load %in[%k, %tx] : memref<3x32xf32>
      memref.store %v, %shared[%tx] : memref<32xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %j = arith.subi %c31, %tx : index
      %x = memref.load %shared[%j] : memref<32xf32, #gpu.address_space<workgroup>>
      %s = arith.addf %acc, %x : f32
      gpu.barrier
      scf.yield %s : f32
    }
    memref.store %r, %out[%tx] : memref<32xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @divergent_barrier(%out: memref<256xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c1, %sby = %c1, %sbz = %c1) {
    %first = arith.cmpi eq, %tx, %c0 : index
    // expected-error @+1 {{a barrier or warp-collective op inside this op cannot run as host loops}}
    scf.if %first {
      gpu.barrier
    }
    gpu.terminator
  }
  return
}

// -----

func.func @divergent_loop(%out: memref<256xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c1, %sby = %c1, %sbz = %c1) {
    // expected-error @+1 {{a loop with barriers must have the same bounds in every thread}}
    scf.for %i = %c0 to %tx step %c1 {
      gpu.barrier
    }
    gpu.terminator
  }
  return
}

// -----

// Warp collectives read other lanes' operands from their slots, so the
// operands they exchange must come from an earlier loop over the threads:
// the loads of A, B and x end one. A shuffle reads the source lane's slot
// (lane xor 1 within the warp, t - t mod 32); an mma.sync gathers the
// warp's A (16 x 16) and B (8 x 16) from the lanes' slots by MLIR's
// fragment layouts (loops over lanes and values), then each thread sums
// its four accumulators over k. The mma, both shuffles (exchanging values
// of the earlier loop) and the stores share the second loop.
// CHECK-LABEL: func.func @collectives
// CHECK-DAG: %[[ASLOT:.+]] = memref.alloc() : memref<64xvector<4x2xf16>>
// CHECK-DAG: %[[BSLOT:.+]] = memref.alloc() : memref<64xvector<2x2xf16>>
// CHECK-DAG: %[[XSLOT:.+]] = memref.alloc() : memref<64xf32>
// CHECK-DAG: %[[AFULL:.+]] = memref.alloc() : memref<16x16xf32>
// CHECK-DAG: %[[BFULL:.+]] = memref.alloc() : memref<8x16xf32>
// CHECK: scf.for %[[T:.+]] = %c0{{.*}} to %c64 step %c1{{.*}} {
// CHECK: memref.store %{{.+}}, %[[ASLOT]][%[[T]]]
// CHECK: memref.store %{{.+}}, %[[BSLOT]][%[[T]]]
// CHECK: memref.store %{{.+}}, %[[XSLOT]][%[[T]]]
// CHECK: scf.for %[[T2:.+]] = %c0{{.*}} to %c64 step %c1{{.*}} {
// CHECK: %[[LANE:.+]] = arith.remui %[[T2]], %c32
// CHECK: %[[BASE:.+]] = arith.subi %[[T2]], %[[LANE]]
// CHECK: scf.for %[[L:.+]] = %c0{{.*}} to %c32{{.*}} step %c1{{.*}} {
// CHECK: %[[AT:.+]] = arith.addi %[[BASE]], %[[L]]
// CHECK: memref.load %[[ASLOT]][%[[AT]]]
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c8
// CHECK: memref.store %{{.+}}, %[[AFULL]]
// CHECK: memref.load %[[BSLOT]]
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c4
// CHECK: memref.store %{{.+}}, %[[BFULL]]
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c16{{.*}} step %c1{{.*}} iter_args
// CHECK: memref.load %[[AFULL]]
// CHECK: memref.load %[[BFULL]]
// CHECK: math.fma
// CHECK-COUNT-3: scf.for %{{.+}} = %c0{{.*}} to %c16
// CHECK: %[[SRC:.+]] = arith.xori %[[LANE]], %{{.+}} : index
// CHECK: arith.cmpi ult, %[[SRC]], %c32{{.*}}
// CHECK: %[[FROM:.+]] = arith.addi %[[BASE]], %{{.+}}
// CHECK: memref.load %[[XSLOT]][%[[FROM]]]
// CHECK: arith.xori %[[LANE]], %{{.+}} : index
// CHECK: memref.load %[[XSLOT]]
// CHECK-NOT: scf.for
// CHECK: arith.addf
// CHECK: memref.store %{{.+}}, %arg3
// CHECK: memref.store %{{.+}}, %arg4
func.func @collectives(%a: memref<64xvector<4x2xf16>>, %b: memref<64xvector<2x2xf16>>, %x: memref<64xf32>, %out: memref<64xvector<2x2xf32>>, %sums: memref<64xf32>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1_i32 = arith.constant 1 : i32
  %c2_i32 = arith.constant 2 : i32
  %c32_i32 = arith.constant 32 : i32
  %zero = arith.constant dense<0.0> : vector<2x2xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c64, %sby = %c1, %sbz = %c1) {
    %fa = memref.load %a[%tx] : memref<64xvector<4x2xf16>>
    %fb = memref.load %b[%tx] : memref<64xvector<2x2xf16>>
    %v = memref.load %x[%tx] : memref<64xf32>
    %d = nvgpu.mma.sync(%fa, %fb, %zero) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
    %s1, %ok1 = gpu.shuffle xor %v, %c1_i32, %c32_i32 : f32
    %s2, %ok2 = gpu.shuffle xor %v, %c2_i32, %c32_i32 : f32
    %sum = arith.addf %s1, %s2 : f32
    memref.store %d, %out[%tx] : memref<64xvector<2x2xf32>>
    memref.store %sum, %sums[%tx] : memref<64xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @narrow_shuffle(%x: memref<64xf32>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1_i32 = arith.constant 1 : i32
  %c16_i32 = arith.constant 16 : i32
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c64, %sby = %c1, %sbz = %c1) {
    %v = memref.load %x[%tx] : memref<64xf32>
    // expected-error @+1 {{only shuffles of 32 lanes run as host loops}}
    %s, %ok = gpu.shuffle xor %v, %c1_i32, %c16_i32 : f32
    memref.store %s, %x[%tx] : memref<64xf32>
    gpu.terminator
  }
  return
}

// -----

// ldmatrix reads shared memory at the addresses other lanes give: lane
// 8 j + r gives row r of tile j (here rows lane mod 16, columns 8 (lane /
// 16) of a 16 x 16 tile); lane (g, q) receives elements (g, 2q), (g, 2q +
// 1) of each tile (transposed: (2q, g), (2q + 1, g)). Its indices are
// per-thread values, kept in slots and read at the source lanes.
// CHECK-LABEL: func.func @ldmatrix
// CHECK-DAG: %[[ROWS:.+]] = memref.alloc() : memref<32xindex>
// CHECK-DAG: %[[COLS:.+]] = memref.alloc() : memref<32xindex>
// CHECK: scf.for %[[T:.+]] = %c0{{.*}} to %c32
// CHECK: memref.store %{{.+}}, %[[ROWS]][%[[T]]]
// CHECK: memref.store %{{.+}}, %[[COLS]][%[[T]]]
// CHECK: scf.for %[[T2:.+]] = %c0{{.*}} to %c32
// CHECK: %[[BASE:.+]] = arith.subi %[[T2]], %[[LANE:[^ ]+]] : index
// CHECK: %[[G:.+]] = arith.divui %[[LANE]], %c4
// CHECK: %[[SRC:.+]] = arith.addi %[[G]], %c0
// CHECK: %[[AT:.+]] = arith.addi %[[BASE]], %[[SRC]]
// CHECK: %[[ROW:.+]] = memref.load %[[ROWS]][%[[AT]]]
// CHECK: memref.load %[[COLS]]
// CHECK: memref.load %{{.+}}[%[[ROW]], %{{.+}}] : memref<16x16xf16>
// CHECK-COUNT-7: memref.load %{{.+}} : memref<16x16xf16>
// CHECK: memref.store %{{.+}}, %arg1[%{{.+}}] : memref<32xvector<4x2xf16>>
func.func @ldmatrix(%src: memref<16x16xf16>, %out: memref<32xvector<4x2xf16>>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c32, %sby = %c1, %sbz = %c1)
             workgroup(%tile : memref<16x16xf16, #gpu.address_space<workgroup>>) {
    %row = arith.remui %tx, %c16 : index
    %half = arith.divui %tx, %c16 : index
    %col = arith.muli %half, %c8 : index
    %part = vector.load %src[%row, %col] : memref<16x16xf16>, vector<8xf16>
    vector.store %part, %tile[%row, %col] : memref<16x16xf16, #gpu.address_space<workgroup>>, vector<8xf16>
    gpu.barrier
    %f = nvgpu.ldmatrix %tile[%row, %col] {numTiles = 4 : i32, transpose = false} : memref<16x16xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
    memref.store %f, %out[%tx] : memref<32xvector<4x2xf16>>
    gpu.terminator
  }
  return
}

// -----

// A warpgroup product (wgmma.mma_async) reads its operands from the
// block's one shared buffer through their descriptors, as PTX defines them
// (start address modulo 2^18 relative to the buffer; leading and stride
// byte offsets between core matrices): each thread loops over its values
// (n / 2: four for m64n8k16) and sums 16 products of elements loaded from
// the buffer's 16-bit view. Fences, commits and waits do nothing on the
// host; the barrier still splits the threads' loops.
// CHECK-LABEL: func.func @wgmma
// CHECK: %[[SHARED:.+]] = memref.alloc() : memref<4096xi8>
// CHECK: %[[HALVES:.+]] = memref.view %[[SHARED]][%{{.+}}][] : memref<4096xi8> to memref<2048xi16>
// CHECK: memref.extract_aligned_pointer_as_index %[[SHARED]]
// CHECK-NOT: nvvm.
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c128
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c128
// CHECK-NOT: nvvm.
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c4{{.*}} step %c1
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c16{{.*}} step %c1{{.*}} iter_args
// CHECK: memref.load %[[HALVES]]
// CHECK: arith.bitcast %{{.+}} : i16 to f16
// CHECK: memref.load %[[HALVES]]
// CHECK: math.fma
// CHECK-COUNT-4: llvm.insertvalue
// CHECK-NOT: nvvm.
// CHECK: return
func.func @wgmma(%out: memref<128x4xf32>) {
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c128, %sby = %c1, %sbz = %c1)
             workgroup(%shared : memref<4096xi8, #gpu.address_space<workgroup>>) {
    %p = memref.extract_aligned_pointer_as_index %shared : memref<4096xi8, #gpu.address_space<workgroup>> -> index
    %a = arith.index_cast %p : index to i64
    %window = arith.constant 262143 : i64
    %c4 = arith.constant 4 : i64
    %fields = arith.constant 274878431232 : i64
    %low = arith.andi %a, %window : i64
    %start = arith.shrui %low, %c4 : i64
    %desc = arith.ori %start, %fields : i64
    %zero = arith.constant 0.0 : f32
    %s0 = llvm.mlir.poison : !llvm.struct<(f32, f32, f32, f32)>
    %s1 = llvm.insertvalue %zero, %s0[0] : !llvm.struct<(f32, f32, f32, f32)>
    %s2 = llvm.insertvalue %zero, %s1[1] : !llvm.struct<(f32, f32, f32, f32)>
    %s3 = llvm.insertvalue %zero, %s2[2] : !llvm.struct<(f32, f32, f32, f32)>
    %s4 = llvm.insertvalue %zero, %s3[3] : !llvm.struct<(f32, f32, f32, f32)>
    nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
    gpu.barrier
    nvvm.wgmma.fence.aligned
    %d = nvvm.wgmma.mma_async %desc, %desc, %s4, <m = 64, n = 8, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <col>] : !llvm.struct<(f32, f32, f32, f32)> -> !llvm.struct<(f32, f32, f32, f32)>
    nvvm.wgmma.commit.group.sync.aligned
    nvvm.wgmma.wait.group.sync.aligned 0
    %v = llvm.extractvalue %d[0] : !llvm.struct<(f32, f32, f32, f32)>
    %c0 = arith.constant 0 : index
    memref.store %v, %out[%tx, %c0] : memref<128x4xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @wgmma_m_major(%out: memref<128xf32>) {
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c128, %sby = %c1, %sbz = %c1)
             workgroup(%shared : memref<4096xi8, #gpu.address_space<workgroup>>) {
    %desc = arith.constant 0 : i64
    %zero = arith.constant 0.0 : f32
    %s0 = llvm.mlir.poison : !llvm.struct<(f32, f32, f32, f32)>
    %s1 = llvm.insertvalue %zero, %s0[0] : !llvm.struct<(f32, f32, f32, f32)>
    gpu.barrier
    // expected-error @+1 {{only wgmma.mma_async m64nNk16 of f16 or bf16, or m64nNk8 of tf32 with B K-major, into f32, A K-major, unscaled inputs, runs as host loops}}
    %d = nvvm.wgmma.mma_async %desc, %desc, %s1, <m = 64, n = 8, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <col>], B[<f16>, <one>, <col>] : !llvm.struct<(f32, f32, f32, f32)> -> !llvm.struct<(f32, f32, f32, f32)>
    %v = llvm.extractvalue %d[0] : !llvm.struct<(f32, f32, f32, f32)>
    memref.store %v, %out[%tx] : memref<128xf32>
    gpu.terminator
  }
  return
}

// -----

// With A from registers (fmc_nv.wgmma_register_a), each thread first
// gathers its warp's A fragments (the 32 lanes' slots, 8 values each) into
// the warp's 16 x 16 rows, as mma.sync's A; B still comes through its
// descriptor. A is computed in the launch, so the product reads it from
// slots: the thread loop that computes it ends before the product's. The
// wait (fmc_nv.wgmma_wait) passes the accumulators on as they are.
// CHECK-LABEL: func.func @wgmma_register_a
// CHECK: %[[SLOT:.+]] = memref.alloc() : memref<128xvector<8xf16>>
// CHECK: %[[ROWS:.+]] = memref.alloc() : memref<16x16xf32>
// CHECK: scf.for %[[T0:.+]] = %c0{{.*}} to %c128
// CHECK: memref.store %{{.+}}, %[[SLOT]][%[[T0]]]
// CHECK: scf.for %[[T:.+]] = %c0{{.*}} to %c128
// CHECK-NOT: fmc_nv.
// CHECK: scf.for %[[L:.+]] = %c0{{.*}} to %c32
// CHECK: %[[LANE:.+]] = arith.addi %{{.+}}, %[[L]]
// CHECK: %[[FRAGMENT:.+]] = memref.load %[[SLOT]][%[[LANE]]]
// CHECK: vector.extract %[[FRAGMENT]][0]
// CHECK: memref.store %{{.+}}, %[[ROWS]]
// CHECK-COUNT-7: memref.store %{{.+}}, %[[ROWS]]
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c4{{.*}} step %c1
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c16{{.*}} step %c1{{.*}} iter_args
// CHECK: memref.load %[[ROWS]]
// CHECK: memref.load %{{.+}} : memref<2048xi16>
// CHECK: math.fma
// CHECK-COUNT-3: llvm.insertvalue
// CHECK: %[[D:.+]] = llvm.insertvalue %{{.+}}, %{{.+}}[3]
// CHECK-NOT: fmc_nv.
// CHECK: %[[V:.+]] = llvm.extractvalue %[[D]][0]
// CHECK: memref.store %[[V]], %arg0
// CHECK: return
func.func @wgmma_register_a(%out: memref<128x4xf32>) {
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  gpu.launch blocks(%bx, %by, %bz) in (%sgx = %c1, %sgy = %c1, %sgz = %c1)
             threads(%tx, %ty, %tz) in (%sbx = %c128, %sby = %c1, %sbz = %c1)
             workgroup(%shared : memref<4096xi8, #gpu.address_space<workgroup>>) {
    %p = memref.extract_aligned_pointer_as_index %shared : memref<4096xi8, #gpu.address_space<workgroup>> -> index
    %a = arith.index_cast %p : index to i64
    %window = arith.constant 262143 : i64
    %c4 = arith.constant 4 : i64
    %fields = arith.constant 274878431232 : i64
    %low = arith.andi %a, %window : i64
    %start = arith.shrui %low, %c4 : i64
    %desc = arith.ori %start, %fields : i64
    %t = arith.index_cast %tx : index to i32
    %tf = arith.uitofp %t : i32 to f16
    %fragment = vector.broadcast %tf : f16 to vector<8xf16>
    %zero = arith.constant 0.0 : f32
    %s0 = llvm.mlir.poison : !llvm.struct<(f32, f32, f32, f32)>
    %s1 = llvm.insertvalue %zero, %s0[0] : !llvm.struct<(f32, f32, f32, f32)>
    %s2 = llvm.insertvalue %zero, %s1[1] : !llvm.struct<(f32, f32, f32, f32)>
    %s3 = llvm.insertvalue %zero, %s2[2] : !llvm.struct<(f32, f32, f32, f32)>
    %s4 = llvm.insertvalue %zero, %s3[3] : !llvm.struct<(f32, f32, f32, f32)>
    nvvm.wgmma.fence.aligned
    %d = fmc_nv.wgmma_register_a %s4, %fragment, %desc {n = 8 : i64, accumulate = true, bKMajor = true} : !llvm.struct<(f32, f32, f32, f32)>, vector<8xf16>
    nvvm.wgmma.commit.group.sync.aligned
    %w = fmc_nv.wgmma_wait %d {pending = 0 : i64} : !llvm.struct<(f32, f32, f32, f32)>
    %v = llvm.extractvalue %w[0] : !llvm.struct<(f32, f32, f32, f32)>
    %c0 = arith.constant 0 : index
    memref.store %v, %out[%tx, %c0] : memref<128x4xf32>
    gpu.terminator
  }
  return
}
