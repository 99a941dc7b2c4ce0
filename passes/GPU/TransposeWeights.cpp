//===- TransposeWeights.cpp - weights laid out for their GPU kernels ------===//
//
// A 2-D weight that only matmuls read, directly or through a transpose
// (Gemm's transB), is stored at compile time with the rows its kernels
// (fmc-gpu-tile-matmul) read best, and the transposes are folded into the
// products' maps, so no kernel transposes a weight at run time:
// - The matrix-vector kernel (products of fewer than `min-rows` rows)
//   reads its rhs 16 bytes at a time along the dim the rhs stores
//   contiguously. A weight with n not a multiple of a 16-byte vector
//   (GPT-2's lm_head: 768 x 50257) has rows that are not 16-byte aligned,
//   so the kernel falls to one element per load there; stored [n][k] it is
//   read along k in whole vectors.
// - With `tf32-warpgroup` (--precision=tf32 on sm_90a), an f32 product
//   that the warpgroup kernel's tiles fit: wgmma.mma_async takes tf32
//   operands K-major only, so the kernel copies only a weight whose k is
//   contiguous into its core matrices (else the product takes mma.sync).
// - The other tiled kernels copy 16-byte vectors along n into their
//   [k][n] slices: they read [k][n] best.
//
//===----------------------------------------------------------------------===//

#include "passes/ABI/Passes.h"
#include "passes/Codegen/Contraction.h"
#include "passes/GPU/Passes.h"

#include "mlir/IR/AffineExpr.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_TRANSPOSEWEIGHTSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// A product that reads a weight: the rhs operand of a contraction, reading
/// the weight itself or, through `transpose`, its 2-D transpose.
struct Reader {
  OpOperand *operand;
  linalg::TransposeOp transpose;
  /// Whether the weight's rows are the product's k (it reads the weight
  /// stored [k][n], N-major) rather than its n ([n][k], K-major).
  bool rowsAreK;
};

/// The layout a product reads its rhs best in.
enum class Preference { KMajor, NMajor, Either };

/// Swaps the two results of operand `use`'s indexing map in its generic.
void swapRhsMap(OpOperand &use) {
  auto generic = cast<linalg::GenericOp>(use.getOwner());
  MLIRContext *ctx = generic.getContext();
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  AffineMap &rhs = maps[use.getOperandNumber()];
  rhs = AffineMap::get(rhs.getNumDims(), 0,
                       {rhs.getResult(1), rhs.getResult(0)}, ctx);
  generic.setIndexingMapsAttr(
      ArrayAttr::get(ctx, llvm::map_to_vector(maps, [](AffineMap map) {
                       return Attribute(AffineMapAttr::get(map));
                     })));
}

