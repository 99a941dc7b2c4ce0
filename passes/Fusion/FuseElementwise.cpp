//===- FuseElementwise.cpp - elementwise fusion without recomputation -----===//

#include "passes/Fusion/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

bool mlir::fmc::isFusionWithoutRecomputation(OpOperand *fusedOperand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(fusedOperand->getOwner());
  if (!consumer)
    return false;
  // A producer with other users stays for them, so fusing it would compute
  // it twice; along a residual stream (each layer's sum feeding the next sum
  // and a norm) that recomputation grows with every layer.
  Value produced = fusedOperand->get();
  // A producer that only yields a value from outside (a splat constant
  // whose inputs were folded away, such as a quantization zero point)
  // costs nothing to recompute.
  if (auto producer = produced.getDefiningOp<linalg::GenericOp>();
      producer && producer.getNumDpsInputs() == 0 &&
      llvm::hasSingleElement(producer.getRegion().front()) &&
      llvm::all_of(producer.getRegion().front().getTerminator()->getOperands(),
                   [&](Value v) {
                     return v.getParentRegion() != &producer.getRegion();
                   }))
    return true;
  if (llvm::any_of(produced.getUsers(),
                   [&](Operation *user) { return user != consumer; }))
    return false;
  AffineMap map = consumer.getMatchingIndexingMap(fusedOperand);
  // Every consumer loop must index the operand, or the fused producer body is
  // re-evaluated along the loops it does not depend on.
  for (unsigned d = 0, e = map.getNumDims(); d < e; ++d)
    if (!map.isFunctionOfDim(d))
      return false;
  return true;
}

namespace {

/// Whether an all-parallel generic should be collapsed to read `operand`,
/// an expand_shape, through its source instead: the source is the only
/// result of a linalg.generic that the reshape alone uses, and the reshape
/// has no other user. Then the two generics meet (Reshape -> Gemm ->
/// Reshape, as exporters write a linear layer on 3-D activations): an
/// elementwise producer fuses with the consumer here, and a contraction
/// takes the consumer as its epilogue later. A value with other users
/// stays as it is, so a norm's chain keeps one shape.
bool isCollapsibleIntoProducer(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::GenericOp>(operand->getOwner());
  auto reshape = operand->get().getDefiningOp<tensor::ExpandShapeOp>();
  if (!consumer || !reshape ||
      consumer.getNumParallelLoops() != consumer.getNumLoops() ||
      !reshape->hasOneUse())
    return false;
  auto producer = reshape.getSrc().getDefiningOp<linalg::GenericOp>();
  return producer && producer->getNumResults() == 1 &&
         reshape.getSrc().hasOneUse();
}

struct FuseElementwisePass
    : fmc::impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateFoldReshapeOpsByCollapsingPatterns(
        patterns, isCollapsibleIntoProducer);
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, fmc::isFusionWithoutRecomputation);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
