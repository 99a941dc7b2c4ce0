//===- ExpandSmallFloats.cpp - 8/4-bit float conversions as int math ------===//

#include "passes/Precision/Passes.h"

#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/APFloat.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_EXPANDSMALLFLOATSPASS
#include "passes/Precision/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

bool isSmallFloat(Type type) {
  auto f = dyn_cast<FloatType>(type);
  return f && f.getWidth() <= 8;
}

/// The parameters of a small float format, read from its APFloat semantics.
struct Format {
  unsigned width;        // total bits
  unsigned mantissaBits; // stored fraction bits
  int minExponent;       // exponent of the smallest normal value
  int maxExponent;       // exponent of the largest finite value
  int bias;              // exponent field = exponent + bias
  bool hasInf, hasNaN;
  bool nanIsNegativeZero; // FNUZ: the pattern of -0 is the only NaN
  bool nanIsAllOnes;      // f8E4M3FN: S.1111.111 is NaN, there is no infinity
  uint32_t nanBits, infBits, largestBits;
  float largest;

  explicit Format(FloatType type) {
    const llvm::fltSemantics &sem = type.getFloatSemantics();
    width = type.getWidth();
    mantissaBits = llvm::APFloat::semanticsPrecision(sem) - 1;
    minExponent = llvm::APFloat::semanticsMinExponent(sem);
    maxExponent = llvm::APFloat::semanticsMaxExponent(sem);
    bias = 1 - minExponent;
    hasInf = llvm::APFloat::semanticsHasInf(sem);
    hasNaN = llvm::APFloat::semanticsHasNaN(sem);
    uint32_t signBit = 1u << (width - 1);
    nanBits =
        hasNaN ? llvm::APFloat::getNaN(sem).bitcastToAPInt().getZExtValue() : 0;
    nanIsNegativeZero = hasNaN && nanBits == signBit;
    nanIsAllOnes = hasNaN && !hasInf && !nanIsNegativeZero;
    if (nanIsAllOnes)
      nanBits = signBit - 1;
    infBits =
        hasInf ? llvm::APFloat::getInf(sem).bitcastToAPInt().getZExtValue() : 0;
    llvm::APFloat max = llvm::APFloat::getLargest(sem);
    largestBits = max.bitcastToAPInt().getZExtValue();
    largest = max.convertToFloat();
  }
};

