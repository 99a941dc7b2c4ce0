//===- RaiseActivations.cpp - decomposed GELU/SiLU -> fmc ops -------------===//

#include "passes/Fusion/Matchers.h"
#include "passes/Fusion/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <variant>

namespace mlir::fmc {
#define GEN_PASS_DEF_RAISEACTIVATIONSPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

constexpr double kSqrt2 = 1.4142135623730951;
constexpr double kSqrt2OverPi = 0.7978845608028654;
constexpr double kTanhCubic = 0.044715;

/// `leaves` is the multiset {expected...}, comparing constants by value.
bool sameFactors(ArrayRef<Value> leaves,
                 ArrayRef<std::variant<Value, double>> expected) {
  if (leaves.size() != expected.size())
    return false;
  SmallVector<bool> used(leaves.size(), false);
  for (const auto &want : expected) {
    bool found = false;
    for (auto [i, leaf] : llvm::enumerate(leaves)) {
      if (used[i])
        continue;
      bool match = std::holds_alternative<Value>(want)
                       ? leaf == std::get<Value>(want)
                       : isScalar(leaf, std::get<double>(want));
      if (match) {
        used[i] = found = true;
        break;
      }
    }
    if (!found)
      return false;
  }
  return true;
}

/// The product x * 0.5 * (1 + inner) that both GELU forms end in, starting
/// from `onePlus` = 1 + inner: the highest mul of a single-use chain above it
/// (at most two levels) whose factors are exactly {x, 0.5, onePlus}.
Operation *geluProduct(Value onePlus, Value x,
                       SmallVectorImpl<Location> &locs) {
  SmallVector<Operation *> chain;
  Operation *user = soleUser(onePlus);
  while (isa_and_nonnull<MulOp>(user) && chain.size() < 2) {
    chain.push_back(user);
    user = soleUser(user->getResult(0));
  }
  for (Operation *root : llvm::reverse(chain)) {
    SmallVector<Value> leaves;
    SmallVector<Operation *> muls;
    collectFactors(root->getResult(0), 2, leaves, muls);
    if (root->getResult(0).getType() == x.getType() &&
        sameFactors(leaves, {x, 0.5, onePlus})) {
      for (Operation *mul : muls)
        locs.push_back(mul->getLoc());
      return root;
    }
  }
  return nullptr;
}

/// 1 + v, when v's single user adds the constant 1.
AddOp addOne(Value v) {
  auto add = dyn_cast_or_null<AddOp>(soleUser(v));
  return add && isScalar(otherOperand(add, v), 1.0, 0.0) &&
                 add.getType() == v.getType()
             ? add
             : AddOp();
}

/// Both GELU forms end alike: 1 + inner, the product x * 0.5 * (1 + inner),
/// replaced by one fmc.gelu.
LogicalResult finishGelu(PatternRewriter &rewriter, Operation *anchor,
                         Value inner, Value x, StringRef approximate,
                         SmallVectorImpl<Location> &locs) {
  AddOp onePlus = addOne(inner);
  if (!onePlus)
    return rewriter.notifyMatchFailure(anchor, "no 1 + erf/tanh");
  locs.push_back(onePlus.getLoc());
  Operation *root = geluProduct(onePlus.getResult(), x, locs);
  if (!root)
    return rewriter.notifyMatchFailure(anchor, "not x * 0.5 * (1 + ...)");
  rewriter.setInsertionPoint(root);
  rewriter.replaceOp(root,
                     GeluOp::create(rewriter, rewriter.getFusedLoc(locs), x,
                                    rewriter.getStringAttr(approximate)));
  return success();
}

/// x * 0.5 * (1 + erf(x / sqrt(2) | x * (1 / sqrt(2)))) -> gelu(x).
struct RaiseErfGelu : OpRewritePattern<ErfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ErfOp erf,
                                PatternRewriter &rewriter) const override {
    Operation *scaled = erf.getInput().getDefiningOp();
    Value x;
    if (auto div = dyn_cast_or_null<DivOp>(scaled);
        div && isScalar(div.getRhs(), kSqrt2))
      x = div.getLhs();
    else if (auto mul = dyn_cast_or_null<MulOp>(scaled)) {
      for (Value operand : {mul.getLhs(), mul.getRhs()})
        if (isScalar(operand, 1.0 / kSqrt2))
          x = otherOperand(mul, operand);
    }
    if (!x || !scaled->hasOneUse() || x.getType() != erf.getType())
      return rewriter.notifyMatchFailure(erf, "erf of something but x/sqrt2");
    SmallVector<Location> locs = {scaled->getLoc(), erf.getLoc()};
    return finishGelu(rewriter, erf, erf.getResult(), x, "none", locs);
  }
};

