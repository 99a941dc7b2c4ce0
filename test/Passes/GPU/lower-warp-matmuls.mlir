// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-lower-warp-matmuls))' | FileCheck %s

// A tensor-core kernel's warp-level product as the host runs it: the f16
// tiles are extended to f32 (exact products, as in the tensor core), the
// product becomes fused multiply-adds on rows of the accumulator, and the
// transposed read of rhs a plain read and a transpose. No vector.contract
// is left.
// CHECK-LABEL: func.func @warp_tile
// CHECK-NOT: permutation_map
// CHECK-DAG: arith.extf %{{.+}} : vector<16x16xf16> to vector<16x16xf32>
// CHECK-DAG: arith.extf %{{.+}} : vector<8x16xf16> to vector<8x16xf32>
// CHECK: vector.fma %{{.+}}, %{{.+}}, %{{.+}} : vector<8xf32>
// CHECK-NOT: vector.contract
func.func @warp_tile(%a: memref<64x40xf16>, %b: memref<32x72xf16>, %acc: vector<16x8xf32>) -> vector<16x8xf32> {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f16
  %A = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true]} : memref<64x40xf16>, vector<16x16xf16>
  %B = vector.transfer_read %b[%c0, %c0], %pad {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<32x72xf16>, vector<8x16xf16>
  %D = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %A, %B, %acc : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
  return %D : vector<16x8xf32>
}

// bf16 operands carried as f16 (fmc.bf16_operands): the tiles' bits are
// read as bf16 (vector.bitcast) before they are extended.
// CHECK-LABEL: func.func @bf16_tile
// CHECK-DAG: %[[A:.+]] = vector.bitcast %{{.+}} : vector<16x16xf16> to vector<16x16xbf16>
// CHECK-DAG: arith.extf %[[A]] : vector<16x16xbf16> to vector<16x16xf32>
// CHECK-DAG: %[[B:.+]] = vector.bitcast %{{.+}} : vector<8x16xf16> to vector<8x16xbf16>
// CHECK-DAG: arith.extf %[[B]] : vector<8x16xbf16> to vector<8x16xf32>
// CHECK-NOT: arith.extf {{.*}}xf16>
// CHECK: vector.fma
// CHECK-NOT: vector.contract
func.func @bf16_tile(%a: memref<64x40xf16>, %b: memref<32x72xf16>, %acc: vector<16x8xf32>) -> vector<16x8xf32> {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f16
  %A = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true]} : memref<64x40xf16>, vector<16x16xf16>
  %B = vector.transfer_read %b[%c0, %c0], %pad {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<32x72xf16>, vector<8x16xf16>
  %D = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>, fmc.bf16_operands} %A, %B, %acc : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
  return %D : vector<16x8xf32>
}
