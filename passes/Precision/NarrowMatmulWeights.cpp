//===- NarrowMatmulWeights.cpp - f16/bf16 weights, f32 arithmetic ---------===//

#include "passes/ABI/Passes.h"
#include "passes/Precision/Narrowing.h"
#include "passes/Precision/Passes.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/BitVector.h"

#include <cstring>

namespace mlir::fmc {
#define GEN_PASS_DEF_NARROWMATMULWEIGHTSPASS
#include "passes/Precision/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// `bytes` (f32 values) rounded to nearest even in `type` (16 bits).
std::vector<uint16_t> narrow(ArrayRef<char> bytes, FloatType type) {
  std::vector<uint16_t> result(bytes.size() / sizeof(float));
  for (size_t i = 0; i < result.size(); ++i) {
    float value;
    std::memcpy(&value, bytes.data() + i * sizeof(float), sizeof(float));
    llvm::APFloat f(value);
    bool lost;
    f.convert(type.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    result[i] = uint16_t(f.bitcastToAPInt().getZExtValue());
  }
  return result;
}

/// Whether `op` is a reshape (collapse_shape or expand_shape) of a tensor:
/// narrowing its source narrows its result, element for element.
bool isTensorReshape(Operation *op) {
  return isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op);
}

/// Whether every use of `value` is an input of a generic on tensors,
/// directly or through reshapes; sets `contraction` when one of them has a
/// reduction.
bool onlyGenericInputs(Value value, bool &contraction) {
  for (OpOperand &use : value.getUses()) {
    Operation *owner = use.getOwner();
    if (isTensorReshape(owner)) {
      if (!onlyGenericInputs(owner->getResult(0), contraction))
        return false;
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(owner);
    if (!generic || !generic.hasPureTensorSemantics() ||
        !generic.isDpsInput(&use))
      return false;
    contraction |= generic.getNumReductionLoops() > 0;
  }
  return true;
}

/// Whether every use of `value` is an input of a generic on tensors, one of
/// them a contraction, directly or through reshapes (a convolution's filter
/// read as a matrix).
bool onlyMatmulInputs(Value value) {
  bool contraction = false;
  return onlyGenericInputs(value, contraction) && contraction;
}

/// A 2-D transpose of `weight` whose result only matmuls read (Gemm's
/// transB): transposed at compile time instead.
linalg::TransposeOp asTransposedWeight(OpOperand &use) {
  auto transpose = dyn_cast<linalg::TransposeOp>(use.getOwner());
  if (!transpose || use.get() != transpose.getInput() ||
      transpose.getPermutation() != ArrayRef<int64_t>{1, 0} ||
      transpose->getNumResults() != 1 ||
      !onlyMatmulInputs(transpose->getResult(0)))
    return {};
  return transpose;
}

/// Makes the generics that read `value` read `narrowValue` instead (the
/// same data in a narrow type) and extend each element to f32 where their
/// bodies receive it.
void extendInReaders(Value value, Value narrowValue) {
  for (OpOperand *use :
       llvm::to_vector(llvm::make_pointer_range(value.getUses()))) {
    use->set(narrowValue);
    Operation *owner = use->getOwner();
    if (isTensorReshape(owner)) {
      // The reshape of the narrow data is narrow; its readers extend.
      Value result = owner->getResult(0);
      auto type = cast<RankedTensorType>(result.getType());
      result.setType(
          type.clone(cast<ShapedType>(narrowValue.getType()).getElementType()));
      extendInReaders(result, result);
      continue;
    }
    extendInBody(*use);
  }
}

struct NarrowMatmulWeightsPass
    : fmc::impl::NarrowMatmulWeightsPassBase<NarrowMatmulWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = lookupModelFunction(getOperation(), function);
    if (!func)
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    FloatType narrowType =
        parseNarrowType(getOperation(), "fmc-narrow-matmul-weights", type);
    if (!narrowType)
      return signalPassFailure();
    Block &entry = func.getBody().front();
    auto resource = [&](RankedTensorType wide, StringRef name,
                        ArrayRef<char> f32Bytes) {
      std::vector<uint16_t> data = narrow(f32Bytes, narrowType);
      return createWeightResource(
          wide.clone(narrowType), (name + "." + type.getValue()).str(),
          ArrayRef<char>(reinterpret_cast<const char *>(data.data()),
                         data.size() * sizeof(uint16_t)));
    };
    llvm::BitVector unused(func.getNumArguments());
    for (BlockArgument arg : llvm::to_vector(entry.getArguments())) {
      auto weight = func.getArgAttrOfType<DenseResourceElementsAttr>(
          arg.getArgNumber(), kWeightAttr);
      auto tensor = dyn_cast<RankedTensorType>(arg.getType());
      if (!weight || !tensor || !tensor.getElementType().isF32())
        continue;
      AsmResourceBlob *blob = weight.getRawHandle().getBlob();
      if (!blob)
        continue;
      StringRef name = weight.getRawHandle().getKey();
      // Transposed readings share one transposed narrow copy.
      BlockArgument copy;
      for (OpOperand &use : llvm::make_early_inc_range(arg.getUses())) {
        linalg::TransposeOp transpose = asTransposedWeight(use);
        if (!transpose)
          continue;
        if (!copy) {
          auto type = cast<RankedTensorType>(transpose->getResult(0).getType());
          copy = addWeightArgument(
              func, type.clone(narrowType),
              resource(type, (name + ".t").str(),
                       transposedBytes(blob->getData(), tensor.getDimSize(0),
                                       tensor.getDimSize(1), sizeof(float))),
              arg.getLoc());
          if (!copy)
            return signalPassFailure();
        }
        Value result = transpose->getResult(0);
        extendInReaders(result, copy);
        Value init = transpose.getInit();
        transpose->erase();
        if (Operation *def = init.getDefiningOp(); def && def->use_empty())
          def->erase();
      }
      if (arg.use_empty()) {
        unused.resize(func.getNumArguments());
        unused.set(arg.getArgNumber());
        continue;
      }
      if (!onlyMatmulInputs(arg))
        continue;
      func.setArgAttr(arg.getArgNumber(), kWeightAttr,
                      resource(tensor, name, blob->getData()));
      arg.setType(tensor.clone(narrowType));
      extendInReaders(arg, arg);
    }
    unused.resize(func.getNumArguments());
    func.setType(FunctionType::get(ctx, entry.getArgumentTypes(),
                                   func.getFunctionType().getResults()));
    if (failed(func.eraseArguments(unused)))
      return signalPassFailure();
  }
};

} // namespace
