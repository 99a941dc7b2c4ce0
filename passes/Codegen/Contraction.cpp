//===- Contraction.cpp - recognising f32 matmul-like linalg.generic -------===//

#include "passes/Codegen/Contraction.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"

using namespace mlir;
using namespace mlir::fmc;

SmallVector<Value> mlir::fmc::applyIndexingMap(OpBuilder &b, Location loc,
                                               AffineMap map,
                                               ArrayRef<OpFoldResult> loops) {
  SmallVector<Value> result;
  for (AffineExpr e : map.getResults())
    result.push_back(getValueOrCreateConstantIndexOp(
        b, loc,
        affine::makeComposedFoldedAffineApply(
            b, loc, AffineMap::get(map.getNumDims(), 0, e), loops)));
  return result;
}

AffineMap mlir::fmc::packedRhsMap(unsigned numLoops, unsigned n, unsigned k,
                                  int64_t width, MLIRContext *ctx) {
  AffineExpr nExpr = getAffineDimExpr(n, ctx);
  return AffineMap::get(
      numLoops, 0,
      {nExpr.floorDiv(width), getAffineDimExpr(k, ctx), nExpr % width}, ctx);
}

namespace {

/// Whether the body is `yield out + lhs * rhs` in f32 (either operand
/// order), where either input may first be extended from a narrower float
/// (`arith.extf`: weights or activations stored in f16/bf16); sets
/// `extendsLhs` / `extendsRhs` then.
bool isMultiplyAccumulate(linalg::GenericOp op, bool &extendsLhs,
                          bool &extendsRhs) {
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getValues().front().getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value lhs = body.getArgument(0), rhs = body.getArgument(1),
        out = body.getArgument(2);
  Value product = add.getLhs() == out ? add.getRhs() : add.getLhs();
  if (add.getLhs() != out && add.getRhs() != out)
    return false;
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return false;
  // Whether `v` is `arg` or its extension (noted in `extended`).
  auto reads = [](Value v, Value arg, bool &extended) {
    if (v == arg)
      return true;
    auto ext = v.getDefiningOp<arith::ExtFOp>();
    extended = ext && ext.getIn() == arg;
    return extended;
  };
  auto operands = [&](Value a, Value b) {
    extendsLhs = extendsRhs = false;
    return reads(a, lhs, extendsLhs) && reads(b, rhs, extendsRhs);
  };
  bool matches = operands(mul.getLhs(), mul.getRhs()) ||
                 operands(mul.getRhs(), mul.getLhs());
  return matches && body.getOperations().size() ==
                        3u + unsigned(extendsLhs) + unsigned(extendsRhs);
}

/// The dims a map indexes with plain dim results; fails on any other result
/// except a constant 0 (a broadcast size-1 dim).
FailureOr<SmallVector<unsigned>> plainDims(AffineMap map) {
  SmallVector<unsigned> dims;
  for (AffineExpr e : map.getResults()) {
    if (auto d = dyn_cast<AffineDimExpr>(e))
      dims.push_back(d.getPosition());
    else if (auto c = dyn_cast<AffineConstantExpr>(e); !c || c.getValue() != 0)
      return failure();
  }
  return dims;
}

/// Matches (n floordiv W, k, n mod W); returns W.
int64_t packedWidth(AffineMap map, unsigned &n, unsigned &k) {
  if (map.getNumResults() != 3)
    return 0;
  auto div = dyn_cast<AffineBinaryOpExpr>(map.getResult(0));
  auto kExpr = dyn_cast<AffineDimExpr>(map.getResult(1));
  auto mod = dyn_cast<AffineBinaryOpExpr>(map.getResult(2));
  if (!div || !kExpr || !mod || div.getKind() != AffineExprKind::FloorDiv ||
      mod.getKind() != AffineExprKind::Mod || div.getLHS() != mod.getLHS() ||
      div.getRHS() != mod.getRHS())
    return 0;
  auto nExpr = dyn_cast<AffineDimExpr>(div.getLHS());
  auto width = dyn_cast<AffineConstantExpr>(div.getRHS());
  if (!nExpr || !width || width.getValue() <= 0)
    return 0;
  n = nExpr.getPosition();
  k = kExpr.getPosition();
  return width.getValue();
}

} // namespace

FailureOr<Contraction> mlir::fmc::matchContraction(linalg::GenericOp op) {
  bool extendsLhs = false, extendsRhs = false;
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !isMultiplyAccumulate(op, extendsLhs, extendsRhs))
    return failure();
  Contraction c;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<ShapedType>(operand.get().getType());
    if (!type || !type.hasStaticShape())
      return failure();
    Type element = type.getElementType();
    unsigned number = operand.getOperandNumber();
    if ((extendsLhs && number == 0) || (extendsRhs && number == 1)) {
      if (!element.isF16() && !element.isBF16())
        return failure();
      (number == 0 ? c.narrowLhs : c.narrowRhs) = element;
    } else if (!element.isF32()) {
      return failure();
    }
  }
  c.sizes = op.getStaticLoopRanges();
  if (llvm::any_of(c.sizes, ShapedType::isDynamic))
    return failure();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (llvm::count(iterators, utils::IteratorType::reduction) != 1)
    return failure();
  c.k =
      llvm::find(iterators, utils::IteratorType::reduction) - iterators.begin();

  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  FailureOr<SmallVector<unsigned>> outDims = plainDims(maps[2]);
  if (failed(outDims) || outDims->size() != maps[2].getNumResults() ||
      outDims->size() + 1 != iterators.size() ||
      llvm::is_contained(*outDims, c.k))
    return failure();
  c.n = outDims->back();

  FailureOr<SmallVector<unsigned>> lhsDims = plainDims(maps[0]);
  if (failed(lhsDims) || !llvm::is_contained(*lhsDims, c.k) ||
      llvm::is_contained(*lhsDims, c.n))
    return failure();

  SmallVector<unsigned> rhsDims;
  unsigned pn, pk;
  if (int64_t width = packedWidth(maps[1], pn, pk)) {
    if (pn != c.n || pk != c.k)
      return failure();
    c.packedWidth = width;
    rhsDims = {c.k, c.n};
  } else {
    FailureOr<SmallVector<unsigned>> dims = plainDims(maps[1]);
    if (failed(dims) || !llvm::is_contained(*dims, c.k) ||
        !llvm::is_contained(*dims, c.n))
      return failure();
    rhsDims = *dims;
  }

  // Rows: parallel dims lhs indexes and rhs does not; the largest is m, the
  // others are looped over outside the kernel like batch dims.
  std::optional<unsigned> m;
  for (unsigned d : *outDims)
    if (d != c.n && llvm::is_contained(*lhsDims, d) &&
        !llvm::is_contained(rhsDims, d) && (!m || c.sizes[d] >= c.sizes[*m]))
      m = d;
  if (!m)
    return failure();
  c.m = *m;
  for (unsigned d : *outDims)
    if (d != c.m && d != c.n)
      c.outer.push_back(d);
  return c;
}
