//===- Elementwise.cpp - elementwise fmc ops to linalg.generic ------------===//

#include "dialects/Graph/IR/GraphOps.h"
#include "passes/Conversion/GraphToLinalg/Passes.h"
#include "passes/Conversion/GraphToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::fmc;

namespace {

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

/// ONNX Pow: the exponent may have another type than the base; the result
/// has the base's type. An integer base with a float exponent is computed in
/// the exponent's float type and truncated toward zero.
Value buildPowScalar(OpBuilder &b, Location loc, Value base, Value exponent) {
  Type type = base.getType(), expType = exponent.getType();
  auto resize = [&](Value v, Type to) -> Value {
    unsigned from = v.getType().getIntOrFloatBitWidth();
    unsigned width = to.getIntOrFloatBitWidth();
    if (v.getType() == to)
      return v;
    if (isa<IntegerType>(to))
      return from < width ? Value(arith::ExtSIOp::create(b, loc, to, v))
                          : Value(arith::TruncIOp::create(b, loc, to, v));
    if (from == width) // f16 <-> bf16, through f32
      v = arith::ExtFOp::create(b, loc, b.getF32Type(), v), from = 32;
    if (v.getType() == to)
      return v;
    return from < width ? Value(arith::ExtFOp::create(b, loc, to, v))
                        : Value(arith::TruncFOp::create(b, loc, to, v));
  };
  if (isa<FloatType>(type)) {
    Value e = isa<FloatType>(expType)
                  ? resize(exponent, type)
                  : Value(arith::SIToFPOp::create(b, loc, type, exponent));
    return math::PowFOp::create(b, loc, base, e);
  }
  if (isa<FloatType>(expType)) {
    Value wide = arith::SIToFPOp::create(b, loc, expType, base);
    Value p = math::PowFOp::create(b, loc, wide, exponent);
    return arith::FPToSIOp::create(b, loc, type, p);
  }
  return math::IPowIOp::create(b, loc, base, resize(exponent, type));
}

/// Shift amounts out of [0, width) give 0, or -1 for an arithmetic right
/// shift of a negative value (LLVM leaves them undefined; ONNX saturates).
Value buildShift(OpBuilder &b, Location loc, Value x, Value amount, bool left,
                 bool isUnsigned) {
  Type type = x.getType();
  Value zero = buildScalar(b, loc, type, 0);
  Value shifted, outOfRange = zero;
  if (left) {
    shifted = arith::ShLIOp::create(b, loc, x, amount);
  } else if (isUnsigned) {
    shifted = arith::ShRUIOp::create(b, loc, x, amount);
  } else {
    shifted = arith::ShRSIOp::create(b, loc, x, amount);
    Value negative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
    outOfRange = arith::SelectOp::create(b, loc, negative,
                                         buildScalar(b, loc, type, -1), zero);
  }
  // Unsigned comparison: negative amounts are out of range too.
  Value tooFar = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::uge, amount,
      buildScalar(b, loc, type, type.getIntOrFloatBitWidth()));
  return arith::SelectOp::create(b, loc, tooFar, outOfRange, shifted);
}

