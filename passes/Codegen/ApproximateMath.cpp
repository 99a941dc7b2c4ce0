//===- ApproximateMath.cpp - polynomial approximations of math ops --------===//

#include "passes/Codegen/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {
struct ApproximateMathPass
    : fmc::impl::ApproximateMathPassBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Functions without an LLVM intrinsic or a polynomial become exp/log
    // expressions first; those are then approximated.
    math::populateExpansionPatterns(
        patterns, {"tan", "sinh", "cosh", "asinh", "acosh", "atanh"});
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
