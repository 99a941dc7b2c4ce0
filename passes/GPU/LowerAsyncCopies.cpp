//===- LowerAsyncCopies.cpp - cp.async copies as plain copies (host) ------===//

#include "passes/GPU/Passes.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_LOWERASYNCCOPIESPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

/// One asynchronous copy as a vector load (masked to the elements it reads,
/// zeros in the rest) stored into its destination.
void lowerCopy(IRRewriter &rewriter, nvgpu::DeviceAsyncCopyOp copy) {
  rewriter.setInsertionPoint(copy);
  Location loc = copy.getLoc();
  Type element = copy.getDst().getType().getElementType();
  auto type = VectorType::get({copy.getDstElements().getSExtValue()}, element);
  Value value;
  if (Value read = copy.getSrcElements()) {
    Value mask = vector::CreateMaskOp::create(
        rewriter, loc, VectorType::get(type.getShape(), rewriter.getI1Type()),
        read);
    Value zeros = arith::ConstantOp::create(
        rewriter, loc, type,
        DenseElementsAttr::get(type, rewriter.getZeroAttr(element)));
    value = vector::MaskedLoadOp::create(rewriter, loc, type, copy.getSrc(),
                                         copy.getSrcIndices(), mask, zeros);
  } else {
    value = vector::LoadOp::create(rewriter, loc, type, copy.getSrc(),
                                   copy.getSrcIndices());
  }
  vector::StoreOp::create(rewriter, loc, value, copy.getDst(),
                          copy.getDstIndices());
}

struct LowerAsyncCopiesPass
    : fmc::impl::LowerAsyncCopiesPassBase<LowerAsyncCopiesPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> dead;
    getOperation().walk([&](Operation *op) {
      if (auto copy = dyn_cast<nvgpu::DeviceAsyncCopyOp>(op))
        lowerCopy(rewriter, copy);
      if (isa<nvgpu::DeviceAsyncCopyOp, nvgpu::DeviceAsyncCreateGroupOp,
              nvgpu::DeviceAsyncWaitOp>(op))
        dead.push_back(op);
    });
    // Waits use groups, groups use copies: erased users first.
    for (Operation *op : llvm::reverse(dead))
      rewriter.eraseOp(op);
  }
};

} // namespace
