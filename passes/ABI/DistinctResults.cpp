//===- DistinctResults.cpp - one tensor per model result ------------------===//

#include "passes/ABI/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_DISTINCTRESULTSPASS
#include "passes/ABI/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

struct DistinctResultsPass
    : fmc::impl::DistinctResultsPassBase<DistinctResultsPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = lookupModelFunction(getOperation(), function);
    if (!func)
      return signalPassFailure();
    OpBuilder b(&getContext());
    func.walk([&](func::ReturnOp ret) {
      llvm::DenseSet<Value> seen;
      b.setInsertionPoint(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<RankedTensorType>(value.getType());
        if (!type || seen.insert(value).second)
          continue;
        SmallVector<OpFoldResult> sizes =
            tensor::getMixedSizes(b, ret.getLoc(), value);
        Value init = tensor::EmptyOp::create(b, ret.getLoc(), sizes,
                                             type.getElementType());
        operand.set(
            linalg::CopyOp::create(b, ret.getLoc(), value, init).getResult(0));
      }
    });
  }
};

} // namespace
