//===- Pipelines.h - fmc's pass pipelines -----------------------*- C++ -*-===//

#ifndef FMC_COMPILER_PIPELINES_PIPELINES_H
#define FMC_COMPILER_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace mlir::fmc {

struct PipelineOptions {
  /// Name of the model function the frontend produced.
  std::string function = "main";
  /// Bytes of cache the working set of one tiled step may use (half the
  /// target's L2): FlashAttention's block sizes derive from it.
  uint64_t tileCacheBytes = 256 * 1024;
  /// Emit remarks on fused and unfused attention (--report=fusions).
  bool reportFusions = false;
  /// Raise decomposed attention to fmc.attention (--fuse-attention).
  bool fuseAttention = true;
  /// Raise decomposed norms, residual + norm, GELU/SiLU and rotary
  /// embeddings to their graph ops (--fuse-transformer-ops).
  bool fuseTransformerOps = true;
  /// The f32 matmul microkernel's tiles (fmc-pack-matmul-weights and
  /// fmc-tile-matmul), from the target description; the defaults suit AVX2
  /// with a 32 KiB L1 and a 512 KiB L2.
  int64_t matmulMR = 6, matmulNR = 16, matmulLanes = 8, matmulKC = 256,
          matmulMC = 252;
  bool matmulFMA = true;
};

/// Graph dialect -> linalg on tensors: canonicalization (constant folding),
/// weight outlining, conversion, elementwise fusion.
LogicalResult buildGraphToLinalgPipeline(OpPassManager &pm,
                                         const PipelineOptions &options);

/// linalg on tensors -> LLVM dialect for CPUs: bufferization with
/// out-parameters, deallocation, loops, math approximation, LLVM conversion
/// with bare-pointer arguments, and the runtime entry point.
LogicalResult buildCPUCodegenPipeline(OpPassManager &pm,
                                      const PipelineOptions &options);

/// Registers `fmc-graph-to-linalg` and `fmc-cpu-codegen` as named pipelines
/// (for fmc-opt and lit tests).
void registerPipelines();

} // namespace mlir::fmc

#endif // FMC_COMPILER_PIPELINES_PIPELINES_H