struct TransposeWeightsPass
    : fmc::impl::TransposeWeightsPassBase<TransposeWeightsPass> {
  using Base::Base;

  /// Whether `use` is the rhs of a contraction that reads it (k, n) or (n,
  /// k); its rows' dim then, or nothing where it is not.
  std::optional<bool> rowsAreK(OpOperand &use) {
    auto generic = dyn_cast<linalg::GenericOp>(use.getOwner());
    if (!generic || use.getOperandNumber() != 1)
      return std::nullopt;
    FailureOr<Contraction> c = matchContraction(generic);
    if (failed(c) || c->packedWidth || c->narrowRhs)
      return std::nullopt;
    MLIRContext *ctx = generic.getContext();
    AffineExpr k = getAffineDimExpr(c->k, ctx), n = getAffineDimExpr(c->n, ctx);
    ArrayRef<AffineExpr> results =
        generic.getMatchingIndexingMap(&use).getResults();
    if (results == ArrayRef<AffineExpr>{k, n})
      return true;
    if (results == ArrayRef<AffineExpr>{n, k})
      return false;
    return std::nullopt;
  }

  /// The layout the product reading `use` (a contraction's rhs) reads best:
  /// K-major, with k a multiple of `width`, for one of fewer than `minRows`
  /// rows with n not a multiple of `width` (the matrix-vector kernel reads
  /// its rhs 16 bytes at a time along the contiguous dim) or, with
  /// `tf32Warpgroup`, an f32 one whose lhs stores k contiguously and which
  /// the warpgroup kernel's tiles fit; either for other matrix-vector
  /// products; N-major for the other tiled kernels, which copy 16-byte
  /// vectors along n into their [k][n] slices.
  Preference preference(OpOperand &use) {
    auto generic = cast<linalg::GenericOp>(use.getOwner());
    Contraction c = *matchContraction(generic);
    MLIRContext *ctx = generic.getContext();
    AffineExpr k = getAffineDimExpr(c.k, ctx);
    bool kAligned = c.sizes[c.k] % width == 0;
    if (c.sizes[c.m] < minRows)
      return kAligned && c.sizes[c.n] % width != 0 ? Preference::KMajor
                                                   : Preference::Either;
    if (kAligned && tf32Warpgroup && !c.narrowLhs &&
        generic.getIndexingMapsArray()[0].getResults().back() == k &&
        fitsWarpgroupMatmul(c, Float32Type::get(ctx), sms, sharedBytes))
      return Preference::KMajor;
    return Preference::NMajor;
  }

  /// The products that read `arg`, directly or through 2-D transposes that
  /// only products read; none if anything else reads it.
  std::optional<SmallVector<Reader>> readers(BlockArgument arg) {
    SmallVector<Reader> found;
    for (OpOperand &use : arg.getUses()) {
      if (std::optional<bool> rows = rowsAreK(use)) {
        found.push_back({&use, {}, *rows});
        continue;
      }
      auto transpose = dyn_cast<linalg::TransposeOp>(use.getOwner());
      if (!transpose || use.get() != transpose.getInput() ||
          transpose.getPermutation() != ArrayRef<int64_t>{1, 0})
        return std::nullopt;
      for (OpOperand &read : transpose->getResult(0).getUses()) {
        std::optional<bool> rows = rowsAreK(read);
        if (!rows)
          return std::nullopt;
        // The transpose's rows are the weight's columns.
        found.push_back({&read, transpose, !*rows});
      }
    }
    return found;
  }

  void runOnOperation() override {
    func::FuncOp func = lookupModelFunction(getOperation(), function);
    if (!func)
      return signalPassFailure();
    if (width <= 0) {
      getOperation().emitError("fmc-gpu-transpose-weights: width must be > 0");
      return signalPassFailure();
    }
    Block &entry = func.getBody().front();
    llvm::BitVector replaced(func.getNumArguments());
    for (BlockArgument arg : llvm::to_vector(entry.getArguments())) {
      auto weight = func.getArgAttrOfType<DenseResourceElementsAttr>(
          arg.getArgNumber(), kWeightAttr);
      auto type = dyn_cast<RankedTensorType>(arg.getType());
      if (!weight || !type || type.getRank() != 2 || arg.use_empty() ||
          !type.getElementType().isIntOrFloat())
        continue;
      std::optional<SmallVector<Reader>> found = readers(arg);
      if (!found || found->empty())
        continue;
      // The weight's rows: n where every product reads K-major best or
      // does not mind (and one does), else k where one reads N-major best.
      // Where none minds, transposes are folded into the products: the
      // rows stay as they are if every product reads them the same way.
      bool anyKMajor = false, anyNMajor = false, anyTransposed = false;
      bool sameRows = llvm::all_equal(
          llvm::map_range(*found, [](const Reader &r) { return r.rowsAreK; }));
      for (Reader &r : *found) {
        Preference p = preference(*r.operand);
        anyKMajor |= p == Preference::KMajor;
        anyNMajor |= p == Preference::NMajor;
        anyTransposed |= bool(r.transpose);
      }
      std::optional<bool> rowsK;
      if (anyKMajor && !anyNMajor)
        rowsK = false;
      else if (anyNMajor)
        rowsK = true;
      else if (anyTransposed)
        rowsK = sameRows ? found->front().rowsAreK : true;
      if (!rowsK || llvm::all_of(*found, [&](const Reader &r) {
            return !r.transpose && r.rowsAreK == *rowsK;
          }))
        continue;
      AsmResourceBlob *blob = weight.getRawHandle().getBlob();
      if (!blob)
        continue;
      // Readers whose rows differ read a transposed copy of the weight.
      BlockArgument copy;
      for (Reader &r : *found) {
        Value source = arg;
        if (r.rowsAreK != *rowsK) {
          if (!copy) {
            int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
            auto transposedType =
                RankedTensorType::get({cols, rows}, type.getElementType());
            copy = addWeightArgument(
                func, transposedType,
                createWeightResource(
                    transposedType,
                    (weight.getRawHandle().getKey() + ".t").str(),
                    transposedBytes(blob->getData(), rows, cols,
                                    type.getElementTypeBitWidth() / 8)),
                arg.getLoc());
            if (!copy)
              return signalPassFailure();
          }
          source = copy;
        }
        // Through a transpose, the product read the weight's rows as the
        // other dim; reading `source` (the weight, or its transpose) it
        // reads them as they are iff its rows are those it wants.
        if (bool(r.transpose) != (source == copy))
          swapRhsMap(*r.operand);
        r.operand->set(source);
      }
      llvm::SetVector<Operation *> transposes;
      for (Reader &r : *found)
        if (r.transpose)
          transposes.insert(r.transpose);
      for (Operation *op : transposes) {
        Value init = cast<linalg::TransposeOp>(op).getInit();
        op->erase();
        if (Operation *def = init.getDefiningOp(); def && def->use_empty())
          def->erase();
      }
      if (arg.use_empty()) {
        replaced.resize(func.getNumArguments());
        replaced.set(arg.getArgNumber());
      }
    }
    replaced.resize(func.getNumArguments());
    if (failed(func.eraseArguments(replaced)))
      return signalPassFailure();
  }
};

} // namespace
