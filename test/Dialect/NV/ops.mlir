// RUN: fmc-opt %s | fmc-opt | FileCheck %s
// RUN: fmc-opt %s --convert-nvvm-to-llvm | FileCheck %s --check-prefix=PTX

!acc = !llvm.struct<(f32, f32, f32, f32, f32, f32, f32, f32)>

// fmc_nv.wgmma_register_a round-trips, and convert-nvvm-to-llvm (through
// NVVM's BasicPtxBuilderOpInterface) lowers it to inline assembly, whose
// operands are the n / 2 results ($0 .. $7), the accumulators tied to
// them ($8 .. $15), A's four 32-bit registers ($16 .. $19, its 16-bit
// pairs bitcast), B's descriptor ($20), then the immediates scale-d ($21:
// 1 accumulates, 0 does not), scale-a, scale-b and trans-b ($22 .. $24: 0
// for K-major B, 1 for N-major).
// CHECK-LABEL: func.func @products
// CHECK: fmc_nv.wgmma_register_a %{{.+}}, %{{.+}}, %{{.+}} {accumulate = true, bKMajor = false, n = 16 : i64} : !llvm.struct<(f32, f32, f32, f32, f32, f32, f32, f32)>, vector<8xf16>
// CHECK: fmc_nv.wgmma_register_a %{{.+}}, %{{.+}}, %{{.+}} {accumulate = false, bKMajor = true, n = 16 : i64} : !llvm.struct<(f32, f32, f32, f32, f32, f32, f32, f32)>, vector<8xbf16>
// PTX-LABEL: func.func @products
// PTX: %[[PAIRS:.+]] = llvm.bitcast %{{.+}} : vector<8xf16> to vector<4xi32>
// PTX: %[[A0:.+]] = llvm.extractelement %[[PAIRS]][%{{.+}} : i32] : vector<4xi32>
// PTX: llvm.extractelement %[[PAIRS]]
// PTX: llvm.extractelement %[[PAIRS]]
// PTX: %[[A3:.+]] = llvm.extractelement %[[PAIRS]][%{{.+}} : i32] : vector<4xi32>
// PTX-NEXT: %[[SD:.+]] = llvm.mlir.constant(1 : i32) : i32
// PTX-NEXT: %[[SA:.+]] = llvm.mlir.constant(1 : i32) : i32
// PTX-NEXT: %[[SB:.+]] = llvm.mlir.constant(1 : i32) : i32
// PTX-NEXT: %[[TB:.+]] = llvm.mlir.constant(1 : i32) : i32
// PTX: llvm.inline_asm has_side_effects asm_dialect = att "{\0A.reg .pred p;\0Asetp.ne.b32 p, $21, 0;\0Awgmma.mma_async.sync.aligned.m64n16k16.f32.f16.f16 {$0, $1, $2, $3, $4, $5, $6, $7}, {$16, $17, $18, $19}, $20, p, $22, $23, $24;\0A}\0A", "=f,=f,=f,=f,=f,=f,=f,=f,0,1,2,3,4,5,6,7,r,r,r,r,l,n,n,n,n"
// PTX-SAME: %[[A0]], %{{.+}}, %{{.+}}, %[[A3]], %arg3, %[[SD]], %[[SA]], %[[SB]], %[[TB]] :
// PTX: %[[BF:.+]] = llvm.bitcast %{{.+}} : vector<8xbf16> to vector<4xi32>
// PTX-COUNT-4: llvm.extractelement %[[BF]]
// PTX-NEXT: %[[SD0:.+]] = llvm.mlir.constant(0 : i32) : i32
// PTX-NEXT: llvm.mlir.constant(1 : i32) : i32
// PTX-NEXT: llvm.mlir.constant(1 : i32) : i32
// PTX-NEXT: %[[TB0:.+]] = llvm.mlir.constant(0 : i32) : i32
// PTX: llvm.inline_asm {{.+}}m64n16k16.f32.bf16.bf16 {{.+}}, %arg3, %[[SD0]], %{{[^,]+}}, %{{[^,]+}}, %[[TB0]] :
// PTX-NOT: fmc_nv
func.func @products(%acc: !acc, %a: vector<8xf16>, %b: vector<8xbf16>, %desc: i64) -> (!acc, !acc) {
  %0 = fmc_nv.wgmma_register_a %acc, %a, %desc {n = 16 : i64, accumulate = true, bKMajor = false} : !acc, vector<8xf16>
  %1 = fmc_nv.wgmma_register_a %acc, %b, %desc {n = 16 : i64, accumulate = false, bKMajor = true} : !acc, vector<8xbf16>
  return %0, %1 : !acc, !acc
}

// fmc_nv.wgmma_wait lowers to wgmma.wait_group with the accumulators as
// operands tied to its results ("=f" ... "0", "1", ...), so their uses
// stay below it.
// CHECK-LABEL: func.func @wait
// CHECK: fmc_nv.wgmma_wait %{{.+}} {pending = 1 : i64} : !llvm.struct<(f32, f32, f32, f32, f32, f32, f32, f32)>
// PTX-LABEL: func.func @wait
// PTX: %[[X0:.+]] = llvm.extractvalue %arg0[0]
// PTX: %[[X7:.+]] = llvm.extractvalue %arg0[7]
// PTX-NEXT: %[[W:.+]] = llvm.inline_asm has_side_effects asm_dialect = att "wgmma.wait_group.sync.aligned 1;", "=f,=f,=f,=f,=f,=f,=f,=f,0,1,2,3,4,5,6,7" %[[X0]], {{.+}}, %[[X7]] : (f32, f32, f32, f32, f32, f32, f32, f32) -> !llvm.struct<(f32, f32, f32, f32, f32, f32, f32, f32)>
// PTX-NEXT: llvm.extractvalue %[[W]][0]
func.func @wait(%acc: !acc) -> f32 {
  %0 = fmc_nv.wgmma_wait %acc {pending = 1 : i64} : !acc
  %1 = llvm.extractvalue %0[0] : !acc
  return %1 : f32
}