Value buildBinaryScalar(Operation *op, OpBuilder &b, Location loc, Value l,
                        Value r) {
  bool f = isFloat(l);
  // Signedness lives in the graph-level type; converted values are signless.
  // Booleans order as unsigned (false < true).
  Type graphElement = getElementTypeOrSelf(op->getOperand(0).getType());
  bool isUnsigned =
      graphElement.isUnsignedInteger() || graphElement.isInteger(1);
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](AddOp) -> Value {
        return f ? Value(arith::AddFOp::create(b, loc, l, r))
                 : Value(arith::AddIOp::create(b, loc, l, r));
      })
      .Case([&](SubOp) -> Value {
        return f ? Value(arith::SubFOp::create(b, loc, l, r))
                 : Value(arith::SubIOp::create(b, loc, l, r));
      })
      .Case([&](MulOp) -> Value {
        return f ? Value(arith::MulFOp::create(b, loc, l, r))
                 : Value(arith::MulIOp::create(b, loc, l, r));
      })
      .Case([&](DivOp) -> Value {
        if (f)
          return arith::DivFOp::create(b, loc, l, r);
        return isUnsigned ? Value(arith::DivUIOp::create(b, loc, l, r))
                          : Value(arith::DivSIOp::create(b, loc, l, r));
      })
      .Case([&](PowOp) -> Value { return buildPowScalar(b, loc, l, r); })
      .Case([&](MaxOp) -> Value {
        if (f)
          return arith::MaximumFOp::create(b, loc, l, r);
        return isUnsigned ? Value(arith::MaxUIOp::create(b, loc, l, r))
                          : Value(arith::MaxSIOp::create(b, loc, l, r));
      })
      .Case([&](MinOp) -> Value {
        if (f)
          return arith::MinimumFOp::create(b, loc, l, r);
        return isUnsigned ? Value(arith::MinUIOp::create(b, loc, l, r))
                          : Value(arith::MinSIOp::create(b, loc, l, r));
      })
      .Case([&](EqualOp) -> Value {
        return f ? Value(arith::CmpFOp::create(b, loc,
                                               arith::CmpFPredicate::OEQ, l, r))
                 : Value(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                               l, r));
      })
      .Case([&](LessOp) -> Value {
        return f ? Value(arith::CmpFOp::create(b, loc,
                                               arith::CmpFPredicate::OLT, l, r))
                 : Value(arith::CmpIOp::create(b, loc,
                                               isUnsigned
                                                   ? arith::CmpIPredicate::ult
                                                   : arith::CmpIPredicate::slt,
                                               l, r));
      })
      .Case([&](GreaterOp) -> Value {
        return f ? Value(arith::CmpFOp::create(b, loc,
                                               arith::CmpFPredicate::OGT, l, r))
                 : Value(arith::CmpIOp::create(b, loc,
                                               isUnsigned
                                                   ? arith::CmpIPredicate::ugt
                                                   : arith::CmpIPredicate::sgt,
                                               l, r));
      })
      .Case([&](GreaterEqualOp) -> Value {
        return f ? Value(arith::CmpFOp::create(b, loc,
                                               arith::CmpFPredicate::OGE, l, r))
                 : Value(arith::CmpIOp::create(b, loc,
                                               isUnsigned
                                                   ? arith::CmpIPredicate::uge
                                                   : arith::CmpIPredicate::sge,
                                               l, r));
      })
      .Case([&](LessEqualOp) -> Value {
        return f ? Value(arith::CmpFOp::create(b, loc,
                                               arith::CmpFPredicate::OLE, l, r))
                 : Value(arith::CmpIOp::create(b, loc,
                                               isUnsigned
                                                   ? arith::CmpIPredicate::ule
                                                   : arith::CmpIPredicate::sle,
                                               l, r));
      })
      .Case([&](AndOp) -> Value { return arith::AndIOp::create(b, loc, l, r); })
      .Case([&](OrOp) -> Value { return arith::OrIOp::create(b, loc, l, r); })
      .Case([&](XorOp) -> Value { return arith::XOrIOp::create(b, loc, l, r); })
      .Case([&](BitwiseAndOp) -> Value {
        return arith::AndIOp::create(b, loc, l, r);
      })
      .Case([&](BitwiseOrOp) -> Value {
        return arith::OrIOp::create(b, loc, l, r);
      })
      .Case([&](BitwiseXorOp) -> Value {
        return arith::XOrIOp::create(b, loc, l, r);
      })
      .Case([&](FModOp) -> Value {
        if (f)
          return arith::RemFOp::create(b, loc, l, r);
        return isUnsigned ? Value(arith::RemUIOp::create(b, loc, l, r))
                          : Value(arith::RemSIOp::create(b, loc, l, r));
      })
      .Case([&](ModOp) -> Value {
        if (isUnsigned)
          return arith::RemUIOp::create(b, loc, l, r);
        if (f) {
          // Floored: a C remainder whose sign differs from the divisor's
          // moves by one divisor.
          Value rem = arith::RemFOp::create(b, loc, l, r);
          Value zero = buildScalar(b, loc, l.getType(), 0.0);
          Value remNeg = arith::CmpFOp::create(
              b, loc, arith::CmpFPredicate::OLT, rem, zero);
          Value divNeg =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, r, zero);
          Value nonZero = arith::CmpFOp::create(
              b, loc, arith::CmpFPredicate::ONE, rem, zero);
          Value fix = arith::AndIOp::create(
              b, loc, nonZero, arith::XOrIOp::create(b, loc, remNeg, divNeg));
          return arith::SelectOp::create(
              b, loc, fix, arith::AddFOp::create(b, loc, rem, r), rem);
        }
        // The remainder takes the divisor's sign: fix up truncated remainders
        // whose sign differs from a non-zero divisor's.
        Value rem = arith::RemSIOp::create(b, loc, l, r);
        Value zero = buildScalar(b, loc, l.getType(), 0);
        Value remNeg =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rem, zero);
        Value divNeg =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
        Value nonZero =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rem, zero);
        Value fix = arith::AndIOp::create(
            b, loc, nonZero, arith::XOrIOp::create(b, loc, remNeg, divNeg));
        return arith::SelectOp::create(
            b, loc, fix, arith::AddIOp::create(b, loc, rem, r), rem);
      })
      .Case([&](ShiftLeftOp) -> Value {
        return buildShift(b, loc, l, r, /*left=*/true, isUnsigned);
      })
      .Case([&](ShiftRightOp) -> Value {
        return buildShift(b, loc, l, r, /*left=*/false, isUnsigned);
      });
}

