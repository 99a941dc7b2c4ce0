//===- FuseSiblingMatmuls.cpp - one product for weights read side by side -===//
//
// Exporters often write attention's query, key and value projections as
// three MatMuls of the same activation with three weights (LLaMA). Their
// weights [k][n_i] are concatenated at compile time into one [k][sum n_i],
// so one product reads the activation once and one kernel runs instead of
// three (a decode step's projections are launch-bound); each former
// product's value is a slice of the new one's.
//
//===----------------------------------------------------------------------===//

#include "passes/ABI/Passes.h"
#include "passes/Codegen/Contraction.h"
#include "passes/Fusion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

namespace mlir::fmc {
#define GEN_PASS_DEF_FUSESIBLINGMATMULSPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// A product that may join its siblings: its rhs a 2-D weight read (k, n),
/// its init a zero fill of an empty tensor, no op reading its value
/// directly as an elementwise op (which the matmul kernels could take as
/// their epilogue, and would not read a slice of a wider product).
struct Candidate {
  linalg::GenericOp op;
  BlockArgument weight;
  DenseResourceElementsAttr data;
  int64_t n;
};

struct FuseSiblingMatmulsPass
    : fmc::impl::FuseSiblingMatmulsPassBase<FuseSiblingMatmulsPass> {
  using Base::Base;

  std::optional<Candidate> candidate(func::FuncOp func, linalg::GenericOp op) {
    if (!op.hasPureTensorSemantics() || op->getNumResults() != 1)
      return std::nullopt;
    FailureOr<Contraction> c = matchContraction(op);
    if (failed(c) || c->packedWidth || c->narrowRhs)
      return std::nullopt;
    auto weight = dyn_cast<BlockArgument>(op.getDpsInputs()[1]);
    if (!weight || weight.getOwner() != &func.getBody().front())
      return std::nullopt;
    auto data = func.getArgAttrOfType<DenseResourceElementsAttr>(
        weight.getArgNumber(), kWeightAttr);
    auto type = dyn_cast<RankedTensorType>(weight.getType());
    MLIRContext *ctx = op.getContext();
    if (!data || !type || type.getRank() != 2 ||
        !type.getElementType().isIntOrFloat() ||
        op.getIndexingMapsArray()[1].getResults() !=
            ArrayRef<AffineExpr>{getAffineDimExpr(c->k, ctx),
                                 getAffineDimExpr(c->n, ctx)})
      return std::nullopt;
    auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
    if (!fill || !matchPattern(fill.getDpsInputs()[0], m_AnyZeroFloat()) ||
        !fill.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>())
      return std::nullopt;
    if (llvm::any_of(op->getResult(0).getUsers(), [](Operation *user) {
          return isa<linalg::GenericOp>(user);
        }))
      return std::nullopt;
    // The weight's bytes, whole elements of at least a byte each, as many
    // as its type holds (the concatenation copies rows of them).
    AsmResourceBlob *blob = data.getRawHandle().getBlob();
    unsigned bits = type.getElementTypeBitWidth();
    if (!blob || bits % 8 != 0 ||
        int64_t(blob->getData().size()) != type.getNumElements() * (bits / 8))
      return std::nullopt;
    return Candidate{op, weight, data, c->sizes[c->n]};
  }

  /// Whether `a` and `b` compute the same product but for n and the
  /// weight: same lhs and maps, same body, same output shape but for its
  /// last dim, weights of the same element type and rows.
  static bool siblings(Candidate a, Candidate b) {
    auto typeA = cast<RankedTensorType>(a.op->getResult(0).getType());
    auto typeB = cast<RankedTensorType>(b.op->getResult(0).getType());
    auto weightA = cast<RankedTensorType>(a.weight.getType());
    auto weightB = cast<RankedTensorType>(b.weight.getType());
    return a.op.getDpsInputs()[0] == b.op.getDpsInputs()[0] &&
           a.op.getIndexingMapsArray() == b.op.getIndexingMapsArray() &&
           a.op.getIteratorTypesArray() == b.op.getIteratorTypesArray() &&
           typeA.getElementType() == typeB.getElementType() &&
           typeA.getShape().drop_back() == typeB.getShape().drop_back() &&
           weightA.getElementType() == weightB.getElementType() &&
           weightA.getDimSize(0) == weightB.getDimSize(0) &&
           OperationEquivalence::isRegionEquivalentTo(
               &a.op.getRegion(), &b.op.getRegion(),
               OperationEquivalence::Flags::IgnoreLocations);
  }

  /// Replaces `group` (siblings, in program order) by one product over
  /// their weights concatenated along n, before the first; their values
  /// become slices of its.
  LogicalResult fuse(func::FuncOp func, ArrayRef<Candidate> group) {
    linalg::GenericOp first = group.front().op;
    auto weightType = cast<RankedTensorType>(group.front().weight.getType());
    int64_t rows = weightType.getDimSize(0);
    int64_t elementBytes = weightType.getElementTypeBitWidth() / 8;
    int64_t total = 0;
    std::string name;
    for (const Candidate &c : group) {
      total += c.n;
      name += (name.empty() ? "" : "+") + c.data.getRawHandle().getKey().str();
    }
    // Row r of the concatenation: row r of each weight, side by side.
    std::vector<char> bytes(rows * total * elementBytes);
    int64_t column = 0;
    for (const Candidate &c : group) {
      ArrayRef<char> source = c.data.getRawHandle().getBlob()->getData();
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(bytes.data() + (r * total + column) * elementBytes,
                    source.data() + r * c.n * elementBytes, c.n * elementBytes);
      column += c.n;
    }
    auto concatType =
        RankedTensorType::get({rows, total}, weightType.getElementType());
    BlockArgument weight = addWeightArgument(
        func, concatType, createWeightResource(concatType, name, bytes),
        first.getLoc());
    if (!weight)
      return failure();

    OpBuilder b(first);
    auto resultType = cast<RankedTensorType>(first->getResult(0).getType());
    SmallVector<int64_t> shape(resultType.getShape());
    shape.back() = total;
    auto wideType = resultType.clone(shape);
    auto fill = first.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
    Location loc = first.getLoc();
    Value empty =
        tensor::EmptyOp::create(b, loc, shape, wideType.getElementType());
    Value init =
        linalg::FillOp::create(b, fill.getLoc(), fill.getDpsInputs()[0], empty)
            .getResult(0);
    SmallVector<Location> locs;
    for (Candidate c : group)
      locs.push_back(c.op.getLoc());
    auto product = linalg::GenericOp::create(
        b, b.getFusedLoc(locs), TypeRange{wideType},
        ValueRange{first.getDpsInputs()[0], weight}, ValueRange{init},
        first.getIndexingMapsArray(), first.getIteratorTypesArray());
    IRMapping map;
    first.getRegion().cloneInto(&product.getRegion(), map);

    int64_t offset = 0;
    int64_t rank = resultType.getRank();
    for (Candidate c : group) {
      SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes,
          strides(rank, b.getIndexAttr(1));
      offsets.back() = b.getIndexAttr(offset);
      auto type = cast<RankedTensorType>(c.op->getResult(0).getType());
      for (int64_t size : type.getShape())
        sizes.push_back(b.getIndexAttr(size));
      Value slice = tensor::ExtractSliceOp::create(b, c.op.getLoc(), type,
                                                   product.getResult(0),
                                                   offsets, sizes, strides);
      c.op->getResult(0).replaceAllUsesWith(slice);
      offset += c.n;
    }
    for (Candidate c : group)
      c.op->erase();
    return success();
  }

  void runOnOperation() override {
    func::FuncOp func = lookupModelFunction(getOperation(), function);
    if (!func)
      return signalPassFailure();
    Block &entry = func.getBody().front();
    // Groups of siblings, each by its first member's lhs.
    SmallVector<SmallVector<Candidate>> groups;
    for (auto op : entry.getOps<linalg::GenericOp>()) {
      std::optional<Candidate> c = candidate(func, op);
      if (!c)
        continue;
      auto group = llvm::find_if(groups, [&](ArrayRef<Candidate> g) {
        return siblings(g.front(), *c);
      });
      if (group == groups.end())
        groups.push_back({*c});
      else
        group->push_back(*c);
    }
    for (ArrayRef<Candidate> group : groups) {
      if (group.size() < 2)
        continue;
      if (failed(fuse(func, group)))
        return signalPassFailure();
    }
    // Weights no other op reads any more.
    if (failed(eraseUnreadWeights(func)))
      return signalPassFailure();
  }
};

} // namespace
