//===- ConvertWarpMatmuls.cpp - warp-level products -> mma.sync -----------===//

#include "passes/GPU/Passes.h"

#include "mlir/Conversion/VectorToGPU/VectorToGPU.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_CONVERTWARPMATMULSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

bool containsContraction(Operation *op) {
  return op->walk([](vector::ContractionOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

struct ConvertWarpMatmulsPass
    : fmc::impl::ConvertWarpMatmulsPassBase<ConvertWarpMatmulsPass> {
  void runOnOperation() override {
    SmallVector<gpu::LaunchOp> launches;
    getOperation().walk([&](gpu::LaunchOp launch) {
      if (containsContraction(launch))
        launches.push_back(launch);
    });
    IRRewriter rewriter(&getContext());
    for (gpu::LaunchOp launch : launches) {
      RewritePatternSet patterns(&getContext());
      populatePrepareVectorToMMAPatterns(patterns, /*useNvGpu=*/true);
      if (failed(applyPatternsGreedily(launch, std::move(patterns))) ||
          failed(convertVectorToNVVMCompatibleMMASync(rewriter, launch)))
        return signalPassFailure();
      // The conversion leaves the original products in place, feeding only
      // loop-carried values nothing reads; canonicalization drops them.
      RewritePatternSet cleanup(&getContext());
      for (RegisteredOperationName name :
           getContext().getRegisteredOperations())
        name.getCanonicalizationPatterns(cleanup, &getContext());
      if (failed(applyPatternsGreedily(launch, std::move(cleanup))))
        return signalPassFailure();
      // f32 operands go through the tensor cores as tf32 (the kernel was
      // built for it: --precision=tf32).
      launch.walk([&](nvgpu::MmaSyncOp mma) {
        if (cast<VectorType>(mma.getMatrixA().getType())
                .getElementType()
                .isF32())
          mma.setTf32Enabled(true);
      });
      WalkResult left = launch.walk([](vector::ContractionOp op) {
        op.emitError("this matrix product has no mma.sync form (tensor-core "
                     "kernels take f16 tiles of 16 x 16 by 16 x 8, or f32 "
                     "ones of 16 x 8 by 8 x 8)");
        return WalkResult::interrupt();
      });
      if (left.wasInterrupted())
        return signalPassFailure();
    }
  }
};

} // namespace