/// x ** c for the exponents exporters emit (LayerNorm's x ** 2), without a
/// call to powf.
std::optional<double> splatExponent(Value rhs) {
  DenseFPElementsAttr attr;
  if (!matchPattern(rhs, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

template <typename OpTy> struct BinaryToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Operation *raw = op.getOperation();
    if constexpr (std::is_same_v<OpTy, PowOp>) {
      std::optional<double> exponent = splatExponent(op.getRhs());
      if (exponent &&
          (*exponent == 2.0 || *exponent == 1.0 || *exponent == 0.5) &&
          isa<FloatType>(signless(op.getType()).getElementType())) {
        double e = *exponent;
        rewriter.replaceOp(
            op,
            buildElementwise(
                rewriter, op.getLoc(), signless(op.getType()), adaptor.getLhs(),
                [&](OpBuilder &b, Location loc, ValueRange s) -> Value {
                  if (e == 2.0)
                    return arith::MulFOp::create(b, loc, s[0], s[0]);
                  if (e == 0.5)
                    return math::SqrtOp::create(b, loc, s[0]);
                  return s[0];
                }));
        return success();
      }
    }
    Value result =
        buildElementwise(rewriter, op.getLoc(), signless(op.getType()),
                         ValueRange{adaptor.getLhs(), adaptor.getRhs()},
                         [&](OpBuilder &b, Location loc, ValueRange s) {
                           return buildBinaryScalar(raw, b, loc, s[0], s[1]);
                         });
    rewriter.replaceOp(op, result);
    return success();
  }
};

Value buildUnaryScalar(Operation *op, OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  bool f = isa<FloatType>(type);
  if (getElementTypeOrSelf(op->getOperand(0).getType()).isUnsignedInteger()) {
    // Unsigned values are their own absolute value and ReLU; their sign is
    // 0 or 1.
    if (isa<AbsOp, ReluOp>(op))
      return x;
    if (isa<SignOp>(op)) {
      Value zero = buildScalar(b, loc, type, 0);
      Value pos =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
      return arith::ExtUIOp::create(b, loc, type, pos);
    }
  }
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](NegOp) -> Value {
        return f ? Value(arith::NegFOp::create(b, loc, x))
                 : Value(arith::SubIOp::create(
                       b, loc, buildScalar(b, loc, type, 0), x));
      })
      .Case([&](AbsOp) -> Value {
        return f ? Value(math::AbsFOp::create(b, loc, x))
                 : Value(math::AbsIOp::create(b, loc, x));
      })
      .Case([&](SqrtOp) -> Value { return math::SqrtOp::create(b, loc, x); })
      .Case([&](ExpOp) -> Value { return math::ExpOp::create(b, loc, x); })
      .Case([&](LogOp) -> Value { return math::LogOp::create(b, loc, x); })
      .Case([&](ErfOp) -> Value { return math::ErfOp::create(b, loc, x); })
      .Case([&](TanhOp) -> Value { return math::TanhOp::create(b, loc, x); })
      .Case([&](SigmoidOp) -> Value {
        Value one = buildScalar(b, loc, type, 1.0);
        Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
        return arith::DivFOp::create(b, loc, one,
                                     arith::AddFOp::create(b, loc, one, e));
      })
      .Case([&](GeluOp gelu) -> Value {
        Value half = buildScalar(b, loc, type, 0.5);
        Value one = buildScalar(b, loc, type, 1.0);
        Value inner;
        if (gelu.getApproximate() == "tanh") {
          // sqrt(2 / pi) (x + 0.044715 x^3)
          Value x3 = arith::MulFOp::create(
              b, loc, arith::MulFOp::create(b, loc, x, x), x);
          Value poly = arith::AddFOp::create(
              b, loc, x,
              arith::MulFOp::create(b, loc, buildScalar(b, loc, type, 0.044715),
                                    x3));
          inner = math::TanhOp::create(
              b, loc,
              arith::MulFOp::create(
                  b, loc, buildScalar(b, loc, type, 0.7978845608028654), poly));
        } else {
          inner = math::ErfOp::create(
              b, loc,
              arith::MulFOp::create(
                  b, loc, x, buildScalar(b, loc, type, 0.7071067811865476)));
        }
        return arith::MulFOp::create(b, loc,
                                     arith::MulFOp::create(b, loc, half, x),
                                     arith::AddFOp::create(b, loc, one, inner));
      })
      .Case([&](SiluOp) -> Value {
        Value one = buildScalar(b, loc, type, 1.0);
        Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
        return arith::DivFOp::create(b, loc, x,
                                     arith::AddFOp::create(b, loc, one, e));
      })
      .Case([&](ReluOp) -> Value {
        Value zero = buildScalar(b, loc, type, 0.0);
        return f ? Value(arith::MaximumFOp::create(b, loc, x, zero))
                 : Value(arith::MaxSIOp::create(b, loc, x, zero));
      })
      .Case([&](ReciprocalOp) -> Value {
        return arith::DivFOp::create(b, loc, buildScalar(b, loc, type, 1.0), x);
      })
      .Case([&](NotOp) -> Value {
        return arith::XOrIOp::create(
            b, loc, x, arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
      })
      .Case([&](BitwiseNotOp) -> Value {
        return arith::XOrIOp::create(b, loc, x, buildScalar(b, loc, type, -1));
      })
      .Case([&](CeilOp) -> Value { return math::CeilOp::create(b, loc, x); })
      .Case([&](FloorOp) -> Value { return math::FloorOp::create(b, loc, x); })
      .Case([&](RoundOp) -> Value {
        return math::RoundEvenOp::create(b, loc, x);
      })
      .Case([&](SinOp) -> Value { return math::SinOp::create(b, loc, x); })
      .Case([&](CosOp) -> Value { return math::CosOp::create(b, loc, x); })
      .Case([&](TanOp) -> Value { return math::TanOp::create(b, loc, x); })
      .Case([&](AsinOp) -> Value { return math::AsinOp::create(b, loc, x); })
      .Case([&](AcosOp) -> Value { return math::AcosOp::create(b, loc, x); })
      .Case([&](AtanOp) -> Value { return math::AtanOp::create(b, loc, x); })
      .Case([&](SinhOp) -> Value { return math::SinhOp::create(b, loc, x); })
      .Case([&](CoshOp) -> Value { return math::CoshOp::create(b, loc, x); })
      .Case([&](AsinhOp) -> Value { return math::AsinhOp::create(b, loc, x); })
      .Case([&](AcoshOp) -> Value { return math::AcoshOp::create(b, loc, x); })
      .Case([&](AtanhOp) -> Value { return math::AtanhOp::create(b, loc, x); })
      .Case([&](SignOp) -> Value {
        Value zero = buildScalar(b, loc, type, 0.0);
        Value one = buildScalar(b, loc, type, 1.0);
        Value minusOne = buildScalar(b, loc, type, -1.0);
        Value pos, neg;
        if (f) {
          pos =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
          neg =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
        } else {
          pos =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
          neg =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
        }
        // Zero and NaN pass through unchanged.
        return arith::SelectOp::create(
            b, loc, pos, one,
            arith::SelectOp::create(b, loc, neg, minusOne, x));
      })
      .Case([&](IsNaNOp) -> Value {
        return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
      })
      .Case([&](IsInfOp) -> Value {
        auto floatType = cast<FloatType>(type);
        Value inf = arith::ConstantOp::create(
            b, loc,
            b.getFloatAttr(floatType,
                           APFloat::getInf(floatType.getFloatSemantics())));
        return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                     math::AbsFOp::create(b, loc, x), inf);
      });
}

