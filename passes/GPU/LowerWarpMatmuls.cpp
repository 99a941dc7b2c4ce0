//===- LowerWarpMatmuls.cpp - warp-level matrix products for the host -----===//

#include "passes/GPU/Passes.h"

#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_LOWERWARPMATMULSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// A contraction of narrower floats into a wider accumulator (f16 x f16 ->
/// f32, as on the tensor cores) becomes one of extended operands: each
/// product is exact in f32, as it is in the tensor core.
struct ExtendContractOperands : OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (!accType || !isa<FloatType>(accType.getElementType()))
      return failure();
    Type acc = accType.getElementType();
    bool bf16 = op->hasAttr(kBF16OperandsAttr);
    auto extend = [&](Value v) -> Value {
      auto type = cast<VectorType>(v.getType());
      if (type.getElementType() == acc)
        return v;
      // bf16 operands carried as f16: the same bits, read as bf16.
      if (bf16 && type.getElementType().isF16()) {
        type = type.clone(rewriter.getBF16Type());
        v = vector::BitCastOp::create(rewriter, op.getLoc(), type, v);
      }
      return arith::ExtFOp::create(rewriter, op.getLoc(), type.clone(acc), v);
    };
    Value lhs = extend(op.getLhs()), rhs = extend(op.getRhs());
    if (lhs == op.getLhs() && rhs == op.getRhs())
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.getLhsMutable().assign(lhs);
      op.getRhsMutable().assign(rhs);
    });
    return success();
  }
};

struct LowerWarpMatmulsPass
    : fmc::impl::LowerWarpMatmulsPassBase<LowerWarpMatmulsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExtendContractOperands>(&getContext(), /*benefit=*/2);
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorTransposeLoweringPatterns(
        patterns, vector::VectorTransposeLowering::EltWise);
    vector::populateVectorBroadcastLoweringPatterns(patterns);
    vector::populateVectorShapeCastLoweringPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    WalkResult left = getOperation().walk([](vector::ContractionOp op) {
      op.emitError("a warp-level matrix product could not be lowered for "
                   "the host");
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
