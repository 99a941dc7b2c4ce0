//===- Reduction.cpp - reductions, softmax and layer norm to linalg -------===//

#include "dialects/Graph/IR/GraphOps.h"
#include "passes/Conversion/GraphToLinalg/Passes.h"
#include "passes/Conversion/GraphToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::fmc;

namespace {

enum class ReduceKind { Sum, Max, Min };

Value identityFor(OpBuilder &b, Location loc, Type type, ReduceKind kind) {
  if (kind == ReduceKind::Sum)
    return buildScalar(b, loc, type, 0.0);
  bool max = kind == ReduceKind::Max;
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(f, APFloat::getInf(f.getFloatSemantics(), max)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt v =
      max ? APInt::getSignedMinValue(width) : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
}

Value combineFor(OpBuilder &b, Location loc, Value acc, Value x,
                 ReduceKind kind) {
  bool f = isa<FloatType>(acc.getType());
  switch (kind) {
  case ReduceKind::Sum:
    return f ? Value(arith::AddFOp::create(b, loc, acc, x))
             : Value(arith::AddIOp::create(b, loc, acc, x));
  case ReduceKind::Max:
    return f ? Value(arith::MaximumFOp::create(b, loc, acc, x))
             : Value(arith::MaxSIOp::create(b, loc, acc, x));
  case ReduceKind::Min:
    return f ? Value(arith::MinimumFOp::create(b, loc, acc, x))
             : Value(arith::MinSIOp::create(b, loc, acc, x));
  }
  llvm_unreachable("unknown reduction");
}

/// Reduces `input` over `axes`, dropping them; `kind` picks the combiner.
Value reduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
             ReduceKind kind) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!llvm::is_contained(axes, d))
      shape.push_back(type.getDimSize(d));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value init = buildFilled(b, loc, resultType,
                           identityFor(b, loc, type.getElementType(), kind));
  return buildReduction(b, loc, input, axes, init,
                        [&](OpBuilder &nb, Location nloc, Value acc, Value x) {
                          return combineFor(nb, nloc, acc, x, kind);
                        });
}

/// The input shape with `axes` set to 1: what a keepdims reduction yields.
RankedTensorType keptType(RankedTensorType type, ArrayRef<int64_t> axes) {
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t axis : axes)
    shape[axis] = 1;
  return RankedTensorType::get(shape, type.getElementType());
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
    ReduceKind kind = std::is_same_v<OpTy, ReduceMaxOp>   ? ReduceKind::Max
                      : std::is_same_v<OpTy, ReduceMinOp> ? ReduceKind::Min
                                                          : ReduceKind::Sum;
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    Value result =
        reduce(rewriter, loc, adaptor.getInput(), op.getAxes(), kind);
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
    rewriter.replaceOp(op, buildReshape(rewriter, loc, result, op.getType()));
    return success();
  }
};

/// softmax(x) = exp(x - max) / sum(exp(x - max)) along the axis.
struct SoftmaxToLinalg : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = op.getType();
    int64_t axis = op.getAxis();
    RankedTensorType kept = keptType(type, axis);
    Value max =
        buildReshape(rewriter, loc,
                     reduce(rewriter, loc, input, axis, ReduceKind::Max), kept);
    Value exp = buildElementwise(
        rewriter, loc, type, ValueRange{input, max},
        [](OpBuilder &b, Location nloc, ValueRange s) -> Value {
          return math::ExpOp::create(
              b, nloc, arith::SubFOp::create(b, nloc, s[0], s[1]));
        });
    Value sum = buildReshape(
        rewriter, loc, reduce(rewriter, loc, exp, axis, ReduceKind::Sum), kept);
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, loc, type, ValueRange{exp, sum},
                [](OpBuilder &b, Location nloc, ValueRange s) -> Value {
                  return arith::DivFOp::create(b, nloc, s[0], s[1]);
                }));
    return success();
  }
};

/// y = (x - mean) * rsqrt(var + eps) * scale + bias over dims [axis, rank).
struct LayerNormToLinalg : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Type element = type.getElementType();
    SmallVector<int64_t> axes;
    for (int64_t d = op.getAxis(); d < type.getRank(); ++d)
      axes.push_back(d);
    RankedTensorType kept = keptType(type, axes);
    double count = countOver(type, axes);
    double epsilon = op.getEpsilon().convertToDouble();
    Value input = adaptor.getInput();
    auto divideByCount = [&](Value sum) {
      Value flat = buildElementwise(
          rewriter, loc, cast<RankedTensorType>(sum.getType()), sum,
          [&](OpBuilder &b, Location nloc, ValueRange s) -> Value {
            return arith::DivFOp::create(b, nloc, s[0],
                                         buildScalar(b, nloc, element, count));
          });
      return buildReshape(rewriter, loc, flat, kept);
    };
    Value mean =
        divideByCount(reduce(rewriter, loc, input, axes, ReduceKind::Sum));
    Value centered = buildElementwise(
        rewriter, loc, type, ValueRange{input, mean},
        [](OpBuilder &b, Location nloc, ValueRange s) -> Value {
          return arith::SubFOp::create(b, nloc, s[0], s[1]);
        });
    Value squares = buildElementwise(
        rewriter, loc, type, centered,
        [](OpBuilder &b, Location nloc, ValueRange s) -> Value {
          return arith::MulFOp::create(b, nloc, s[0], s[0]);
        });
    Value var =
        divideByCount(reduce(rewriter, loc, squares, axes, ReduceKind::Sum));
    SmallVector<Value> operands = {centered, var, adaptor.getScale()};
    if (adaptor.getBias())
      operands.push_back(adaptor.getBias());
    bool hasBias = static_cast<bool>(adaptor.getBias());
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, loc, type, operands,
                [&](OpBuilder &b, Location nloc, ValueRange s) -> Value {
                  Value eps = buildScalar(b, nloc, element, epsilon);
                  Value inv = math::RsqrtOp::create(
                      b, nloc, arith::AddFOp::create(b, nloc, s[1], eps));
                  Value y = arith::MulFOp::create(
                      b, nloc, arith::MulFOp::create(b, nloc, s[0], inv), s[2]);
                  return hasBias
                             ? Value(arith::AddFOp::create(b, nloc, y, s[3]))
                             : y;
                }));
    return success();
  }
};

} // namespace

void mlir::fmc::populateReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceToLinalg<ReduceSumOp>, ReduceToLinalg<ReduceMeanOp>,
               ReduceToLinalg<ReduceMaxOp>, ReduceToLinalg<ReduceMinOp>,
               SoftmaxToLinalg, LayerNormToLinalg>(patterns.getContext());
}
