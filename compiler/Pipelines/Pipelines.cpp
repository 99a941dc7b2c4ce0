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
      "attention-cache-bytes={1}}),"
      "canonicalize,cse,"
      "func.func(fmc-fuse-elementwise),"
      "canonicalize,cse,"
      "fmc-pack-matmul-weights{{function={0} width={3}},canonicalize",
      options.function, options.tileCacheBytes, graphStage, options.matmulNR);
  return parsePassPipeline(pipeline, pm);
}

LogicalResult
mlir::fmc::buildCPUCodegenPipeline(OpPassManager &pm,
                                   const PipelineOptions &options) {
  ensurePassesRegistered();
  std::string pipeline = llvm::formatv(
      "fmc-flatten-empty-tensors{{function={0}},"
      "fmc-distinct-results{{function={0}},"
      "one-shot-bufferize{{bufferize-function-boundaries "
      "function-boundary-type-conversion=identity-layout-map},"
      "buffer-results-to-out-params{{hoist-static-allocs "
      "modify-public-functions},"
      "func.func(fmc-lower-memref-copy),"
      "buffer-deallocation-pipeline,"
      "convert-bufferization-to-memref,"
      "func.func(fmc-lower-memref-copy),"
      "fmc-tile-matmul{{mr={1} nr={2} lanes={3} kc={4} mc={5} fma={6}},"
      "convert-linalg-to-loops,"
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
      options.matmulKC, options.matmulMC, options.matmulFMA);
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