struct Emitter {
  ImplicitLocOpBuilder &b;
  Value i32(int64_t v) {
    return arith::ConstantOp::create(b, b.getI32IntegerAttr(int32_t(v)));
  }
  Value f32(float v) {
    return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
  }
  Value shl(Value x, int64_t n) { return arith::ShLIOp::create(b, x, i32(n)); }
  Value shr(Value x, int64_t n) { return arith::ShRUIOp::create(b, x, i32(n)); }
  Value andi(Value x, int64_t m) { return arith::AndIOp::create(b, x, i32(m)); }
  Value ori(Value x, Value y) { return arith::OrIOp::create(b, x, y); }
  Value addi(Value x, int64_t v) { return arith::AddIOp::create(b, x, i32(v)); }
  Value select(Value c, Value t, Value f) {
    return arith::SelectOp::create(b, c, t, f);
  }
  Value eqi(Value x, int64_t v) {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::eq, x, i32(v));
  }
  Value bitsOf(Value f) {
    return arith::BitcastOp::create(b, b.getI32Type(), f);
  }
  Value floatOf(Value i) {
    return arith::BitcastOp::create(b, b.getF32Type(), i);
  }
  /// 2^e as f32 (normal exponents only).
  float pow2(int e) { return std::ldexp(1.0f, e); }

  /// f32 -> the format's bit pattern in an i32 (see the pass description).
  Value encode(Value x, const Format &f) {
    unsigned m = f.mantissaBits;
    Value bits = bitsOf(x);
    Value sign = shr(andi(bits, 0x80000000), 32 - f.width);
    Value absBits = andi(bits, 0x7fffffff);
    Value a = floatOf(absBits);
    Value isNaN = arith::CmpFOp::create(b, arith::CmpFPredicate::UNO, a, a);
    // Round to a multiple of the format's spacing at a's exponent with the
    // FPU's round-to-nearest-even: (a + c) - c, where c = 2^(e - m + 23)
    // has an ulp of exactly that spacing and exceeds a.
    Value e = addi(shr(absBits, 23), -127);
    e = arith::MaxSIOp::create(b, e, i32(f.minExponent));
    e = arith::MinSIOp::create(b, e, i32(f.maxExponent + 1));
    Value c = floatOf(shl(addi(e, 127 + 23 - int64_t(m)), 23));
    Value r = arith::SubFOp::create(b, arith::AddFOp::create(b, a, c), c);
    Value overflow =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, r, f32(f.largest));
    // Encode r: subnormals count spacings, normals rebias the exponent.
    Value isSubnormal = arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, r,
                                              f32(pow2(f.minExponent)));
    Value subField = arith::FPToUIOp::create(
        b, b.getI32Type(),
        arith::MulFOp::create(b, r, f32(pow2(int(m) - f.minExponent))));
    Value normField =
        addi(shr(bitsOf(r), 23 - m), -((int64_t(127 - f.bias)) << m));
    Value field = select(isSubnormal, subField, normField);
    uint32_t overflowBits =
        f.hasInf ? f.infBits : (f.hasNaN ? f.nanBits : f.largestBits);
    field = select(overflow, i32(overflowBits), field);
    Value result = ori(field, sign);
    if (f.nanIsNegativeZero)
      // No negative zero: -0 is the NaN pattern.
      result = select(eqi(field, 0), i32(0), result);
    Value nan;
    if (!f.hasNaN)
      nan = sign; // NaN has no encoding: a zero of its sign
    else if (f.nanIsNegativeZero)
      nan = i32(f.nanBits);
    else
      nan = ori(i32(f.nanBits), sign);
    return select(isNaN, nan, result);
  }

  /// The format's bit pattern (in an i32) -> f32.
  Value decode(Value bits, const Format &f) {
    unsigned m = f.mantissaBits;
    uint32_t signBit = 1u << (f.width - 1);
    Value field = andi(bits, signBit - 1);
    Value expField = shr(field, m);
    Value mant = andi(field, (1u << m) - 1);
    Value normal =
        floatOf(addi(shl(field, 23 - m), int64_t(127 - f.bias) << 23));
    Value subnormal = arith::MulFOp::create(
        b, arith::UIToFPOp::create(b, b.getF32Type(), mant),
        f32(pow2(f.minExponent - int(m))));
    Value value = select(eqi(expField, 0), subnormal, normal);
    Value nan = f32(std::numeric_limits<float>::quiet_NaN());
    if (f.hasInf) {
      // IEEE-like: the all-ones exponent is infinity or NaN.
      Value top = eqi(expField, (1u << (f.width - 1 - m)) - 1);
      Value special = select(eqi(mant, 0),
                             f32(std::numeric_limits<float>::infinity()), nan);
      value = select(top, special, value);
    } else if (f.nanIsAllOnes) {
      value = select(eqi(field, signBit - 1), nan, value);
    }
    Value negative = arith::CmpIOp::create(b, arith::CmpIPredicate::ne,
                                           andi(bits, signBit), i32(0));
    value = select(negative, arith::NegFOp::create(b, value), value);
    if (f.nanIsNegativeZero)
      value = select(eqi(bits, signBit), nan, value);
    return value;
  }
};

/// `x` as f32 (exact from narrower formats; one rounding from f64).
Value toF32(ImplicitLocOpBuilder &b, Value x) {
  auto type = cast<FloatType>(x.getType());
  if (type.isF32())
    return x;
  if (type.getWidth() > 32)
    return arith::TruncFOp::create(b, b.getF32Type(), x);
  return arith::ExtFOp::create(b, b.getF32Type(), x);
}

/// f32 `x` as `type`.
Value fromF32(ImplicitLocOpBuilder &b, Value x, FloatType type) {
  if (type.isF32())
    return x;
  if (type.getWidth() > 32)
    return arith::ExtFOp::create(b, type, x);
  return arith::TruncFOp::create(b, type, x);
}

struct ExpandSmallFloatsPass
    : fmc::impl::ExpandSmallFloatsPassBase<ExpandSmallFloatsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> worklist;
    getOperation().walk([&](Operation *op) {
      if ((isa<arith::ExtFOp>(op) &&
           isSmallFloat(op->getOperand(0).getType())) ||
          (isa<arith::TruncFOp>(op) &&
           isSmallFloat(op->getResult(0).getType())))
        worklist.push_back(op);
    });
    for (Operation *op : worklist) {
      ImplicitLocOpBuilder b(op->getLoc(), op);
      Emitter emit{b};
      Value in = op->getOperand(0);
      auto from = cast<FloatType>(in.getType());
      auto to = cast<FloatType>(op->getResult(0).getType());
      Value wide;
      if (isSmallFloat(from)) {
        Value bits = arith::ExtUIOp::create(
            b, b.getI32Type(),
            arith::BitcastOp::create(b, b.getIntegerType(from.getWidth()), in));
        wide = emit.decode(bits, Format(from));
      } else {
        wide = toF32(b, in);
      }
      Value result;
      if (isSmallFloat(to)) {
        Value bits = emit.encode(wide, Format(to));
        result = arith::BitcastOp::create(
            b, to,
            arith::TruncIOp::create(b, b.getIntegerType(to.getWidth()), bits));
      } else {
        result = fromF32(b, wide, to);
      }
      op->getResult(0).replaceAllUsesWith(result);
      op->erase();
    }
  }
};

} // namespace
