//===- Reduction.cpp - reductions, softmax and layer norm to linalg -------===//

#include "dialects/Graph/IR/GraphOps.h"
#include "passes/Conversion/GraphToLinalg/Passes.h"
#include "passes/Conversion/GraphToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::fmc;

namespace {

enum class ReduceKind { Sum, Prod, Max, Min };

Value identityFor(OpBuilder &b, Location loc, Type type, ReduceKind kind,
                  bool isUnsigned = false) {
  if (kind == ReduceKind::Sum)
    return buildScalar(b, loc, type, 0.0);
  if (kind == ReduceKind::Prod)
    return buildScalar(b, loc, type, 1.0);
  bool max = kind == ReduceKind::Max;
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(f, APFloat::getInf(f.getFloatSemantics(), max)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt v = isUnsigned
                ? (max ? APInt::getMinValue(width) : APInt::getMaxValue(width))
            : max ? APInt::getSignedMinValue(width)
                  : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
}

Value combineFor(OpBuilder &b, Location loc, Value acc, Value x,
                 ReduceKind kind, bool isUnsigned = false) {
  bool f = isa<FloatType>(acc.getType());
  switch (kind) {
  case ReduceKind::Sum:
    return f ? Value(arith::AddFOp::create(b, loc, acc, x))
             : Value(arith::AddIOp::create(b, loc, acc, x));
  case ReduceKind::Prod:
    return f ? Value(arith::MulFOp::create(b, loc, acc, x))
             : Value(arith::MulIOp::create(b, loc, acc, x));
  case ReduceKind::Max:
    if (f)
      return arith::MaximumFOp::create(b, loc, acc, x);
    return isUnsigned ? Value(arith::MaxUIOp::create(b, loc, acc, x))
                      : Value(arith::MaxSIOp::create(b, loc, acc, x));
  case ReduceKind::Min:
    if (f)
      return arith::MinimumFOp::create(b, loc, acc, x);
    return isUnsigned ? Value(arith::MinUIOp::create(b, loc, acc, x))
                      : Value(arith::MinSIOp::create(b, loc, acc, x));
  }
  llvm_unreachable("unknown reduction");
}

/// Reduces `input` over `axes`, dropping them; `kind` picks the combiner.
Value reduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
             ReduceKind kind, bool isUnsigned = false) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!llvm::is_contained(axes, d))
      shape.push_back(type.getDimSize(d));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value init =
      buildFilled(b, loc, resultType,
                  identityFor(b, loc, type.getElementType(), kind, isUnsigned));
  return buildReduction(b, loc, input, axes, init,
                        [&](OpBuilder &nb, Location nloc, Value acc, Value x) {
                          return combineFor(nb, nloc, acc, x, kind, isUnsigned);
                        });
}

int64_t countOver(RankedTensorType type, ArrayRef<int64_t> axes) {
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= type.getDimSize(axis);
  return count;
}

template <typename OpTy> struct ReduceToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ReduceKind kind = std::is_same_v<OpTy, ReduceMaxOp>    ? ReduceKind::Max
                      : std::is_same_v<OpTy, ReduceMinOp>  ? ReduceKind::Min
                      : std::is_same_v<OpTy, ReduceProdOp> ? ReduceKind::Prod
                                                           : ReduceKind::Sum;
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    // Booleans order as unsigned (false < true).
    Type graphElement = op.getInput().getType().getElementType();
    bool isUnsigned =
        graphElement.isUnsignedInteger() || graphElement.isInteger(1);
    Value result = reduce(rewriter, loc, adaptor.getInput(), op.getAxes(), kind,
                          isUnsigned);
    if constexpr (std::is_same_v<OpTy, ReduceMeanOp>) {
      auto type = cast<RankedTensorType>(result.getType());
      Type element = type.getElementType();
      if (!isa<FloatType>(element))
        return rewriter.notifyMatchFailure(op, "integer mean");
      double count = countOver(inputType, op.getAxes());
      result = buildElementwise(
          rewriter, loc, type, result,
          [&](OpBuilder &b, Location nloc, ValueRange s) -> Value {
            return arith::DivFOp::create(b, nloc, s[0],
                                         buildScalar(b, nloc, element, count));
          });
    }
    rewriter.replaceOp(
        op, buildReshape(rewriter, loc, result, signless(op.getType())));
    return success();
  }
};