template <typename OpTy> struct UnaryToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Operation *raw = op.getOperation();
    rewriter.replaceOp(
        op, buildElementwise(rewriter, op.getLoc(), signless(op.getType()),
                             adaptor.getInput(),
                             [&](OpBuilder &b, Location loc, ValueRange s) {
                               return buildUnaryScalar(raw, b, loc, s[0]);
                             }));
    return success();
  }
};

/// Converts one scalar between (signless) element types with ONNX Cast
/// semantics (see fmc.cast); the flags say which integer sides are unsigned
/// and whether float results saturate.
Value buildCastScalar(OpBuilder &b, Location loc, Value x, Type to,
                      bool fromUnsigned, bool toUnsigned, bool saturate) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(to);
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (toInt && toInt.getWidth() == 1) {
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   buildScalar(b, loc, from, 0.0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 buildScalar(b, loc, from, 0));
  }
  bool zeroExtend = fromUnsigned || (fromInt && fromInt.getWidth() == 1);
  if (fromInt && toInt) {
    if (fromInt.getWidth() == toInt.getWidth())
      return x;
    if (fromInt.getWidth() < toInt.getWidth())
      return zeroExtend ? Value(arith::ExtUIOp::create(b, loc, to, x))
                        : Value(arith::ExtSIOp::create(b, loc, to, x));
    return arith::TruncIOp::create(b, loc, to, x);
  }
  if (fromInt && toFloat)
    return zeroExtend ? Value(arith::UIToFPOp::create(b, loc, to, x))
                      : Value(arith::SIToFPOp::create(b, loc, to, x));
  if (fromFloat && toInt && toInt.getWidth() < 8) {
    // 4- and 2-bit results wrap: through i64, whose range covers the values
    // ONNX converts.
    Value wide = arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
    return arith::TruncIOp::create(b, loc, to, wide);
  }
  if (fromFloat && toInt)
    return toUnsigned ? Value(arith::FPToUIOp::create(b, loc, to, x))
                      : Value(arith::FPToSIOp::create(b, loc, to, x));
  if (saturate) {
    // Clamp to the largest finite value of the result format, in the source
    // format (the limits of the 8- and 4-bit formats are exact there);
    // minimumf/maximumf keep NaN.
    APFloat limit = APFloat::getLargest(toFloat.getFloatSemantics());
    bool lost = false;
    limit.convert(fromFloat.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                  &lost);
    Value hi = arith::ConstantOp::create(b, loc, b.getFloatAttr(from, limit));
    Value lo = arith::ConstantOp::create(b, loc, b.getFloatAttr(from, -limit));
    x = arith::MaximumFOp::create(b, loc,
                                  arith::MinimumFOp::create(b, loc, x, hi), lo);
  }
  if (fromFloat.getWidth() < toFloat.getWidth())
    return arith::ExtFOp::create(b, loc, to, x);
  if (fromFloat.getWidth() > toFloat.getWidth())
    return arith::TruncFOp::create(b, loc, to, x);
  // Same width, different format (f16 <-> bf16): through f32.
  Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
  return arith::TruncFOp::create(b, loc, to, wide);
}

