//===- RaiseNorms.cpp - decomposed norms -> fmc norm ops ------------------===//

#include "passes/Fusion/Matchers.h"
#include "passes/Fusion/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_RAISENORMSPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// The first normalized dim when `mean` is a keepdims mean over the
/// trailing dims [axis, rank); -1 otherwise.
int64_t trailingAxis(ReduceMeanOp mean) {
  ArrayRef<int64_t> axes = mean.getAxes();
  int64_t rank = mean.getType().getRank();
  if (!mean.getKeepdims() || axes.empty() || axes.back() != rank - 1)
    return -1;
  for (auto [i, axis] : llvm::enumerate(axes))
    if (axis != rank - int64_t(axes.size()) + int64_t(i))
      return -1;
  return axes.front();
}

/// The operand squared by `op`: pow(d, 2) or d * d.
Value squaredOperand(Operation *op) {
  if (auto pow = dyn_cast_or_null<PowOp>(op))
    return isScalar(pow.getRhs(), 2.0, 0.0) ? pow.getLhs() : Value();
  if (auto mul = dyn_cast_or_null<MulOp>(op))
    return mul.getLhs() == mul.getRhs() ? mul.getLhs() : Value();
  return {};
}

/// The single user of `v`, if it has exactly one.
/// Raises, anchored at the mean of squares:
///
///   d    = x - mean(x)                      (layer norm; rms norm: d = x)
///   r    = sqrt(mean(d * d or d ** 2) + eps)
///   norm = d / r  |  d * (1 / r)  |  d * reciprocal(r)
///   y    = norm [* scale [+ bias]]
///
/// with the means over the trailing dims [axis, rank) and scale and bias
/// broadcasting to those dims.
struct RaiseNorm : OpRewritePattern<ReduceMeanOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReduceMeanOp var,
                                PatternRewriter &rewriter) const override {
    int64_t axis = trailingAxis(var);
    if (axis < 0)
      return rewriter.notifyMatchFailure(var, "not a trailing keepdims mean");
    Operation *square = var.getInput().getDefiningOp();
    Value d = squaredOperand(square);
    if (!d || !square->hasOneUse())
      return rewriter.notifyMatchFailure(var, "not a mean of squares");
    SmallVector<Location> locs = {square->getLoc(), var.getLoc()};
    // Layer norm when d = x - mean(x) over the same dims.
    Value x = d;
    bool rms = true;
    if (auto sub = d.getDefiningOp<SubOp>()) {
      auto mean = sub.getRhs().getDefiningOp<ReduceMeanOp>();
      if (mean && mean.getInput() == sub.getLhs() && mean->hasOneUse() &&
          mean.getAxes() == var.getAxes() && mean.getKeepdims()) {
        x = sub.getLhs();
        rms = false;
        locs.append({mean.getLoc(), sub.getLoc()});
      }
    }
    auto type = cast<RankedTensorType>(x.getType());
    if (d.getType() != type || !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(var, "the normalized value changes "
                                              "type");
    auto add = dyn_cast_or_null<AddOp>(soleUser(var.getResult()));
    Value epsValue = add ? otherOperand(add, var.getResult()) : Value();
    std::optional<double> eps = scalarConstant(epsValue);
    if (!eps)
      return rewriter.notifyMatchFailure(var, "no constant epsilon");
    auto sqrt = dyn_cast_or_null<SqrtOp>(soleUser(add.getResult()));
    if (!sqrt)
      return rewriter.notifyMatchFailure(var, "no sqrt of the variance");
    locs.append({add.getLoc(), sqrt.getLoc()});
    // d / r, or d times the reciprocal of r.
    Operation *normOp = soleUser(sqrt.getResult());
    Value inverse; // 1 / r, when d is multiplied by it
    if (auto div = dyn_cast_or_null<DivOp>(normOp);
        div && div.getRhs() == sqrt.getResult() && div.getLhs() != d) {
      if (!isScalar(div.getLhs(), 1.0, 0.0))
        return rewriter.notifyMatchFailure(var, "divides something else");
      inverse = div.getResult();
    } else if (auto rec = dyn_cast_or_null<ReciprocalOp>(normOp)) {
      inverse = rec.getResult();
    } else if (!div || div.getLhs() != d) {
      return rewriter.notifyMatchFailure(var, "d is not divided by r");
    }
    if (inverse) {
      locs.push_back(normOp->getLoc());
      normOp = soleUser(inverse);
      if (!isa_and_nonnull<MulOp>(normOp) || otherOperand(normOp, inverse) != d)
        return rewriter.notifyMatchFailure(var, "1 / r does not scale d");
    }
    // Every use of d = x - mean(x) is inside the pattern (x itself may
    // have others).
    if (!rms)
      for (Operation *user : d.getUsers())
        if (user != square && user != normOp)
          return rewriter.notifyMatchFailure(var, "d has other uses");
    Value normalized = normOp->getResult(0);
    if (normalized.getType() != type)
      return rewriter.notifyMatchFailure(var, "the norm broadcasts");
    locs.push_back(normOp->getLoc());
    ArrayRef<int64_t> normalizedShape = type.getShape().drop_front(axis);
    auto isParam = [&](Value v) {
      return v && v.getType() != type &&
             getElementTypeOrSelf(v.getType()) == type.getElementType() &&
             broadcastsTo(cast<RankedTensorType>(v.getType()), normalizedShape);
    };
    // [* scale [+ bias]]
    Operation *last = normOp;
    Value scale, bias;
    if (auto mul = dyn_cast_or_null<MulOp>(soleUser(normalized));
        mul && isParam(otherOperand(mul, normalized)) &&
        mul.getType() == type) {
      scale = otherOperand(mul, normalized);
      last = mul;
      locs.push_back(mul.getLoc());
      if (auto addBias = dyn_cast_or_null<AddOp>(soleUser(mul.getResult()));
          addBias && isParam(otherOperand(addBias, mul.getResult())) &&
          addBias.getType() == type) {
        bias = otherOperand(addBias, mul.getResult());
        last = addBias;
        locs.push_back(addBias.getLoc());
      }
    }
    rewriter.setInsertionPoint(last);
    Location loc = rewriter.getFusedLoc(locs);
    if (!scale) {
      auto onesType =
          RankedTensorType::get(normalizedShape, type.getElementType());
      scale = ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(
              onesType, rewriter.getFloatAttr(type.getElementType(), 1.0)));
    }
    SmallVector<Value> operands = {x, scale};
    if (bias)
      operands.push_back(bias);
    SmallVector<NamedAttribute> attrs = {
        rewriter.getNamedAttr("axis", rewriter.getI64IntegerAttr(axis)),
        rewriter.getNamedAttr("epsilon", rewriter.getF32FloatAttr(*eps))};
    Value y = rms ? RMSNormOp::create(rewriter, loc, type, operands, attrs)
                        .getResult()
                  : LayerNormOp::create(rewriter, loc, type, operands, attrs)
                        .getResult();
    rewriter.replaceOp(last, y);
    return success();
  }
};

