//===- FuseRowReductions.cpp - norms and softmax in one loop over rows ----===//

#include "passes/Fusion/Passes.h"

#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_FUSEROWREDUCTIONSPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

/// The map from `rank` loop dims to the first `rows` of them.
AffineMap leadingDims(MLIRContext *ctx, unsigned rank, unsigned rows) {
  return AffineMap::getMultiDimIdentityMap(rank, ctx).getMajorSubMap(rows);
}

/// A generic on tensors with one result.
bool isTensorGeneric(linalg::GenericOp op) {
  return op && op.hasPureTensorSemantics() && op.getNumDpsInits() == 1 &&
         op->getNumResults() == 1;
}

/// The number of leading (row) dims of a row reduction: a generic whose
/// loops are parallel dims followed by at least one reduction dim of static
/// size, that reads every input in full (identity maps) and writes the row
/// dims. Zero for any other op.
unsigned rowReductionRows(linalg::GenericOp op) {
  if (!isTensorGeneric(op))
    return 0;
  unsigned rank = op.getNumLoops();
  unsigned rows = op.getNumParallelLoops();
  if (rows == 0 || rows == rank)
    return 0;
  auto iterators = op.getIteratorTypesArray();
  for (unsigned d = 0; d < rank; ++d)
    if ((d < rows) != (iterators[d] == utils::IteratorType::parallel))
      return 0;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (unsigned d = rows; d < rank; ++d)
    if (ShapedType::isDynamic(ranges[d]))
      return 0;
  for (OpOperand *input : op.getDpsInputOperands())
    if (!op.getMatchingIndexingMap(input).isIdentity())
      return 0;
  if (op.getMatchingIndexingMap(&op.getDpsInitsMutable()[0]) !=
      leadingDims(op.getContext(), rank, rows))
    return 0;
  return rows;
}

/// An all-parallel generic writing its whole iteration domain.
bool isElementwise(linalg::GenericOp op) {
  return isTensorGeneric(op) && op.getNumParallelLoops() == op.getNumLoops() &&
         op.getMatchingIndexingMap(&op.getDpsInitsMutable()[0]).isIdentity();
}

/// The chain that ends in `root`: `root`, and the generics of its domain
/// before it (row reductions with `rows` row dims, elementwise ops) all of
/// whose users are in the chain. Empty unless it holds a row reduction
/// that `root` or another elementwise op of the chain reads by row.
SetVector<Operation *> collectChain(linalg::GenericOp root, unsigned &rows) {
  SmallVector<int64_t> domain = root.getStaticLoopRanges();
  unsigned rank = root.getNumLoops();
  // The row count comes from a reduction root reads by row.
  rows = 0;
  for (OpOperand *input : root.getDpsInputOperands()) {
    auto producer = input->get().getDefiningOp<linalg::GenericOp>();
    unsigned r = rowReductionRows(producer);
    if (r && producer.getStaticLoopRanges() == domain &&
        root.getMatchingIndexingMap(input) ==
            leadingDims(root.getContext(), rank, r)) {
      rows = r;
      break;
    }
  }
  SetVector<Operation *> chain;
  if (!rows)
    return chain;
  chain.insert(root);
  bool grew = true;
  while (grew) {
    grew = false;
    for (unsigned i = 0; i < chain.size(); ++i) {
      for (Value operand : chain[i]->getOperands()) {
        auto producer = operand.getDefiningOp<linalg::GenericOp>();
        if (!producer || chain.contains(producer) ||
            producer->getBlock() != root->getBlock() ||
            producer.getStaticLoopRanges() != domain)
          continue;
        if (rowReductionRows(producer) != rows && !isElementwise(producer))
          continue;
        if (!llvm::all_of(producer->getUsers(), [&](Operation *user) {
              return chain.contains(user);
            }))
          continue;
        chain.insert(producer);
        grew = true;
      }
    }
  }
  if (llvm::none_of(chain, [&](Operation *op) {
        return rowReductionRows(cast<linalg::GenericOp>(op)) == rows;
      }))
    chain.clear();
  return chain;
}

struct FuseRowReductionsPass
    : fmc::impl::FuseRowReductionsPassBase<FuseRowReductionsPass> {
  using Base::Base;

  void runOnOperation() override {
    // Roots from the last: a chain's producers go with it, and an earlier
    // candidate that was one of them is skipped.
    SmallVector<linalg::GenericOp> candidates;
    for (Block &block : getOperation().getBody())
      for (Operation &op : block)
        if (auto generic = dyn_cast<linalg::GenericOp>(op);
            generic && isElementwise(generic))
          candidates.push_back(generic);
    DenseSet<Operation *> erased;
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp root : llvm::reverse(candidates)) {
      if (erased.contains(root))
        continue;
      unsigned rows = 0;
      SetVector<Operation *> chain = collectChain(root, rows);
      if (chain.empty())
        continue;
      if (failed(fuse(rewriter, root, rows, chain)))
        return signalPassFailure();
      erased.insert(chain.begin(), chain.end());
    }
  }

  LogicalResult fuse(IRRewriter &rewriter, linalg::GenericOp root,
                     unsigned rows, const SetVector<Operation *> &chain) {
    SmallVector<OpFoldResult> sizes(rows, rewriter.getIndexAttr(1));
    sizes.append(root.getNumLoops() - rows, rewriter.getIndexAttr(0));
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(sizes).setLoopType(
        scf::SCFTilingOptions::LoopType::ForallOp);
    // GPU blocks by linear dims, the last row dim fastest (ten at most).
    if (gpuBlocks && rows <= 10) {
      SmallVector<Attribute> mapping;
      for (unsigned d = 0; d < rows; ++d)
        mapping.push_back(gpu::GPUBlockMappingAttr::get(
            &getContext(),
            static_cast<gpu::MappingId>(
                static_cast<int64_t>(gpu::MappingId::LinearDim0) + rows - 1 -
                d)));
      tiling.setMapping(mapping);
    }
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer, bool isDestination)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          Operation *op = producer.getOwner();
          // The accumulators' fills start each row afresh.
          if (chain.contains(op) ||
              (isDestination && isa<linalg::FillOp, tensor::EmptyOp>(op)))
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          return std::nullopt;
        });
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(root.getOperation()), options);
    if (failed(result))
      return root.emitError("could not tile this row reduction chain by rows");
    for (auto [original, replacement] : result->replacements)
      rewriter.replaceAllUsesWith(original, replacement);
    // Every op of the chain is now unused but for the slices of it that
    // fusion left behind (its users were in the chain): erased users first.
    SmallVector<Operation *> ops(chain.begin(), chain.end());
    for (Operation *op : ops)
      for (Operation *user : llvm::make_early_inc_range(op->getUsers()))
        if (!chain.contains(user) && isOpTriviallyDead(user))
          rewriter.eraseOp(user);
    llvm::sort(
        ops, [](Operation *a, Operation *b) { return b->isBeforeInBlock(a); });
    for (Operation *op : ops)
      rewriter.eraseOp(op);
    return success();
  }
};

} // namespace