/// An elementwise op over `type` reading `full` (of `type`'s shape) and
/// `reduced`, a reduction of it over `axes`, indexed by the dims that are
/// not reduced; then `others`, broadcast numpy-style. The reduced operands
/// are not reshaped to keepdims, so that the op and the reductions before it
/// tile together by rows (fmc-fuse-row-reductions).
Value buildRowwise(OpBuilder &b, Location loc, RankedTensorType type,
                   Value full, Value reduced, ArrayRef<int64_t> axes,
                   ValueRange others, ScalarBodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> inputs = {full, reduced};
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(type.getRank(), ctx),
      getReducedMap(ctx, type.getRank(), axes)};
  for (Value other : others) {
    inputs.push_back(other);
    maps.push_back(
        getBroadcastMap(ctx, cast<RankedTensorType>(other.getType()).getShape(),
                        type.getShape()));
  }
  return buildParallelGeneric(b, loc, type, inputs, maps, body);
}

/// softmax(x) = exp(x - max) / sum(exp(x - max)) along the axis.
struct SoftmaxToLinalg : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = signless(op.getType());
    int64_t axis = op.getAxis();
    Value max = reduce(rewriter, loc, input, axis, ReduceKind::Max);
    Value exp =
        buildRowwise(rewriter, loc, type, input, max, axis, {},
                     [](OpBuilder &b, Location nloc, ValueRange s) -> Value {
                       return math::ExpOp::create(
                           b, nloc, arith::SubFOp::create(b, nloc, s[0], s[1]));
                     });
    Value sum = reduce(rewriter, loc, exp, axis, ReduceKind::Sum);
    rewriter.replaceOp(
        op,
        buildRowwise(rewriter, loc, type, exp, sum, axis, {},
                     [](OpBuilder &b, Location nloc, ValueRange s) -> Value {
                       return arith::DivFOp::create(b, nloc, s[0], s[1]);
                     }));
    return success();
  }
};

/// Layer norm, y = (x - mean) * rsqrt(var + eps) * scale [+ bias], or RMS
/// norm, y = x * rsqrt(mean(x^2) + eps) * scale [+ bias], over dims
/// [axis, rank). The means are the reductions' sums divided by the count
/// where they are used.
Value buildNorm(OpBuilder &b, Location loc, Value input, Value scale,
                Value bias, int64_t axis, double epsilon, bool rms) {
  auto type = cast<RankedTensorType>(input.getType());
  Type element = type.getElementType();
  SmallVector<int64_t> axes;
  for (int64_t d = axis; d < type.getRank(); ++d)
    axes.push_back(d);
  double count = countOver(type, axes);
  auto mean = [&](OpBuilder &nb, Location nloc, Value sum) -> Value {
    return arith::DivFOp::create(nb, nloc, sum,
                                 buildScalar(nb, nloc, element, count));
  };
  Value centered = input;
  if (!rms)
    centered = buildRowwise(
        b, loc, type, input, reduce(b, loc, input, axes, ReduceKind::Sum), axes,
        {}, [&](OpBuilder &nb, Location nloc, ValueRange s) -> Value {
          return arith::SubFOp::create(nb, nloc, s[0], mean(nb, nloc, s[1]));
        });
  Value squares =
      buildElementwise(b, loc, type, centered,
                       [](OpBuilder &nb, Location nloc, ValueRange s) -> Value {
                         return arith::MulFOp::create(nb, nloc, s[0], s[0]);
                       });
  Value sumOfSquares = reduce(b, loc, squares, axes, ReduceKind::Sum);
  SmallVector<Value> others = {scale};
  if (bias)
    others.push_back(bias);
  bool hasBias = static_cast<bool>(bias);
  return buildRowwise(
      b, loc, type, centered, sumOfSquares, axes, others,
      [&](OpBuilder &nb, Location nloc, ValueRange s) -> Value {
        Value eps = buildScalar(nb, nloc, element, epsilon);
        Value inv = math::RsqrtOp::create(
            nb, nloc,
            arith::AddFOp::create(nb, nloc, mean(nb, nloc, s[1]), eps));
        Value y = arith::MulFOp::create(
            nb, nloc, arith::MulFOp::create(nb, nloc, s[0], inv), s[2]);
        return hasBias ? Value(arith::AddFOp::create(nb, nloc, y, s[3])) : y;
      });
}

