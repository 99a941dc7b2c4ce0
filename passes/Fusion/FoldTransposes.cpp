//===- FoldTransposes.cpp - elementwise ops read through transposes -------===//
//
// A linalg.transpose whose every use is an all-parallel linalg.generic,
// as an input or through tensor.extract in its body (the rotary embedding
// of a transposed query reads it both ways), is folded into those uses:
// they read the transpose's input with the permutation composed into their
// indexing maps and indices, and the transposed copy (a kernel of its own,
// and a buffer) goes. Only transposes that keep the last dim last: the
// consumers then still read rows contiguously, as they read the copy.
//
//===----------------------------------------------------------------------===//

#include "passes/Fusion/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_FOLDTRANSPOSESPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

bool isAllParallel(linalg::GenericOp generic) {
  return generic && generic.getNumParallelLoops() == generic.getNumLoops();
}

struct FoldTransposeIntoElementwise : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    ArrayRef<int64_t> perm = transpose.getPermutation();
    if (!transpose.hasPureTensorSemantics() || perm.empty() ||
        perm.back() != int64_t(perm.size()) - 1)
      return rewriter.notifyMatchFailure(transpose,
                                         "not a row-keeping tensor transpose");
    Value result = transpose->getResult(0), source = transpose.getInput();
    SmallVector<OpOperand *> inputs;
    SmallVector<tensor::ExtractOp> extracts;
    for (OpOperand &use : result.getUses()) {
      Operation *user = use.getOwner();
      if (auto generic = dyn_cast<linalg::GenericOp>(user);
          isAllParallel(generic) && generic.isDpsInput(&use)) {
        inputs.push_back(&use);
        continue;
      }
      if (auto extract = dyn_cast<tensor::ExtractOp>(user);
          extract &&
          isAllParallel(extract->getParentOfType<linalg::GenericOp>())) {
        extracts.push_back(extract);
        continue;
      }
      return rewriter.notifyMatchFailure(transpose,
                                         "a use that does not fold it");
    }
    if (inputs.empty() && extracts.empty())
      return failure();
    // Result dim k is source dim perm[k]: an access (i_0, ..., i_n-1) of
    // the result is the access with i_k at position perm[k] of the source.
    auto permuted = [&](auto indices) {
      SmallVector<std::decay_t<decltype(indices[0])>> out(indices.size());
      for (auto [k, index] : llvm::enumerate(indices))
        out[perm[k]] = index;
      return out;
    };
    for (OpOperand *use : inputs) {
      auto generic = cast<linalg::GenericOp>(use->getOwner());
      SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
      AffineMap &map = maps[use->getOperandNumber()];
      map = AffineMap::get(map.getNumDims(), map.getNumSymbols(),
                           permuted(map.getResults()), map.getContext());
      rewriter.modifyOpInPlace(generic, [&] {
        generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
        use->set(source);
      });
    }
    for (tensor::ExtractOp extract : extracts) {
      rewriter.setInsertionPoint(extract);
      rewriter.replaceOpWithNewOp<tensor::ExtractOp>(
          extract, source, permuted(SmallVector<Value>(extract.getIndices())));
    }
    rewriter.eraseOp(transpose);
    return success();
  }
};

struct FoldTransposesPass
    : fmc::impl::FoldTransposesPassBase<FoldTransposesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldTransposeIntoElementwise>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
