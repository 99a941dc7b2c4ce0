//===- Pipelines.cpp - fmc's pass pipelines -------------------------------===//

#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Pipelines/Registration.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::fmc;

/// The pipelines are spelled as textual pass lists, which need the passes
/// registered.
static void ensurePassesRegistered() { registerAllPasses(); }

/// Bufferization shared by every target: the model function's results become
/// out-parameters, copies become linalg.copy, and deallocations are placed.
static std::string bufferizationPasses(const PipelineOptions &options) {
  return llvm::formatv("fmc-flatten-empty-tensors{{function={0}},"
                       // A value inserted into a larger tensor (a KV
                       // cache's new token) computed in place there; before
                       // the copies that fmc-distinct-results adds, which
                       // it would also fold.
                       "eliminate-empty-tensors,"
                       "fmc-distinct-results{{function={0}},"
                       "fmc-unshare-fills,"
                       "one-shot-bufferize{{bufferize-function-boundaries "
                       "function-boundary-type-conversion=identity-layout-map},"
                       "buffer-results-to-out-params{{hoist-static-allocs "
                       "modify-public-functions},"
                       // The attention kernel's operands as views of what
                       // transposes copy (GPU targets), before the arena is
                       // planned from the buffers' lifetimes.
                       "func.func(fmc-gpu-fold-attention-transposes),"
                       "fmc-plan-arena{{function={0}},"
                       "func.func(fmc-lower-memref-copy),"
                       "buffer-deallocation-pipeline,"
                       "convert-bufferization-to-memref,"
                       "func.func(fmc-lower-memref-copy)",
                       options.function);
}

/// The GPU mapping of buffers and loops (kernels still inline in their
/// gpu.launch ops): parallel loops outermost, one thread per parallel
/// iteration, device allocations.
static std::string gpuMappingPasses(const PipelineOptions &options) {
  return llvm::formatv(
      "func.func(fmc-gpu-launch-attention{{shared-bytes={7} "
      "max-shared-bytes={11} "
      "split-blocks={8} mma-type={10} async-copies={9} wgmma={13} "
      "module-name=fmc_kernels},"
      "fmc-gpu-tile-matmul{{block-m={1} block-n={2} block-k={3} "
      "thread-m={4} thread-n={5} tf32={6} async-copies={9} "
      "shared-bytes={11} sms={12} wgmma={13} tma={15} module-name=fmc_kernels},"
      "fmc-gpu-launch-row-loops{{block-size={0} module-name=fmc_kernels},"
      "fmc-outer-parallel-iterators),"
      // Row loops the row kernels did not take: one thread per row.
      "scf-forall-to-parallel,"
      "convert-linalg-to-parallel-loops,"
      "func.func(fmc-expand-small-floats,fmc-gpu-vectorize-copies,"
      "fmc-gpu-launch-parallel-loops{{block-size={0} module-name=fmc_kernels},"
      "fmc-gpu-device-buffers{14})",
      options.cudaBlockSize, options.gpuBlockM, options.gpuBlockN,
      options.gpuBlockK, options.gpuThreadM, options.gpuThreadN,
      options.gpuTF32 ? "true" : "false", options.gpuSharedBytes,
      options.gpuSplitBlocks, options.gpuAsyncCopies ? "true" : "false",
      options.gpuAttentionMMA.empty() ? "\"\"" : options.gpuAttentionMMA,
      options.gpuMaxSharedBytes, options.gpuSMs,
      options.gpuWGMMA ? "true" : "false",
      options.reportKernels ? ",fmc-gpu-report-kernels" : "",
      options.gpuTMA ? "true" : "false");
}

