//===- UnshareFills.cpp - one fill per destination user -------------------===//

#include "passes/ABI/Passes.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_UNSHAREFILLSPASS
#include "passes/ABI/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

struct UnshareFillsPass : fmc::impl::UnshareFillsPassBase<UnshareFillsPass> {
  void runOnOperation() override {
    SmallVector<linalg::FillOp> shared;
    getOperation()->walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics() && !fill->getResult(0).hasOneUse())
        shared.push_back(fill);
    });
    OpBuilder b(&getContext());
    for (linalg::FillOp fill : shared) {
      Value result = fill->getResult(0);
      // Every use gets a clone placed just before its user (so that the
      // zeros live no longer than needed); the shared fill goes.
      SmallVector<OpOperand *> uses = llvm::map_to_vector(
          result.getUses(), [](OpOperand &use) { return &use; });
      for (OpOperand *use : uses) {
        b.setInsertionPoint(use->getOwner());
        IRMapping map;
        Value dest = fill.getDpsInits()[0];
        if (auto empty = dest.getDefiningOp<tensor::EmptyOp>())
          map.map(dest, b.clone(*empty)->getResult(0));
        use->set(b.clone(*fill, map)->getResult(0));
      }
      Value dest = fill.getDpsInits()[0];
      fill->erase();
      if (auto empty = dest.getDefiningOp<tensor::EmptyOp>())
        if (empty->use_empty())
          empty->erase();
    }
  }
};

} // namespace