template <typename OpTy> struct NormToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildNorm(rewriter, op.getLoc(), adaptor.getInput(),
                                     adaptor.getScale(), adaptor.getBias(),
                                     op.getAxis(),
                                     op.getEpsilon().convertToDouble(),
                                     std::is_same_v<OpTy, RMSNormOp>));
    return success();
  }
};

/// sum = input + skip, then the norm of sum; both are results.
struct SkipNormToLinalg : OpConversionPattern<SkipNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SkipNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value sum = buildElementwise(
        rewriter, loc, signless(op.getSum().getType()),
        ValueRange{adaptor.getInput(), adaptor.getSkip()},
        [](OpBuilder &b, Location nloc, ValueRange s) -> Value {
          return arith::AddFOp::create(b, nloc, s[0], s[1]);
        });
    Value norm =
        buildNorm(rewriter, loc, sum, adaptor.getScale(), adaptor.getBias(),
                  op.getAxis(), op.getEpsilon().convertToDouble(), op.getRms());
    rewriter.replaceOp(op, {norm, sum});
    return success();
  }
};

/// ArgMax/ArgMin: one reduction carrying the best value and its index.
/// Ties keep the first index, or the last with select_last_index; NaN wins
/// (as in numpy).
template <typename OpTy> struct ArgReduceToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    constexpr bool isMax = std::is_same_v<OpTy, ArgMaxOp>;
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type element = inputType.getElementType();
    bool isFloat = isa<FloatType>(element);
    bool isUnsigned =
        getElementTypeOrSelf(op.getInput().getType()).isUnsignedInteger();
    int64_t axis = op.getAxis(), rank = inputType.getRank();
    bool last = op.getSelectLastIndex();

    SmallVector<int64_t> shape;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      iterators.push_back(d == axis ? utils::IteratorType::reduction
                                    : utils::IteratorType::parallel);
      if (d != axis) {
        shape.push_back(inputType.getDimSize(d));
        outExprs.push_back(getAffineDimExpr(d, ctx));
      }
    }
    // Start from the first element along the axis, index 0.
    SmallVector<int64_t> offsets(rank, 0), sizes(inputType.getShape()),
        strides(rank, 1);
    sizes[axis] = 1;
    auto firstType = RankedTensorType::get(shape, element);
    Value first = tensor::ExtractSliceOp::create(
        rewriter, loc, firstType, input, ValueRange{}, ValueRange{},
        ValueRange{}, rewriter.getDenseI64ArrayAttr(offsets),
        rewriter.getDenseI64ArrayAttr(sizes),
        rewriter.getDenseI64ArrayAttr(strides));
    auto indexType = RankedTensorType::get(shape, rewriter.getI64Type());
    Value zeros =
        buildFilled(rewriter, loc, indexType,
                    buildScalar(rewriter, loc, rewriter.getI64Type(), 0));
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   AffineMap::get(rank, 0, outExprs, ctx),
                                   AffineMap::get(rank, 0, outExprs, ctx)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{firstType, indexType}, input,
        ValueRange{first, zeros}, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value index = arith::IndexCastOp::create(
              b, nloc, b.getI64Type(), linalg::IndexOp::create(b, nloc, axis));
          Value better;
          if (isFloat) {
            auto strict =
                isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT;
            auto loose =
                isMax ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OLE;
            Value cmp =
                arith::CmpFOp::create(b, nloc, last ? loose : strict, x, best);
            // A NaN is better than any number, and the first NaN stays.
            Value xNaN =
                arith::CmpFOp::create(b, nloc, arith::CmpFPredicate::UNO, x, x);
            Value bestNaN = arith::CmpFOp::create(
                b, nloc, arith::CmpFPredicate::UNO, best, best);
            Value notBestNaN = arith::XOrIOp::create(
                b, nloc, bestNaN,
                arith::ConstantOp::create(b, nloc, b.getBoolAttr(true)));
            better = arith::AndIOp::create(
                b, nloc, arith::OrIOp::create(b, nloc, cmp, xNaN), notBestNaN);
          } else {
            arith::CmpIPredicate pred;
            if (isUnsigned)
              pred = isMax ? (last ? arith::CmpIPredicate::uge
                                   : arith::CmpIPredicate::ugt)
                           : (last ? arith::CmpIPredicate::ule
                                   : arith::CmpIPredicate::ult);
            else
              pred = isMax ? (last ? arith::CmpIPredicate::sge
                                   : arith::CmpIPredicate::sgt)
                           : (last ? arith::CmpIPredicate::sle
                                   : arith::CmpIPredicate::slt);
            better = arith::CmpIOp::create(b, nloc, pred, x, best);
          }
          linalg::YieldOp::create(
              b, nloc,
              ValueRange{
                  arith::SelectOp::create(b, nloc, better, x, best),
                  arith::SelectOp::create(b, nloc, better, index, bestIndex)});
        });
    rewriter.replaceOp(op, buildReshape(rewriter, loc, generic.getResult(1),
                                        signless(op.getType())));
    return success();
  }
};