struct CastToLinalg : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type to = signless(op.getType()).getElementType();
    bool fromUnsigned =
        op.getInput().getType().getElementType().isUnsignedInteger();
    bool toUnsigned = op.getType().getElementType().isUnsignedInteger();
    rewriter.replaceOp(
        op, buildElementwise(rewriter, op.getLoc(), signless(op.getType()),
                             adaptor.getInput(),
                             [&](OpBuilder &b, Location loc, ValueRange s) {
                               return buildCastScalar(b, loc, s[0], to,
                                                      fromUnsigned, toUnsigned,
                                                      op.getSaturate());
                             }));
    return success();
  }
};

struct BitcastToLinalg : OpConversionPattern<BitcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BitcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = signless(op.getType());
    rewriter.replaceOp(
        op, buildElementwise(rewriter, op.getLoc(), type, adaptor.getInput(),
                             [&](OpBuilder &b, Location loc, ValueRange s) {
                               return arith::BitcastOp::create(
                                   b, loc, type.getElementType(), s[0]);
                             }));
    return success();
  }
};

struct WhereToLinalg : OpConversionPattern<WhereOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(WhereOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, op.getLoc(), signless(op.getType()),
                adaptor.getOperands(),
                [&](OpBuilder &b, Location loc, ValueRange s) -> Value {
                  return arith::SelectOp::create(b, loc, s[0], s[1], s[2]);
                }));
    return success();
  }
};

