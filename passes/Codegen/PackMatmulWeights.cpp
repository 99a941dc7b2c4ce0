//===- PackMatmulWeights.cpp - weights into microkernel column panels -----===//

#include "passes/ABI/Passes.h"
#include "passes/Codegen/Contraction.h"
#include "passes/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/BitVector.h"

#include <cstring>

namespace mlir::fmc {
#define GEN_PASS_DEF_PACKMATMULWEIGHTSPASS
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// The bytes of `weight` ([K, N], or [N, K] when `transposed`) rearranged
/// into ceil(N / width) panels of K x width floats, zero-padded.
std::vector<float> packPanels(ArrayRef<char> bytes, int64_t rows, int64_t cols,
                              bool transposed, int64_t width) {
  int64_t k = transposed ? cols : rows, n = transposed ? rows : cols;
  std::vector<float> source(rows * cols);
  std::memcpy(source.data(), bytes.data(), source.size() * sizeof(float));
  int64_t panels = llvm::divideCeil(n, width);
  std::vector<float> packed(size_t(panels * k * width), 0.0f);
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t j = 0; j < width && p * width + j < n; ++j) {
        int64_t col = p * width + j;
        packed[(p * k + kk) * width + j] =
            transposed ? source[col * k + kk] : source[kk * n + col];
      }
  return packed;
}

struct PackMatmulWeightsPass
    : fmc::impl::PackMatmulWeightsPassBase<PackMatmulWeightsPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = lookupModelFunction(getOperation(), function);
    if (!func)
      return signalPassFailure();
    if (width <= 0) {
      getOperation().emitError("fmc-pack-matmul-weights: width must be > 0");
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    Block &entry = func.getBody().front();
    // One packed copy per (weight, orientation).
    llvm::DenseMap<std::pair<unsigned, unsigned>, BlockArgument> packedArgs;
    llvm::BitVector replaced(func.getNumArguments());
    SmallVector<linalg::GenericOp> generics;
    func.walk([&](linalg::GenericOp op) { generics.push_back(op); });
    for (linalg::GenericOp op : generics) {
      FailureOr<Contraction> c = matchContraction(op);
      if (failed(c) || c->packedWidth || c->narrowRhs || c->narrowLhs)
        continue;
      // A transposed weight (Gemm's transB) is packed from the original.
      Value source = op.getDpsInputs()[1];
      linalg::TransposeOp transpose =
          source.getDefiningOp<linalg::TransposeOp>();
      bool flipped =
          transpose && transpose.getPermutation() == ArrayRef<int64_t>{1, 0};
      if (flipped)
        source = transpose.getInput();
      auto arg = dyn_cast<BlockArgument>(source);
      if (!arg || arg.getOwner() != &entry)
        continue;
      auto weight = func.getArgAttrOfType<DenseResourceElementsAttr>(
          arg.getArgNumber(), kWeightAttr);
      SmallVector<AffineMap> maps = op.getIndexingMapsArray();
      AffineMap rhsMap = maps[1];
      auto type = cast<RankedTensorType>(arg.getType());
      if (!weight || type.getRank() != 2 || type.getNumElements() < minElements)
        continue;
      AffineExpr kExpr = getAffineDimExpr(c->k, ctx),
                 nExpr = getAffineDimExpr(c->n, ctx);
      bool transposed;
      if (rhsMap.getResults() == ArrayRef<AffineExpr>{kExpr, nExpr})
        transposed = false;
      else if (rhsMap.getResults() == ArrayRef<AffineExpr>{nExpr, kExpr})
        transposed = true;
      else
        continue;
      transposed ^= flipped;
      AsmResourceBlob *blob = weight.getRawHandle().getBlob();
      if (!blob)
        continue;

      BlockArgument &packed =
          packedArgs[{arg.getArgNumber(), unsigned(transposed)}];
      if (!packed) {
        int64_t k = c->sizes[c->k], n = c->sizes[c->n];
        std::vector<float> data =
            packPanels(blob->getData(), type.getDimSize(0), type.getDimSize(1),
                       transposed, width);
        auto packedType = RankedTensorType::get(
            {int64_t(llvm::divideCeil(n, width)), k, width},
            type.getElementType());
        std::string name = (weight.getRawHandle().getKey() + ".packed").str();
        auto resource = createWeightResource(
            packedType, name,
            ArrayRef<char>(reinterpret_cast<const char *>(data.data()),
                           data.size() * sizeof(float)));
        packed =
            addWeightArgument(func, packedType, resource,
                              func.getArgument(arg.getArgNumber()).getLoc());
        if (!packed)
          return signalPassFailure();
      }
      op->setOperand(1, packed);
      maps[1] = packedRhsMap(maps[1].getNumDims(), c->n, c->k, width, ctx);
      op.setIndexingMapsAttr(
          ArrayAttr::get(ctx, llvm::map_to_vector(maps, [](AffineMap map) {
                           return Attribute(AffineMapAttr::get(map));
                         })));
      if (flipped && transpose->use_empty())
        transpose->erase();
      replaced.set(arg.getArgNumber());
    }
    // Originals the packed copies replaced entirely.
    llvm::BitVector unused(func.getNumArguments());
    for (unsigned i : replaced.set_bits())
      if (entry.getArgument(i).use_empty())
        unused.set(i);
    if (failed(func.eraseArguments(unused)))
      return signalPassFailure();
  }
};

} // namespace
