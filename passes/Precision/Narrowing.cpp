//===- Narrowing.cpp - what the f16/bf16 storage passes share -------------===//

#include "passes/Precision/Narrowing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::fmc;

FloatType mlir::fmc::parseNarrowType(Operation *op, StringRef pass,
                                     StringRef name) {
  MLIRContext *ctx = op->getContext();
  if (name == "f16")
    return Float16Type::get(ctx);
  if (name == "bf16")
    return BFloat16Type::get(ctx);
  op->emitError(pass) << ": type must be f16 or bf16, not '" << name << "'";
  return {};
}

void mlir::fmc::extendInBody(OpOperand &use) {
  auto generic = cast<linalg::GenericOp>(use.getOwner());
  Type narrow = getElementTypeOrSelf(use.get().getType());
  BlockArgument element = generic.getMatchingBlockArgument(&use);
  if (element.getType() == narrow)
    return;
  element.setType(narrow);
  OpBuilder b = OpBuilder::atBlockBegin(element.getOwner());
  auto wide =
      arith::ExtFOp::create(b, generic.getLoc(), b.getF32Type(), element);
  element.replaceAllUsesExcept(wide, wide);
}
