//===- WarpgroupMMA.h - wgmma.mma_async operands and products ---*- C++ -*-===//
//
// What the warpgroup kernels (sm_90a: the matmul's in TileMatmul.cpp, the
// attention's in WarpgroupAttention.cpp) share: operands in shared memory
// as core matrices (8 rows of 16 bytes, stored contiguously, no swizzling:
// 8 x 8 16-bit elements, or 8 x 4 f32 read as tf32), the descriptors
// wgmma.mma_async reads them through, and the products on accumulators
// held as vectors between them.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_PASSES_GPU_WARPGROUPMMA_H
#define FMC_PASSES_GPU_WARPGROUPMMA_H

#include "mlir/IR/Builders.h"

namespace mlir::fmc::wgmma {

/// One product is m64 x n x k16 (16-bit operands; tf32: k8, the same 32
/// bytes of k); a warpgroup is 128 threads.
constexpr int64_t kM = 64, kK = 16, kThreads = 128;
/// A core matrix: 8 rows of 16 bytes, stored contiguously.
constexpr int64_t kCoreRows = 8, kCoreRowBytes = 16,
                  kCoreBytes = kCoreRows * kCoreRowBytes;

/// The elements of a core matrix's row: 8 of f16 or bf16, 4 of f32.
int64_t coreWidth(Type element);
/// The k of one product of `element` operands: 16 (f16, bf16) or 8 (f32,
/// read as tf32).
int64_t depth(Type element);

/// The address of `buffer` (a shared memref) as an i64, for descriptors.
Value sharedAddress(OpBuilder &b, Location loc, Value buffer);

/// The descriptor of core matrices starting `offset` (an index) bytes past
/// `address`: bits 0-13 the start address, 16-29 the leading byte offset
/// (between core matrices adjacent in k), 32-45 the stride byte offset
/// (adjacent in m or n), each in 16-byte units; no swizzling.
Value descriptor(OpBuilder &b, Location loc, Value address, Value offset,
                 int64_t leadBytes, int64_t strideBytes);

/// `acc` (a vector of n / 2 f32: this thread's accumulators, value 4 j + v
/// at row 16 (warp mod 4) + lane / 4 + 8 (v / 2), column 8 j + 2 (lane mod
/// 4) + v mod 2) as the struct wgmma.mma_async takes, and back.
Value toAccumulators(OpBuilder &b, Location loc, Value acc);
Value fromAccumulators(OpBuilder &b, Location loc, Value accumulators);

/// acc += A B (acc = A B without `accumulate`: scale-d 0, acc's values
/// are not read) for one m64 x n x depth(element) product of `element`
/// operands (f16, bf16, or f32 read as tf32), A K-major (descriptor `a`),
/// B K-major (`bKMajor`: stored [n][k]) or N-major (descriptor `b`; 16-bit
/// only, PTX has no transposed tf32 operands); `acc` and the result are
/// toAccumulators'.
Value multiply(OpBuilder &b, Location loc, Value acc, Value a, Value bDesc,
               int64_t n, Type element, bool bKMajor, bool accumulate = true);

/// The same product with A from registers (fmc_nv.wgmma_register_a): `a`
/// is the thread's vector of 8 f16 or bf16, the A fragment of m16n8k16
/// for its warp's 16 rows.
Value multiplyRegisterA(OpBuilder &b, Location loc, Value acc, Value a,
                        Value bDesc, int64_t n, bool bKMajor,
                        bool accumulate = true);

/// n / 2 accumulators whose values are not read (the input of a product
/// without `accumulate`).
Value undefinedAccumulators(OpBuilder &b, Location loc, int64_t n);

} // namespace mlir::fmc::wgmma

#endif // FMC_PASSES_GPU_WARPGROUPMMA_H
