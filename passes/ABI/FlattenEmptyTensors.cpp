//===- FlattenEmptyTensors.cpp - zero-element ABI tensors become 0xT ------===//

#include "passes/ABI/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_FLATTENEMPTYTENSORSPASS
#include "passes/ABI/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// `tensor<0xT>` for a zero-element tensor type, null for any other type.
RankedTensorType flattened(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() || tensor.getNumElements() != 0)
    return {};
  return RankedTensorType::get({0}, tensor.getElementType());
}

struct FlattenEmptyTensorsPass
    : fmc::impl::FlattenEmptyTensorsPassBase<FlattenEmptyTensorsPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = lookupModelFunction(getOperation(), function);
    if (!func)
      return signalPassFailure();
    Block &entry = func.getBody().front();
    OpBuilder b(&getContext());
    b.setInsertionPointToStart(&entry);
    for (BlockArgument arg : entry.getArguments()) {
      RankedTensorType flat = flattened(arg.getType());
      if (!flat || flat == arg.getType())
        continue;
      auto original = cast<RankedTensorType>(arg.getType());
      Value empty = tensor::EmptyOp::create(
          b, arg.getLoc(), original.getShape(), original.getElementType());
      arg.replaceAllUsesWith(empty);
      arg.setType(flat);
    }
    // Every zero-element result gets its own `tensor.empty`, so that no two
    // results share one buffer.
    func.walk([&](func::ReturnOp ret) {
      b.setInsertionPoint(ret);
      for (OpOperand &operand : ret->getOpOperands())
        if (RankedTensorType flat = flattened(operand.get().getType()))
          operand.set(tensor::EmptyOp::create(b, ret.getLoc(), flat.getShape(),
                                              flat.getElementType()));
    });
    SmallVector<Type> results;
    for (Type type : func.getResultTypes()) {
      RankedTensorType flat = flattened(type);
      results.push_back(flat ? flat : type);
    }
    func.setType(b.getFunctionType(entry.getArgumentTypes(), results));
  }
};

} // namespace