LogicalResult
mlir::fmc::buildGraphToLinalgPipeline(OpPassManager &pm,
                                      const PipelineOptions &options) {
  ensurePassesRegistered();
  // Graph-level fusion (and its report) before weights are outlined.
  SmallVector<std::string> graphPasses;
  if (options.fuseTransformerOps)
    graphPasses.append(
        {"fmc-raise-norms", "fmc-raise-activations", "fmc-raise-rotary"});
  if (options.fuseAttention)
    graphPasses.push_back("fmc-raise-attention");
  if (options.reportFusions)
    graphPasses.push_back("fmc-report-fusions");
  std::string graphStage =
      graphPasses.empty() ? ""
                          : "func.func(" + llvm::join(graphPasses, ",") + "),";
  std::string pipeline = llvm::formatv(
      "canonicalize,cse,{2}"
      "fmc-outline-weights{{function={0}},"
      // No CPU target fmc supports has
      // native f16/bf16 arithmetic.
      "func.func(fmc-widen-half-floats),"
      "func.func(fmc-convert-graph-to-linalg{{"
      "attention-cache-bytes={1} attention-parallel={5} "
      "attention-kernel={8} attention-kernel-max-head={9}}),"
      "canonicalize,cse,"
      "fmc-fold-constant-generics{{function={0}},canonicalize,"
      "func.func(fmc-fuse-elementwise{6},fmc-fold-transposes),"
      "fmc-fuse-sibling-matmuls{{function={0}},"
      "canonicalize,cse{4}{7}{10}",
      options.function, options.tileCacheBytes, graphStage, options.matmulNR,
      options.packMatmulWeights
          ? ",fmc-pack-matmul-weights{function=" + options.function +
                " width=" + std::to_string(options.matmulNR) + "},canonicalize"
      : options.gpuMatvecWeightWidth
          ? llvm::formatv(",fmc-gpu-transpose-weights{{function={0} "
                          "width={1} tf32-warpgroup={2} sms={3} "
                          "shared-bytes={4}}",
                          options.function, options.gpuMatvecWeightWidth,
                          options.gpuTF32 && options.gpuWGMMA ? "true"
                                                              : "false",
                          options.gpuSMs, options.gpuMaxSharedBytes)
                .str()
          : std::string(),
      options.parallelAttention,
      options.fuseRowReductions
          ? std::string(",fmc-fuse-row-reductions") +
                (options.rowLoopsOnGPUBlocks ? "{gpu-blocks=true}" : "")
          : std::string(),
      options.narrowWeights.empty()
          ? std::string()
          : ",fmc-narrow-matmul-weights{function=" + options.function +
                " type=" + options.narrowWeights + "}",
      options.gpuAttention ? "true" : "false", options.gpuAttentionMaxHead,
      options.narrowActivations.empty()
          ? std::string()
          // A conversion to f32 whose result is narrowed back (an f16
          // model's input) becomes a copy, which canonicalize erases.
          : ",func.func(fmc-narrow-activations{type=" +
                options.narrowActivations + "}),canonicalize");
  return parsePassPipeline(pipeline, pm);
}

LogicalResult
mlir::fmc::buildCPUCodegenPipeline(OpPassManager &pm,
                                   const PipelineOptions &options) {
  ensurePassesRegistered();
  std::string gpuMapping = options.gpuMappingOnHost
                               ? gpuMappingPasses(options) +
                                     ",func.func(fmc-gpu-lower-async-copies,"
                                     "fmc-gpu-convert-warp-matmuls{host-"
                                     "emulation=true},"
                                     "fmc-gpu-launches-to-host-loops,"
                                     "fmc-gpu-lower-warp-matmuls,"
                                     "convert-vector-to-scf{full-unroll=true}),"
                               : std::string();
  std::string pipeline = llvm::formatv(
      "{7},{8}"
      // FlashAttention's block forall runs on the thread pool; outlined
      // before fmc-tile-matmul, so that its contractions get their scratch
      // buffers in the task (one per thread), not shared in the caller.
      "scf-forall-to-parallel,fmc-outline-parallel-loops,"
      "fmc-hoist-loop-buffers,"
      "fmc-tile-matmul{{mr={1} nr={2} lanes={3} kc={4} mc={5} fma={6} "
      "out-block-bytes={9}},"
      "convert-linalg-to-parallel-loops,fmc-outline-parallel-loops,"
      "func.func(fmc-approximate-math{{fma={6}},fmc-expand-small-floats),"
      "lower-affine,convert-scf-to-cf,canonicalize,"
      "expand-strided-metadata,lower-affine,"
      "convert-math-to-funcs,convert-vector-to-llvm,"
      "finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,"
      "convert-index-to-llvm,"
      "convert-func-to-llvm{{use-bare-ptr-memref-call-conv},"
      "convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts,"
      "fmc-dispatch-parallel-tasks,fmc-emit-entry-point{{function={0}}",
      options.function, options.matmulMR, options.matmulNR, options.matmulLanes,
      options.matmulKC, options.matmulMC, options.matmulFMA,
      bufferizationPasses(options), gpuMapping, options.matmulOutBlockBytes);
  return parsePassPipeline(pipeline, pm);
}

