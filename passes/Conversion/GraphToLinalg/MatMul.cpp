//===- MatMul.cpp - fmc.matmul to a linalg contraction --------------------===//

#include "dialects/Graph/IR/GraphOps.h"
#include "passes/Conversion/GraphToLinalg/Passes.h"
#include "passes/Conversion/GraphToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// numpy matmul as one linalg.generic over (batch..., m, k, n). 1-D operands
/// are first reshaped to matrices; batch dims broadcast through the indexing
/// maps, so no operand is materialized at the broadcast shape.
struct MatMulToLinalg : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    Type element = lhsType.getElementType();
    if (lhsType.getRank() == 1) {
      lhsType = RankedTensorType::get({1, lhsType.getDimSize(0)}, element);
      lhs = buildReshape(rewriter, loc, lhs, lhsType);
    }
    if (rhsType.getRank() == 1) {
      rhsType = RankedTensorType::get({rhsType.getDimSize(0), 1}, element);
      rhs = buildReshape(rewriter, loc, rhs, rhsType);
    }
    SmallVector<int64_t> batch;
    if (failed(broadcastShapes(lhsType.getShape().drop_back(2),
                               rhsType.getShape().drop_back(2), batch)))
      return rewriter.notifyMatchFailure(op, "batch dims do not broadcast");
    int64_t nb = batch.size();
    int64_t m = lhsType.getDimSize(lhsType.getRank() - 2);
    int64_t n = rhsType.getDimSize(rhsType.getRank() - 1);
    SmallVector<int64_t> resultShape(batch);
    resultShape.append({m, n});
    auto resultType = RankedTensorType::get(resultShape, element);

    // Loops: batch dims, m, k, n. With n innermost the loop nest is a
    // contiguous multiply-accumulate over rows of rhs and out, which LLVM
    // vectorizes; k innermost would be a strict-order scalar reduction.
    int64_t numLoops = nb + 3, mDim = nb, kDim = nb + 1, nDim = nb + 2;
    auto operandMap = [&](RankedTensorType type, int64_t row, int64_t col) {
      SmallVector<AffineExpr> exprs;
      int64_t operandBatch = type.getRank() - 2, offset = nb - operandBatch;
      for (int64_t d = 0; d < operandBatch; ++d)
        exprs.push_back(type.getDimSize(d) == 1 && batch[d + offset] != 1
                            ? getAffineConstantExpr(0, ctx)
                            : getAffineDimExpr(d + offset, ctx));
      exprs.push_back(getAffineDimExpr(row, ctx));
      exprs.push_back(getAffineDimExpr(col, ctx));
      return AffineMap::get(numLoops, 0, exprs, ctx);
    };
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < nb; ++d)
      outExprs.push_back(getAffineDimExpr(d, ctx));
    outExprs.push_back(getAffineDimExpr(mDim, ctx));
    outExprs.push_back(getAffineDimExpr(nDim, ctx));
    SmallVector<AffineMap> maps = {operandMap(lhsType, mDim, kDim),
                                   operandMap(rhsType, kDim, nDim),
                                   AffineMap::get(numLoops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(numLoops,
                                               utils::IteratorType::parallel);
    iterators[kDim] = utils::IteratorType::reduction;

    Value init = buildFilled(rewriter, loc, resultType,
                             buildScalar(rewriter, loc, element, 0.0));
    Value product =
        buildMultiplyAccumulate(rewriter, loc, lhs, rhs, init, maps, iterators);
    rewriter.replaceOp(
        op, buildReshape(rewriter, loc, product, signless(op.getType())));
    return success();
  }
};

} // namespace

namespace {

/// Einsum as one linalg.generic: one loop per subscript, output subscripts
/// parallel, the others reductions; the body multiplies the operands and
/// accumulates. Size-1 dims broadcast against the subscript's size.
struct EinsumToLinalg : OpConversionPattern<EinsumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(EinsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto [lhs, out] = op.getEquation().split("->");
    SmallVector<StringRef> terms;
    lhs.split(terms, ',');
    // Loop order: output subscripts, then summed ones as they appear.
    std::string letters = out.str();
    llvm::DenseMap<char, int64_t> sizes;
    for (auto [term, input] : llvm::zip(terms, adaptor.getInputs())) {
      auto shape = cast<RankedTensorType>(input.getType()).getShape();
      for (auto [c, dim] : llvm::zip(term, shape)) {
        if (!llvm::is_contained(letters, c))
          letters.push_back(c);
        int64_t &size = sizes[c];
        size = std::max(size, dim);
      }
    }
    int64_t numLoops = letters.size();
    auto loopOf = [&](char c) { return int64_t(letters.find(c)); };
    SmallVector<AffineMap> maps;
    for (auto [term, input] : llvm::zip(terms, adaptor.getInputs())) {
      auto shape = cast<RankedTensorType>(input.getType()).getShape();
      SmallVector<AffineExpr> exprs;
      for (auto [c, dim] : llvm::zip(term, shape))
        exprs.push_back(dim == 1 && sizes[c] != 1
                            ? getAffineConstantExpr(0, ctx)
                            : getAffineDimExpr(loopOf(c), ctx));
      maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
    }
    SmallVector<AffineExpr> outExprs;
    for (char c : out)
      outExprs.push_back(getAffineDimExpr(loopOf(c), ctx));
    maps.push_back(AffineMap::get(numLoops, 0, outExprs, ctx));
    SmallVector<utils::IteratorType> iterators;
    for (int64_t i = 0; i < numLoops; ++i)
      iterators.push_back(i < int64_t(out.size())
                              ? utils::IteratorType::parallel
                              : utils::IteratorType::reduction);
    RankedTensorType type = signless(op.getType());
    Type element = type.getElementType();
    bool f = isa<FloatType>(element);
    Value init = buildFilled(rewriter, loc, type,
                             buildScalar(rewriter, loc, element, 0));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, adaptor.getInputs(), init, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value product = args[0];
          for (Value v : args.drop_front().drop_back())
            product = f ? Value(arith::MulFOp::create(b, nloc, product, v))
                        : Value(arith::MulIOp::create(b, nloc, product, v));
          Value acc = args.back();
          linalg::YieldOp::create(
              b, nloc,
              f ? Value(arith::AddFOp::create(b, nloc, acc, product))
                : Value(arith::AddIOp::create(b, nloc, acc, product)));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::fmc::populateMatMulToLinalgPatterns(RewritePatternSet &patterns,
                                               const TypeConverter &converter) {
  patterns.add<MatMulToLinalg, EinsumToLinalg>(converter,
                                               patterns.getContext());
}
