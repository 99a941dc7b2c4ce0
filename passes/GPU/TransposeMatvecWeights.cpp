//===- TransposeMatvecWeights.cpp - matrix-vector weights read along k ----===//
//
// The matrix-vector kernel (fmc-gpu-tile-matmul, products of a few rows)
// reads its rhs 16 bytes at a time along the dim the rhs stores
// contiguously: along n, lanes side by side over a row of columns; along k,
// a warp per column. A weight stored [k][n] with n not a multiple of a
// 16-byte vector (GPT-2's lm_head: 768 x 50257) has rows that are not
// 16-byte aligned, so the kernel falls to one element per load there,
// with a fraction of the bytes in flight. Such a weight, when every reader
// is a product of fewer than `min-rows` rows, is stored [n][k] instead at
// compile time: its readers then read whole 16-byte vectors along k.
//
//===----------------------------------------------------------------------===//

#include "passes/ABI/Passes.h"
#include "passes/Codegen/Contraction.h"
#include "passes/GPU/Passes.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/BitVector.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_TRANSPOSEMATVECWEIGHTSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

struct TransposeMatvecWeightsPass
    : fmc::impl::TransposeMatvecWeightsPassBase<TransposeMatvecWeightsPass> {
  using Base::Base;

  /// Whether `use` is the rhs, stored [k][n] with n not a multiple of
  /// `width` and k one, of a product of fewer than `minRows` rows: the
  /// products whose rhs reads a transposed weight as 16-byte vectors.
  bool readsBetterTransposed(OpOperand &use) {
    auto generic = dyn_cast<linalg::GenericOp>(use.getOwner());
    if (!generic || use.getOperandNumber() != 1)
      return false;
    FailureOr<Contraction> c = matchContraction(generic);
    if (failed(c) || c->packedWidth || c->narrowRhs)
      return false;
    MLIRContext *ctx = generic.getContext();
    AffineMap map = generic.getMatchingIndexingMap(&use);
    return map.getResults() ==
               ArrayRef<AffineExpr>{getAffineDimExpr(c->k, ctx),
                                    getAffineDimExpr(c->n, ctx)} &&
           c->sizes[c->m] < minRows && c->sizes[c->n] % width != 0 &&
           c->sizes[c->k] % width == 0;
  }

  void runOnOperation() override {
    func::FuncOp func = lookupModelFunction(getOperation(), function);
    if (!func)
      return signalPassFailure();
    if (width <= 0) {
      getOperation().emitError(
          "fmc-gpu-transpose-matvec-weights: width must be > 0");
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    Block &entry = func.getBody().front();
    llvm::BitVector replaced(func.getNumArguments());
    for (BlockArgument arg : llvm::to_vector(entry.getArguments())) {
      auto weight = func.getArgAttrOfType<DenseResourceElementsAttr>(
          arg.getArgNumber(), kWeightAttr);
      auto type = dyn_cast<RankedTensorType>(arg.getType());
      if (!weight || !type || type.getRank() != 2 || arg.use_empty() ||
          !type.getElementType().isIntOrFloat() ||
          !llvm::all_of(arg.getUses(), [&](OpOperand &use) {
            return readsBetterTransposed(use);
          }))
        continue;
      AsmResourceBlob *blob = weight.getRawHandle().getBlob();
      if (!blob)
        continue;
      int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
      auto transposedType =
          RankedTensorType::get({cols, rows}, type.getElementType());
      std::vector<char> data = transposedBytes(
          blob->getData(), rows, cols, type.getElementTypeBitWidth() / 8);
      BlockArgument copy = addWeightArgument(
          func, transposedType,
          createWeightResource(transposedType,
                               (weight.getRawHandle().getKey() + ".t").str(),
                               data),
          arg.getLoc());
      if (!copy)
        return signalPassFailure();
      for (OpOperand &use : llvm::make_early_inc_range(arg.getUses())) {
        auto generic = cast<linalg::GenericOp>(use.getOwner());
        SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
        AffineMap &rhs = maps[use.getOperandNumber()];
        rhs = AffineMap::get(rhs.getNumDims(), 0,
                             {rhs.getResult(1), rhs.getResult(0)}, ctx);
        use.set(copy);
        generic.setIndexingMapsAttr(
            ArrayAttr::get(ctx, llvm::map_to_vector(maps, [](AffineMap map) {
                             return Attribute(AffineMapAttr::get(map));
                           })));
      }
      replaced.resize(func.getNumArguments());
      replaced.set(arg.getArgNumber());
    }
    replaced.resize(func.getNumArguments());
    if (failed(func.eraseArguments(replaced)))
      return signalPassFailure();
  }
};

} // namespace