LogicalResult
mlir::fmc::buildCUDAKernelPipeline(OpPassManager &pm,
                                   const PipelineOptions &options) {
  ensurePassesRegistered();
  std::string pipeline = llvm::formatv(
      "{0},{1},"
      // Warp-level products (the tensor-core matmuls) -> ldmatrix and
      // mma.sync on the warp's lanes.
      "func.func(fmc-gpu-convert-warp-matmuls,"
      // Kernels above the 48 KB a kernel may declare statically.
      "fmc-gpu-dynamic-shared-memory{{static-bytes={4} max-bytes={5}}),"
      "lower-affine,canonicalize,cse,"
      // Math ops without an NVVM lowering (integer powers) -> functions,
      // which outlining copies into the GPU module with the kernels.
      "convert-math-to-funcs,"
      // Constants (which canonicalize hoisted out of the launches) back
      // into the kernels: known strides, bounds and divisors there, not
      // kernel arguments.
      "gpu-launch-sink-index-computations,"
      "gpu-kernel-outlining,gpu.module(fmc-gpu-align-shared-memory),"
      "func.func(gpu-async-region),"
      "nvvm-attach-target{{module=fmc_kernels chip={2} features={3} O=3},"
      "convert-scf-to-cf,"
      "gpu.module(expand-strided-metadata,lower-affine,convert-nvgpu-to-nvvm,"
      "convert-gpu-to-nvvm,fmc-gpu-extern-dynamic-shared-memory,"
      // NVVM ops built from inline PTX (wgmma.mma_async), and fmc_nv's.
      "convert-nvvm-to-llvm,"
      "canonicalize,cse,reconcile-unrealized-casts),"
      // The host side of the kernels' TMA copies: their tensor maps,
      // encoded by the runtime (fmc_cuda_tensor_map_encode).
      "convert-nvgpu-to-nvvm,"
      // The model function takes bare pointers (the entry ABI), so its
      // signature is converted before gpu-to-llvm would give it
      // descriptors.
      "expand-strided-metadata,lower-affine,"
      "convert-func-to-llvm{{use-bare-ptr-memref-call-conv},"
      "gpu-to-llvm,"
      "finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,"
      "convert-index-to-llvm,"
      "convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts",
      bufferizationPasses(options), gpuMappingPasses(options), options.cudaChip,
      options.cudaFeatures, options.gpuSharedBytes, options.gpuMaxSharedBytes);
  return parsePassPipeline(pipeline, pm);
}

LogicalResult mlir::fmc::buildCUDABinaryPipeline(OpPassManager &pm,
                                                 const PipelineOptions &options,
                                                 StringRef format) {
  ensurePassesRegistered();
  std::string pipeline =
      llvm::formatv("gpu-module-to-binary{{format={0} toolkit={1}},"
                    "fmc-emit-entry-point{{function={2}}",
                    format, options.cudaToolkit, options.function);
  return parsePassPipeline(pipeline, pm);
}

void mlir::fmc::registerPipelines() {
  PassPipelineRegistration<>(
      "fmc-graph-to-linalg", "Lower the fmc graph dialect to linalg",
      [](OpPassManager &pm) {
        (void)buildGraphToLinalgPipeline(pm, PipelineOptions());
      });
  PassPipelineRegistration<>(
      "fmc-cpu-codegen", "Lower linalg on tensors to the LLVM dialect (CPU)",
      [](OpPassManager &pm) {
        (void)buildCPUCodegenPipeline(pm, PipelineOptions());
      });
}