/// One generic over the input: each element reads its rotation partner in
/// the same row (d +- R/2, or d xor 1 when interleaved) and the cos/sin
/// entry of its position with tensor.extract; features d >= R pass through.
struct RotaryToLinalg : OpConversionPattern<RotaryOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RotaryOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = signless(op.getType());
    Value input = adaptor.getInput(), cos = adaptor.getCos(),
          sin = adaptor.getSin();
    auto cosType = cast<RankedTensorType>(cos.getType());
    int64_t rank = type.getRank(), cosRank = cosType.getRank();
    int64_t rotary = cosType.getShape().back();
    bool interleaved = op.getInterleaved();
    auto body = [&](OpBuilder &b, Location nloc, ValueRange s) -> Value {
      SmallVector<Value> index;
      for (int64_t d = 0; d < rank; ++d)
        index.push_back(linalg::IndexOp::create(b, nloc, d));
      auto constIndex = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(b, nloc, v);
      };
      Value d = index.back();
      Value inRotary = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::ult,
                                             d, constIndex(rotary));
      // Clamp so that the reads stay in bounds for the passed-through tail.
      Value dc = arith::MinUIOp::create(b, nloc, d, constIndex(rotary - 1));
      Value partner, negate;
      if (interleaved) {
        Value low = arith::AndIOp::create(b, nloc, dc, constIndex(1));
        negate = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::eq, low,
                                       constIndex(0));
        partner = arith::XOrIOp::create(b, nloc, dc, constIndex(1));
      } else {
        negate = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::ult, dc,
                                       constIndex(rotary / 2));
        partner = arith::SelectOp::create(
            b, nloc, negate,
            arith::AddIOp::create(b, nloc, dc, constIndex(rotary / 2)),
            arith::SubIOp::create(b, nloc, dc, constIndex(rotary / 2)));
      }
      SmallVector<Value> partnerIndex(index);
      partnerIndex.back() = partner;
      Value xp = tensor::ExtractOp::create(b, nloc, input, partnerIndex);
      Value rot = arith::SelectOp::create(
          b, nloc, negate, arith::NegFOp::create(b, nloc, xp), xp);
      SmallVector<Value> tableIndex;
      for (int64_t i = 0; i + 1 < cosRank; ++i)
        tableIndex.push_back(cosType.getDimSize(i) == 1
                                 ? constIndex(0)
                                 : index[i + rank - cosRank]);
      tableIndex.push_back(dc);
      Value c = tensor::ExtractOp::create(b, nloc, cos, tableIndex);
      Value sn = tensor::ExtractOp::create(b, nloc, sin, tableIndex);
      Value y = arith::AddFOp::create(b, nloc,
                                      arith::MulFOp::create(b, nloc, s[0], c),
                                      arith::MulFOp::create(b, nloc, rot, sn));
      return arith::SelectOp::create(b, nloc, inRotary, y, s[0]);
    };
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, type, input, body));
    return success();
  }
};

