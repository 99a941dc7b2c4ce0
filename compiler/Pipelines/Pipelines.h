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
  /// Emit a remark per GPU kernel after the GPU mapping (--report=kernels).
  bool reportKernels = false;
  /// Raise decomposed attention to fmc.attention (--fuse-attention).
  bool fuseAttention = true;
  /// Raise decomposed norms, residual + norm, GELU/SiLU and rotary
  /// embeddings to their graph ops (--fuse-transformer-ops).
  bool fuseTransformerOps = true;
  /// The f32 matmul microkernel's tiles (fmc-pack-matmul-weights and
  /// fmc-tile-matmul), from the target description; the defaults are what
  /// it gives AVX2 with a 512 KiB L2 (x86-64-v3).
  int64_t matmulMR = 6, matmulNR = 16, matmulLanes = 8, matmulKC = 512,
          matmulMC = 132, matmulOutBlockBytes = 131072;
  bool matmulFMA = true;
  /// Pack 2-D f32 weights into the CPU microkernel's panels (CPU targets).
  bool packMatmulWeights = true;
  /// FlashAttention's (batch, head, query block) loops as an scf.forall
  /// (CPU targets: run on the thread pool).
  bool parallelAttention = true;
  /// Matmul weights stored in this type ("f16" or "bf16"), converted at
  /// compile time, computed in f32 (fmc-narrow-matmul-weights); empty:
  /// f32 (--precision on GPU targets).
  std::string narrowWeights;
  /// f16 or bf16: f32 tensors that kernels pass to each other stored in
  /// that type (fmc-narrow-activations; GPU targets); empty: f32.
  std::string narrowActivations;
  /// Norms, softmax and other row-reduction chains as one loop over rows
  /// (fmc-fuse-row-reductions; CPU targets: its scf.forall runs on the
  /// thread pool).
  bool fuseRowReductions = true;
  /// Those loops mapped to GPU blocks (GPU targets and their emulation):
  /// one-row loops are kept for fmc-gpu-launch-row-loops.
  bool rowLoopsOnGPUBlocks = false;
  /// GPU targets: weights that only matmuls read are stored in the layout
  /// their kernels read best, their transposes folded
  /// (fmc-gpu-transpose-weights), this many elements to a 16-byte vector
  /// of them; 0: never.
  int64_t gpuMatvecWeightWidth = 0;

  /// CUDA targets: the PTX chip and ISA features (nvvm-attach-target), the
  /// threads per block of elementwise kernels, and the CUDA toolkit whose
  /// ptxas and fatbinary assemble the kernels.
  std::string cudaChip = "sm_80";
  std::string cudaFeatures = "+ptx80";
  int64_t cudaBlockSize = 256;
  /// fmc-gpu-tile-matmul's tiles (set from the target description,
  /// compiler/Targets/CUDA `matmulTiles`).
  int64_t gpuBlockM = 64, gpuBlockN = 64, gpuBlockK = 16, gpuThreadM = 4,
          gpuThreadN = 4;
  /// f32 matmuls on the tensor cores as tf32 (--precision=tf32).
  bool gpuTF32 = false;
  /// Matmul slices copied by cp.async (the target's asyncCopy; every CUDA
  /// target fmc has is sm_80 or later, and the host emulation runs them).
  bool gpuAsyncCopies = true;
  /// fmc.attention as one FlashAttention kernel (fmc.attention_kernel,
  /// built by fmc-gpu-launch-attention), its blocks sized to fit this much
  /// shared memory per block.
  bool gpuAttention = false;
  /// "f16" or "bf16": attention on the tensor cores, its products in that
  /// type (fmc-gpu-launch-attention's mma-type); empty: f32.
  std::string gpuAttentionMMA;
  int64_t gpuSharedBytes = 48 * 1024;
  /// The shared memory a block may opt into beyond gpuSharedBytes (dynamic
  /// shared memory, fmc-gpu-dynamic-shared-memory): larger matmul tiles
  /// with more stages, and the attention's K prefetch at D = 128. This
  /// default is an A100's (163 KB).
  int64_t gpuMaxSharedBytes = 163 * 1024;
  /// The largest attention head the fused kernel takes (larger ones keep
  /// the FlashAttention loops).
  int64_t gpuAttentionMaxHead = 256;
  /// Attention grids with fewer blocks than this split their keys too (twice
  /// the target's SMs; this default is an A100's).
  int64_t gpuSplitBlocks = 216;
  /// The target's SMs (an A100's by default): fmc-gpu-tile-matmul takes
  /// the largest tiles that give at least this many blocks.
  int64_t gpuSMs = 108;
  /// Large 16-bit matmuls on warpgroup MMA (fmc-gpu-tile-matmul's wgmma:
  /// sm_90a's wgmma.mma_async).
  bool gpuWGMMA = false;
  /// With gpuWGMMA: the warpgroup matmul's slices copied by TMA
  /// (fmc-gpu-tile-matmul's tma).
  bool gpuTMA = false;
  std::string cudaToolkit = "/usr/local/cuda";
  /// CPU targets: map the code to GPU launches as for a GPU target, then run
  /// the launches as host loops (fmc-gpu-launches-to-host-loops), so that
  /// the GPU mapping is tested where there is no GPU.
  bool gpuMappingOnHost = false;
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

/// linalg on tensors -> host code in the LLVM dialect that allocates device
/// buffers and launches kernels, and one `gpu.module` of kernels in the NVVM
/// dialect (not yet serialized): bufferization as for CPUs, parallel loops
/// mapped to GPU threads, kernel outlining, NVVM and gpu-to-llvm lowering.
LogicalResult buildCUDAKernelPipeline(OpPassManager &pm,
                                      const PipelineOptions &options);

/// Serializes the GPU module: `format` is `isa` (PTX text, for --emit=ptx)
/// or `fatbin` (a cubin for the chip plus its PTX, for artifacts); then
/// emits the runtime entry point.
LogicalResult buildCUDABinaryPipeline(OpPassManager &pm,
                                      const PipelineOptions &options,
                                      llvm::StringRef format);

/// Registers `fmc-graph-to-linalg` and `fmc-cpu-codegen` as named pipelines
/// (for fmc-opt and lit tests).
void registerPipelines();

} // namespace mlir::fmc

#endif // FMC_COMPILER_PIPELINES_PIPELINES_H
