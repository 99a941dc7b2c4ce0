//===- TransposeWeights.cpp - weights stored [n][k] for their GPU kernels -===//
//
// Some GPU matmul kernels (fmc-gpu-tile-matmul) read a weight better along
// k than along n, so a weight stored [k][n] is stored [n][k] instead at
// compile time when every reader is such a product:
// - The matrix-vector kernel (products of fewer than `min-rows` rows)
//   reads its rhs 16 bytes at a time along the dim the rhs stores
//   contiguously. A weight with n not a multiple of a 16-byte vector
//   (GPT-2's lm_head: 768 x 50257) has rows that are not 16-byte aligned,
//   so the kernel falls to one element per load there; the transposed
//   one is read along k in whole vectors.
// - With `tf32-warpgroup` (--precision=tf32 on sm_90a), an f32 product
//   that the warpgroup kernel's tiles fit: wgmma.mma_async takes tf32
//   operands K-major only, so the kernel copies only a weight whose k is
//   contiguous into its core matrices (else the product takes mma.sync).
//
//===----------------------------------------------------------------------===//

#include "passes/ABI/Passes.h"
#include "passes/Codegen/Contraction.h"
#include "passes/GPU/Passes.h"

#include "mlir/IR/AffineExpr.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/BitVector.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_TRANSPOSEWEIGHTSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

struct TransposeWeightsPass
    : fmc::impl::TransposeWeightsPassBase<TransposeWeightsPass> {
  using Base::Base;

  /// Whether `use` is the rhs, stored [k][n] with k a multiple of `width`,
  /// of a product that reads a transposed weight better: one of fewer than
  /// `minRows` rows with n not a multiple of `width` (the matrix-vector
  /// kernel's 16-byte vectors), or with `tf32Warpgroup` an f32 one whose
  /// lhs stores k contiguously and which the warpgroup kernel's tiles fit.
  bool readsBetterTransposed(OpOperand &use) {
    auto generic = dyn_cast<linalg::GenericOp>(use.getOwner());
    if (!generic || use.getOperandNumber() != 1)
      return false;
    FailureOr<Contraction> c = matchContraction(generic);
    if (failed(c) || c->packedWidth || c->narrowRhs)
      return false;
    MLIRContext *ctx = generic.getContext();
    AffineExpr k = getAffineDimExpr(c->k, ctx);
    AffineMap map = generic.getMatchingIndexingMap(&use);
    if (map.getResults() !=
            ArrayRef<AffineExpr>{k, getAffineDimExpr(c->n, ctx)} ||
        c->sizes[c->k] % width != 0)
      return false;
    if (c->sizes[c->m] < minRows)
      return c->sizes[c->n] % width != 0;
    return tf32Warpgroup && !c->narrowLhs &&
           generic.getIndexingMapsArray()[0].getResults().back() == k &&
           fitsWarpgroupMatmul(*c, Float32Type::get(ctx), sms, sharedBytes);
  }

  void runOnOperation() override {
    func::FuncOp func = lookupModelFunction(getOperation(), function);
    if (!func)
      return signalPassFailure();
    if (width <= 0) {
      getOperation().emitError("fmc-gpu-transpose-weights: width must be > 0");
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
