//===- WidenHalfFloats.cpp - compute f16/bf16 graph ops in f32 ------------===//

#include "passes/Precision/Passes.h"

#include "dialects/Graph/IR/GraphOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_WIDENHALFFLOATSPASS
#include "passes/Precision/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

bool isHalf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<Float16Type, BFloat16Type>(tensor.getElementType());
}

Type widened(Type type) {
  if (!isHalf(type))
    return type;
  return cast<RankedTensorType>(type).clone(
      Float32Type::get(type.getContext()));
}

/// Ops that compute: their rounding depends on the precision they run in.
bool computes(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, PowOp, MaxOp, MinOp, ModOp, FModOp,
             EqualOp, LessOp, GreaterOp, GreaterEqualOp, LessEqualOp, NegOp,
             AbsOp, SqrtOp, ExpOp, LogOp, ErfOp, TanhOp, SigmoidOp, ReluOp,
             ReciprocalOp, CeilOp, FloorOp, RoundOp, SignOp, SinOp, CosOp,
             TanOp, AsinOp, AcosOp, AtanOp, SinhOp, CoshOp, AsinhOp, AcoshOp,
             AtanhOp, MatMulOp, EinsumOp, SoftmaxOp, LayerNormOp, RMSNormOp,
             SkipNormOp, GeluOp, SiluOp, RotaryOp, AttentionOp, ReduceSumOp,
             ReduceMeanOp, ReduceProdOp, CumSumOp, CumProdOp, ConvOp, PoolOp>(
      op);
}

struct WidenHalfFloatsPass
    : fmc::impl::WidenHalfFloatsPassBase<WidenHalfFloatsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> worklist;
    getOperation().walk([&](Operation *op) {
      if (computes(op) && (llvm::any_of(op->getOperandTypes(), isHalf) ||
                           llvm::any_of(op->getResultTypes(), isHalf)))
        worklist.push_back(op);
    });
    for (Operation *op : worklist) {
      OpBuilder b(op);
      for (OpOperand &operand : op->getOpOperands()) {
        Type type = operand.get().getType();
        if (isHalf(type))
          operand.set(
              CastOp::create(b, op->getLoc(), widened(type), operand.get()));
      }
      b.setInsertionPointAfter(op);
      for (OpResult result : op->getResults()) {
        Type type = result.getType();
        if (!isHalf(type))
          continue;
        result.setType(widened(type));
        auto narrow = CastOp::create(b, op->getLoc(), type, result);
        result.replaceAllUsesExcept(narrow.getResult(), narrow);
      }
    }
  }
};

} // namespace
