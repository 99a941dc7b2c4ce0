//===- OuterParallelIterators.cpp - parallel loops outside reductions -----===//

#include "passes/GPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_OUTERPARALLELITERATORSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

/// The loop order with every parallel iterator before every reduction one,
/// each group in its original order; empty when the order is already so.
SmallVector<unsigned> parallelFirstOrder(linalg::LinalgOp op) {
  SmallVector<unsigned> parallel, reduction;
  for (auto [i, type] : llvm::enumerate(op.getIteratorTypesArray()))
    (linalg::isParallelIterator(type) ? parallel : reduction).push_back(i);
  SmallVector<unsigned> order = parallel;
  order.append(reduction);
  for (auto [i, dim] : llvm::enumerate(order))
    if (i != dim)
      return order;
  return {};
}

struct OuterParallelIteratorsPass
    : fmc::impl::OuterParallelIteratorsPassBase<OuterParallelIteratorsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!parallelFirstOrder(op).empty())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized)) {
          op.emitError("cannot generalize this op to order its loops for "
                       "the GPU");
          return signalPassFailure();
        }
        generic = *generalized;
      }
      SmallVector<unsigned> order = parallelFirstOrder(generic);
      if (failed(linalg::interchangeGenericOp(rewriter, generic, order))) {
        generic.emitError("cannot interchange this op's loops for the GPU");
        return signalPassFailure();
      }
    }
  }
};

} // namespace
