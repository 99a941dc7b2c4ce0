//===- FuseElementwise.cpp - elementwise fusion without recomputation -----===//

#include "passes/Fusion/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
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

/// A generic input read with constant zeros at its unit dims (a per-channel
/// batch-norm scale [C, 1, 1] broadcast over [N, C, H, W] reads (c, 0, 0))
/// is read through a collapse_shape without those dims instead, so that
/// every input map is a projected permutation: the reshape-collapsing and
/// fusion patterns, and the matmul epilogues after them, need that.
struct DropBroadcastUnitDims : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    bool changed = false;
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<Value> inputs(op.getDpsInputs());
    for (OpOperand *operand : op.getDpsInputOperands()) {
      AffineMap map = maps[operand->getOperandNumber()];
      auto type = dyn_cast<RankedTensorType>(operand->get().getType());
      if (!type || !type.hasStaticShape() || map.isProjectedPermutation())
        continue;
      SmallVector<int64_t> kept;
      bool droppable = true;
      for (auto [i, expr] : llvm::enumerate(map.getResults())) {
        auto constant = dyn_cast<AffineConstantExpr>(expr);
        if (!constant) {
          kept.push_back(i);
          continue;
        }
        droppable &= constant.getValue() == 0 && type.getDimSize(i) == 1;
      }
      AffineMap keptMap =
          map.getSubMap(SmallVector<unsigned>(kept.begin(), kept.end()));
      if (!droppable || !keptMap.isProjectedPermutation())
        continue;
      // Each dropped dim joins the next kept dim (trailing ones the last).
      SmallVector<ReassociationIndices> groups;
      ReassociationIndices pending;
      for (int64_t i = 0; i < type.getRank(); ++i) {
        pending.push_back(i);
        if (llvm::is_contained(kept, i)) {
          groups.push_back(pending);
          pending.clear();
        }
      }
      if (!pending.empty() && !groups.empty())
        groups.back().append(pending.begin(), pending.end());
      SmallVector<int64_t> shape;
      for (int64_t i : kept)
        shape.push_back(type.getDimSize(i));
      inputs[operand->getOperandNumber()] = tensor::CollapseShapeOp::create(
          rewriter, op.getLoc(), type.clone(shape), operand->get(), groups);
      maps[operand->getOperandNumber()] = keptMap;
      changed = true;
    }
    if (!changed)
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.getInputsMutable().assign(inputs);
      op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
    return success();
  }
};

struct FuseElementwisePass
    : fmc::impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DropBroadcastUnitDims>(&getContext());
    linalg::populateFoldReshapeOpsByCollapsingPatterns(
        patterns, isCollapsibleIntoProducer);
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, fmc::isFusionWithoutRecomputation);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