/// CumSum/CumProd as a triangular reduction: result[i] combines input[k]
/// over k <= i
/// (k < i when exclusive; k >= i / k > i when reversed).
template <typename OpTy> struct CumulativeToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;
  static constexpr bool isProduct = std::is_same_v<OpTy, CumProdOp>;
  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t rank = type.getRank(), axis = op.getAxis();
    Type element = type.getElementType();
    // Loops: the result dims, then k (the summed position along the axis).
    SmallVector<AffineExpr> inExprs, outExprs;
    for (int64_t d = 0; d < rank; ++d) {
      outExprs.push_back(getAffineDimExpr(d, ctx));
      inExprs.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    }
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    SmallVector<AffineMap> maps = {AffineMap::get(rank + 1, 0, inExprs, ctx),
                                   AffineMap::get(rank + 1, 0, outExprs, ctx)};
    double identity = isProduct ? 1 : 0;
    Value init = buildFilled(rewriter, loc, type,
                             buildScalar(rewriter, loc, element, identity));
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    arith::CmpIPredicate pred = reverse
                                    ? (exclusive ? arith::CmpIPredicate::sgt
                                                 : arith::CmpIPredicate::sge)
                                    : (exclusive ? arith::CmpIPredicate::slt
                                                 : arith::CmpIPredicate::sle);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, adaptor.getInput(), init, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value k = linalg::IndexOp::create(b, nloc, rank);
          Value i = linalg::IndexOp::create(b, nloc, axis);
          Value in = arith::CmpIOp::create(b, nloc, pred, k, i);
          Value neutral = buildScalar(b, nloc, element, identity);
          Value term = arith::SelectOp::create(b, nloc, in, args[0], neutral);
          Value acc;
          if (isa<FloatType>(element))
            acc = isProduct
                      ? Value(arith::MulFOp::create(b, nloc, args[1], term))
                      : Value(arith::AddFOp::create(b, nloc, args[1], term));
          else
            acc = isProduct
                      ? Value(arith::MulIOp::create(b, nloc, args[1], term))
                      : Value(arith::AddIOp::create(b, nloc, args[1], term));
          linalg::YieldOp::create(b, nloc, acc);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::fmc::populateReductionToLinalgPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter) {
  patterns.add<ReduceToLinalg<ReduceSumOp>, ReduceToLinalg<ReduceMeanOp>,
               ReduceToLinalg<ReduceMaxOp>, ReduceToLinalg<ReduceMinOp>,
               ReduceToLinalg<ReduceProdOp>, ArgReduceToLinalg<ArgMaxOp>,
               ArgReduceToLinalg<ArgMinOp>, CumulativeToLinalg<CumSumOp>,
               CumulativeToLinalg<CumProdOp>, SoftmaxToLinalg,
               NormToLinalg<LayerNormOp>, NormToLinalg<RMSNormOp>,
               SkipNormToLinalg>(converter, patterns.getContext());
}
