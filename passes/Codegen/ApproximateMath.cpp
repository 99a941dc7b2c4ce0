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
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Functions without an LLVM intrinsic or a polynomial become exp/log
    // expressions first; those are then approximated.
    SmallVector<StringRef> expanded = {"tan",   "sinh",  "cosh",
                                       "asinh", "acosh", "atanh"};
    // The polynomials' math.fma would become fmaf calls without FMA.
    if (!useFMA)
      expanded.push_back("fma");
    math::populateExpansionPatterns(patterns, expanded);
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
