//===- RaiseRotary.cpp - decomposed rotary embeddings -> fmc.rotary -------===//

#include "passes/Fusion/Matchers.h"
#include "passes/Fusion/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_RAISEROTARYPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// The input of `v` when `v` is a slice of the last dim from `start` every
/// `step`-th element, all other dims whole.
Value lastDimSlice(Value v, int64_t start, int64_t step,
                   SmallVectorImpl<Location> &locs) {
  auto slice = v.getDefiningOp<SliceOp>();
  if (!slice || !slice->hasOneUse())
    return {};
  auto in = cast<RankedTensorType>(slice.getInput().getType());
  auto out = cast<RankedTensorType>(slice.getType());
  int64_t rank = in.getRank();
  for (int64_t d = 0; d + 1 < rank; ++d)
    if (slice.getOffsets()[d] != 0 || slice.getSteps()[d] != 1 ||
        in.getDimSize(d) != out.getDimSize(d))
      return {};
  if (slice.getOffsets()[rank - 1] != start ||
      slice.getSteps()[rank - 1] != step)
    return {};
  locs.push_back(slice.getLoc());
  return slice.getInput();
}

/// The x that `rot` rotates by a quarter turn: concat(-x2, x1) of the halves
/// of the last dim (half-split), or the pairs (-x[2k+1], x[2k]) built as
/// reshape(concat(reshape(-x[1::2]), reshape(x[0::2]))) (interleaved). The
/// slices must cover the whole last dim.
std::optional<std::pair<Value, bool>>
matchQuarterTurn(Value rot, SmallVectorImpl<Location> &locs) {
  auto type = cast<RankedTensorType>(rot.getType());
  if (type.getRank() < 1 || !rot.hasOneUse())
    return std::nullopt;
  int64_t rank = type.getRank(), width = type.getShape().back();
  if (width % 2)
    return std::nullopt;
  // Half-split.
  if (auto concat = rot.getDefiningOp<ConcatOp>();
      concat && concat.getAxis() == rank - 1 &&
      concat.getInputs().size() == 2) {
    auto neg = concat.getInputs()[0].getDefiningOp<NegOp>();
    if (neg && neg->hasOneUse()) {
      SmallVector<Location> inner = {concat.getLoc(), neg.getLoc()};
      Value x2 = lastDimSlice(neg.getInput(), width / 2, 1, inner);
      Value x1 = lastDimSlice(concat.getInputs()[1], 0, 1, inner);
      if (x1 && x1 == x2 && x1.getType() == rot.getType()) {
        locs.append(inner);
        return std::pair(x1, false);
      }
    }
  }
  // Interleaved: [..., D/2, 2] pairs flattened back to [..., D].
  auto flatten = rot.getDefiningOp<ReshapeOp>();
  auto concat =
      flatten ? flatten.getInput().getDefiningOp<ConcatOp>() : ConcatOp();
  if (!concat || !concat->hasOneUse() || concat.getAxis() != rank ||
      concat.getInputs().size() != 2)
    return std::nullopt;
  auto pairsType = cast<RankedTensorType>(concat.getType());
  if (pairsType.getShape().back() != 2)
    return std::nullopt;
  auto unsqueezed = [&](Value v) -> Value {
    auto reshape = v.getDefiningOp<ReshapeOp>();
    return reshape && reshape->hasOneUse() ? reshape.getInput() : Value();
  };
  SmallVector<Location> inner = {flatten.getLoc(), concat.getLoc()};
  Value odd = unsqueezed(concat.getInputs()[0]);
  Value even = unsqueezed(concat.getInputs()[1]);
  auto neg = odd ? odd.getDefiningOp<NegOp>() : NegOp();
  if (!neg || !neg->hasOneUse() || !even)
    return std::nullopt;
  inner.push_back(neg.getLoc());
  Value x2 = lastDimSlice(neg.getInput(), 1, 2, inner);
  Value x1 = lastDimSlice(even, 0, 2, inner);
  if (!x1 || x1 != x2 || x1.getType() != rot.getType())
    return std::nullopt;
  locs.append(inner);
  return std::pair(x1, true);
}

/// x * cos + quarter_turn(x) * sin -> rotary(x, cos, sin), with cos and sin
/// broadcasting to x and as wide as its rows.
struct RaiseRotary : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(add.getType());
    if (type.getRank() < 2 || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(add, "not a float row tensor");
    auto table = [&](Value v) {
      auto t = cast<RankedTensorType>(v.getType());
      return t.getElementType() == type.getElementType() && t.getRank() >= 1 &&
             t.getShape().back() == type.getShape().back() &&
             broadcastsTo(t, type.getShape());
    };
    for (auto [direct, rotated] : {std::pair(add.getLhs(), add.getRhs()),
                                   std::pair(add.getRhs(), add.getLhs())}) {
      auto mulCos = direct.getDefiningOp<MulOp>();
      auto mulSin = rotated.getDefiningOp<MulOp>();
      if (!mulCos || !mulSin || !mulCos->hasOneUse() || !mulSin->hasOneUse())
        continue;
      for (Value rot : {mulSin.getLhs(), mulSin.getRhs()}) {
        SmallVector<Location> locs;
        auto turn = matchQuarterTurn(rot, locs);
        if (!turn)
          continue;
        auto [x, interleaved] = *turn;
        Value sin = otherOperand(mulSin, rot);
        Value cos = otherOperand(mulCos, x);
        if (!cos || !table(cos) || !table(sin) || x.getType() != type)
          continue;
        locs.append({mulCos.getLoc(), mulSin.getLoc(), add.getLoc()});
        rewriter.replaceOp(
            add, RotaryOp::create(rewriter, rewriter.getFusedLoc(locs), type, x,
                                  cos, sin, rewriter.getBoolAttr(interleaved)));
        return success();
      }
    }
    return rewriter.notifyMatchFailure(add, "not x * cos + rot(x) * sin");
  }
};

struct RaiseRotaryPass : fmc::impl::RaiseRotaryPassBase<RaiseRotaryPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseRotary>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