/// x * 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))) -> gelu(x,
/// tanh), with x^3 as pow(x, 3) or a product of three x.
struct RaiseTanhGelu : OpRewritePattern<TanhOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TanhOp tanh,
                                PatternRewriter &rewriter) const override {
    auto outer = tanh.getInput().getDefiningOp<MulOp>();
    if (!outer || !outer->hasOneUse())
      return rewriter.notifyMatchFailure(tanh, "tanh of something but c * p");
    SmallVector<Location> locs = {outer.getLoc(), tanh.getLoc()};
    Value poly;
    for (Value operand : {outer.getLhs(), outer.getRhs()})
      if (isScalar(operand, kSqrt2OverPi))
        poly = otherOperand(outer, operand);
    auto sum = poly ? poly.getDefiningOp<AddOp>() : AddOp();
    if (!sum || !sum->hasOneUse())
      return rewriter.notifyMatchFailure(tanh, "no sqrt(2/pi) * (x + ...)");
    locs.push_back(sum.getLoc());
    Value x;
    for (auto [candidate, cubic] : {std::pair(sum.getLhs(), sum.getRhs()),
                                    std::pair(sum.getRhs(), sum.getLhs())}) {
      if (!cubic.getDefiningOp<MulOp>() || !cubic.hasOneUse())
        continue;
      SmallVector<Value> leaves;
      SmallVector<Operation *> muls;
      collectFactors(cubic, 3, leaves, muls);
      bool viaPow = false;
      if (leaves.size() == 2) {
        for (Value leaf : leaves)
          if (auto pow = leaf.getDefiningOp<PowOp>();
              pow && pow.getLhs() == candidate && pow->hasOneUse() &&
              isScalar(pow.getRhs(), 3.0, 0.0)) {
            viaPow = sameFactors(leaves, {leaf, kTanhCubic});
            if (viaPow)
              locs.push_back(pow.getLoc());
          }
      }
      if (viaPow ||
          sameFactors(leaves, {candidate, candidate, candidate, kTanhCubic})) {
        x = candidate;
        for (Operation *mul : muls)
          locs.push_back(mul->getLoc());
        break;
      }
    }
    if (!x || x.getType() != tanh.getType())
      return rewriter.notifyMatchFailure(tanh, "not x + 0.044715 x^3");
    return finishGelu(rewriter, tanh, tanh.getResult(), x, "tanh", locs);
  }
};

/// x * sigmoid(x) -> silu(x).
struct RaiseSilu : OpRewritePattern<SigmoidOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SigmoidOp sigmoid,
                                PatternRewriter &rewriter) const override {
    Value x = sigmoid.getInput();
    auto mul = dyn_cast_or_null<MulOp>(soleUser(sigmoid.getResult()));
    if (!mul || otherOperand(mul, sigmoid.getResult()) != x ||
        mul.getType() != x.getType())
      return rewriter.notifyMatchFailure(sigmoid, "not x * sigmoid(x)");
    rewriter.setInsertionPoint(mul);
    rewriter.replaceOp(
        mul, SiluOp::create(
                 rewriter,
                 rewriter.getFusedLoc({sigmoid.getLoc(), mul.getLoc()}), x));
    return success();
  }
};

struct RaiseActivationsPass
    : fmc::impl::RaiseActivationsPassBase<RaiseActivationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseErfGelu, RaiseTanhGelu, RaiseSilu>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
