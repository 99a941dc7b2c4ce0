//===- Passes.h - GPU code generation passes --------------------*- C++ -*-===//

#ifndef FMC_PASSES_GPU_PASSES_H
#define FMC_PASSES_GPU_PASSES_H

#include "dialects/NV/IR/NVDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::fmc {

struct Contraction;

#define GEN_PASS_DECL
#include "passes/GPU/Passes.h.inc"

/// Whether a vector of `width` elements of `type` that starts at a
/// multiple of `width` in the last dim is aligned to its size: the offset
/// and the other dims' strides are static multiples of `width` (buffers
/// themselves are 16-byte aligned).
bool vectorsAligned(MemRefType type, int64_t width);

/// The largest head size (D = Dv) fmc-gpu-launch-attention can build a
/// kernel for within `sharedBytes` of shared memory per block.
int64_t largestFusedAttentionHead(int64_t sharedBytes);

/// The tiles fmc-gpu-tile-matmul's tensor-core kernel chooses from for
/// 16-bit operands both copied by cp.async, `sharedBytes` per block at
/// most, largest first, e.g. "128x128x32 (4 warps, 4 buffers, 75776 bytes
/// dynamic), 64x128x32 (8 warps, 3 buffers, 41472 bytes), ...".
std::string describeTensorCoreMatmulTiles(int64_t sharedBytes);

/// The tiles fmc-gpu-tile-matmul's warpgroup kernel (wgmma, sm_90a)
/// chooses from, `sharedBytes` per block at most, largest first, e.g.
/// "128x128x64 (1 warpgroup, 3 buffers, 98304 bytes dynamic), ...".
std::string describeWarpgroupMatmulTiles(int64_t sharedBytes);

/// Whether some tile of fmc-gpu-tile-matmul's warpgroup kernel (wgmma,
/// sm_90a) fits contraction `c` of `element` operands (f16, bf16, or f32
/// as tf32) with `sms` SMs to fill (0: any grid) and `sharedBytes` per
/// block: the kernel takes it where its operands can be copied by cp.async
/// into core matrices (for tf32: both store k contiguously).
bool fitsWarpgroupMatmul(const Contraction &c, Type element, int64_t sms,
                         int64_t sharedBytes);

/// On a warp-level vector.contract of f16 vectors (fmc-gpu-tile-matmul's
/// tensor-core kernel): the 16-bit operands are bf16, carried as f16
/// because MLIR's vector-to-nvgpu conversion takes f16 tiles only.
/// fmc-gpu-convert-warp-matmuls retypes the fragments it loads;
/// fmc-gpu-lower-warp-matmuls reinterprets them before extending.
constexpr llvm::StringLiteral kBF16OperandsAttr = "fmc.bf16_operands";

/// On a gpu.launch that fmc's GPU mapping built: what the kernel computes
/// and how (algorithm, instructions, tiles), e.g. "matmul: warpgroup MMA
/// (wgmma.mma_async m64n128k16 f16), 128x128x64 tiles, 1 warpgroup, 3
/// buffers". fmc-gpu-report-kernels prints it.
constexpr llvm::StringLiteral kKernelAttr = "fmc.kernel";

#define GEN_PASS_REGISTRATION
#include "passes/GPU/Passes.h.inc"

} // namespace mlir::fmc

#endif // FMC_PASSES_GPU_PASSES_H