/// norm(a + b) -> skip_norm(a, b): the sum stays a result for the residual
/// stream's other users.
template <typename NormOp> struct RaiseSkipNorm : OpRewritePattern<NormOp> {
  using OpRewritePattern<NormOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(NormOp norm,
                                PatternRewriter &rewriter) const override {
    auto add = norm.getInput().template getDefiningOp<AddOp>();
    if (!add)
      return rewriter.notifyMatchFailure(norm, "the input is not a sum");
    Value input = add.getLhs(), skip = add.getRhs();
    if (input.getType() != add.getType())
      std::swap(input, skip);
    if (input.getType() != add.getType())
      return rewriter.notifyMatchFailure(norm, "both addends broadcast");
    // The skip_norm replaces the add where it is, so its other operands
    // must be available there.
    for (Value param : {norm.getScale(), norm.getBias()}) {
      Operation *def = param ? param.getDefiningOp() : nullptr;
      if (def &&
          (def->getBlock() != add->getBlock() || !def->isBeforeInBlock(add)))
        return rewriter.notifyMatchFailure(norm, "scale/bias defined later");
    }
    rewriter.setInsertionPoint(add);
    Location loc = rewriter.getFusedLoc({add.getLoc(), norm.getLoc()});
    SmallVector<Value> operands = {input, skip, norm.getScale()};
    if (norm.getBias())
      operands.push_back(norm.getBias());
    auto fused = SkipNormOp::create(
        rewriter, loc, TypeRange{norm.getType(), add.getType()}, operands,
        {rewriter.getNamedAttr("axis", norm.getAxisAttr()),
         rewriter.getNamedAttr("epsilon", norm.getEpsilonAttr()),
         rewriter.getNamedAttr(
             "rms", rewriter.getBoolAttr(std::is_same_v<NormOp, RMSNormOp>))});
    rewriter.replaceOp(norm, fused.getResult());
    rewriter.replaceOp(add, fused.getSum());
    return success();
  }
};

struct RaiseNormsPass : fmc::impl::RaiseNormsPassBase<RaiseNormsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseNorm>(&getContext(), /*benefit=*/2);
    patterns.add<RaiseSkipNorm<LayerNormOp>, RaiseSkipNorm<RMSNormOp>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