struct BroadcastToLinalg : OpConversionPattern<BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(),
                                            signless(op.getType()),
                                            adaptor.getInput(),
                                            [](OpBuilder &, Location,
                                               ValueRange s) { return s[0]; }));
    return success();
  }
};

struct ConstantToArith : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    TypedAttr value = cast<TypedAttr>(op.getValue());
    if (auto type = cast<RankedTensorType>(value.getType());
        type != signless(type)) {
      auto dense = dyn_cast<DenseElementsAttr>(value);
      if (!dense)
        return rewriter.notifyMatchFailure(op, "unsigned resource constant");
      value = dense.bitcast(signless(type).getElementType());
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

} // namespace

void mlir::fmc::populateElementwiseToLinalgPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<
      BinaryToLinalg<AddOp>, BinaryToLinalg<SubOp>, BinaryToLinalg<MulOp>,
      BinaryToLinalg<DivOp>, BinaryToLinalg<PowOp>, BinaryToLinalg<MaxOp>,
      BinaryToLinalg<MinOp>, BinaryToLinalg<EqualOp>, BinaryToLinalg<LessOp>,
      BinaryToLinalg<GreaterOp>, BinaryToLinalg<AndOp>, BinaryToLinalg<OrOp>,
      BinaryToLinalg<GreaterEqualOp>, BinaryToLinalg<LessEqualOp>,
      BinaryToLinalg<XorOp>, BinaryToLinalg<ModOp>, BinaryToLinalg<FModOp>,
      BinaryToLinalg<BitwiseAndOp>, BinaryToLinalg<BitwiseOrOp>,
      BinaryToLinalg<BitwiseXorOp>, BinaryToLinalg<ShiftLeftOp>,
      BinaryToLinalg<ShiftRightOp>>(converter, ctx);
  patterns.add<
      UnaryToLinalg<NegOp>, UnaryToLinalg<AbsOp>, UnaryToLinalg<SqrtOp>,
      UnaryToLinalg<ExpOp>, UnaryToLinalg<LogOp>, UnaryToLinalg<ErfOp>,
      UnaryToLinalg<TanhOp>, UnaryToLinalg<SigmoidOp>, UnaryToLinalg<ReluOp>,
      UnaryToLinalg<ReciprocalOp>, UnaryToLinalg<NotOp>,
      UnaryToLinalg<BitwiseNotOp>, UnaryToLinalg<CeilOp>,
      UnaryToLinalg<FloorOp>, UnaryToLinalg<RoundOp>, UnaryToLinalg<SignOp>,
      UnaryToLinalg<SinOp>, UnaryToLinalg<CosOp>, UnaryToLinalg<TanOp>,
      UnaryToLinalg<AsinOp>, UnaryToLinalg<AcosOp>, UnaryToLinalg<AtanOp>,
      UnaryToLinalg<SinhOp>, UnaryToLinalg<CoshOp>, UnaryToLinalg<AsinhOp>,
      UnaryToLinalg<AcoshOp>, UnaryToLinalg<AtanhOp>, UnaryToLinalg<IsNaNOp>,
      UnaryToLinalg<IsInfOp>, UnaryToLinalg<GeluOp>, UnaryToLinalg<SiluOp>>(
      converter, ctx);
  patterns.add<CastToLinalg, BitcastToLinalg, WhereToLinalg, BroadcastToLinalg,
               RotaryToLinalg, ConstantToArith>(converter, ctx);
}
