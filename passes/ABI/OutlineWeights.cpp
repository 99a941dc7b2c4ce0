//===- OutlineWeights.cpp - large constants become weight arguments -------===//

#include "dialects/Graph/IR/GraphOps.h"
#include "passes/ABI/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/BitVector.h"

#include <cstring>

namespace mlir::fmc {
#define GEN_PASS_DEF_OUTLINEWEIGHTSPASS
#include "passes/ABI/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

int64_t byteSize(ShapedType type) {
  return type.getNumElements() *
         llvm::divideCeil(type.getElementTypeBitWidth(), 8);
}

/// The constant as a resource attribute; dense constants are copied into a
/// new blob (splats expanded).
DenseResourceElementsAttr asResource(ElementsAttr value, StringRef name) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return resource;
  auto dense = cast<DenseElementsAttr>(value);
  auto type = cast<ShapedType>(dense.getType());
  ArrayRef<char> raw = dense.getRawData();
  std::vector<char> bytes;
  if (dense.isSplat()) {
    for (int64_t i = 0; i < type.getNumElements(); ++i)
      bytes.insert(bytes.end(), raw.begin(), raw.end());
    raw = bytes;
  }
  return createWeightResource(type, name, raw);
}

} // namespace

DenseResourceElementsAttr
mlir::fmc::createWeightResource(ShapedType type, StringRef name,
                                ArrayRef<char> bytes) {
  return DenseResourceElementsAttr::get(
      type, name, HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, 64));
}

std::vector<char> mlir::fmc::transposedBytes(ArrayRef<char> bytes, int64_t rows,
                                             int64_t cols,
                                             int64_t elementBytes) {
  std::vector<char> result(bytes.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      std::memcpy(result.data() + (c * rows + r) * elementBytes,
                  bytes.data() + (r * cols + c) * elementBytes, elementBytes);
  return result;
}

bool mlir::fmc::isBarePointerCompatible(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(memref.getStridesAndOffset(strides, offset)) &&
         !ShapedType::isDynamic(offset) &&
         llvm::none_of(strides, ShapedType::isDynamic);
}

func::FuncOp mlir::fmc::lookupModelFunction(ModuleOp module, StringRef name) {
  auto func = module.lookupSymbol<func::FuncOp>(name);
  if (!func)
    module.emitError("no model function named '") << name << "'";
  return func;
}

BlockArgument mlir::fmc::addWeightArgument(func::FuncOp func, Type type,
                                           DenseResourceElementsAttr data,
                                           Location loc) {
  MLIRContext *ctx = func.getContext();
  auto attrs = DictionaryAttr::get(
      ctx,
      {NamedAttribute(StringAttr::get(ctx, kWeightAttr), data),
       NamedAttribute(
           StringAttr::get(
               ctx, bufferization::BufferizationDialect::kWritableAttrName),
           BoolAttr::get(ctx, false))});
  unsigned index = func.getNumArguments();
  if (failed(func.insertArgument(index, type, attrs, loc))) {
    emitError(loc, "cannot add a weight argument");
    return {};
  }
  return func.getArgument(index);
}

LogicalResult mlir::fmc::eraseUnreadWeights(func::FuncOp func) {
  llvm::BitVector unread(func.getNumArguments());
  for (BlockArgument arg : func.getArguments())
    if (arg.use_empty() && func.getArgAttr(arg.getArgNumber(), kWeightAttr))
      unread.set(arg.getArgNumber());
  return func.eraseArguments(unread);
}

namespace {

struct OutlineWeightsPass
    : fmc::impl::OutlineWeightsPassBase<OutlineWeightsPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = lookupModelFunction(getOperation(), function);
    if (!func)
      return signalPassFailure();
    llvm::DenseMap<Attribute, BlockArgument> outlined;
    SmallVector<ConstantOp> constants;
    func.walk([&](ConstantOp op) { constants.push_back(op); });
    for (ConstantOp op : constants) {
      auto type = cast<ShapedType>(op.getType());
      // i1 dense data is bit-packed in MLIR; bool constants stay in the code.
      if (byteSize(type) < minBytes || type.getElementType().isInteger(1))
        continue;
      BlockArgument &arg = outlined[op.getValue()];
      if (!arg) {
        std::string name = "weight" + std::to_string(outlined.size() - 1);
        arg = addWeightArgument(func, op.getType(),
                                asResource(op.getValue(), name), op.getLoc());
        if (!arg)
          return signalPassFailure();
      }
      op.replaceAllUsesWith(arg);
      op.erase();
    }
  }
};

} // namespace
